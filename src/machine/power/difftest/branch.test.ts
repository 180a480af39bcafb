// Branches and condition-register instructions: differential tests against qemu-user on all
// three targets, plus unit tests for what the harness cannot show (absolute branches, 4 GiB
// boundaries of the PC, bcctr's decrementing form in 32-bit mode).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, seedFromEnv } from "./rng.js";
import { Cpu, Exit } from "../cpu.js";
import { S } from "../state.js";
import { eachEngine, machine } from "./machine.js";
import { bcVariants, bcWord, CTR_EDGES, ctrCases, randomCases, xlWord, XO_BCCTR, XO_BCLR, XO_BCTAR } from "./branch-variants.js";

const SUITE = { suite: "branch", engines: ENGINE_KINDS };
const hex = (w: number): string => "0x" + (w >>> 0).toString(16).padStart(8, "0");
const is64 = (t: Target): boolean => t !== "ppc32";

/** Seed for the random parts of the variants (operand fields); cases use the harness's seed. */
const variantSeed = seedFromEnv();

function check(t: Target, variants: Variant[]): void {
  const r = runDiff(t, variants, SUITE);
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

// ---- differential: bc ----

for (const t of TARGETS) {
  test(`bc bcl: every BO, forward and backward, random CR/CTR (${t})`, () => {
    check(t, bcVariants(new Rng(variantSeed ^ 0x1234), randomCount(4)));
  });
}

// ---- differential: bclr, bcctr, bctar ----

/** Load the address of local label 1f into r5, then run `word`. */
const viaReg = (setup: string, word: number, lowBits = false): string =>
  `lis 5, 1f@ha; addi 5, 5, 1f@l; ${lowBits ? "ori 5, 5, 3; " : ""}${setup}; .long ${hex(word)}; li 3, 1; 1:`;

for (const t of TARGETS) {
  test(`bclr bclrl bcctr bcctrl${is64(t) ? " bctar bctarl" : ""}: every BO (${t})`, () => {
    const rng = new Rng(variantSeed ^ 0x5678);
    const n = randomCount(4);
    const variants: Variant[] = [];
    for (let bo = 0; bo < 32; bo++) {
      {
        const lk = rng.below(2);
        const bh = rng.below(4) << 11; // branch hint, ignored
        variants.push({ asm: viaReg("mtlr 5", xlWord(XO_BCLR, bo, rng.below(32), lk, bh), rng.below(4) === 0), cases: ctrCases(rng, n) });
        // bcctr: BO[2] = 0 is the "decrement and test" form, which qemu -cpu 7400 rejects.
        if ((bo & 4) !== 0 || is64(t)) {
          variants.push({ asm: viaReg("mtctr 5", xlWord(XO_BCCTR, bo, rng.below(32), lk, bh), rng.below(4) === 0), cases: randomCases(n) });
        }
        if (is64(t)) {
          variants.push({ asm: viaReg("mtspr 815, 5", xlWord(XO_BCTAR, bo, rng.below(32), lk, bh), rng.below(4) === 0), cases: ctrCases(rng, n) });
        }
      }
    }
    // Extended mnemonics.
    for (const asm of [
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtlr 5; blr; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtlr 5; blrl; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtlr 5; bdnzlr; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtlr 5; beqlr 3; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtctr 5; bctr; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtctr 5; bctrl; li 3, 1; 1:",
      "lis 5, 1f@ha; addi 5, 5, 1f@l; mtctr 5; bnectr 5; li 3, 1; 1:",
    ]) variants.push({ asm, cases: ctrCases(rng, n) });
    check(t, variants);
  });
}

// ---- differential: CR logical, mcrf, mfcr/mtcrf/mfocrf/mtocrf, mcrxr ----

const CR_LOGICAL = ["crand", "cror", "crxor", "crnand", "crnor", "creqv", "crandc", "crorc"] as const;

for (const t of TARGETS) {
  test(`CR logical, mcrf, mfcr, mtcrf, mfocrf, mtocrf, mcrxr (${t})`, () => {
    const rng = new Rng(variantSeed ^ 0x9abc);
    const n = randomCount(8);
    const variants: Variant[] = [];
    const cases = (): Case[] => randomCases(n);
    // Several operations per snippet, each followed by a capture of the CR into its own GPR.
    const chain = (ops: string[]): string => ops.map((op, i) => `${op}; mfcr ${3 + i}`).join("; ");
    for (const op of CR_LOGICAL) {
      const ops: string[] = [];
      for (let k = 0; k < 6; k++) {
        const bt = rng.below(32);
        // k = 0: all three the same bit; k = 1: BT = BA; k = 2: BA = BB; else random.
        const ba = k <= 1 ? bt : rng.below(32);
        const bb = k === 0 ? bt : k === 2 ? ba : rng.below(32);
        ops.push(`${op} ${bt}, ${ba}, ${bb}`);
      }
      variants.push({ asm: chain(ops), cases: cases() });
    }
    {
      const ops: string[] = [];
      for (let k = 0; k < 3; k++) {
        const x = rng.below(32), y = rng.below(32);
        ops.push(`crset ${x}`, `crclr ${y}`, `crmove ${x}, ${y}`, `crnot ${y}, ${x}`);
      }
      variants.push({ asm: chain(ops), cases: cases() });
    }
    {
      const ops = ["mcrf 3, 3"];
      for (let k = 0; k < 7; k++) ops.push(`mcrf ${rng.below(8)}, ${rng.below(8)}`);
      variants.push({ asm: chain(ops), cases: cases() });
    }
    variants.push({ asm: "mfcr 3; mfcr 0; mfcr 30", cases: cases() });
    // mtcrf: random field masks (0 and 0xff included) from different source registers.
    {
      const fxms = [0, 0xff, 0x80, 0x01, rng.below(256), rng.below(256), rng.below(256), rng.below(256)];
      variants.push({ asm: fxms.map((f, i) => `mtcrf ${f}, ${10 + i}; mfcr ${3 + i}`).join("; "), cases: cases() });
    }
    // mtocrf / mfocrf: one field, and the undefined forms (no field, several fields) as words.
    variants.push({ asm: [0, 1, 2, 3, 4, 5, 6, 7].map((f) => `mtocrf ${0x80 >> f}, ${10 + f}; mfcr ${3 + f}`).join("; "), cases: cases() });
    variants.push({ asm: [0, 1, 2, 3, 4, 5, 6, 7].map((f) => `mfocrf ${3 + f}, ${0x80 >> f}`).join("; "), cases: cases() });
    const ocrf = (xo: number, r: number, fxm: number): number => ((31 << 26) | (r << 21) | (1 << 20) | (fxm << 12) | (xo << 1)) >>> 0;
    variants.push({
      asm: [0, 0x3, 0xff, 0x81].map((f, i) => `.long ${hex(ocrf(144, 10 + i, f))}; mfcr ${3 + i}`).join("; "),
      cases: cases(),
    });
    // mfocrf with no or several fields leaves RT alone; mfcr with FXM bits set (bit 11 clear)
    // ignores them.
    variants.push({
      asm: [0, 0x3, 0xff, 0x81].map((f, i) => `.long ${hex(ocrf(19, 3 + i, f))}`).join("; ") +
        `; .long ${hex(((31 << 26) | (7 << 21) | (0x5a << 12) | (19 << 1)) >>> 0)}`,
      cases: cases(),
    });
    // mcrxr with random XER contents (SO/OV/CA and the byte count).
    for (let bf = 0; bf < 8; bf += 3) {
      variants.push({
        asm: `mcrxr ${bf}; mfxer 7`,
        cases: randomCases(n, () => ({ xer: BigInt(rng.u32() & 0xe000007f) | (is64(t) ? BigInt(rng.u32()) << 32n : 0n) })),
      });
    }
    check(t, variants);
  });
}

// ---- unit tests on a bare processor ----

const SC = 0x44000002;
const NOP = 0x60000000;
const bWord = (li: number, aa: number, lk: number): number => ((18 << 26) | (li & 0x03fffffc) | (aa << 1) | lk) >>> 0;
const pcOf = (c: Cpu): [number, number] => [c.r[S.PC] >>> 0, c.r[S.PC + 1] >>> 0];
const lrOf = (c: Cpu): [number, number] => [c.r[S.LR] >>> 0, c.r[S.LR + 1] >>> 0];

eachEngine("ba bla bca bcla: absolute targets (64-bit and 32-bit, both byte orders)", (engine) => {
  for (const [sf, le] of [[true, false], [true, true], [false, false]] as const) {
    const m = machine(sf, le, engine);
    // ba 0x2000 from 0x4000; the target runs sc.
    m.code(0x2000, 0, [SC]);
    m.code(0x4000, 0, [bWord(0x2000, 1, 0), bWord(0x2000, 1, 1), bcWord(20, 0, 0x2000, 1, 1), bcWord(12, 2, 0x2000, 1, 0), SC]);
    assert.equal(m.runAt(0x4000, 0), Exit.Syscall);
    assert.deepEqual(pcOf(m.c), [0x2004, 0]);
    m.c.r[S.LR] = 0x1234; m.c.r[S.LR + 1] = 0x5678;
    assert.equal(m.runAt(0x4004, 0), Exit.Syscall);
    assert.deepEqual(pcOf(m.c), [0x2004, 0]);
    assert.deepEqual(lrOf(m.c), [0x4008, 0], "bla sets LR");
    assert.equal(m.runAt(0x4008, 0), Exit.Syscall);
    assert.deepEqual(lrOf(m.c), [0x400c, 0], "bcla (always) sets LR");
    // bca with BO=12 on CR0.EQ: taken when EQ set, else falls through to the sc at 0x4010.
    m.c.r[S.CR] = 2;
    assert.equal(m.runAt(0x400c, 0), Exit.Syscall);
    assert.deepEqual(pcOf(m.c), [0x2004, 0]);
    m.c.r[S.CR] = 4;
    assert.equal(m.runAt(0x400c, 0), Exit.Syscall);
    assert.deepEqual(pcOf(m.c), [0x4014, 0]);
  }
  // Negative absolute targets: sign-extended (64-bit: beyond the address space, a fault;
  // 32-bit: 0xfffff000).
  const m32 = machine(false, false, engine);
  m32.code(0xfffff000, 0, [SC]);
  m32.code(0x4000, 0, [bWord(-0x1000, 1, 0), bcWord(20, 0, -0x1000, 1, 0)]);
  assert.equal(m32.runAt(0x4000, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m32.c), [0xfffff004, 0]);
  assert.equal(m32.runAt(0x4004, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m32.c), [0xfffff004, 0]);
  const m64 = machine(true, false, engine);
  m64.code(0x4000, 0, [bWord(-0x1000, 1, 0)]);
  assert.equal(m64.runAt(0x4000, 0), Exit.Fault);
  assert.equal(m64.c.exitPc >>> 0, 0xfffff000);
  assert.equal(m64.c.exitPcHi >>> 0, 0xffffffff);
});

eachEngine("branches across a 4 GiB boundary of the PC (64-bit) and the 32-bit wrap", (engine) => {
  const m = machine(true, false, engine);
  const last = 0xfffffffc | 0; // the last word below 4 GiB
  m.code(0, 1, [SC, SC, SC, SC]); // 0x1_0000_0000..
  m.code(0xfffffff0, 0, [SC, SC, SC]);
  // b +8 at 0xfffffffc -> 0x1_0000_0004; bl sets LR = 0x1_0000_0000.
  m.code(last, 0, [bWord(8, 0, 1)]);
  assert.equal(m.runAt(last, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [8, 1]);
  assert.deepEqual(lrOf(m.c), [0, 1]);
  // bc (always) -8 at 0xfffffffc -> 0xfffffff4.
  m.code(last, 0, [bcWord(20, 0, -8, 0, 1)]);
  assert.equal(m.runAt(last, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [0xfffffff8, 0]);
  assert.deepEqual(lrOf(m.c), [0, 1]);
  // Not taken: falls through to 0x1_0000_0000.
  m.code(last, 0, [bcWord(4, 0, -8, 0, 0)]);
  m.c.r[S.CR] = 8;
  assert.equal(m.runAt(last, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [4, 1]);
  // Backward from 0x1_0000_0000 to 0xfffffff0, and the single-step interpreter.
  m.code(0, 1, [bWord(-16, 0, 1)]);
  assert.equal(m.runAt(0, 1), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [0xfffffff4, 0]);
  assert.deepEqual(lrOf(m.c), [4, 1]);
  m.code(last, 0, [bWord(8, 0, 1)]);
  m.c.setPc(last, 0);
  m.c.engine.step();
  assert.deepEqual(pcOf(m.c), [4, 1]);
  assert.deepEqual(lrOf(m.c), [0, 1]);

  // 32-bit mode: 0xfffffffc + 8 wraps to 4; LR wraps to 0.
  const m32 = machine(false, false, engine);
  m32.code(0, 0, [SC, SC, SC]);
  m32.code(last, 0, [bWord(8, 0, 1)]);
  assert.equal(m32.runAt(last, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m32.c), [8, 0]);
  assert.deepEqual(lrOf(m32.c), [0, 0]);
  // bclr to an LR with a high word (left over from 64-bit mode) takes the low 32 bits.
  m32.code(0x1000, 0, [xlWord(XO_BCLR, 20, 0, 1), NOP, SC]);
  m32.code(0x2000, 0, [SC]);
  m32.c.r[S.LR] = 0x2003; m32.c.r[S.LR + 1] = 7;
  assert.equal(m32.runAt(0x1000, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m32.c), [0x2004, 0]);
  assert.deepEqual(lrOf(m32.c), [0x1004, 0]);
});

/** Reference model of the CTR part of bc/bclr/bctar in either mode. */
function refCtr(ctr: bigint, bo: number, sf: boolean): { ctr: bigint; ok: boolean } {
  if ((bo & 4) !== 0) return { ctr, ok: true };
  const n = BigInt.asUintN(64, ctr - 1n);
  const zero = (sf ? n : n & 0xffffffffn) === 0n;
  return { ctr: n, ok: zero === ((bo & 2) !== 0) };
}

eachEngine("bc and bcctr CTR handling in 64-bit and 32-bit mode (reference model)", (engine) => {
  const rng = new Rng(variantSeed ^ 0xdef0);
  for (const sf of [true, false]) {
    const m = machine(sf, false, engine);
    // Slots of 8 words at 0x1000 + 32*bo: branch word, sc (fall through); the branch tests CR
    // bit 5 (CR1.GT); bc targets 0x8000; bcctr targets CTR (0x8000 or 0).
    m.code(0x8000, 0, [SC]);
    m.code(0, 0, [SC]);
    const bcs: number[] = [], bcctrs: number[] = [];
    for (let bo = 0; bo < 32; bo++) {
      bcs.push(bcWord(bo, 5, 0x7000 - 0x20 * bo, 0, 0)); // at 0x1000 + 0x20*bo -> 0x8000
      bcctrs.push(xlWord(XO_BCCTR, bo, 5, 0));
    }
    for (let bo = 0; bo < 32; bo++) {
      m.code(0x1000 + 0x20 * bo, 0, [bcs[bo], SC]);
      m.code(0x3000 + 0x20 * bo, 0, [bcctrs[bo], SC]);
    }
    for (let i = 0; i < 400; i++) {
      const bo = rng.below(32);
      const ctr = i % 3 === 0 ? rng.pick(CTR_EDGES) : rng.u64();
      const cr1 = rng.below(16);
      const crOk = (bo & 16) !== 0 || ((cr1 >> 2) & 1) === ((bo >> 3) & 1);
      const setCtr = (v: bigint): void => {
        m.c.r[S.CTR] = Number(v & 0xffffffffn) | 0;
        m.c.r[S.CTR + 1] = Number(v >> 32n) | 0;
      };
      const getCtr = (): bigint => (BigInt(m.c.r[S.CTR + 1] >>> 0) << 32n) | BigInt(m.c.r[S.CTR] >>> 0);
      // bc
      setCtr(ctr);
      m.c.r[S.CR + 0] = 0;
      m.c.r[S.CR + 1] = cr1;
      assert.equal(m.runAt(0x1000 + 0x20 * bo, 0), Exit.Syscall);
      const ref = refCtr(ctr, bo, sf);
      const taken = ref.ok && crOk;
      assert.equal(m.c.r[S.PC] >>> 0, taken ? 0x8004 : 0x1000 + 0x20 * bo + 8, `bc bo=${bo} ctr=${ctr}`);
      assert.equal(getCtr(), ref.ctr, `bc ctr bo=${bo} ctr=${ctr}`);
      // bcctr with CTR = the target 0x8000 (+ junk in the high word in 32-bit mode, + low bits)
      // for BO[2] = 1; for BO[2] = 0 (test before decrement, decrement only if the test
      // passes) with CTR either the target or zero.
      const target = 0x8000n | BigInt(rng.below(4)) | (sf ? 0n : BigInt(rng.u32()) << 32n);
      const zeroCtr = (bo & 4) === 0 && rng.below(2) === 0;
      const c0 = zeroCtr ? (sf ? 0n : BigInt(rng.u32()) << 32n) : target;
      setCtr(c0);
      const exit = m.runAt(0x3000 + 0x20 * bo, 0);
      let expTaken: boolean, expCtr: bigint;
      if ((bo & 4) !== 0) {
        expTaken = crOk;
        expCtr = c0;
      } else {
        const z = (sf ? c0 : c0 & 0xffffffffn) === 0n;
        const ctrPass = z === ((bo & 2) !== 0);
        expCtr = ctrPass ? BigInt.asUintN(64, c0 - 1n) : c0;
        expTaken = ctrPass && crOk;
      }
      assert.equal(exit, Exit.Syscall);
      const dest = Number(c0 & 0xfffffffcn) + 4;
      assert.equal(m.c.r[S.PC] >>> 0, expTaken ? dest : 0x3000 + 0x20 * bo + 8, `bcctr bo=${bo} ctr=${c0}`);
      assert.equal(m.c.r[S.PC + 1], 0);
      assert.equal(getCtr(), expCtr, `bcctr ctr bo=${bo} ctr=${c0}`);
    }
  }
});

eachEngine("bctar: target from TAR, LR before update for bclrl", (engine) => {
  const m = machine(true, false, engine);
  m.code(0x2000, 0, [SC]);
  m.code(0x1000, 0, [xlWord(XO_BCTAR, 20, 0, 1), SC, xlWord(XO_BCLR, 20, 0, 1), SC]);
  m.c.r[S.TAR] = 0x2002; m.c.r[S.TAR + 1] = 0;
  assert.equal(m.runAt(0x1000, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [0x2004, 0]);
  assert.deepEqual(lrOf(m.c), [0x1004, 0]);
  m.c.r[S.LR] = 0x2000;
  assert.equal(m.runAt(0x1008, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [0x2004, 0], "bclrl jumps to the old LR");
  assert.deepEqual(lrOf(m.c), [0x100c, 0]);
  // Reserved bits 16:18 set: bctar is not decoded (qemu checks them), bclr is.
  m.code(0x1000, 0, [xlWord(XO_BCTAR, 20, 0, 0, 0x2000), xlWord(XO_BCLR, 20, 0, 0, 0x2000)]);
  assert.equal(m.runAt(0x1000, 0), Exit.Illegal);
  m.c.r[S.LR] = 0x2000;
  assert.equal(m.runAt(0x1004, 0), Exit.Syscall);
  assert.deepEqual(pcOf(m.c), [0x2004, 0]);
});
