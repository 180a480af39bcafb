// The ELF loader against qemu-user and against Linux 6.1: what a new process finds (auxv, the
// initial stack, the entry registers) for static and static-PIE programs of the three targets;
// the dynamic linkers run directly as programs; a dynamic program's interpreter mapped at AT_BASE
// and entered, run up to its search for libc; the randomised layout, stable for one seed.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { qemuCommand, type Target } from "../../machine/power/difftest/harness.js";
import { Major, Linux } from "../../kernel/trace/events.js";
import { Pte } from "../../machine/pagetable.js";
import type { TraceEvent } from "../../kernel/trace/drain.js";
import { runProgram, type RunOptions } from "../process.js";
import { GuestTime } from "../process/guest-time.js";
import { hwcaps } from "../process/hwcap.js";
import { E } from "../errno.js";
import { buildGuest, repoPath, runQemu } from "../testing/cross.js";
import { freshProcess, gpr, pc } from "../testing/fresh-process.js";
import { At } from "./auxv.js";
import { PT, readElf, spanOf, type ElfFile } from "./elf-file.js";
import { noexec } from "./error.js";
import { elfEtDynBase, pageUp } from "./layout.js";
import { execProgram, type OpenInterp, type ProcessImage } from "./load.js";

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];
const SYSROOT: Record<Target, string> = { ppc64: "/usr/powerpc64-linux-gnu", ppc64le: "/usr/powerpc64le-linux-gnu", ppc32: "/usr/powerpc-linux-gnu" };
/** The PT_INTERP strings of the cross toolchains' dynamic programs. */
const INTERP: Record<Target, string> = { ppc64: "/lib64/ld64.so.1", ppc64le: "/lib64/ld64.so.2", ppc32: "/lib/ld.so.1" };
const is64 = (t: Target): boolean => t !== "ppc32";

/** The cross sysroot as the guest's root; Debian's cross packages keep the interpreters in lib/. */
function sysrootInterp(t: Target): OpenInterp {
  return (path) => {
    for (const p of [SYSROOT[t] + path, join(SYSROOT[t], "lib", basename(path))]) if (existsSync(p)) return new Uint8Array(readFileSync(p));
    return -E.ENOENT;
  };
}

const ldso = (t: Target): string => join(SYSROOT[t], "lib", basename(INTERP[t]));

function runK42(exe: string, args: string[], extra: Partial<RunOptions> = {}): { stdout: string; stderr: string; code: number; error?: string } {
  const out: Buffer[] = [], err: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: [`PATH=${process.env.PATH ?? ""}`, "A=1"], exePath: exe, seed: 42, memBytes: 128 << 20,
    uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0,
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)), ...extra,
  });
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code: r.exitCode, ...(r.error !== undefined ? { error: r.error } : {}) };
}

const FREESTANDING = ["-O2", "-nostdlib", "-ffreestanding", "-fno-stack-protector", "-fno-jump-tables", "-fno-builtin"];

/** guest/exec/auxv.c linked as an ET_EXEC or as a static PIE. */
function auxvProgram(t: Target, pie: boolean): string {
  return buildGuest(t, "exec/auxv.c", [...FREESTANDING, ...(pie ? ["-static-pie", "-fPIE"] : ["-static", "-fno-PIE", "-no-pie"])], pie ? "auxv-pie" : "auxv");
}

/** The program's output: auxv entries in order, and the other lines (args, layout, registers). */
function parse(out: string): { auxv: [string, string][]; rest: string[] } {
  const lines = out.trimEnd().split("\n");
  assert.equal(lines[0], "auxv:", out);
  const end = lines.indexOf(lines.find((l) => l.startsWith("args:")) ?? "");
  const auxv = lines.slice(1, end).map((l): [string, string] => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]);
  return { auxv, rest: lines.slice(end) };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Linux 6.1's auxv for powerpc, in its order (create_elf_tables, ARCH_DLINFO first; no vDSO). */
const LINUX_ORDER = [
  "AT_IGNOREPPC", "AT_IGNOREPPC", "AT_DCACHEBSIZE", "AT_ICACHEBSIZE", "AT_UCACHEBSIZE",
  "AT_L1I_CACHESIZE", "AT_L1I_CACHEGEOMETRY", "AT_L1D_CACHESIZE", "AT_L1D_CACHEGEOMETRY",
  "AT_L2_CACHESIZE", "AT_L2_CACHEGEOMETRY", "AT_L3_CACHESIZE", "AT_L3_CACHEGEOMETRY", "AT_MINSIGSTKSZ",
  "AT_HWCAP", "AT_PAGESZ", "AT_CLKTCK", "AT_PHDR", "AT_PHENT", "AT_PHNUM", "AT_BASE", "AT_FLAGS",
  "AT_ENTRY", "AT_UID", "AT_EUID", "AT_GID", "AT_EGID", "AT_SECURE", "AT_RANDOM", "AT_HWCAP2",
  "AT_EXECFN", "AT_PLATFORM", "AT_BASE_PLATFORM",
];

/**
 * What qemu 7.2 does not give and Linux 6.1 on a POWER8 does: the cache geometry (32 KiB L1i,
 * 64 KiB L1d, 512 KiB L2, 8 MiB L3, 128-byte lines, 8-way), AT_MINSIGSTKSZ (the signal frame
 * with room for the transactional context) and the platform strings.
 */
const linuxOnly = (t: Target): Record<string, string> => ({
  AT_L1I_CACHESIZE: "0x8000", AT_L1I_CACHEGEOMETRY: "0x80080", AT_L1D_CACHESIZE: "0x10000", AT_L1D_CACHEGEOMETRY: "0x80080",
  AT_L2_CACHESIZE: "0x80000", AT_L2_CACHEGEOMETRY: "0x80080", AT_L3_CACHESIZE: "0x800000", AT_L3_CACHEGEOMETRY: "0x80080",
  AT_MINSIGSTKSZ: is64(t) ? "0x1080" : "0xcf0", AT_PLATFORM: '"power8"', AT_BASE_PLATFORM: '"power8"',
});

/**
 * Where qemu is not the oracle: AT_HWCAP is the processor as k42 implements it (hwcap.ts: no
 * DFP, which qemu's power8 advertises); a 32-bit process runs on the same POWER8, whose
 * cache blocks are 128 bytes (qemu's 7400 model has 32-byte lines).
 */
function linuxValue(t: Target, name: string): string | undefined {
  if (name === "AT_HWCAP") return hex(hwcaps(is64(t)).hwcap);
  if (name === "AT_HWCAP2") return hex(hwcaps(is64(t)).hwcap2);
  if (!is64(t) && (name === "AT_DCACHEBSIZE" || name === "AT_ICACHEBSIZE")) return "0x80";
  return undefined;
}

for (const t of TARGETS) {
  for (const pie of [false, true]) {
    test(`a ${pie ? "static PIE" : "static program"} finds the auxv, stack and registers of Linux 6.1 (${t})`, () => {
      const exe = auxvProgram(t, pie);
      const args = ["one", "two words", ""];
      const q = runQemu(t, exe, args, { A: "1" });
      assert.equal(q.status, 0, `qemu: ${q.stdout.toString()}`);
      const k = runK42(exe, args);
      assert.equal(k.code, 0, `${k.stderr} ${k.error ?? ""}`);
      const qa = parse(q.stdout.toString()), ka = parse(k.stdout);
      assert.deepEqual(ka.auxv.map(([n]) => n), LINUX_ORDER, "Linux's entries in Linux's order");
      const kv = new Map(ka.auxv), qv = new Map(qa.auxv);
      for (const [name, v] of qv) {
        assert.equal(kv.get(name), linuxValue(t, name) ?? v, `${name}: qemu says ${v}`);
      }
      for (const [name, v] of Object.entries(linuxOnly(t))) assert.equal(kv.get(name), v, name);
      assert.equal(kv.get("AT_BASE"), "0", "no interpreter");
      assert.equal(kv.get("AT_PHDR"), "=ehdr+e_phoff");
      assert.equal(kv.get("AT_ENTRY"), "=_start");
      // The rest (argv, the stack layout, the registers) as qemu; Linux also places the
      // platform strings, between the random bytes and the argument strings.
      const platformLine = "platform strings between the random bytes and the strings yes";
      assert.ok(ka.rest.includes(platformLine), k.stdout);
      assert.deepEqual(ka.rest.filter((l) => l !== platformLine), qa.rest);
      assert.ok(ka.rest.every((l) => !l.endsWith(" no")), k.stdout);
      assert.ok(ka.rest.includes(t === "ppc64" ? "r2 =toc" : t === "ppc64le" ? "r12 =entry" : "registers:"), "the entry registers");
    });
  }
}

for (const t of TARGETS) {
  test(`the dynamic linker runs as a program: ${basename(INTERP[t])} --version as under qemu (${t})`, () => {
    const q = runQemu(t, ldso(t), ["--version"]);
    const k = runK42(ldso(t), ["--version"]);
    assert.equal(k.error, undefined);
    assert.match(k.stdout, /^ld\.so \(Debian GLIBC/);
    assert.equal(k.stdout, q.stdout.toString());
    assert.equal(k.code, q.status);
  });
}

/** The file offset holding virtual address `va` of `f` (its PT_LOAD's file part). */
function fileOffset(f: ElfFile, va: number): number {
  const l = f.loads.find((p) => va >= p.vaddr && va < p.vaddr + p.filesz);
  assert.ok(l !== undefined, `0x${va.toString(16)} is in the file`);
  return va - l.vaddr + l.offset;
}

/** The words argc, argv, envp and the auxv at sp, as the process reads them. */
function readStack(space: { peek(va: number, len: number): Uint8Array }, sp: number, wide: boolean, le: boolean): { argc: number; auxv: [number, number][] } {
  const w = wide ? 8 : 4;
  const word = (i: number): number => {
    const b = space.peek(sp + i * w, w);
    const dv = new DataView(b.buffer, b.byteOffset, w);
    return wide ? Number(dv.getBigUint64(0, le)) : dv.getUint32(0, le);
  };
  const argc = word(0);
  let i = 1 + argc + 1;
  while (word(i) !== 0) i++;
  i++;
  const auxv: [number, number][] = [];
  for (;;) {
    const pair: [number, number] = [word(i), word(i + 1)];
    auxv.push(pair);
    i += 2;
    if (pair[0] === At.NULL) return { argc, auxv };
  }
}

for (const t of TARGETS) {
  test(`a dynamic program: its interpreter mapped at AT_BASE and entered with the right registers (${t})`, () => {
    const exe = buildGuest(t, "hello/hello.c", ["-O2"], "hello-dyn");
    const bytes = new Uint8Array(readFileSync(exe));
    const prog = readElf(bytes, exe, noexec);
    assert.equal(prog.phdrs.find((p) => p.type === PT.Interp) !== undefined, true, "a PIE with PT_INTERP");
    const { space, cpu } = freshProcess();
    const time = new GuestTime(() => 0, { seed: 7 });
    const img = execProgram(space, cpu, bytes, sysrootInterp(t), {
      argv: [exe, "x"], envp: ["A=1"], execfn: exe, cred: { uid: 1000, euid: 1000, gid: 100, egid: 100 }, random: (b) => time.fill(b),
    });
    const interp = readElf(sysrootInterp(t)(INTERP[t]) as Uint8Array, INTERP[t], noexec);
    // The stack as the process sees it: the auxv there is the loader's.
    const sp = gpr(cpu, 1);
    assert.equal(sp % 16, 0);
    const st = readStack(space, sp, is64(t), prog.le);
    assert.equal(st.argc, 2);
    assert.deepEqual(st.auxv, img.auxv);
    const aux = new Map(st.auxv);
    // The interpreter, at AT_BASE in the mmap area, below which later mmaps go.
    assert.ok(img.interpBase > 0);
    assert.equal(aux.get(At.BASE), img.interpBase);
    assert.deepEqual(space.peek(img.interpBase, 4096), interp.bytes.subarray(0, 4096), "its first page is the file's");
    assert.ok(img.mmapTop <= img.interpBase && img.interpBase + 0x60000 < img.stackBottom);
    // The program at its randomised PIE base, 64 KiB aligned (its p_align) in the ELF_ET_DYN_BASE region.
    const rnd = is64(t) ? 2 ** 30 : 8 * 2 ** 20;
    assert.ok(img.loadBias >= elfEtDynBase(is64(t)) && img.loadBias < elfEtDynBase(is64(t)) + rnd, `bias 0x${img.loadBias.toString(16)}`);
    assert.equal(img.loadBias % 0x10000, 0);
    assert.equal(aux.get(At.ENTRY), prog.entry + img.loadBias);
    assert.equal(aux.get(At.PHDR), prog.phoff + img.loadBias);
    assert.deepEqual([aux.get(At.UID), aux.get(At.EUID), aux.get(At.GID), aux.get(At.EGID)], [1000, 1000, 100, 100]);
    // Entered at the interpreter's entry: ELFv2 with r12 = pc, ELFv1 through its descriptor.
    const entry = interp.entry + img.interpBase;
    let want = entry, r2 = 0, r12 = 0;
    if (t === "ppc64") {
      const o = fileOffset(interp, interp.entry);
      const dv = new DataView(interp.bytes.buffer, interp.bytes.byteOffset + o, 16);
      want = Number(dv.getBigUint64(0, false)) + img.interpBase;
      r2 = Number(dv.getBigUint64(8, false)) + img.interpBase;
    } else if (t === "ppc64le") r12 = entry;
    assert.equal(pc(cpu), want);
    assert.equal(gpr(cpu, 2), r2);
    assert.equal(gpr(cpu, 12), r12);
    for (let i = 0; i < 32; i++) if (i !== 1 && i !== 2 && i !== 12) assert.equal(gpr(cpu, i), 0, `r${i}`);
  });
}

/** A root that holds the interpreter and nothing else (qemu's -L). */
function interpOnlyRoot(t: Target): string {
  const root = repoPath("build", "exec-root", t);
  const to = root + INTERP[t];
  if (!existsSync(to)) {
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(ldso(t), to);
  }
  return root;
}

for (const t of TARGETS) {
  test(`a dynamic program runs its interpreter up to the search for libc, as under qemu (${t})`, () => {
    // Without file servers and file mmap there is no libc to load: the interpreter starts,
    // relocates itself, opens the paths where libc could be, and says what it could not find.
    const exe = buildGuest(t, "hello/hello.c", ["-O2"], "hello-dyn");
    const root = interpOnlyRoot(t);
    const q = spawnSync(qemuCommand(t)[0], [...qemuCommand(t).slice(1), "-L", root, exe], { env: { PATH: process.env.PATH ?? "" } });
    const trace: TraceEvent[] = [];
    const k = runK42(exe, [], { openInterp: sysrootInterp(t), trace });
    assert.match(k.stderr, /error while loading shared libraries: libc\.so\.6: cannot open shared object file/);
    assert.equal(k.stderr, q.stderr.toString());
    assert.equal(k.code, q.status);
    const calls = trace.filter((e) => e.major === Major.Linux && e.minor === Linux.SyscallEnter).map((e) => e.data[0]);
    assert.ok(calls.includes(286), "it called openat");
    assert.equal(calls[calls.length - 1], 234, "and ended with exit_group");
  });
}

test("the layout is randomised from the guest's seed: the same seed gives the same addresses", () => {
  const t: Target = "ppc64le";
  const exe = buildGuest(t, "hello/hello.c", ["-O2"], "hello-dyn");
  const bytes = new Uint8Array(readFileSync(exe));
  const fp = freshProcess(256 << 20);
  const load = (seed: number, randomize = true): ProcessImage => {
    const { space, cpu } = fp.another();
    const time = new GuestTime(() => 0, { seed });
    const img = execProgram(space, cpu, bytes, sysrootInterp(t), {
      argv: [exe], envp: [], execfn: exe, cred: { uid: 0, euid: 0, gid: 0, egid: 0 }, random: (b) => time.fill(b), randomize,
    });
    return { ...img, entry: gpr(cpu, 1) }; // the stack pointer too
  };
  const where = (i: ProcessImage): number[] => [i.loadBias, i.interpBase, i.stackTop, i.brk, i.mmapTop, i.entry];
  const a = load(1), b = load(1), c = load(2);
  assert.deepEqual(where(a), where(b), "seed 1 twice");
  for (let i = 0; i < 5; i++) assert.notEqual(where(a)[i], where(c)[i], `seeds 1 and 2 differ (${["bias", "interp", "stack", "brk", "mmap"][i]})`);
  // Without randomisation: Linux's fixed places (ELF_ET_DYN_BASE, the stack at 128 TiB, the mmap
  // base 128 MiB below it, the break right after the program).
  const n = load(3, false);
  assert.equal(n.loadBias, elfEtDynBase(true));
  assert.equal(n.stackTop, 2 ** 47);
  assert.equal(n.mmapTop, n.interpBase);
  const interp = readElf(sysrootInterp(t)(INTERP[t]) as Uint8Array, INTERP[t], noexec);
  assert.equal(n.interpBase, 2 ** 47 - 128 * 2 ** 20 - pageUp(spanOf(interp.loads)));
  assert.ok(n.brk > n.loadBias && n.brk < n.loadBias + 0x100000);
  // Randomised, a 64-bit heap starts at 1 TiB or above (POWER8's 1 TiB segments).
  assert.ok(a.brk >= 2 ** 40 && a.brk < 2 ** 40 + 2 ** 30);
});

test("PT_GNU_STACK as powerpc Linux reads it: a 32-bit program without it gets an executable stack and READ_IMPLIES_EXEC", () => {
  const fp = freshProcess();
  const PF_X = 1, PF_W = 2, PF_R = 4;
  /** The program with a PT_GNU_STACK of `stack` (made from its PT_NOTE where it has none), loaded. */
  const load = (t: Target, stack: "RW" | "RWX" | "none"): { img: ProcessImage; stackProt: number; dataProt: number } => {
    const bytes = new Uint8Array(readFileSync(auxvProgram(t, false)));
    const f = readElf(bytes, "p", noexec);
    const ph = f.phdrs.find((p) => p.type === PT.GnuStack) ?? f.phdrs.find((p) => p.type === PT.Note);
    assert.ok(ph !== undefined);
    const dv = new DataView(bytes.buffer, f.phoff + ph.index * (f.is64 ? 56 : 32));
    dv.setUint32(0, stack === "none" ? PT.Note : PT.GnuStack, f.le);
    dv.setUint32(f.is64 ? 4 : 24, PF_R | PF_W | (stack === "RWX" ? PF_X : 0), f.le);
    const { space, cpu } = fp.another();
    const time = new GuestTime(() => 0, { seed: 5 });
    const img = execProgram(space, cpu, bytes, () => -E.ENOENT, { argv: ["p"], envp: [], execfn: "p", cred: { uid: 0, euid: 0, gid: 0, egid: 0 }, random: (b) => time.fill(b) });
    const data = f.loads.find((p) => (p.flags & PF_X) === 0) ?? f.loads[0];
    return { img, stackProt: space.find(gpr(cpu, 1))?.prot ?? -1, dataProt: space.find(data.vaddr)?.prot ?? -1 };
  };
  for (const t of TARGETS) {
    // PT_GNU_STACK RW (as built): nothing executable that should not be.
    const rw = load(t, "RW");
    assert.equal(rw.img.execStack, false, t);
    assert.equal(rw.stackProt & Pte.Exec, 0, `${t} stack`);
    assert.equal(rw.dataProt & Pte.Exec, 0, `${t} data segment`);
    // PF_X asks for an executable stack, on every target.
    assert.notEqual(load(t, "RWX").stackProt & Pte.Exec, 0, t);
    // Without PT_GNU_STACK: a 64-bit stack stays non-executable (the 64-bit ABI never needed
    // one); a 32-bit one is executable, and so is every readable mapping (READ_IMPLIES_EXEC).
    const none = load(t, "none");
    assert.equal(none.img.execStack, !is64(t), t);
    assert.equal(none.img.readImpliesExec, !is64(t), t);
    assert.equal((none.stackProt & Pte.Exec) !== 0, !is64(t), `${t} stack`);
    assert.equal((none.dataProt & Pte.Exec) !== 0, !is64(t), `${t} data segment`);
  }
});

test("segments sharing a page: the page gets both protections and the later segment's bytes, its bss zeroed", () => {
  const bytes = new Uint8Array(readFileSync(auxvProgram("ppc32", false)));
  const f = readElf(bytes, "p", noexec);
  // Move the data segment into the text segment's last page: text ends at 0x10001680, data
  // now starts at 0x10001800 (file offset 0x1800, congruent), 0x100 bytes of file, 0x200 in memory.
  const data = f.loads[1];
  const dv = new DataView(bytes.buffer, f.phoff + data.index * 32);
  dv.setUint32(4, 0x1800); dv.setUint32(8, 0x10001800); dv.setUint32(16, 0x100); dv.setUint32(20, 0x200);
  assert.equal(f.loads[0].vaddr + f.loads[0].memsz, 0x10001680, "the text segment as built");
  const { space, cpu } = freshProcess();
  const time = new GuestTime(() => 0, { seed: 9 });
  const img = execProgram(space, cpu, bytes, () => -E.ENOENT, { argv: ["p"], envp: [], execfn: "p", cred: { uid: 0, euid: 0, gid: 0, egid: 0 }, random: (b) => time.fill(b) });
  assert.equal(space.find(0x10000000)?.prot, Pte.Read | Pte.Exec, "the text-only page");
  assert.equal(space.find(0x10001000)?.prot, Pte.Read | Pte.Write | Pte.Exec, "the shared page: the union");
  assert.deepEqual(space.peek(0x10001000, 0x900), bytes.subarray(0x1000, 0x1900), "the file's bytes up to the end of the data's file part");
  assert.deepEqual(space.peek(0x10001900, 0x700), new Uint8Array(0x700), "then zeros to the end of the page (the bss)");
  assert.equal(img.brkStart >= 0x10002000, true);
});
