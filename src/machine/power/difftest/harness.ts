// The differential instruction harness. A test names instruction snippets ("variants") and
// input states ("cases"); the harness writes one assembly program that, for every case, loads
// the whole architectural state (GPRs, FPRs, CR, XER, LR, CTR, FPSCR and a 64-byte memory
// window) from a record, runs the snippet, and stores the state back; at the end it writes
// all records to stdout. The program is assembled and linked with the cross binutils, run
// under qemu-user and under k42ts (in-process, bare-metal), and the two dumps must be equal.
//
// Conventions for snippets: r31 is reserved (the record pointer); anything else may be used.
// Snippets must fall through to their end (local numeric labels like `1:` are fine).
// The memory window is at the absolute address SCRATCH (use `lis rX, SCRATCH@ha` /
// `addi rX, rX, SCRATCH@l`, or put the address into a register through the case's inputs:
// `scratchAddr(target)` gives it).

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decoder } from "../engine.js";
import { nameOf } from "../decode.js";
import { parseElf, PType } from "../../elf.js";
import { runBare } from "./bare.js";
import type { EngineKind } from "../engine.js";
import { Rng, seedFromEnv } from "./rng.js";

export type Target = "ppc64" | "ppc64le" | "ppc32";
export const TARGETS: readonly Target[] = ["ppc64", "ppc64le", "ppc32"];

interface TargetInfo {
  gcc: string;
  qemu: string[];
  nm: string;
  is64: boolean;
  le: boolean;
}

const INFO: Record<Target, TargetInfo> = {
  ppc64: { gcc: "powerpc64-linux-gnu-gcc", qemu: ["qemu-ppc64", "-cpu", "power8"], nm: "powerpc64-linux-gnu-nm", is64: true, le: false },
  ppc64le: { gcc: "powerpc64le-linux-gnu-gcc", qemu: ["qemu-ppc64le", "-cpu", "power8"], nm: "powerpc64le-linux-gnu-nm", is64: true, le: true },
  ppc32: { gcc: "powerpc-linux-gnu-gcc", qemu: ["qemu-ppc", "-cpu", "7400"], nm: "powerpc-linux-gnu-nm", is64: false, le: false },
};

/** The qemu command line used as the oracle for a target. */
export function qemuCommand(t: Target): string[] {
  return [...INFO[t].qemu];
}

/** A 64-bit value; numbers are taken as signed integers (or raw bits for doubles: use bigint). */
export type U64 = bigint;

/** One input state. Anything not given is random (GPRs, FPRs, CR, LR, CTR, memory) or zero (XER, FPSCR). */
export interface Case {
  gpr?: Record<number, U64>;
  /** Raw bits of FPRs. */
  fpr?: Record<number, U64>;
  cr?: number;
  xer?: U64;
  lr?: U64;
  ctr?: U64;
  /** FPSCR bits 32:63 (set with mtfsf 0xff). */
  fpscr?: number;
  /** Up to 64 bytes for the memory window. */
  mem?: Uint8Array;
  /**
   * Vector registers (runs with `vector`): VSR n as [doubleword 0, doubleword 1] (VR n is VSR
   * 32+n; on ppc32 only VSRs 32..63 exist). Unset ones are random; VSRs 0..31 take the FPR's
   * value as doubleword 0.
   */
  vsr?: Record<number, [U64, U64]>;
  /** VSCR (runs with `vector`); default 0 (NJ off, SAT clear). */
  vscr?: number;
}

export interface Variant {
  /** Assembly for the snippet (one or more instructions, `;` or newline separated). */
  asm: string;
  cases: Case[];
}

export interface Mismatch {
  /** The k42ts engine whose dump differs. */
  engine: EngineKind;
  variant: string;
  caseIndex: number;
  field: string;
  input: string;
  expected: string;
  got: string;
}

export interface DiffResult {
  mismatches: Mismatch[];
  /** Mnemonics executed by the snippets (k42ts decoder names) with case counts. */
  coverage: Map<string, number>;
  seed: number;
  cases: number;
  /** Set when a side failed to run at all. */
  failure?: string;
}

// ---- record layout ----

const MEM_BYTES = 64;

interface Layout {
  slot: number; // GPR/CR/XER/LR/CTR slot size: 8 or 4
  gpr: number;
  fpr: number;
  cr: number;
  xer: number;
  lr: number;
  ctr: number;
  fpscr: number;
  mem: number;
  /** Vector state (0 entries when the run has none): VSRs (or VRs on ppc32) and VSCR. */
  vsr: number;
  vsrCount: number;
  /** Number of the first register in the vsr area (0 for VSRs, 32 for VRs: VR n = VSR 32+n). */
  vsrBase: number;
  vscr: number;
  stateSize: number;
  recSize: number;
  inOff: number;
  outOff: number;
}

type VectorKind = "none" | "vsx" | "vmx";

function layout(is64: boolean, vec: VectorKind = "none"): Layout {
  const slot = is64 ? 8 : 4;
  const gpr = 0;
  const fpr = gpr + 32 * slot;
  const cr = fpr + 32 * 8;
  const xer = cr + slot;
  const lr = xer + slot;
  const ctr = lr + slot;
  const fpscr = ctr + slot;
  const mem = fpscr + 8;
  // 16-byte aligned vector area (lvx ignores the low 4 bits of its address).
  const vsr = Math.ceil((mem + MEM_BYTES) / 16) * 16;
  const vsrCount = vec === "vsx" ? 64 : vec === "vmx" ? 32 : 0;
  const vscr = vsr + 16 * vsrCount;
  const stateSize = vec === "none" ? mem + MEM_BYTES : vscr + 16;
  // Records start 16-byte aligned: 16 bytes of header (flag) then in and out states.
  return {
    slot, gpr, fpr, cr, xer, lr, ctr, fpscr, mem, vsr, vsrCount, vsrBase: vec === "vmx" ? 32 : 0, vscr,
    stateSize, recSize: 16 + 2 * stateSize, inOff: 16, outOff: 16 + stateSize,
  };
}

/** Address of the 64-byte memory window (fixed by the link). */
export function scratchAddr(_t: Target): bigint {
  return BigInt(SCRATCH);
}

/** The memory window's link address: its own section, placed by the link command. */
const SCRATCH = 0x30000000;

// ---- program generation ----

function genProgram(t: Target, variants: Variant[], records: string[], vec: VectorKind): string {
  const info = INFO[t];
  const L = layout(info.is64, vec);
  const ld = info.is64 ? "ld" : "lwz";
  const st = info.is64 ? "std" : "stw";
  const cmpi = info.is64 ? "cmpdi" : "cmpwi";
  const a: string[] = [];
  a.push("    .machine any");
  if (info.is64 && !info.le) {
    a.push('    .section .opd,"aw"', "    .align 3", "    .globl _start", "_start:", "    .quad .L_start, .TOC.@tocbase, 0", "    .text", ".L_start:");
  } else {
    if (info.is64) a.push("    .abiversion 2");
    a.push("    .text", "    .globl _start", "_start:");
  }
  variants.forEach((v, n) => {
    const i = (o: number): number => L.inOff + o;
    const o = (x: number): number => L.outOff + x;
    a.push(`    lis 31, recs${n}@ha`, `    addi 31, 31, recs${n}@l`);
    a.push(`.Lloop${n}:`);
    a.push("    lis 30, scratch@ha", "    addi 30, 30, scratch@l");
    for (let k = 0; k < MEM_BYTES; k += L.slot) a.push(`    ${ld} 0, ${i(L.mem + k)}(31)`, `    ${st} 0, ${k}(30)`);
    a.push(`    lfd 0, ${i(L.fpscr)}(31)`, "    mtfsf 0xff, 0");
    for (let k = 0; k < 32; k++) a.push(`    lfd ${k}, ${i(L.fpr + 8 * k)}(31)`);
    a.push(`    ${ld} 0, ${i(L.xer)}(31)`, "    mtxer 0");
    a.push(`    ${ld} 0, ${i(L.cr)}(31)`, "    mtcrf 0xff, 0");
    a.push(`    ${ld} 0, ${i(L.lr)}(31)`, "    mtlr 0");
    a.push(`    ${ld} 0, ${i(L.ctr)}(31)`, "    mtctr 0");
    if (vec !== "none") {
      // VSCR through VR0 first (mtvscr reads word 3), then every vector register.
      const lv = (reg: number, off: number): string[] =>
        vec === "vsx" ? [`    addi 30, 31, ${off}`, `    lxvd2x ${reg}, 0, 30`] : [`    addi 30, 31, ${off}`, `    lvx ${reg - 32}, 0, 30`];
      a.push(...lv(32, i(L.vscr)), "    mtvscr 0");
      for (let k = 0; k < L.vsrCount; k++) a.push(...lv(L.vsrBase + k, i(L.vsr + 16 * k)));
    }
    for (let k = 0; k < 31; k++) a.push(`    ${ld} ${k}, ${i(L.gpr + L.slot * k)}(31)`);
    a.push(`    .globl __snip${n}_s`, `__snip${n}_s:`);
    for (const line of v.asm.split(/[;\n]/)) if (line.trim() !== "") a.push("    " + line.trim());
    a.push(`    .globl __snip${n}_e`, `__snip${n}_e:`);
    for (let k = 0; k < 31; k++) a.push(`    ${st} ${k}, ${o(L.gpr + L.slot * k)}(31)`);
    if (vec !== "none") {
      const sv = (reg: number, off: number): string[] =>
        vec === "vsx" ? [`    addi 30, 31, ${off}`, `    stxvd2x ${reg}, 0, 30`] : [`    addi 30, 31, ${off}`, `    stvx ${reg - 32}, 0, 30`];
      for (let k = 0; k < L.vsrCount; k++) a.push(...sv(L.vsrBase + k, o(L.vsr + 16 * k)));
      a.push("    mfvscr 0", ...sv(32, o(L.vscr)));
    }
    for (let k = 0; k < 32; k++) a.push(`    stfd ${k}, ${o(L.fpr + 8 * k)}(31)`);
    a.push("    mffs 0", `    stfd 0, ${o(L.fpscr)}(31)`);
    a.push("    mfcr 0", `    ${st} 0, ${o(L.cr)}(31)`);
    a.push("    mfxer 0", `    ${st} 0, ${o(L.xer)}(31)`);
    a.push("    mflr 0", `    ${st} 0, ${o(L.lr)}(31)`);
    a.push("    mfctr 0", `    ${st} 0, ${o(L.ctr)}(31)`);
    a.push("    lis 30, scratch@ha", "    addi 30, 30, scratch@l");
    for (let k = 0; k < MEM_BYTES; k += L.slot) a.push(`    ${ld} 0, ${k}(30)`, `    ${st} 0, ${o(L.mem + k)}(31)`);
    a.push(`    addi 31, 31, ${L.recSize}`);
    a.push(`    ${ld} 0, 0(31)`, `    ${cmpi} 0, 0`, `    bne .Lloop${n}`);
  });
  a.push("    li 0, 4", "    li 3, 1", "    lis 4, recs0@ha", "    addi 4, 4, recs0@l");
  a.push("    lis 5, recs_end@ha", "    addi 5, 5, recs_end@l", "    subf 5, 4, 5", "    sc");
  a.push("    li 0, 1", "    li 3, 0", "    sc");
  a.push('    .section .scratch,"aw",@progbits', "    .balign 4096");
  a.push("scratch:", `    .space ${MEM_BYTES}`);
  a.push("    .data", "    .balign 16");
  records.forEach((r, n) => a.push(`recs${n}:`, r));
  a.push("recs_end:");
  return a.join("\n") + "\n";
}

function hexBytes(b: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 32) {
    lines.push("    .byte " + Array.from(b.subarray(i, i + 32), (x) => "0x" + x.toString(16)).join(","));
  }
  return lines.join("\n");
}

interface CaseInput {
  vsr: [bigint, bigint][];
  vscr: bigint;
  gpr: bigint[];
  fpr: bigint[];
  cr: bigint;
  xer: bigint;
  lr: bigint;
  ctr: bigint;
  fpscr: bigint;
  mem: Uint8Array;
}

function fillCase(c: Case, rng: Rng, is64: boolean): CaseInput {
  const mask = is64 ? (1n << 64n) - 1n : (1n << 32n) - 1n;
  const gpr: bigint[] = [];
  for (let k = 0; k < 32; k++) gpr.push(BigInt.asUintN(64, c.gpr?.[k] ?? rng.u64()) & mask);
  const fpr: bigint[] = [];
  for (let k = 0; k < 32; k++) fpr.push(BigInt.asUintN(64, c.fpr?.[k] ?? rng.double()));
  const mem = new Uint8Array(MEM_BYTES);
  if (c.mem) mem.set(c.mem.subarray(0, MEM_BYTES));
  else for (let k = 0; k < MEM_BYTES; k++) mem[k] = rng.u32() & 0xff;
  const vsr: [bigint, bigint][] = [];
  for (let k = 0; k < 64; k++) {
    const given = c.vsr?.[k];
    vsr.push(given ? [BigInt.asUintN(64, given[0]), BigInt.asUintN(64, given[1])] : [k < 32 ? fpr[k] : rng.bits64(), rng.bits64()]);
    if (k < 32) fpr[k] = vsr[k][0];
  }
  return {
    gpr, fpr, mem, vsr, vscr: BigInt((c.vscr ?? 0) >>> 0),
    cr: BigInt(c.cr ?? rng.u32()) & 0xffffffffn,
    xer: BigInt.asUintN(64, c.xer ?? 0n) & mask,
    lr: BigInt.asUintN(64, c.lr ?? rng.u64()) & mask,
    ctr: BigInt.asUintN(64, c.ctr ?? rng.u64()) & mask,
    fpscr: BigInt(c.fpscr ?? 0) & 0xffffffffn,
  };
}

function encodeState(inp: CaseInput, L: Layout, le: boolean): Uint8Array {
  const b = new Uint8Array(L.stateSize);
  const dv = new DataView(b.buffer);
  const put = (off: number, v: bigint, size: number): void => {
    if (size === 8) dv.setBigUint64(off, v, le);
    else dv.setUint32(off, Number(v & 0xffffffffn), le);
  };
  for (let k = 0; k < 32; k++) put(L.gpr + L.slot * k, inp.gpr[k], L.slot);
  for (let k = 0; k < 32; k++) put(L.fpr + 8 * k, inp.fpr[k], 8);
  put(L.cr, inp.cr, L.slot);
  put(L.xer, inp.xer, L.slot);
  put(L.lr, inp.lr, L.slot);
  put(L.ctr, inp.ctr, L.slot);
  put(L.fpscr, inp.fpscr, 8);
  b.set(inp.mem, L.mem);
  if (L.vsrCount > 0) {
    // As lxvd2x/lvx read it: doubleword 0 then 1, each in the target's byte order (lvx on
    // ppc32 is big-endian, where this is the register image).
    for (let k = 0; k < L.vsrCount; k++) {
      const [d0, d1] = inp.vsr[L.vsrBase + k];
      dv.setBigUint64(L.vsr + 16 * k, d0, le);
      dv.setBigUint64(L.vsr + 16 * k + 8, d1, le);
    }
    dv.setBigUint64(L.vscr + 8, inp.vscr, le);
  }
  return b;
}

function field(L: Layout, off: number): string {
  if (off < L.fpr) return `r${Math.floor((off - L.gpr) / L.slot)}`;
  if (off < L.cr) return `f${Math.floor((off - L.fpr) / 8)}`;
  if (off < L.xer) return "cr";
  if (off < L.lr) return "xer";
  if (off < L.ctr) return "lr";
  if (off < L.fpscr) return "ctr";
  if (off < L.mem) return "fpscr";
  if (L.vsrCount === 0 || off < L.vsr) return `mem[${Math.floor((off - L.mem) / 8) * 8}..+8]`;
  if (off < L.vscr) {
    const k = Math.floor((off - L.vsr) / 16);
    return L.vsrBase === 32 ? `v${k}` : k < 32 ? `vs${k}` : `v${k - 32}`;
  }
  return "vscr";
}

function fieldValue(b: Uint8Array, L: Layout, name: string, le: boolean): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const at = (off: number, size: number): string =>
    "0x" + (size === 8 ? dv.getBigUint64(off, le).toString(16).padStart(16, "0") : dv.getUint32(off, le).toString(16).padStart(8, "0"));
  let m: RegExpMatchArray | null;
  if ((m = name.match(/^r(\d+)$/))) return at(L.gpr + L.slot * Number(m[1]), L.slot);
  if ((m = name.match(/^f(\d+)$/))) {
    const v = dv.getFloat64(L.fpr + 8 * Number(m[1]), le);
    return at(L.fpr + 8 * Number(m[1]), 8) + ` (${v})`;
  }
  if ((m = name.match(/^mem\[(\d+)/))) return at(L.mem + Number(m[1]), 8);
  const vec = (k: number): string => at(L.vsr + 16 * k, 8) + ":" + at(L.vsr + 16 * k + 8, 8).slice(2);
  if ((m = name.match(/^vs(\d+)$/))) return vec(Number(m[1]));
  if ((m = name.match(/^v(\d+)$/))) return vec(Number(m[1]) + 32 - L.vsrBase);
  if (name === "vscr") return at(L.vscr + 8, 8);
  const off = { cr: L.cr, xer: L.xer, lr: L.lr, ctr: L.ctr, fpscr: L.fpscr }[name];
  if (off === undefined) return "?";
  return at(off, name === "fpscr" ? 8 : L.slot);
}

/** Registers an instruction snippet mentions, for mismatch reports. */
function mentioned(asm: string, vectorOps: VectorKind | false = false): string[] {
  const out = new Set<string>();
  const body = asm.replace(/^\s*\S+/gm, "");
  for (const m of body.matchAll(/\b(f?)(\d+)\b/g)) {
    const n = Number(m[2]);
    if (n < 32) out.add(m[1] === "f" ? `f${n}` : `r${n}`);
  }
  if (vectorOps) {
    for (const line of asm.split(/[;\n]/)) {
      // VMX instructions name VRs (VSR 32+n), VSX ones VSRs.
      const mn = line.trim().split(/\s+/)[0] ?? "";
      const vr = vectorOps === "vmx" || /^(v|lv|stv|m[ft]vscr)/.test(mn);
      for (const m of line.replace(/^\s*\S+/, "").matchAll(/\b(\d+)\b/g)) {
        const n = Number(m[1]);
        if (n < 64) out.add(vr ? (n < 32 ? `v${n}` : "") : `vs${n}`);
      }
    }
  }
  out.delete("");
  return [...out];
}

// ---- building and running ----

const workDir = join(tmpdir(), `k42ts-diff-${process.pid}`);
process.on("exit", () => rmSync(workDir, { recursive: true, force: true }));

function build(t: Target, source: string): Uint8Array {
  const info = INFO[t];
  mkdirSync(workDir, { recursive: true });
  const h = createHash("sha1").update(t).update(source).digest("hex").slice(0, 16);
  const src = join(workDir, `${h}.S`);
  const exe = join(workDir, `${h}.elf`);
  if (!existsSync(exe)) {
    writeFileSync(src, source);
    const r = spawnSync(info.gcc, ["-nostdlib", "-static", "-Wa,-many", "-Wl,--no-warn-rwx-segments", `-Wl,--section-start=.scratch=0x${SCRATCH.toString(16)}`, "-o", exe, src], { encoding: "utf8" });
    if (r.error) throw new Error(`${info.gcc} not runnable (${r.error.message}); install gcc-${t === "ppc32" ? "powerpc" : t === "ppc64" ? "powerpc64" : "powerpc64le"}-linux-gnu`);
    if (r.status !== 0) throw new Error(`assembling failed for ${t}:\n${r.stderr.split("\n").slice(0, 20).join("\n")}`);
  }
  return new Uint8Array(readFileSync(exe));
}

function symbols(t: Target, exe: Uint8Array): Map<string, number> {
  const path = join(workDir, `nm-${process.hrtime.bigint()}.elf`);
  writeFileSync(path, exe);
  const r = spawnSync(INFO[t].nm, [path], { encoding: "utf8" });
  const m = new Map<string, number>();
  for (const line of r.stdout.split("\n")) {
    const p = line.trim().split(/\s+/);
    if (p.length === 3) m.set(p[2], parseInt(p[0], 16));
  }
  return m;
}

function runQemu(t: Target, exe: Uint8Array): { out: Uint8Array; error?: string } {
  const path = join(workDir, `q-${createHash("sha1").update(exe).digest("hex").slice(0, 16)}.elf`);
  if (!existsSync(path)) writeFileSync(path, exe, { mode: 0o755 });
  const [cmd, ...args] = INFO[t].qemu;
  const r = spawnSync(cmd, [...args, path], { maxBuffer: 1 << 30 });
  if (r.error) return { out: new Uint8Array(), error: `${cmd} not runnable: ${r.error.message} (install qemu-user)` };
  if (r.status !== 0) return { out: new Uint8Array(r.stdout), error: `${cmd} exited with ${r.status ?? r.signal}: ${r.stderr.toString().slice(0, 500)}` };
  return { out: new Uint8Array(r.stdout) };
}

export interface DiffOptions {
  /** Seed for the random parts of the cases (default: K42_SEED or random, printed on failure). */
  seed?: number;
  /** Name for coverage records (default: none). */
  suite?: string;
  /**
   * Include the vector state: VSRs 0..63 and VSCR on the 64-bit targets (loaded and stored with
   * lxvd2x/stxvd2x), VRs 0..31 and VSCR on ppc32 (lvx/stvx; run qemu-ppc's 7400, which has
   * Altivec). Mismatches name VSRs as vsN and VRs as vN.
   */
  vector?: boolean;
  /**
   * The k42ts engines to run the program with, each compared with qemu (default: the block
   * engine and the WebAssembly translator, which translates a bare program's code at first
   * sight; or K42_ENGINES, e.g. "block,step", for every suite). The step engine is the reference
   * the others are checked against; which suites run it by default is each suite's choice
   * (engine-matrix.test.ts lists them). A second engine costs little here: qemu and the
   * harness dominate (all suites: 3 min 58 s with wasm alone, 4 min 09 s with block and wasm).
   */
  engines?: readonly EngineKind[];
}

/** The engines a run uses: K42_ENGINES (comma-separated) overrides the suite's choice. */
function enginesFor(opts: DiffOptions): readonly EngineKind[] {
  const env = process.env.K42_ENGINES;
  if (env !== undefined && env.trim() !== "") {
    return env.split(",").map((e) => {
      const k = e.trim();
      if (k !== "block" && k !== "step" && k !== "wasm") throw new Error(`K42_ENGINES: unknown engine ${k} (block, step, wasm)`);
      return k;
    });
  }
  return opts.engines ?? ["block", "wasm"];
}

/** A harness program: the linked executable and the input records it carries. */
interface DiffProgram {
  exe: Uint8Array;
  seed: number;
  L: Layout;
  vec: VectorKind;
  inputs: Uint8Array[][];
  cases: number;
}

function buildDiff(t: Target, variants: Variant[], opts: DiffOptions): DiffProgram {
  const seed = opts.seed ?? seedFromEnv();
  const rng = new Rng(seed);
  const info = INFO[t];
  const vec: VectorKind = !opts.vector ? "none" : info.is64 ? "vsx" : "vmx";
  const L = layout(info.is64, vec);
  const records: string[] = [];
  const inputs: Uint8Array[][] = [];
  let total = 0;
  for (const v of variants) {
    const recs: Uint8Array[] = [];
    const parts: string[] = [];
    for (const c of v.cases) {
      const st = encodeState(fillCase(c, rng, info.is64), L, info.le);
      recs.push(st);
      const rec = new Uint8Array(L.recSize);
      new DataView(rec.buffer).setUint32(info.is64 && !info.le ? 4 : 0, 1, info.le);
      rec.set(st, L.inOff);
      parts.push(hexBytes(rec));
    }
    parts.push(`    .space ${L.recSize}`); // terminator: flag 0
    records.push(parts.join("\n"));
    inputs.push(recs);
    total += v.cases.length;
  }
  const exe = build(t, genProgram(t, variants, records, vec));
  const scratchSym = symbols(t, exe).get("scratch");
  if (scratchSym !== SCRATCH) throw new Error(`harness: memory window linked at ${scratchSym}, expected 0x${SCRATCH.toString(16)}`);
  return { exe, seed, L, vec, inputs, cases: total };
}

/**
 * The bare-metal executable runDiff would run for these variants (cases filled from the seed):
 * for tests that run a differential program some other way (engine-matrix.test.ts).
 */
export function diffProgram(t: Target, variants: Variant[], opts: DiffOptions = {}): Uint8Array {
  return buildDiff(t, variants, opts).exe;
}

/** Run variants under qemu and k42ts and compare the dumps. */
export function runDiff(t: Target, variants: Variant[], opts: DiffOptions = {}): DiffResult {
  const info = INFO[t];
  const { exe, seed, L, vec, inputs, cases: total } = buildDiff(t, variants, opts);
  const q = runQemu(t, exe);
  const result: DiffResult = { mismatches: [], coverage: new Map(), seed, cases: total };
  if (q.error) {
    result.failure = `qemu: ${q.error}`;
    return result;
  }
  const compare = (engine: EngineKind, k: ReturnType<typeof runBare>): void => {
    const who = `k42ts (${engine} engine)`;
    if (k.error !== undefined || k.exitCode !== 0) {
      result.failure = `${who}: ${k.error ?? "exit " + k.exitCode}`;
      return;
    }
    if (q.out.length !== k.stdout.length) {
      result.failure = `dump sizes differ: qemu ${q.out.length} bytes, ${who} ${k.stdout.length}`;
      return;
    }
    // Compare records.
    let off = 0;
    variants.forEach((v, n) => {
      v.cases.forEach((_, ci) => {
        const qo = q.out.subarray(off + L.outOff, off + L.outOff + L.stateSize);
        const ko = k.stdout.subarray(off + L.outOff, off + L.outOff + L.stateSize);
        const seen = new Set<string>();
        for (let b = 0; b < L.stateSize; b++) {
          if (qo[b] === ko[b]) continue;
          const f = field(L, b);
          if (seen.has(f)) continue;
          seen.add(f);
          const inp = inputs[n][ci];
          const regs = mentioned(v.asm, vec === "none" ? false : vec).map((r) => `${r}=${fieldValue(inp, L, r, info.le)}`);
          regs.push(`cr=${fieldValue(inp, L, "cr", info.le)}`, `xer=${fieldValue(inp, L, "xer", info.le)}`);
          if (f === "fpscr" || f.startsWith("f")) regs.push(`fpscr=${fieldValue(inp, L, "fpscr", info.le)}`);
          if (vec !== "none") regs.push(`vscr=${fieldValue(inp, L, "vscr", info.le)}`);
          result.mismatches.push({
            engine, variant: v.asm, caseIndex: ci, field: f, input: regs.join(" "),
            expected: fieldValue(qo, L, f, info.le), got: fieldValue(ko, L, f, info.le),
          });
        }
        off += L.recSize;
      });
      off += L.recSize; // terminator
    });
  };
  for (const engine of enginesFor(opts)) {
    compare(engine, runBare(exe, { engine }));
    if (result.failure !== undefined) return result;
  }
  // Coverage: the mnemonics of the snippet words.
  const syms = symbols(t, exe);
  const elf = parseElf(exe);
  const dv = new DataView(exe.buffer, exe.byteOffset, exe.byteLength);
  variants.forEach((v, n) => {
    const s = syms.get(`__snip${n}_s`), e = syms.get(`__snip${n}_e`);
    if (s === undefined || e === undefined) return;
    for (let a = s; a < e; a += 4) {
      const ph = elf.phdrs.find((p) => p.type === PType.Load && a >= p.vaddr && a < p.vaddr + p.filesz);
      if (!ph) continue;
      const w = dv.getUint32(ph.offset + (a - ph.vaddr), info.le);
      const d = decoder().decode(w);
      const name = d ? nameOf(d, w) : `(undecoded 0x${w.toString(16)})`;
      result.coverage.set(name, (result.coverage.get(name) ?? 0) + v.cases.length);
    }
  });
  if (opts.suite !== undefined) recordCoverage(opts.suite, t, result.coverage);
  return result;
}

/** Coverage records for docs/COVERAGE.md: written when K42_COVERAGE_DIR is set. */
function recordCoverage(suite: string, t: Target, cov: Map<string, number>): void {
  const dir = process.env.K42_COVERAGE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${suite}.${t}.json`);
  let prev: Record<string, number> = {};
  if (existsSync(file)) prev = JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
  for (const [k, v] of cov) prev[k] = (prev[k] ?? 0) + v;
  writeFileSync(file, JSON.stringify(prev, null, 1));
}

/** Format a result's failures for an assertion message (includes the seed). */
export function report(t: Target, r: DiffResult, max = 12): string {
  if (r.failure) return `[${t}] seed=${r.seed}: ${r.failure}`;
  const lines = [`[${t}] seed=${r.seed} (rerun with K42_SEED=${r.seed}): ${r.mismatches.length} mismatching fields over ${r.cases} cases`];
  for (const m of r.mismatches.slice(0, max)) {
    lines.push(`  ${m.variant} case ${m.caseIndex}: ${m.field} qemu=${m.expected} k42ts(${m.engine})=${m.got}\n      inputs: ${m.input}`);
  }
  return lines.join("\n");
}

/** Number of random cases per form: K42_DIFF_CASES (default `dflt`). */
export function randomCount(dflt: number): number {
  const v = Number(process.env.K42_DIFF_CASES ?? "");
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : dflt;
}
