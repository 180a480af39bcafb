// execve's ELF loader (Linux's binfmt_elf), in two phases as Linux has them:
//
//  1. prepareExec: everything checked before the point of no return — the program's headers,
//     its PT_INTERP and the interpreter's headers (read through the caller's `openInterp`),
//     PT_GNU_STACK. Any failure is an ExecError with Linux's errno and a one-line message; the
//     calling process is untouched.
//  2. loadExec: into a fresh address space, the stack, the program (at its addresses, at a
//     randomised base in the ELF_ET_DYN_BASE region for a PIE, in the mmap area for a static
//     PIE or a directly run dynamic linker), the interpreter (in the mmap area; AT_BASE), the
//     program break, the strings, auxv and tables on the stack, and the entry registers.
//
// The layout is randomised from the guest's seeded generator (layout.ts): the same seed gives
// the same addresses.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { S } from "../../machine/power/state.js";
import { lo32, hi32 } from "../../kernel/mem/va.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Space } from "../../kernel/mem/space.js";
import { buildAuxv, BASE_PLATFORM, PLATFORM } from "./auxv.js";
import { E } from "../errno.js";
import { badInterp, ExecError, interpOpenFailed, noexec } from "./error.js";
import { ElfType, interpPath, lowestVaddr, MMAP_MIN_ADDR, PF, PT, readElf, spanOf, taskSize, type ElfFile } from "./elf-file.js";
import { elfEtDynBase, LayoutRandom, maxAlignment, mmapBase, pageUp, pieBias, randomizeBrk, STACK_LIMIT, stackTop } from "./layout.js";
import { mapElf, type MappedElf } from "./segments.js";
import { checkArgs, placeStrings, writeTables } from "./stack.js";

/**
 * How the loader gets the dynamic linker named by PT_INTERP: its contents, or a negated errno
 * (-ENOENT when there is no such file, -EACCES, -ENOTDIR, -ELOOP, -EISDIR ...) from the lookup
 * in the guest's root.
 */
export type OpenInterp = (path: string) => Uint8Array | number;

/** A program that passed every check: what loadExec maps. Immutable. */
export interface ExecPlan {
  readonly program: ElfFile;
  /** The dynamic linker, when the program has PT_INTERP. */
  readonly interp: ElfFile | undefined;
  readonly is64: boolean;
  readonly le: boolean;
  /** ELFv2 (entry is code, r12 = entry) rather than ELFv1 (entry is a function descriptor). */
  readonly elfv2: boolean;
  /** The stack is executable: PT_GNU_STACK with PF_X, or a 32-bit program without PT_GNU_STACK. */
  readonly execStack: boolean;
  /**
   * READ_IMPLIES_EXEC: a 32-bit program without PT_GNU_STACK (old toolchains) gets every
   * readable mapping executable, its segments and later mmaps and mprotects alike.
   */
  readonly readImpliesExec: boolean;
}

/** Phase 1: check the program (at `path`, its execfn) and its interpreter. */
export function prepareExec(bytes: Uint8Array, path: string, openInterp: OpenInterp): ExecPlan {
  const program = readElf(bytes, path, noexec);
  const ipath = interpPath(program, noexec);
  let interp: ElfFile | undefined;
  if (ipath !== undefined) {
    const got = openInterp(ipath);
    if (typeof got === "number") throw interpOpenFailed(ipath, -got);
    interp = readElf(got, ipath, (why) => badInterp(ipath, why));
    checkInterp(program, interp);
  }
  const gnuStack = program.phdrs.find((p) => p.type === PT.GnuStack);
  const is64 = program.is64;
  // powerpc's VM_STACK_DEFAULT_FLAGS and elf_read_implies_exec: without PT_GNU_STACK a 64-bit
  // stack is not executable and a 32-bit one is (and READ_IMPLIES_EXEC applies).
  const execStack = gnuStack !== undefined ? (gnuStack.flags & PF.X) !== 0 : !is64;
  return { program, interp, is64, le: program.le, elfv2: is64 && program.abi === 2, execStack, readImpliesExec: !is64 && gnuStack === undefined };
}

/** The interpreter must be an ELF for the same machine, class, byte order and ABI. */
function checkInterp(program: ElfFile, interp: ElfFile): void {
  const bits = (f: ElfFile): string => (f.is64 ? "64-bit" : "32-bit");
  const order = (f: ElfFile): string => (f.le ? "little-endian" : "big-endian");
  if (interp.is64 !== program.is64) throw badInterp(interp.path, `${bits(interp)}, but the program is ${bits(program)}`);
  if (interp.le !== program.le) throw badInterp(interp.path, `${order(interp)}, but the program is ${order(program)}`);
  if (interp.is64 && (interp.abi === 2) !== (program.abi === 2)) {
    const abi = (f: ElfFile): string => (f.abi === 2 ? "ELFv2" : "ELFv1");
    throw badInterp(interp.path, `${abi(interp)}, but the program is ${abi(program)}`);
  }
  const nested = interpPath(interp, (why) => badInterp(interp.path, why));
  if (nested !== undefined) throw badInterp(interp.path, `it asks for an interpreter itself (${nested})`);
}

export interface ExecArgs {
  argv: readonly string[];
  envp: readonly string[];
  /** The path execve was given (AT_EXECFN), as the program will see it. */
  execfn: string;
  /** The credentials the program runs with (AT_UID, AT_EUID, AT_GID, AT_EGID). */
  cred: { uid: number; euid: number; gid: number; egid: number };
  /** AT_SECURE (a set-id program): false unless the caller says so. */
  secure?: boolean;
  /** The guest's seeded generator (GuestTime.fill): the layout and AT_RANDOM come from it. */
  random: (b: Uint8Array) => Uint8Array;
  /** Address-space layout randomisation (default on; off is personality ADDR_NO_RANDOMIZE). */
  randomize?: boolean;
}

/** The process's memory as the loader left it: what the system calls and /proc need. */
export interface ProcessImage {
  is64: boolean;
  le: boolean;
  /** A 64-bit ELFv2 program (no function descriptors; signal handlers get r12 = their entry). */
  elfv2: boolean;
  /** The program break: where it starts and where it is (brk moves `brk`). */
  brkStart: number;
  brk: number;
  /** The stack region [stackBottom, stackTop) (mmap and brk stay out of it). */
  stackBottom: number;
  stackTop: number;
  /** Top-down mmap placement starts below this (the mmap base, below the dynamic linker). */
  mmapTop: number;
  /** Where the thread starts (after the ELFv1 descriptor, if any). */
  entry: number;
  /** The program's load bias (0 for ET_EXEC) and the interpreter's (AT_BASE; 0 without one). */
  loadBias: number;
  interpBase: number;
  readImpliesExec: boolean;
  execStack: boolean;
  /** The auxv as written on the stack (for /proc/self/auxv), AT_NULL last. */
  auxv: [number, number][];
  /** mm->arg_start .. env_end: the argument and environment strings (for /proc/self/cmdline, environ). */
  argStart: number;
  envEnd: number;
  /** What the loader mapped, lowest first (file path, or undefined for anonymous memory). */
  regions: MappedElf["regions"];
}

/** Both phases: check and load `bytes` (see prepareExec, loadExec). */
export function execProgram(space: Space, cpu: Cpu, bytes: Uint8Array, openInterp: OpenInterp, args: ExecArgs): ProcessImage {
  return loadExec(space, cpu, prepareExec(bytes, args.execfn, openInterp), args);
}

/** Phase 2: build the process image of `plan` in `space` (fresh) and set `cpu` to enter it. */
export function loadExec(space: Space, cpu: Cpu, plan: ExecPlan, args: ExecArgs): ProcessImage {
  const { program, interp, is64, le } = plan;
  checkArgs(args, is64);
  const r = new LayoutRandom(args.randomize === false ? undefined : args.random);
  const base = mmapBase(r, is64);
  const top = stackTop(r, is64);
  space.mapFresh(top - STACK_LIMIT, top, { prot: Pte.Read | Pte.Write | (plan.execStack ? Pte.Exec : 0), kind: RegionKind.Stack, flags: 0 });
  let mmapTop = base;
  const topDown = (f: ElfFile): number => {
    // An ET_DYN mapped without MAP_FIXED: at its own addresses if they are free (a non-zero
    // first address is a hint), else the highest free range below the previous one.
    const size = pageUp(spanOf(f.loads));
    const hint = lowestVaddr(f.loads) - (lowestVaddr(f.loads) % PAGE_SIZE);
    if (hint >= MMAP_MIN_ADDR && hint + size <= taskSize(is64) && space.isFree(hint, hint + size)) return 0;
    const at = findBelow(space, mmapTop, size);
    mmapTop = at;
    return at - hint;
  };
  let bias = 0;
  if (program.type === ElfType.Dyn) {
    const first = program.phdrs.find((p) => p.type === PT.Load)?.vaddr ?? 0;
    bias = interp !== undefined ? pieBias(r, is64, maxAlignment(program.loads.map((p) => p.align)), first) : topDown(program);
  }
  const prog = mapElf(space, program, bias, plan.readImpliesExec);
  let brk = pageUp(prog.brk);
  let interpMapped: MappedElf | undefined;
  if (interp !== undefined) interpMapped = mapElf(space, interp, interp.type === ElfType.Dyn ? topDown(interp) : 0, plan.readImpliesExec);
  if (r.enabled) {
    // A directly run loader (ET_DYN without PT_INTERP) sits in the mmap area: its heap goes to
    // the unused ELF_ET_DYN_BASE region instead, where it has room to grow.
    if (program.type === ElfType.Dyn && interp === undefined) brk = elfEtDynBase(is64);
    brk = randomizeBrk(r, is64, brk);
  }
  const strings = { argv: args.argv, envp: args.envp, execfn: args.execfn, platform: PLATFORM, basePlatform: BASE_PLATFORM };
  const { at, p } = placeStrings(space, r, top, strings, () => args.random(new Uint8Array(16)));
  const entry = interpMapped?.entry ?? prog.entry;
  const auxv = buildAuxv({
    is64, phdr: prog.phdr, phent: is64 ? 56 : 32, phnum: program.phnum, base: interpMapped?.bias ?? 0, entry: prog.entry,
    uid: args.cred.uid, euid: args.cred.euid, gid: args.cred.gid, egid: args.cred.egid, secure: args.secure === true,
    random: at.random, execfn: at.execfn, platform: at.platform, basePlatform: at.basePlatform,
  });
  const sp = writeTables(space, is64, le, p, at, strings, auxv);
  const pc = startThread(space, cpu, plan, entry, interpMapped?.bias ?? bias, sp);
  return {
    is64, le, elfv2: plan.elfv2, brkStart: brk, brk, stackBottom: top - STACK_LIMIT, stackTop: top, mmapTop, entry: pc,
    loadBias: bias, interpBase: interpMapped?.bias ?? 0, readImpliesExec: plan.readImpliesExec, execStack: plan.execStack,
    auxv, argStart: at.argStart, envEnd: at.envEnd,
    regions: [...prog.regions, ...(interpMapped?.regions ?? [])].sort((x, y) => x.start - y.start),
  };
}

/** The highest free page-aligned range of `size` bytes ending at or below `below`. */
function findBelow(space: Space, below: number, size: number): number {
  let start = below - size;
  const ranges = space.ranges();
  for (;;) {
    const hit = ranges.find((g) => g.end > start && g.start < start + size);
    if (hit === undefined) break;
    start = hit.start - size;
  }
  if (start < MMAP_MIN_ADDR) throw new ExecError(E.ENOMEM, `no room for ${size} bytes in the address space`);
  return start;
}

/**
 * start_thread: every register zero (GPRs, LR, CTR, CR, XER, the FP, VMX and VSX state, no
 * reservation) but r1 = sp; ELFv2: pc = r12 = entry; ELFv1: pc and r2 from the function
 * descriptor at the entry, relocated by the entered file's load bias; VSCR with NJ (non-Java)
 * set. Returns the pc.
 */
function startThread(space: Space, cpu: Cpu, plan: ExecPlan, entry: number, relocBias: number, sp: number): number {
  cpu.r.fill(0, S.GPR, S.PC); // GPRs, VSRs, LR, CTR
  cpu.r.fill(0, S.TAR, S.DSCR); // TAR, CR, XER, FPSCR, VSCR, VRSAVE
  cpu.r.fill(0, S.RESV_ADDR, S.RESV_VAL2 + 2);
  cpu.r[S.XER_HI] = 0;
  cpu.r[S.VRSAVE_HI] = 0;
  cpu.setMode(plan.is64, plan.le);
  cpu.r[S.VSCR] = 0x10000;
  cpu.setGpr(1, lo32(sp), hi32(sp));
  let pc = entry;
  if (plan.is64 && !plan.elfv2) {
    // A descriptor outside the image: the thread starts at 0 and faults at once (Linux's
    // __get_user fails, and the process dies with SIGSEGV the same way).
    const held = entry + 16 <= taskSize(true) && space.covered(entry, entry + 16);
    const d = held ? readWords(space, entry, plan.le) : [0, 0];
    pc = held ? d[0] + relocBias : 0;
    const toc = held ? d[1] + relocBias : 0;
    cpu.setGpr(2, lo32(toc), hi32(toc));
  } else if (plan.is64) {
    cpu.setGpr(12, lo32(pc), hi32(pc));
  }
  cpu.setPc(lo32(pc), hi32(pc));
  return pc;
}

function readWords(space: Space, va: number, le: boolean): [number, number] {
  const b = space.peek(va, 16);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  // Addresses beyond the 48-bit space cannot be mapped: keep them out of range, exactly.
  const w = (o: number): number => Number(dv.getBigUint64(o, le) & 0xffffffffffffn);
  return [w(0), w(8)];
}
