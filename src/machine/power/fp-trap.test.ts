// FP enabled-exception interrupts at the machine level (fpu/trap.ts): with MSR[FE0 FE1] != 0 an
// FP or VSX instruction causing an enabled exception stops the processor with Exit.FpEnabled at
// its own address, not retired, leaving the target register as the ISA (and qemu 7.2) say:
// unchanged for invalid operation and zero divide, the exponent-adjusted result for overflow,
// the rounded result for inexact; FPSCR writes that enable a set exception stop too. With
// FE0 = FE1 = 0 the same code runs through. Every engine, and the block engine's compiled
// blocks (hot at once) as well as its interpreted cold code, and the wasm engine's regions
// (translated at once), must agree: the trap leaves a block in its middle. (guest/signals/fpexc.c compares the same with qemu-user.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { Exit } from "./cpu.js";
import { BlockEngine } from "./block-engine.js";
import { WasmEngine } from "./wasm/wasm-engine.js";
import { S, fprIndex } from "./state.js";
import { Fp } from "./fpu/fpscr.js";
import { machine } from "./difftest/machine.js";

const SC = 0x44000002;
const li = (rt: number, v: number): number => ((14 << 26) | (rt << 21) | (v & 0xffff)) >>> 0;
const aForm = (xo: number, t: number, a: number, b: number): number => ((63 << 26) | (t << 21) | (a << 16) | (b << 11) | (xo << 1)) >>> 0;
const fdiv = (t: number, a: number, b: number): number => aForm(18, t, a, b);
const fadd = (t: number, a: number, b: number): number => aForm(21, t, a, b);
const mtfsb1 = (bt: number): number => ((63 << 26) | (bt << 21) | (38 << 1)) >>> 0;
const xsdivdp = (t: number, a: number, b: number): number => ((60 << 26) | (t << 21) | (a << 16) | (b << 11) | (56 << 3)) >>> 0;

/** FPRF of a positive normal result (fadd f5 = 3 before the instruction under test). */
const POS_NORMAL = 0x04 << 12;
const SENTINEL_HI = 0x7ff4dead, SENTINEL_LO = 0x0000beef;
const CONFIGS = ["step", "block (interpreted cold code)", "block (compiled blocks)", "wasm (translated regions)"] as const;

interface Setup {
  fpscr: number;
  a: number;
  b: number;
  fe: number;
  /** The instruction under test (f10 := f11 op f12), at 0x1008. */
  insn: number;
}

/** li r3,1; fadd f5,f1,f2; <insn>; li r4,2; sc — run once in `config`. */
function run(config: (typeof CONFIGS)[number], s: Setup): ReturnType<typeof machine> {
  const m = machine(true, false, config === "step" ? "step" : config === "wasm (translated regions)" ? "wasm" : "block");
  if (config === "block (compiled blocks)") (m.c.engine as BlockEngine).hotEntries = 1;
  if (config === "wasm (translated regions)") (m.c.engine as WasmEngine).hotThreshold = 1;
  m.code(0x1000, 0, [li(3, 1), fadd(5, 1, 2), s.insn, li(4, 2), SC]);
  const c = m.c;
  c.f[fprIndex(1)] = 1;
  c.f[fprIndex(2)] = 2;
  c.f[fprIndex(11)] = s.a;
  c.f[fprIndex(12)] = s.b;
  c.r[fprIndex(10) * 2] = SENTINEL_LO;
  c.r[fprIndex(10) * 2 + 1] = SENTINEL_HI;
  c.r[S.FPSCR] = s.fpscr;
  c.setFpExceptionMode(s.fe);
  m.runAt(0x1000, 0);
  return m;
}

const f10 = (m: ReturnType<typeof machine>): [number, number] => [m.c.r[fprIndex(10) * 2 + 1] >>> 0, m.c.r[fprIndex(10) * 2] >>> 0];

/** Stopped at the instruction at 0x1008, two instructions retired, the rest not run. */
function stoppedAtInsn(m: ReturnType<typeof machine>, what: string): void {
  assert.equal(m.c.exit, Exit.FpEnabled, `${what}: ${m.c.describeExit()}`);
  assert.equal(m.c.exitPc, 0x1008, what);
  assert.equal(m.c.r[S.PC], 0x1008, `${what}: the PC stays on the instruction`);
  assert.equal(m.c.icount, 2, `${what}: li and fadd retired, not the instruction`);
  assert.equal(m.c.r[3 * 2], 1, what);
  assert.equal(m.c.r[4 * 2], 0, `${what}: nothing after it ran`);
  assert.equal(m.c.f[fprIndex(5)], 3, what);
}

for (const config of CONFIGS) {
  test(`zero divide with ZE: stops at the instruction, FRT unchanged, FPSCR has ZX FX FEX (${config})`, () => {
    for (const insn of [fdiv(10, 11, 12), xsdivdp(10, 11, 12)]) {
      const m = run(config, { fpscr: Fp.ZE, a: 1, b: 0, fe: 3, insn });
      stoppedAtInsn(m, "1/0");
      assert.deepEqual(f10(m), [SENTINEL_HI, SENTINEL_LO], "FRT unchanged");
      assert.equal(m.c.r[S.FPSCR] >>> 0, (Fp.ZE | Fp.ZX | Fp.FX | Fp.FEX | POS_NORMAL) >>> 0, "FPRF is fadd's");
      // The program clears the enable (as a SIGFPE handler would) and goes on: the instruction runs again.
      m.c.r[S.FPSCR] &= ~Fp.ZE;
      assert.equal(m.c.run(100), Exit.Syscall);
      assert.equal(m.c.f[fprIndex(10)], Infinity);
      assert.equal(m.c.icount, 5);
    }
  });

  test(`invalid operation with VE: FRT unchanged, FPRF unchanged (${config})`, () => {
    const m = run(config, { fpscr: Fp.VE, a: 0, b: 0, fe: 1, insn: fdiv(10, 11, 12) });
    stoppedAtInsn(m, "0/0");
    assert.deepEqual(f10(m), [SENTINEL_HI, SENTINEL_LO]);
    assert.equal(m.c.r[S.FPSCR] >>> 0, (Fp.VE | Fp.VXZDZ | Fp.VX | Fp.FX | Fp.FEX | POS_NORMAL) >>> 0, "FPRF is fadd's");
  });

  test(`overflow with OE: the exponent-adjusted result, as qemu 7.2 (${config})`, () => {
    const m = run(config, { fpscr: Fp.OE, a: 1e300, b: 1e-300, fe: 2, insn: fdiv(10, 11, 12) });
    stoppedAtInsn(m, "1e300/1e-300");
    assert.deepEqual(f10(m), [0x5c81d672, 0xe2852fe0], "1e600 × 2^-1536, rounded");
    assert.equal(m.c.r[S.FPSCR] & (Fp.OX | Fp.XX | Fp.FX | Fp.FEX | Fp.FPRF), Fp.OX | Fp.XX | Fp.FX | Fp.FEX | POS_NORMAL);
  });

  test(`single precision: an enabled overflow is adjusted by 2^-192, an underflow by 2^192 (${config})`, () => {
    const fdivs = (t: number, a: number, b: number): number => ((59 << 26) | (t << 21) | (a << 16) | (b << 11) | (18 << 1)) >>> 0;
    const o = run(config, { fpscr: Fp.OE, a: 2 ** 100, b: 2 ** -100, fe: 3, insn: fdivs(10, 11, 12) });
    stoppedAtInsn(o, "fdivs 2^100/2^-100");
    assert.equal(o.c.f[fprIndex(10)], 2 ** 8, "2^200 × 2^-192");
    const u = run(config, { fpscr: Fp.UE, a: 2 ** -100, b: 2 ** 100, fe: 3, insn: fdivs(10, 11, 12) });
    stoppedAtInsn(u, "fdivs 2^-100/2^100");
    assert.equal(u.c.f[fprIndex(10)], 2 ** -8, "2^-200 × 2^192, exact yet an underflow (UE = 1)");
    assert.equal(u.c.r[S.FPSCR] & (Fp.UX | Fp.XX), Fp.UX);
  });

  test(`underflow with UE, inexact with XE: the instruction's result written (${config})`, () => {
    const u = run(config, { fpscr: Fp.UE, a: 1e-300, b: 1e300, fe: 3, insn: fdiv(10, 11, 12) });
    stoppedAtInsn(u, "1e-300/1e300");
    assert.deepEqual(f10(u), [0x235cb409, 0x54c56aa8], "1e-600 × 2^1536, rounded");
    const x = run(config, { fpscr: Fp.XE, a: 1, b: 3, fe: 3, insn: fdiv(10, 11, 12) });
    stoppedAtInsn(x, "1/3");
    assert.equal(x.c.f[fprIndex(10)], 1 / 3);
    assert.equal(x.c.r[S.FPSCR] & (Fp.XX | Fp.FEX), Fp.XX | Fp.FEX);
  });

  test(`mtfsb1 turning on ZE while ZX is set stops at the mtfsb1, its write done (${config})`, () => {
    const m = run(config, { fpscr: Fp.ZX | Fp.FX, a: 0, b: 0, fe: 3, insn: mtfsb1(27) });
    stoppedAtInsn(m, "mtfsb1 27");
    assert.equal(m.c.r[S.FPSCR] >>> 0, (Fp.ZX | Fp.FX | Fp.ZE | Fp.FEX | POS_NORMAL) >>> 0);
  });

  test(`with FE0 = FE1 = 0 nothing stops: FEX is set and the code runs through (${config})`, () => {
    for (const [fpscr, a, b] of [[Fp.ZE, 1, 0], [Fp.VE, 0, 0], [Fp.XE, 1, 3]]) {
      const m = run(config, { fpscr, a, b, fe: 0, insn: fdiv(10, 11, 12) });
      assert.equal(m.c.exit, Exit.Syscall, m.c.describeExit());
      assert.equal(m.c.icount, 5);
      assert.notEqual(m.c.r[S.FPSCR] & Fp.FEX, 0);
    }
  });
}
