// Fixed-point loads and stores against qemu-user: every width, zero/algebraic, D/DS/X forms,
// update forms, byte-reverse, quadword, load/store multiple and string forms; in 64-bit big-
// and little-endian mode and (for what the 7400 has) in 32-bit mode. Plus unit tests of what
// the differential harness cannot show: storage faults (no partial effects, update forms do
// not update RA), invalid forms (illegal instruction), alignment interrupts.
//
// Addressing: the base register gets scratch + offset - displacement, so that the EA lands
// anywhere in the 64-byte window (aligned or not) whatever the displacement (0, ±small, the
// 16-bit extremes, random); indexed forms get a random index register and a base that
// compensates, or RA = 0 with the whole address in RB. The window's address depends on the
// size of the generated program (harness.ts scratchAddr() is not where the linker puts it),
// so each snippet starts by forming the base from the `scratch` symbol and a case input in
// r12 (OFF): `lis RA, scratch@ha; addi RA, RA, scratch@l; add RA, RA, r12`.
//
// Not tested differentially (qemu raises SIGILL/SIGBUS, which would end the harness program):
// invalid forms (update with RA = 0 or RA = RT, lq RT = RA, lswi with RA in range) and the
// multiple/string instructions in little-endian mode; these are unit tests below.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS, type EngineKind } from "../engine.js";
import { eachEngine } from "./machine.js";
import { Rng, seedFromEnv } from "./rng.js";
import { PhysicalMemory } from "../../memory.js";
import { PageTable, Pte } from "../../pagetable.js";
import { Cpu, Exit } from "../cpu.js";
import { S } from "../state.js";
import { AlignmentFault } from "../ops/ea.js";
import { WasmEngine } from "../wasm/wasm-engine.js";

const MEM = 64;
const SUITE = { suite: "loadstore", engines: ENGINE_KINDS };

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** The register holding the base's offset from the window (a case input). */
const OFF = 12;

/** Assembly that sets `reg` to scratch + r12. */
const at = (reg: number): string => `lis ${reg}, scratch@ha; addi ${reg}, ${reg}, scratch@l; add ${reg}, ${reg}, ${OFF}; `;

/** A window offset for an access of `size` bytes: the ends often, else anywhere (unaligned too). */
function offset(rng: Rng, size: number): number {
  const k = rng.below(6);
  if (k === 0) return 0;
  if (k === 1) return MEM - size;
  if (k === 2) return rng.below((MEM - size) / size + 1) * size; // aligned
  return rng.below(MEM - size + 1);
}

/** Cases for a D/DS/DQ form with displacement `disp` (the base register formed by at()). */
function dCases(rng: Rng, disp: number, size: number, n: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const o = offset(rng, size);
    out.push({ gpr: { [OFF]: u64(BigInt(o) - BigInt(disp)) } });
  }
  return out;
}

/** An index value: random (edge-biased), small, or a 32-bit one. */
function index(rng: Rng): bigint {
  const k = rng.below(4);
  if (k === 0) return BigInt(rng.below(129) - 64);
  return rng.u64();
}

/** Cases for an X form: RA (0 = none) + RB; the base (RA, or RB when RA = 0) formed by at(). */
function xCases(rng: Rng, ra: number, rb: number, size: number, n: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const o = BigInt(offset(rng, size));
    if (ra === 0) out.push({ gpr: { [OFF]: o } });
    else {
      const x = index(rng);
      out.push({ gpr: { [OFF]: u64(o - x), [rb]: x } });
    }
  }
  return out;
}

/** The X-form base register: RA, or RB when RA = 0. */
const xBase = (ra: number, rb: number): number => (ra === 0 ? rb : ra);

/** Displacements for D forms (multiples of `align`): 0 or small, a 16-bit extreme, random. */
function displacements(rng: Rng, align: number): number[] {
  const small = rng.below(4) === 0 ? 0 : (rng.below(257) - 128) & ~(align - 1);
  const extreme = rng.below(2) === 0 ? -32768 : 32768 - align;
  const big = ((rng.u32() << 16) >> 16) & ~(align - 1);
  return [small, extreme, big];
}

interface Form {
  mn: string;
  size: number;
  store: boolean;
  update: boolean;
  /** Only on 64-bit targets. */
  is64: boolean;
}

const f = (mn: string, size: number, store: boolean, update: boolean, is64 = false): Form => ({ mn, size, store, update, is64 });

const D_FORMS: Form[] = [
  f("lbz", 1, false, false), f("lbzu", 1, false, true),
  f("lhz", 2, false, false), f("lhzu", 2, false, true),
  f("lha", 2, false, false), f("lhau", 2, false, true),
  f("lwz", 4, false, false), f("lwzu", 4, false, true),
  f("stb", 1, true, false), f("stbu", 1, true, true),
  f("sth", 2, true, false), f("sthu", 2, true, true),
  f("stw", 4, true, false), f("stwu", 4, true, true),
];

const DS_FORMS: Form[] = [
  f("lwa", 4, false, false, true), f("ld", 8, false, false, true), f("ldu", 8, false, true, true),
  f("std", 8, true, false, true), f("stdu", 8, true, true, true),
];

const X_FORMS: Form[] = [
  f("lbzx", 1, false, false), f("lbzux", 1, false, true),
  f("lhzx", 2, false, false), f("lhzux", 2, false, true),
  f("lhax", 2, false, false), f("lhaux", 2, false, true),
  f("lwzx", 4, false, false), f("lwzux", 4, false, true),
  f("lwax", 4, false, false, true), f("lwaux", 4, false, true, true),
  f("ldx", 8, false, false, true), f("ldux", 8, false, true, true),
  f("stbx", 1, true, false), f("stbux", 1, true, true),
  f("sthx", 2, true, false), f("sthux", 2, true, true),
  f("stwx", 4, true, false), f("stwux", 4, true, true),
  f("stdx", 8, true, false, true), f("stdux", 8, true, true, true),
  f("lhbrx", 2, false, false), f("lwbrx", 4, false, false), f("ldbrx", 8, false, false, true),
  f("sthbrx", 2, true, false), f("stwbrx", 4, true, false), f("stdbrx", 8, true, false, true),
];

/** Register choices (RT/RS, RA) of a D form: aliasing where the form allows it. */
function dRegs(fm: Form): [number, number][] {
  if (fm.store) return [[3, 4], [4, 4]];
  if (fm.update) return [[3, 4], [9, 30]];
  return [[3, 4], [4, 4]];
}

/** Register choices (RT/RS, RA, RB) of an X form. */
function xRegs(fm: Form): [number, number, number][] {
  if (fm.update) return fm.store ? [[3, 4, 5], [4, 4, 5], [5, 4, 5]] : [[3, 4, 5], [5, 4, 5]];
  return [[3, 4, 5], [3, 0, 5], [4, 4, 5], [5, 4, 5]];
}

function dVariants(t: Target, rng: Rng, forms: Form[], align: number): Variant[] {
  const vs: Variant[] = [];
  const n = randomCount(4);
  for (const fm of forms) {
    if (fm.is64 && t === "ppc32") continue;
    for (const [rt, ra] of dRegs(fm)) {
      for (const d of displacements(rng, align)) {
        vs.push({ asm: `${at(ra)}${fm.mn} ${rt}, ${d}(${ra})`, cases: dCases(rng, d, fm.size, n) });
      }
    }
  }
  return vs;
}

function xVariants(t: Target, rng: Rng, forms: Form[]): Variant[] {
  const vs: Variant[] = [];
  const n = randomCount(6);
  for (const fm of forms) {
    if (fm.is64 && t === "ppc32") continue;
    for (const [rt, ra, rb] of xRegs(fm)) {
      vs.push({ asm: `${at(xBase(ra, rb))}${fm.mn} ${rt}, ${ra}, ${rb}`, cases: xCases(rng, ra, rb, fm.size, n) });
    }
  }
  return vs;
}

/** lq/stq (64-bit targets): quadword at any offset (qemu checks no alignment here). */
function quadVariants(t: Target, rng: Rng): Variant[] {
  const vs: Variant[] = [];
  const n = randomCount(6);
  for (const d of [0, 16, -32768, 32752, (rng.u32() << 16 >> 16) & ~15]) {
    vs.push({ asm: `${at(4)}lq 6, ${d}(4)`, cases: dCases(rng, d, 16, n) });
    vs.push({ asm: `${at(4)}stq 6, ${d & ~3}(4)`, cases: dCases(rng, d & ~3, 16, n) });
  }
  // RA = RT+1 (allowed), RA = 0 is not reachable in the window; RS = RA for stq.
  vs.push({ asm: `${at(5)}lq 4, 16(5)`, cases: dCases(rng, 16, 16, n) });
  vs.push({ asm: `${at(4)}stq 4, -4(4)`, cases: dCases(rng, -4, 16, n) });
  vs.push({ asm: `${at(5)}stq 4, 12(5)`, cases: dCases(rng, 12, 16, n) });
  return vs;
}

for (const t of TARGETS) {
  test(`D-form and DS-form loads and stores (${t})`, () => {
    const rng = new Rng(seedFromEnv());
    const vs = [...dVariants(t, rng, D_FORMS, 1), ...dVariants(t, rng, DS_FORMS, 4)];
    const r = runDiff(t, vs, SUITE);
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });

  test(`X-form, update-indexed and byte-reverse loads and stores (${t})`, () => {
    const rng = new Rng(seedFromEnv());
    const vs = xVariants(t, rng, X_FORMS);
    if (t !== "ppc32") vs.push(...quadVariants(t, rng));
    const r = runDiff(t, vs, SUITE);
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });
}

// ---- multiple and string forms (big-endian only) ----

/** XER with byte count bc and random SO/OV/CA. */
function xerWith(rng: Rng, bc: number): bigint {
  return BigInt(bc | (rng.below(8) << 29));
}

function stringVariants(rng: Rng): Variant[] {
  const vs: Variant[] = [];
  const n = randomCount(5);
  // lmw loads up to r31, which the harness needs: keep r31 in r3 and the loaded word in r5.
  for (const rt of [16, 20, 27, 31]) {
    const len = (32 - rt) * 4;
    for (const d of [0, -8, 300]) {
      const cases: Case[] = [];
      for (let i = 0; i < n; i++) cases.push({ gpr: { [OFF]: u64(BigInt(rng.below(MEM - len + 1) - d)) } });
      vs.push({ asm: `${at(4)}mr 3, 31; lmw ${rt}, ${d}(4); mr 5, 31; mr 31, 3`, cases });
      vs.push({ asm: `${at(4)}stmw ${rt}, ${d}(4)`, cases });
    }
  }
  // lmw with RA in the range: RA is overwritten (qemu does not check; the assembler refuses).
  const lmwRA = ((46 << 26) | (20 << 21) | (20 << 16) | 8) >>> 0;
  vs.push({ asm: `${at(20)}mr 3, 31; .long 0x${lmwRA.toString(16)}; mr 5, 31; mr 31, 3`, cases: dCases(rng, 8, 48, n) });
  vs.push({ asm: `${at(29)}stmw 28, 0(29)`, cases: dCases(rng, 0, 16, n) });
  // lswi/stswi: NB 1..32 (0 encodes 32), registers wrap after r31.
  for (const nb of [1, 2, 3, 4, 5, 7, 8, 13, 31, 32]) {
    const cases = dCases(rng, 0, nb, n);
    vs.push({ asm: `${at(4)}lswi 6, 4, ${nb & 31}`, cases });
    vs.push({ asm: `${at(4)}stswi 6, 4, ${nb & 31}`, cases });
  }
  vs.push({ asm: `${at(4)}mr 3, 31; lswi 30, 4, 11; mr 5, 31; mr 31, 3`, cases: dCases(rng, 0, 11, n) });
  vs.push({ asm: `${at(4)}stswi 30, 4, 12`, cases: dCases(rng, 0, 12, n) });
  // lswx/stswx: byte count from XER (0 = no access, registers unchanged).
  for (const [rt, ra, rb] of [[10, 4, 5], [10, 0, 5], [30, 4, 5]] as const) {
    const cases: Case[] = [];
    for (let i = 0; i < 3 * n; i++) {
      const maxBc = rt === 30 ? 12 : MEM; // from r30: r30, r31, r0 (r4/r5 never reached)
      const bc = rng.below(4) === 0 ? 0 : rng.below(maxBc + 1);
      const o = BigInt(rng.below(MEM - bc + 1));
      const x = ra === 0 ? 0n : index(rng);
      const gpr: Record<number, bigint> = { [OFF]: u64(o - x) };
      if (ra !== 0) gpr[rb] = x;
      cases.push({ gpr, xer: xerWith(rng, bc) });
    }
    const b = at(xBase(ra, rb));
    vs.push({ asm: rt === 30 ? `${b}mr 3, 31; lswx ${rt}, ${ra}, ${rb}; mr 6, 31; mr 31, 3` : `${b}lswx ${rt}, ${ra}, ${rb}`, cases });
    vs.push({ asm: `${b}stswx ${rt}, ${ra}, ${rb}`, cases });
  }
  return vs;
}

for (const t of ["ppc64", "ppc32"] as const) {
  test(`load/store multiple and string (${t})`, () => {
    const rng = new Rng(seedFromEnv());
    const r = runDiff(t, stringVariants(rng), SUITE);
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });
}

// ---- unit tests: faults, invalid forms, alignment ----

const CODE = 0x10000;
const DATA = 0x20000; // mapped read/write, one page; DATA + 0x1000 is unmapped

/** Instruction encoders. */
const dform = (op: number, rt: number, ra: number, d: number): number => ((op << 26) | (rt << 21) | (ra << 16) | (d & 0xffff)) | 0;
const xform = (xo: number, rt: number, ra: number, rb: number, rc = 0): number => ((31 << 26) | (rt << 21) | (ra << 16) | (rb << 11) | (xo << 1) | rc) | 0;
const SC = 0x44000002;
const ADDI = (rt: number, ra: number, si: number): number => dform(14, rt, ra, si);

interface Machine {
  mem: PhysicalMemory;
  pt: PageTable;
  cpu: Cpu;
}

function machine(le: boolean, sf = true, engine: EngineKind = "block"): Machine {
  const mem = new PhysicalMemory({ bytes: 8 << 20, nodes: 1 });
  const pt = new PageTable(mem);
  const cpu = new Cpu(mem, undefined, engine);
  // The translator translates these few instructions at once (its default waits for them to
  // be hot): its inline accesses are what the straddling and faulting cases test.
  if (cpu.engine instanceof WasmEngine) cpu.engine.hotThreshold = 1;
  cpu.pt = pt;
  cpu.setMode(sf, le);
  pt.map(CODE, 0, mem.allocFrame(), Pte.Read | Pte.Exec);
  pt.map(DATA, 0, mem.allocFrame(), Pte.Read | Pte.Write);
  return { mem, pt, cpu };
}

/** Write code at CODE, set the PC there and run until an exit. */
function run(m: Machine, words: number[]): Exit {
  const p = m.pt.lookup(CODE, 0) & ~0xfff;
  words.forEach((w, i) => m.mem.view.setInt32(p + 4 * i, w, m.cpu.le));
  m.cpu.engine.flush();
  m.cpu.setPc(CODE, 0);
  return m.cpu.run(1000);
}

function gprs(c: Cpu): number[] {
  return Array.from(c.r.subarray(0, 64));
}

for (const le of [false, true]) {
  const bo = le ? "LE" : "BE";

  eachEngine(`a load from an unmapped address faults with no effect (${bo})`, (engine) => {
    const forms: [string, number][] = [
      ["lwz", dform(32, 3, 4, 8)],
      ["lwzu", dform(33, 3, 4, 8)],
      ["lbzux", xform(119, 3, 4, 5)],
      ["ldu", dform(58, 3, 4, 8) | 1],
      ["lhaux", xform(375, 3, 4, 5)],
      ["stdu", dform(62, 3, 4, 8) | 1],
      ["stwux", xform(183, 3, 4, 5)],
      ["lq", dform(56, 6, 4, 0)],
    ];
    for (const [name, w] of forms) {
      const m = machine(le, true, engine);
      const c = m.cpu;
      c.setGpr(4, DATA + 0x1000, 0); // unmapped page
      c.setGpr(5, 16, 0);
      c.setGpr(3, 0x1234, 0x5678);
      c.setGpr(6, 77, 0);
      c.setGpr(9, 0, 0);
      // addi r9,r9,1 runs first (in the same block): it must have completed.
      const before = gprs(c);
      const exit = run(m, [ADDI(9, 9, 1), w, ADDI(9, 9, 1), SC]);
      assert.equal(exit, Exit.Fault, `${name}: ${c.describeExit()}`);
      assert.equal(c.exitPc, CODE + 4, name);
      assert.equal(c.r[S.PC], CODE + 4, name);
      assert.ok(c.fault !== undefined && !(c.fault instanceof AlignmentFault), name);
      const after = gprs(c);
      before[18] = 1; // r9 after the first addi
      assert.deepEqual(after, before, `${name}: registers changed`);
      assert.equal(c.icount, 1, name);
    }
  });

  eachEngine(`page-crossing multi-part accesses fault before any effect (${bo})`, (engine) => {
    // stq / std / stmw / stswi straddling DATA's last bytes and the unmapped page after it.
    const forms: [string, number, number][] = [
      ["stq", dform(62, 6, 4, 0) | 2, 8],
      ["std", dform(62, 6, 4, 0), 4],
      ["stw", dform(36, 6, 4, 0), 2],
      ...(le ? [] : [["stmw", dform(47, 24, 4, 0), 16], ["stswi", xform(725, 6, 4, 0) | (20 << 11), 12]] as [string, number, number][]),
    ];
    for (const [name, w, back] of forms) {
      const m = machine(le, true, engine);
      const c = m.cpu;
      const p = m.pt.lookup(DATA, 0) & ~0xfff;
      m.mem.bytes.fill(0xaa, p, p + 0x1000);
      for (let k = 0; k < 32; k++) if (k !== 4) c.setGpr(k, 0x01010101 * k, 0x02020202 * k);
      c.setGpr(4, DATA + 0x1000 - back, 0);
      const exit = run(m, [w, SC]);
      assert.equal(exit, Exit.Fault, `${name}: ${c.describeExit()}`);
      assert.equal(c.exitPc, CODE, name);
      assert.ok(m.mem.bytes.subarray(p, p + 0x1000).every((b) => b === 0xaa), `${name}: memory written`);
    }
    if (!le) {
      // lmw straddling: no register written.
      const m = machine(le, true, engine);
      const c = m.cpu;
      c.setGpr(4, DATA + 0x1000 - 8, 0);
      const before = gprs(c);
      assert.equal(run(m, [dform(46, 24, 4, 0), SC]), Exit.Fault);
      assert.deepEqual(gprs(c), before);
    }
  });

  eachEngine(`straddling accesses fault with the page already in the TLB (${bo})`, (engine) => {
    // A first access of DATA's page fills the TLB; a second one straddling its end into the
    // unmapped page must still fault (the translator's inline probe must miss, not read or
    // write the frame after DATA's).
    const forms: [string, number, number, number][] = [
      // warm-up, straddling access, bytes back from the page end
      ["ld", dform(34, 7, 4, 0), dform(58, 6, 4, 0), 4],
      ["lwz", dform(34, 7, 4, 0), dform(32, 6, 4, 0), 2],
      ["lhz", dform(34, 7, 4, 0), dform(40, 6, 4, 0), 1],
      ["std", dform(38, 7, 4, 0), dform(62, 6, 4, 0), 4],
      ["stw", dform(38, 7, 4, 0), dform(36, 6, 4, 0), 2],
      ["sth", dform(38, 7, 4, 0), dform(44, 6, 4, 0), 1],
    ];
    for (const [name, warm, w, back] of forms) {
      const m = machine(le, true, engine);
      const c = m.cpu;
      const p = m.pt.lookup(DATA, 0) & ~0xfff;
      m.mem.bytes.fill(0xaa, p, p + 0x1000);
      // The frame after DATA's (what a probe that missed nothing would write instead).
      const next = m.mem.bytes.slice(p + 0x1000, p + 0x2000);
      c.setGpr(4, DATA, 0);
      c.setGpr(6, 0x01020304, 0x05060708);
      c.setGpr(7, 0xaa, 0);
      // warm (stb stores the byte already there), r4 += 0x1000 - back, then the straddling one.
      const exit = run(m, [warm, ADDI(4, 4, 0x1000 - back), w, SC]);
      assert.equal(exit, Exit.Fault, `${name}: ${c.describeExit()}`);
      assert.equal(c.exitPc, CODE + 8, name);
      assert.ok(m.mem.bytes.subarray(p, p + 0x1000).every((b) => b === 0xaa), `${name}: memory written`);
      assert.deepEqual(m.mem.bytes.subarray(p + 0x1000, p + 0x2000), next, `${name}: the next frame written`);
      if (name.startsWith("l")) assert.equal(c.r[12], 0x01020304, `${name}: r6 changed`);
    }
  });

  eachEngine(`invalid forms are illegal instructions (${bo})`, (engine) => {
    const bad: [string, number][] = [
      ["lbzu RA=0", dform(35, 3, 0, 0)],
      ["lwzu RA=RT", dform(33, 4, 4, 0)],
      ["ldu RA=RT", dform(58, 4, 4, 0) | 1],
      ["lhaux RA=RT", xform(375, 4, 4, 5)],
      ["stbu RA=0", dform(39, 4, 0, 0)],
      ["stdux RA=0", xform(181, 4, 0, 5)],
      ["lq RT=RA", dform(56, 4, 4, 0)],
      ["lq RT odd", dform(56, 5, 4, 0)],
      ["stq RS odd", dform(62, 5, 4, 0) | 2],
      ["ld DS=3", dform(58, 5, 4, 0) | 3],
      ["lwbrx Rc=1", xform(534, 5, 4, 6, 1)],
      ["lswi RA in range", xform(597, 30, 0, 0) | (16 << 11)],
    ];
    for (const [name, w] of bad) {
      const m = machine(le, true, engine);
      const c = m.cpu;
      c.setGpr(4, DATA, 0);
      c.setGpr(9, 0, 0);
      const before = gprs(c);
      const exit = run(m, [ADDI(9, 9, 1), w, ADDI(9, 9, 1), SC]);
      assert.equal(exit, Exit.Illegal, `${name}: ${c.describeExit()}`);
      assert.equal(c.exitPc, CODE + 4, name);
      before[18] = 1;
      assert.deepEqual(gprs(c), before, name);
    }
    // Aliasing that is allowed: store-with-update RS = RA, indexed update RT = RB.
    const m = machine(le, true, engine);
    const c = m.cpu;
    c.setGpr(4, DATA, 0);
    c.setGpr(5, 0, 0);
    assert.equal(run(m, [dform(37, 4, 4, 16), xform(55, 5, 4, 5), SC]), Exit.Syscall, c.describeExit());
    assert.equal(c.r[8], DATA + 16);
    assert.equal(c.r[10], DATA); // lwzux 5,4,5 loaded the word stwu stored (the old r4)
  });

  eachEngine(`lswx with RA or RB in the loaded range stops at run time (${bo})`, (engine) => {
    if (le) return; // string instructions are alignment interrupts in LE (tested below)
    const m = machine(le, true, engine);
    const c = m.cpu;
    c.setGpr(4, DATA, 0);
    c.setGpr(6, 0, 0);
    c.r[S.XER_BC] = 8; // two registers: r5, r6 = RB
    assert.equal(run(m, [xform(533, 5, 4, 6), SC]), Exit.Illegal);
    assert.equal(c.exitPc, CODE);
    c.r[S.XER_BC] = 4; // one register: fine
    assert.equal(run(m, [xform(533, 5, 4, 6), SC]), Exit.Syscall, c.describeExit());
    c.r[S.XER_BC] = 0; // nothing to load: fine whatever the registers
    assert.equal(run(m, [xform(533, 4, 4, 4), SC]), Exit.Syscall, c.describeExit());
  });
}

eachEngine("multiple and string instructions in little-endian mode are alignment interrupts", (engine) => {
  for (const [name, w] of [
    ["lmw", dform(46, 28, 4, 0)], ["stmw", dform(47, 28, 4, 0)],
    ["lswi", xform(597, 6, 4, 0) | (8 << 11)], ["stswi", xform(725, 6, 4, 0) | (8 << 11)],
    ["lswx", xform(533, 6, 4, 5)], ["stswx", xform(661, 6, 4, 5)],
  ] as [string, number][]) {
    const m = machine(true, true, engine);
    const c = m.cpu;
    c.setGpr(4, DATA, 0);
    c.setGpr(5, 0, 0);
    const before = gprs(c);
    assert.equal(run(m, [w, SC]), Exit.Fault, name);
    assert.ok(c.fault instanceof AlignmentFault, `${name}: ${c.describeExit()}`);
    assert.equal(c.exitPc, CODE, name);
    assert.deepEqual(gprs(c), before, name);
  }
});

eachEngine("32-bit mode truncates the EA and writes a 32-bit EA to RA", (engine) => {
  const m = machine(false, false, engine);
  const c = m.cpu;
  const p = m.pt.lookup(DATA, 0) & ~0xfff;
  m.mem.view.setUint32(p + 8, 0xdeadbeef, false);
  // RA has junk in its high word (a 64-bit processor in 32-bit mode): ignored for the EA.
  c.setGpr(4, DATA, 0x12345678);
  c.setGpr(5, 8, 0x7fffffff);
  assert.equal(run(m, [xform(55, 3, 4, 5), SC]), Exit.Syscall, c.describeExit());
  assert.equal(c.r[6] >>> 0, 0xdeadbeef);
  assert.equal(c.r[7], 0);
  assert.equal(c.r[8], DATA + 8);
  assert.equal(c.r[9], 0);
});
