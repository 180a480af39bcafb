// Files the loader must refuse, each with Linux's errno and a one-line message naming the
// problem in words; the command line's report of them; and a seeded fuzz test: real binaries
// with mutated headers either load or fail with an ExecError, never anything else.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Target } from "../../machine/power/difftest/harness.js";
import { Xoshiro128 } from "../../machine/xoshiro.js";
import { runProgram } from "../process.js";
import { GuestTime } from "../process/guest-time.js";
import { E, errnoName } from "../errno.js";
import { buildGuest, repoPath } from "../testing/cross.js";
import { freshProcess, release } from "../testing/fresh-process.js";
import { ExecError } from "./error.js";
import { loadExec, prepareExec, type OpenInterp } from "./load.js";
import { K42_BIN } from "../testing/k42-bin.js";

const SYSROOT: Record<Target, string> = { ppc64: "/usr/powerpc64-linux-gnu", ppc64le: "/usr/powerpc64le-linux-gnu", ppc32: "/usr/powerpc-linux-gnu" };
const LDSO: Record<Target, string> = { ppc64: "ld64.so.1", ppc64le: "ld64.so.2", ppc32: "ld.so.1" };
const ldso = (t: Target): Uint8Array => new Uint8Array(readFileSync(join(SYSROOT[t], "lib", LDSO[t])));
const FREESTANDING = ["-O2", "-nostdlib", "-ffreestanding", "-fno-stack-protector", "-fno-jump-tables", "-fno-builtin"];
const staticProgram = (t: Target): Uint8Array => new Uint8Array(readFileSync(buildGuest(t, "exec/auxv.c", [...FREESTANDING, "-static", "-fno-PIE", "-no-pie"], "auxv")));
const pieProgram = (t: Target): Uint8Array => new Uint8Array(readFileSync(buildGuest(t, "exec/auxv.c", [...FREESTANDING, "-static-pie", "-fPIE"], "auxv-pie")));
const dynamicProgram = (t: Target): Uint8Array => new Uint8Array(readFileSync(buildGuest(t, "hello/hello.c", ["-O2"], "hello-dyn")));
const glibcStatic = (t: Target): Uint8Array => new Uint8Array(readFileSync(buildGuest(t, "hello/hello.c")));

/** Header fields of a copy of an ELF file, read and written in its own class and byte order. */
class Edit {
  readonly b: Uint8Array;
  private readonly dv: DataView;
  constructor(src: Uint8Array) {
    this.b = new Uint8Array(src);
    this.dv = new DataView(this.b.buffer);
  }
  get is64(): boolean { return this.b[4] === 2; }
  get le(): boolean { return this.b[5] === 1; }
  u16(o: number, v?: number): number {
    if (v !== undefined) this.dv.setUint16(o, v, this.le);
    return this.dv.getUint16(o, this.le);
  }
  word(o: number, v?: number): number {
    if (v !== undefined) {
      if (this.is64) this.dv.setBigUint64(o, BigInt(v), this.le);
      else this.dv.setUint32(o, v, this.le);
    }
    return this.is64 ? Number(this.dv.getBigUint64(o, this.le)) : this.dv.getUint32(o, this.le);
  }
  u32(o: number, v?: number): number {
    if (v !== undefined) this.dv.setUint32(o, v, this.le);
    return this.dv.getUint32(o, this.le);
  }
  get phoff(): number { return this.word(this.is64 ? 32 : 28); }
  get phnum(): number { return this.u16(this.is64 ? 56 : 44); }
  /** Byte offset of field `f` of program header i. */
  ph(i: number, f: "type" | "flags" | "offset" | "vaddr" | "filesz" | "memsz" | "align"): number {
    const o64 = { type: 0, flags: 4, offset: 8, vaddr: 16, filesz: 32, memsz: 40, align: 48 };
    const o32 = { type: 0, offset: 4, vaddr: 8, filesz: 16, memsz: 20, flags: 24, align: 28 };
    return this.phoff + i * (this.is64 ? 56 : 32) + (this.is64 ? o64 : o32)[f];
  }
  /** Index of the first program header of type `type`. */
  find(type: number): number {
    for (let i = 0; i < this.phnum; i++) if (this.u32(this.ph(i, "type")) === type) return i;
    throw new Error(`no program header of type ${type}`);
  }
  set(i: number, f: "type" | "flags" | "offset" | "vaddr" | "filesz" | "memsz" | "align", v: number): this {
    if (f === "type" || f === "flags" || !this.is64) this.u32(this.ph(i, f), v);
    else this.word(this.ph(i, f), v);
    return this;
  }
  get(i: number, f: "type" | "flags" | "offset" | "vaddr" | "filesz" | "memsz" | "align"): number {
    return f === "type" || f === "flags" || !this.is64 ? this.u32(this.ph(i, f)) : this.word(this.ph(i, f));
  }
}

/** A bare ELF header: class, byte order, type, machine; program headers as given. */
function header(is64: boolean, le: boolean, type: number, machine: number): Uint8Array {
  const e = new Edit(new Uint8Array(is64 ? 64 : 52));
  e.b.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1]);
  e.u16(16, type);
  e.u16(18, machine);
  return e.b;
}

const PT_LOAD = 1, PT_INTERP = 3, PT_NOTE = 4, PT_TLS = 7;
const enoent: OpenInterp = () => -E.ENOENT;
const sysroot = (t: Target): OpenInterp => (path) => {
  const p = join(SYSROOT[t], "lib", basename(path));
  return existsSync(p) ? new Uint8Array(readFileSync(p)) : -E.ENOENT;
};

interface Case {
  what: string;
  file: () => Uint8Array;
  openInterp?: OpenInterp;
  errno: number;
  message: RegExp;
}

const CASES: Case[] = [
  { what: "an empty file", file: () => new Uint8Array(0), errno: E.ENOEXEC, message: /^not an ELF file$/ },
  { what: "a text file", file: () => new TextEncoder().encode("hello, world\n"), errno: E.ENOEXEC, message: /^not an ELF file$/ },
  { what: "a script", file: () => new TextEncoder().encode("#!/bin/sh\necho hi\n"), errno: E.ENOEXEC, message: /^a #! script, not an ELF file$/ },
  { what: "a truncated identification", file: () => Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 2, 1, 0, 0, 0]), errno: E.ENOEXEC, message: /^truncated ELF header \(10 bytes\)$/ },
  { what: "a truncated 64-bit header", file: () => header(true, false, 2, 21).subarray(0, 40), errno: E.ENOEXEC, message: /^truncated ELF header \(40 of 64 bytes\)$/ },
  { what: "a bad class", file: () => { const b = header(true, false, 2, 21); b[4] = 3; return b; }, errno: E.ENOEXEC, message: /^bad ELF class 3/ },
  { what: "a bad byte order", file: () => { const b = header(true, false, 2, 21); b[5] = 0; return b; }, errno: E.ENOEXEC, message: /^bad ELF byte order 0/ },
  { what: "a bad version", file: () => { const b = header(true, false, 2, 21); b[6] = 2; return b; }, errno: E.ENOEXEC, message: /^bad ELF version 2$/ },
  { what: "an x86-64 program", file: () => header(true, true, 3, 62), errno: E.ENOEXEC, message: /^x86-64 executable, not PowerPC$/ },
  { what: "an AArch64 program", file: () => header(true, true, 2, 183), errno: E.ENOEXEC, message: /^AArch64 executable, not PowerPC$/ },
  { what: "a 32-bit x86 program", file: () => header(false, true, 2, 3), errno: E.ENOEXEC, message: /^32-bit x86 executable, not PowerPC$/ },
  { what: "a RISC-V program", file: () => header(true, true, 2, 243), errno: E.ENOEXEC, message: /^RISC-V executable, not PowerPC$/ },
  { what: "an s390x program", file: () => header(true, false, 2, 22), errno: E.ENOEXEC, message: /^s390x executable, not PowerPC$/ },
  { what: "a MIPS program", file: () => header(false, false, 2, 8), errno: E.ENOEXEC, message: /^MIPS executable, not PowerPC$/ },
  { what: "an ARM program", file: () => header(false, true, 2, 40), errno: E.ENOEXEC, message: /^ARM executable, not PowerPC$/ },
  { what: "an x86-64 object file", file: () => header(true, true, 1, 62), errno: E.ENOEXEC, message: /^x86-64 relocatable object, not PowerPC$/ },
  { what: "an unknown machine", file: () => header(true, true, 2, 9999), errno: E.ENOEXEC, message: /^ELF file for machine 9999, not PowerPC$/ },
  { what: "ppc64 in a 32-bit file", file: () => header(false, false, 2, 21), errno: E.ENOEXEC, message: /^64-bit PowerPC machine in a 32-bit ELF file$/ },
  { what: "ppc32 in a 64-bit file", file: () => header(true, false, 2, 20), errno: E.ENOEXEC, message: /^32-bit PowerPC machine in a 64-bit ELF file$/ },
  { what: "little-endian ppc32", file: () => header(false, true, 2, 20), errno: E.ENOEXEC, message: /^little-endian 32-bit PowerPC program/ },
  { what: "a relocatable object", file: () => header(true, true, 1, 21), errno: E.ENOEXEC, message: /^relocatable object, not an executable$/ },
  { what: "a core dump", file: () => header(true, false, 4, 21), errno: E.ENOEXEC, message: /^core dump, not an executable$/ },
  { what: "no program headers", file: () => { const e = new Edit(staticProgram("ppc64")); e.u16(56, 0); return e.b; }, errno: E.ENOEXEC, message: /^no program headers$/ },
  { what: "a bad program header size", file: () => { const e = new Edit(staticProgram("ppc64le")); e.u16(54, 40); return e.b; }, errno: E.ENOEXEC, message: /^bad program header size 40 \(a 64-bit ELF has 56\)$/ },
  { what: "too many program headers", file: () => { const e = new Edit(staticProgram("ppc64")); e.u16(56, 100); return e.b; }, errno: E.ENOEXEC, message: /^too many program headers \(100\)$/ },
  { what: "program headers past the end", file: () => { const e = new Edit(staticProgram("ppc32")); e.word(28, e.b.length - 16); return e.b; }, errno: E.ENOEXEC, message: /^program headers lie outside the file$/ },
  { what: "no PT_LOAD", file: () => { const e = new Edit(staticProgram("ppc64le")); for (let i = 0; i < e.phnum; i++) if (e.get(i, "type") === PT_LOAD) e.set(i, "type", PT_NOTE); return e.b; }, errno: E.ENOEXEC, message: /^no loadable segments$/ },
  { what: "p_filesz > p_memsz", file: () => { const e = new Edit(staticProgram("ppc64")); const i = e.find(PT_LOAD); return e.set(i, "memsz", e.get(i, "filesz") - 1).b; }, errno: E.ENOEXEC, message: /^segment 0: file size 0x[0-9a-f]+ larger than its memory size 0x[0-9a-f]+$/ },
  { what: "a segment past the end of the file", file: () => { const e = new Edit(staticProgram("ppc32")); const i = e.find(PT_LOAD); return e.set(i, "filesz", e.b.length + 1).set(i, "memsz", e.b.length + 1).b; }, errno: E.ENOEXEC, message: /^segment \d+ extends past the end of the file$/ },
  { what: "offset and address not congruent", file: () => { const e = new Edit(staticProgram("ppc64le")); const i = e.find(PT_LOAD); return e.set(i, "vaddr", e.get(i, "vaddr") + 8).b; }, errno: E.ENOEXEC, message: /differ within the page$/ },
  { what: "a segment beyond the user address space", file: () => { const e = new Edit(staticProgram("ppc64")); return e.set(e.find(PT_LOAD), "vaddr", 2 ** 47).b; }, errno: E.ENOEXEC, message: /^segment \d+ lies outside the user address space$/ },
  { what: "a segment at address 0", file: () => { const e = new Edit(staticProgram("ppc32")); return e.set(e.find(PT_LOAD), "vaddr", 0).b; }, errno: E.ENOEXEC, message: /below the lowest mappable address 0x10000$/ },
  { what: "a bad PT_TLS", file: () => { const e = new Edit(glibcStatic("ppc64le")); const i = e.find(PT_TLS); return e.set(i, "filesz", e.get(i, "memsz") + 1).b; }, errno: E.ENOEXEC, message: /^PT_TLS: file size/ },
  { what: "PT_INTERP not NUL-terminated", file: () => { const e = new Edit(dynamicProgram("ppc64le")); const i = e.find(PT_INTERP); e.b[e.get(i, "offset") + e.get(i, "filesz") - 1] = 0x41; return e.b; }, errno: E.ENOEXEC, message: /^PT_INTERP path is not NUL-terminated$/ },
  { what: "PT_INTERP too long", file: () => { const e = new Edit(dynamicProgram("ppc64")); return e.set(e.find(PT_INTERP), "filesz", 5000).b; }, errno: E.ENOEXEC, message: /^PT_INTERP path of 5000 bytes \(Linux takes 2 to 4096\)$/ },
  { what: "a missing interpreter", file: () => dynamicProgram("ppc64le"), openInterp: enoent, errno: E.ENOENT, message: /^ELF interpreter \/lib64\/ld64\.so\.2 not found$/ },
  { what: "an unreadable interpreter", file: () => dynamicProgram("ppc32"), openInterp: () => -E.EACCES, errno: E.EACCES, message: /^ELF interpreter \/lib\/ld\.so\.1 cannot be opened \(EACCES\)$/ },
  { what: "an interpreter that is not ELF", file: () => dynamicProgram("ppc64le"), openInterp: () => new TextEncoder().encode("#!/bin/sh\n"), errno: E.ELIBBAD, message: /^ELF interpreter \/lib64\/ld64\.so\.2: a #! script, not an ELF file$/ },
  { what: "a 32-bit interpreter for a 64-bit program", file: () => dynamicProgram("ppc64le"), openInterp: () => ldso("ppc32"), errno: E.ELIBBAD, message: /: 32-bit, but the program is 64-bit$/ },
  { what: "a big-endian interpreter for a little-endian program", file: () => dynamicProgram("ppc64le"), openInterp: () => ldso("ppc64"), errno: E.ELIBBAD, message: /: big-endian, but the program is little-endian$/ },
  { what: "an interpreter for another machine", file: () => dynamicProgram("ppc64"), openInterp: () => header(true, true, 3, 62), errno: E.ELIBBAD, message: /^ELF interpreter \/lib64\/ld64\.so\.1: x86-64 executable, not PowerPC$/ },
  { what: "an interpreter that asks for an interpreter", file: () => dynamicProgram("ppc64le"), openInterp: () => dynamicProgram("ppc64le"), errno: E.ELIBBAD, message: /: it asks for an interpreter itself \(\/lib64\/ld64\.so\.2\)$/ },
  { what: "a relocatable interpreter", file: () => dynamicProgram("ppc32"), openInterp: () => { const e = new Edit(ldso("ppc32")); e.u16(16, 1); return e.b; }, errno: E.ELIBBAD, message: /: relocatable object, not an executable$/ },
];

for (const c of CASES) {
  test(`refused with a worded reason: ${c.what}`, () => {
    assert.throws(() => prepareExec(c.file(), "/bin/prog", c.openInterp ?? enoent), (e: unknown) => {
      assert.ok(e instanceof ExecError, `an ExecError, not ${String(e)}`);
      assert.match(e.message, c.message);
      assert.equal(errnoName(e.errno), errnoName(c.errno));
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  });
}

test("refused while loading: a segment over the stack (EEXIST), an argument list too long (E2BIG)", () => {
  const e = new Edit(staticProgram("ppc64"));
  e.set(e.find(PT_LOAD), "vaddr", 2 ** 47 - 0x10000);
  assert.throws(() => runProgram(e.b, { argv: ["x"], randomize: false, memBytes: 64 << 20 }), (x: unknown) =>
    x instanceof ExecError && x.errno === E.EEXIST && /overlaps memory already mapped/.test(x.message));
  const big = "x".repeat(200_000);
  assert.throws(() => runProgram(staticProgram("ppc32"), { argv: ["x", big], memBytes: 64 << 20 }), (x: unknown) =>
    x instanceof ExecError && x.errno === E.E2BIG && /^argument list too long/.test(x.message));
});

test("k42 run prints the loader's reason on one line: 126 when the file cannot run, 127 when its interpreter is missing", () => {
  const dir = repoPath("build", "exec-bad");
  mkdirSync(dir, { recursive: true });
  const x86 = join(dir, "x86prog");
  writeFileSync(x86, header(true, true, 3, 62));
  const cli = K42_BIN;
  const root = join(dir, "empty-root"); // a root without the interpreter (and no default root built)
  mkdirSync(root, { recursive: true });
  const a = spawnSync(process.execPath, [cli, "run", "--root", root, "--", x86], { encoding: "utf8" });
  assert.equal(a.stderr, `k42: ${x86}: x86-64 executable, not PowerPC\n`);
  assert.equal(a.status, 126);
  const dyn = buildGuest("ppc64le", "hello/hello.c", ["-O2"], "hello-dyn");
  const b = spawnSync(process.execPath, [cli, "run", "--root", root, "--", dyn], { encoding: "utf8" });
  assert.equal(b.stderr, `k42: ${dyn}: ELF interpreter /lib64/ld64.so.2 not found\n`);
  assert.equal(b.status, 127);
});

test("fuzz: real binaries with mutated headers load or fail with an ExecError, nothing else", (t) => {
  const seed = Number(process.env.K42_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  t.diagnostic(`fuzz seed ${seed} (K42_FUZZ_SEED=${seed} repeats this run)`);
  const rng = new Xoshiro128(seed);
  const below = (n: number): number => rng.u32() % n;
  const targets: Target[] = ["ppc64", "ppc64le", "ppc32"];
  const corpus: { t: Target; bytes: Uint8Array; interp: boolean }[] = [];
  for (const t of targets) {
    corpus.push({ t, bytes: staticProgram(t), interp: false }, { t, bytes: pieProgram(t), interp: false }, { t, bytes: glibcStatic(t), interp: false });
    corpus.push({ t, bytes: dynamicProgram(t), interp: true }, { t, bytes: ldso(t), interp: false });
  }
  // Values that sit on the checks' edges.
  const edges = (len: number): number[] => [0, 1, 2, 3, 7, 0x1000, 0xfff, 0x10000, len - 1, len, len + 1, 0x7fffffff, 0xffffffff, 2 ** 47 - 0x1000, 2 ** 47, 2 ** 53];
  const mutate = (src: Uint8Array): Uint8Array => {
    const e = new Edit(src);
    const n = 1 + below(4);
    for (let k = 0; k < n; k++) {
      const phEnd = Math.min(e.b.length, e.phoff + e.phnum * (e.is64 ? 56 : 32));
      const phoff = e.phoff < e.b.length ? e.phoff : 0;
      switch (below(4)) {
        case 0: e.b[below(Math.min(64, e.b.length))] = below(256); break; // a header byte
        case 1: if (phEnd > phoff) e.b[phoff + below(phEnd - phoff)] = below(256); break; // a program-header byte
        case 2: { // a program-header field set to an edge value
          if (e.phnum === 0 || phEnd < e.phoff + e.phnum * (e.is64 ? 56 : 32)) break;
          const f = (["type", "flags", "offset", "vaddr", "filesz", "memsz", "align"] as const)[below(7)];
          const v = edges(e.b.length)[below(16)];
          if (f === "type" || f === "flags" || !e.is64) e.set(below(e.phnum), f, v % 2 ** 32);
          else e.set(below(e.phnum), f, v);
          break;
        }
        default: { // a header field: type, machine, entry, phoff, phentsize, phnum
          const o = [16, 18, 24, e.is64 ? 32 : 28, e.is64 ? 54 : 42, e.is64 ? 56 : 44][below(6)];
          const v = edges(e.b.length)[below(16)];
          if (o === 24 || o === 32 || o === 28) e.word(o, e.is64 ? v : v % 2 ** 32);
          else e.u16(o, v % 65536);
        }
      }
    }
    return e.b;
  };
  const fp = freshProcess(256 << 20);
  const time = new GuestTime(() => 0, { seed });
  const outcome = new Map<string, number>();
  const count = (k: string): void => { outcome.set(k, (outcome.get(k) ?? 0) + 1); };
  const ITERATIONS = 1500;
  for (let i = 0; i < ITERATIONS; i++) {
    const c = corpus[below(corpus.length)];
    const bytes = mutate(c.bytes);
    const interpBytes = c.interp && below(3) === 0 ? mutate(ldso(c.t)) : undefined;
    const openInterp: OpenInterp = (p) => (interpBytes ?? (sysroot(c.t)(p)));
    try {
      const plan = prepareExec(bytes, "/fuzz/prog", openInterp);
      const { space, cpu } = fp.another();
      try {
        loadExec(space, cpu, plan, { argv: ["prog", "a"], envp: ["A=1"], execfn: "/fuzz/prog", cred: { uid: 0, euid: 0, gid: 0, egid: 0 }, random: (b) => time.fill(b) });
        count("loaded");
      } finally {
        release(space);
      }
    } catch (e) {
      if (!(e instanceof ExecError)) {
        assert.fail(`fuzz seed ${seed} (K42_FUZZ_SEED=${seed} repeats it), iteration ${i}, ${c.t}: not an ExecError: ${e instanceof Error ? e.stack : String(e)}`);
      }
      assert.ok(e.message.length > 0 && !e.message.includes("\n"), `seed ${seed} iteration ${i}: one line`);
      count(errnoName(e.errno));
    }
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(outcome))}`);
  // Both outcomes happen: the mutations are neither all fatal nor all harmless.
  assert.ok((outcome.get("loaded") ?? 0) > 50, `seed ${seed}: ${JSON.stringify([...outcome])}`);
  assert.ok((outcome.get("ENOEXEC") ?? 0) > 200, `seed ${seed}: ${JSON.stringify([...outcome])}`);
});
