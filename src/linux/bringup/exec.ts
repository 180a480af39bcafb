// Building a process image the way Linux's binfmt_elf does for a static PowerPC executable:
// map the PT_LOAD segments, set the program break after them, build the initial stack
// (argc, argv, envp, auxv, AT_RANDOM bytes, strings) and the entry registers (ELFv1 function
// descriptor, ELFv2 r12, ppc32).

import { parseElf, segmentImage, ElfError, PType, PFlag, EM_PPC, EM_PPC64, ET_EXEC, ET_DYN, type ElfImage } from "../../machine/elf.js";
import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { S } from "../../machine/power/state.js";
import { lo32, hi32 } from "../../kernel/mem/va.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Space } from "../../kernel/mem/space.js";
import { hwcaps } from "./hwcap.js";

export const enum At {
  NULL = 0, PHDR = 3, PHENT = 4, PHNUM = 5, PAGESZ = 6, BASE = 7, FLAGS = 8, ENTRY = 9,
  UID = 11, EUID = 12, GID = 13, EGID = 14, HWCAP = 16, CLKTCK = 17, SECURE = 23,
  IGNOREPPC = 22, RANDOM = 25, HWCAP2 = 26, EXECFN = 31,
  DCACHEBSIZE = 19, ICACHEBSIZE = 20, UCACHEBSIZE = 21,
}

export interface ProcessImage {
  elf: ElfImage;
  is64: boolean;
  le: boolean;
  /** Program break (start and current). */
  brkStart: number;
  brk: number;
  /** Lowest address used by the stack region (mmap allocations stay below it). */
  stackBottom: number;
  entry: number;
}

const STACK_SIZE = 8 << 20;

export function stackTop(is64: boolean): number {
  return is64 ? 0x7ffffff00000 : 0x7fff0000;
}

const pageDown = (a: number): number => a - (a % PAGE_SIZE);
const pageUp = (a: number): number => pageDown(a + PAGE_SIZE - 1);

/** Validate that an ELF is a static PowerPC executable we can run; throws ElfError. */
export function checkExecutable(bytes: Uint8Array): ElfImage {
  const elf = parseElf(bytes);
  if (elf.machine !== EM_PPC64 && elf.machine !== EM_PPC) throw new ElfError(`not a PowerPC executable (e_machine ${elf.machine})`);
  if ((elf.machine === EM_PPC64) !== elf.is64) throw new ElfError("ELF class does not match e_machine");
  if (elf.machine === EM_PPC && elf.littleEndian) throw new ElfError("little-endian 32-bit PowerPC is not supported");
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) throw new ElfError(`not an executable (e_type ${elf.type})`);
  if (elf.phdrs.some((p) => p.type === PType.Interp)) {
    throw new ElfError("dynamically linked executables need the Linux personality (not yet built); link with -static");
  }
  if (!elf.phdrs.some((p) => p.type === PType.Load)) throw new ElfError("no loadable segments");
  return elf;
}

/** Map an executable into `as` and prepare `cpu` to enter it. */
export function loadExecutable(
  as: Space, cpu: Cpu, bytes: Uint8Array, argv: string[], envp: string[], execfn: string,
  random: (b: Uint8Array) => Uint8Array,
): ProcessImage {
  const elf = checkExecutable(bytes);
  const is64 = elf.is64, le = elf.littleEndian;
  // Static PIE: Linux loads ET_DYN at a base of its choosing; use a fixed one.
  const bias = elf.type === ET_DYN ? (is64 ? 0x40000000 : 0x10000000) : 0;
  let end = 0;
  let phdrAddr = 0;
  // Protection per page: segments sharing a page get the union of theirs (as the kernel's
  // mmap would); runs of pages with one protection become one region each.
  const pageProt = new Map<number, number>();
  for (const ph of elf.phdrs) {
    if (ph.type === PType.Phdr) phdrAddr = ph.vaddr + bias;
    if (ph.type !== PType.Load || ph.memsz === 0) continue;
    const prot = ((ph.flags & PFlag.R) !== 0 ? Pte.Read : 0) | ((ph.flags & PFlag.W) !== 0 ? Pte.Write : 0) | ((ph.flags & PFlag.X) !== 0 ? Pte.Exec : 0);
    const va = ph.vaddr + bias;
    for (let a = pageDown(va); a < pageUp(va + ph.memsz); a += PAGE_SIZE) pageProt.set(a, prot | (pageProt.get(a) ?? 0));
    end = Math.max(end, pageUp(va + ph.memsz));
    if (phdrAddr === 0 && ph.offset === 0) phdrAddr = va + elf.phoff;
  }
  const pages = [...pageProt.keys()].sort((x, y) => x - y);
  for (let i = 0; i < pages.length;) {
    let j = i + 1;
    const prot = pageProt.get(pages[i]) as number;
    while (j < pages.length && pages[j] === pages[j - 1] + PAGE_SIZE && pageProt.get(pages[j]) === prot) j++;
    as.mapFresh(pages[i], pages[j - 1] + PAGE_SIZE, { prot, kind: RegionKind.Image, flags: 0 });
    i = j;
  }
  for (const ph of elf.phdrs) {
    if (ph.type !== PType.Load || ph.memsz === 0) continue;
    const seg = segmentImage(elf, ph, PAGE_SIZE);
    as.poke(seg.va, seg.bytes);
    if (seg.zeroTo > seg.zeroFrom) as.poke(seg.zeroFrom, new Uint8Array(seg.zeroTo - seg.zeroFrom));
  }
  const top = stackTop(is64);
  as.mapFresh(top - STACK_SIZE, top, { prot: Pte.Read | Pte.Write, kind: RegionKind.Stack, flags: 0 });
  cpu.setMode(is64, le);

  // --- initial stack ---
  const word = is64 ? 8 : 4;
  const enc = new TextEncoder();
  let sp = top;
  const pushBytes = (b: Uint8Array): number => {
    sp -= b.length;
    as.poke(sp, b);
    return sp;
  };
  const cstr = (s: string): Uint8Array => {
    const e = enc.encode(s);
    const b = new Uint8Array(e.length + 1);
    b.set(e);
    return b;
  };
  const execfnAddr = pushBytes(cstr(execfn));
  const envAddrs = envp.map((e) => pushBytes(cstr(e)));
  const argAddrs = argv.map((a) => pushBytes(cstr(a)));
  sp -= sp % 16;
  const randomAddr = pushBytes(random(new Uint8Array(16)));
  const { hwcap, hwcap2 } = hwcaps(is64);
  // The processor is a POWER8 in both modes: dcbz clears 128 bytes, and glibc's memset trusts
  // AT_DCACHEBSIZE (qemu-ppc's 32-bit CPUs report 32 because their lines are 32 bytes).
  const line = 128;
  const entry0 = elf.entry + bias;
  const aux: [number, number][] = [
    [At.IGNOREPPC, At.IGNOREPPC], [At.IGNOREPPC, At.IGNOREPPC],
    [At.DCACHEBSIZE, line], [At.ICACHEBSIZE, line], [At.UCACHEBSIZE, 0],
    [At.PHDR, phdrAddr], [At.PHENT, elf.phentsize], [At.PHNUM, elf.phnum], [At.PAGESZ, PAGE_SIZE],
    [At.BASE, 0], [At.FLAGS, 0], [At.ENTRY, entry0],
    [At.UID, 0], [At.EUID, 0], [At.GID, 0], [At.EGID, 0],
    [At.HWCAP, hwcap], [At.CLKTCK, 100], [At.RANDOM, randomAddr], [At.SECURE, 0],
    [At.EXECFN, execfnAddr], [At.HWCAP2, hwcap2], [At.NULL, 0],
  ];
  const words: number[] = [argv.length, ...argAddrs, 0, ...envAddrs, 0];
  for (const [k, v] of aux) words.push(k, v);
  sp -= words.length * word;
  sp -= sp % 16;
  const table = new Uint8Array(words.length * word);
  const dv = new DataView(table.buffer);
  words.forEach((v, i) => {
    if (is64) dv.setBigUint64(i * 8, BigInt(v), le);
    else dv.setUint32(i * 4, v >>> 0, le);
  });
  as.poke(sp, table);

  // --- entry registers (Linux start_thread: all zero but these; VSCR has NJ set) ---
  for (let i = 0; i < 32; i++) cpu.setGpr(i, 0, 0);
  cpu.r[S.VSCR] = 0x10000;
  cpu.setGpr(1, lo32(sp), hi32(sp));
  let pc = entry0;
  if (is64 && elf.abiVersion !== 2) {
    // ELFv1: e_entry is a function descriptor {entry, TOC, environment}.
    const d = readWords(as, entry0, 2, le);
    pc = d[0] + bias;
    const toc = d[1] + bias;
    cpu.setGpr(2, lo32(toc), hi32(toc));
  } else if (is64) {
    cpu.setGpr(12, lo32(pc), hi32(pc));
  }
  cpu.setPc(lo32(pc), hi32(pc));
  return { elf, is64, le, brkStart: end, brk: end, stackBottom: top - STACK_SIZE, entry: pc };
}

function readWords(as: Space, va: number, n: number, le: boolean): number[] {
  const b = as.peek(va, n * 8);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return Array.from({ length: n }, (_, i) => Number(dv.getBigUint64(i * 8, le)));
}
