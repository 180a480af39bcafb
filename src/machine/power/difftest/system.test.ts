// SPR moves, time base, traps and exits: differential tests against qemu-user where qemu can
// show the result (SPRs it implements, traps that do not fire), unit tests on a bare processor
// for the rest (traps that fire, the time base, privileged and unknown SPRs, SPRs qemu 7.2
// lacks, illegal-instruction reports).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { Rng, seedFromEnv, INT_EDGES } from "./rng.js";
import { Cpu, Exit } from "../cpu.js";
import { decoder, ENGINE_KINDS } from "../engine.js";
import { S } from "../state.js";
import { eachEngine, machine } from "./machine.js";

const SUITE = { suite: "system", engines: ENGINE_KINDS };
const hex = (w: number): string => "0x" + (w >>> 0).toString(16).padStart(8, "0");
const is64 = (t: Target): boolean => t !== "ppc32";
const variantSeed = seedFromEnv();

// ---- encoders ----

const sprField = (n: number): number => ((n & 31) << 16) | ((n >>> 5) << 11);
const mfsprW = (rt: number, n: number, rc = 0): number => ((31 << 26) | (rt << 21) | sprField(n) | (339 << 1) | rc) >>> 0;
const mtsprW = (rs: number, n: number, rc = 0): number => ((31 << 26) | (rs << 21) | sprField(n) | (467 << 1) | rc) >>> 0;
const mftbW = (rt: number, n: number, rc = 0): number => ((31 << 26) | (rt << 21) | sprField(n) | (371 << 1) | rc) >>> 0;
const twW = (to: number, ra: number, rb: number): number => ((31 << 26) | (to << 21) | (ra << 16) | (rb << 11) | (4 << 1)) >>> 0;
const tdW = (to: number, ra: number, rb: number): number => ((31 << 26) | (to << 21) | (ra << 16) | (rb << 11) | (68 << 1)) >>> 0;
const twiW = (to: number, ra: number, si: number): number => ((3 << 26) | (to << 21) | (ra << 16) | (si & 0xffff)) >>> 0;
const tdiW = (to: number, ra: number, si: number): number => ((2 << 26) | (to << 21) | (ra << 16) | (si & 0xffff)) >>> 0;

function check(t: Target, variants: Variant[]): void {
  const r = runDiff(t, variants, SUITE);
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

// ---- differential: SPR moves ----

for (const t of TARGETS) {
  test(`mtspr/mfspr XER LR CTR VRSAVE${is64(t) ? " TAR PPR, no-op SPRs 808-811" : ""} (${t})`, () => {
    const rng = new Rng(variantSeed ^ 0x51);
    const n = randomCount(12);
    const cases = (): Case[] => Array.from({ length: n }, (_, i) => (i === 0 ? { gpr: { 4: 0n, 6: 0n } } : i === 1 ? { gpr: { 4: -1n, 6: -1n } } : {}));
    const v: Variant[] = [];
    v.push({ asm: "mtxer 4; mfxer 5; mtxer 6; mfxer 7", cases: cases() });
    v.push({ asm: "mtlr 4; mflr 5; mtspr 8, 6; mfspr 7, 8", cases: cases() });
    v.push({ asm: "mtctr 4; mfctr 5; mtspr 9, 6; mfspr 7, 9", cases: cases() });
    v.push({ asm: "mfxer 5; mflr 6; mfctr 7", cases: Array.from({ length: n }, () => ({ xer: rng.u64() })) });
    v.push({ asm: "mtspr 256, 4; mfspr 5, 256; mtvrsave 6; mfvrsave 7", cases: cases() });
    // mtspr ignores Rc; mftb with the number of another SPR reads that SPR (qemu, POWER4+).
    v.push({ asm: `.long ${hex(mtsprW(4, 8, 1))}; .long ${hex(mtsprW(6, 9, 1))}; .long ${hex(mftbW(5, 8))}; .long ${hex(mftbW(7, 9))}`, cases: cases() });
    v.push({ asm: `.long ${hex(mftbW(5, 1))}; mtspr 256, 4; .long ${hex(mftbW(7, 256))}`, cases: Array.from({ length: n }, () => ({ xer: rng.u64() })) });
    if (is64(t)) {
      v.push({ asm: "mtspr 815, 4; mfspr 5, 815; mtspr 815, 6; mfspr 7, 815", cases: cases() });
      v.push({ asm: "mtspr 896, 4; mfspr 5, 896; mtspr 896, 6; mfspr 7, 896", cases: cases() });
      v.push({ asm: `mtspr 815, 4; .long ${hex(mftbW(5, 815))}; mtspr 896, 6; .long ${hex(mftbW(7, 896))}`, cases: cases() });
      // 808-811: no-ops in ISA 2.07 (mfspr leaves RT unchanged).
      const nops = [808, 809, 810, 811].map((k, i) => `.long ${hex(mfsprW(5 + i, k))}; .long ${hex(mtsprW(4, k))}`).join("; ");
      v.push({ asm: nops, cases: cases() });
    }
    check(t, v);
  });
}

// ---- differential: time base (its values differ between runs: only relations are compared) ----

for (const t of TARGETS) {
  test(`mftb mftbu mfspr 268/269: monotonic and consistent, values discarded (${t})`, () => {
    const n = randomCount(4);
    const cases = (): Case[] => Array.from({ length: n }, () => ({}));
    // r7 = CA of (second read - first read) = "second >= first" (unsigned).
    const mono = (a: string, b: string): string => `${a}; ${b}; subfc 7, 5, 6; li 7, 0; adde 7, 7, 7; li 5, 0; li 6, 0`;
    const v: Variant[] = [
      { asm: mono("mftb 5", "mftb 6"), cases: cases() },
      { asm: mono("mfspr 5, 268", "mftb 6"), cases: cases() },
      { asm: mono("mftbu 5", "mftbu 6"), cases: cases() },
      { asm: mono("mftbu 5", "mfspr 6, 269"), cases: cases() },
    ];
    if (is64(t)) {
      // The upper word of one mftb equals one of the mftbu reads around it; CR0.EQ shows it.
      v.push({
        asm: "mftbu 5; mftb 6; mfspr 7, 269; srdi 6, 6, 32; cmpw 0, 5, 6; cmpw 1, 7, 6; cror 2, 2, 6; " +
          "crclr 0; crclr 1; crclr 3; crclr 4; crclr 5; crclr 6; crclr 7; li 5, 0; li 6, 0; li 7, 0",
        cases: cases(),
      });
    }
    check(t, v);
  });
}

// ---- differential: traps that do not fire ----

type TrapKind = "tw" | "twi" | "td" | "tdi";

/** Independent model of the TO condition. */
function trapRef(kind: TrapKind, to: number, a: bigint, b: bigint): boolean {
  const bits = kind === "tw" || kind === "twi" ? 32 : 64;
  const sa = BigInt.asIntN(bits, a), sb = BigInt.asIntN(bits, b);
  const ua = BigInt.asUintN(bits, a), ub = BigInt.asUintN(bits, b);
  return ((to & 16) !== 0 && sa < sb) || ((to & 8) !== 0 && sa > sb) || ((to & 4) !== 0 && sa === sb) ||
    ((to & 2) !== 0 && ua < ub) || ((to & 1) !== 0 && ua > ub);
}

/**
 * A pair of operands for which the condition is false, or undefined if none was found. The
 * candidates reach every class of outcome (equal; signed and unsigned less/greater in each
 * combination) that the second operand allows.
 */
function quietPair(rng: Rng, kind: TrapKind, to: number, imm: bigint | undefined): [bigint, bigint] | undefined {
  const width = kind === "tw" || kind === "twi" ? 32 : 64;
  const min = 1n << BigInt(width - 1), max = min - 1n;
  for (let i = 0; i < 300; i++) {
    const b = imm ?? rng.u64();
    const bw = BigInt.asUintN(width, b);
    const a0 = BigInt.asUintN(width, rng.pick([bw, bw - 1n, bw + 1n, min, max, 0n, -1n, rng.u64()]));
    // tw/twi: random high word, which must not matter.
    const a = width === 32 ? a0 | (BigInt(rng.u32()) << 32n) : a0;
    if (!trapRef(kind, to, a, b)) return [a, b];
  }
  return undefined;
}

for (const t of TARGETS) {
  test(`tw twi${is64(t) ? " td tdi" : ""}: every TO with operands for which it does not trap (${t})`, () => {
    const rng = new Rng(variantSeed ^ 0x7a);
    const n = randomCount(6);
    const kinds: TrapKind[] = is64(t) ? ["tw", "twi", "td", "tdi"] : ["tw", "twi"];
    const variants: Variant[] = [];
    const imms = [0, 1, -1, 0x7fff, -0x8000, 0x1234, -2];
    for (const kind of kinds) {
      // Four traps per snippet, on register pairs (4,5) (6,7) (8,9) (10,11).
      for (let to0 = 0; to0 < 32; to0 += 4) {
        const words: number[] = [];
        const slots: { to: number; imm: bigint | undefined; ra: number }[] = [];
        for (let k = 0; k < 4; k++) {
          const to = to0 + k;
          const si = rng.pick(imms);
          const imm = kind === "twi" || kind === "tdi" ? BigInt(si) : undefined;
          // Conditions that always hold (<, >, = all selected, signed or unsigned) cannot be tested here.
          if (quietPair(rng, kind, to, imm) === undefined) continue;
          const ra = 4 + 2 * k, rb = 5 + 2 * k;
          words.push(kind === "tw" ? twW(to, ra, rb) : kind === "td" ? tdW(to, ra, rb) : kind === "twi" ? twiW(to, ra, si) : tdiW(to, ra, si));
          slots.push({ to, imm, ra });
        }
        if (words.length === 0) continue;
        const cases: Case[] = [];
        for (let i = 0; i < n; i++) {
          const gpr: Record<number, bigint> = {};
          for (const s of slots) {
            const p = quietPair(rng, kind, s.to, s.imm);
            if (p === undefined) throw new Error(`no quiet operands for ${kind} TO=${s.to} imm=${s.imm}`);
            gpr[s.ra] = p[0];
            gpr[s.ra + 1] = p[1];
          }
          cases.push({ gpr });
        }
        variants.push({ asm: words.map((w) => `.long ${hex(w)}`).join("; "), cases });
      }
    }
    // The extended mnemonics gas knows, with operands that do not trap.
    variants.push({ asm: "twlt 4, 5; twgti 6, 100; tweqi 7, -1", cases: Array.from({ length: n }, () => ({ gpr: { 4: 5n, 5: 3n, 6: 100n, 7: 0n } })) });
    check(t, variants);
  });
}

// ---- unit tests on a bare processor ----

const SC = 0x44000002;
const setGpr64 = (c: Cpu, n: number, v: bigint): void => {
  const u = BigInt.asUintN(64, v);
  c.setGpr(n, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
};
const gpr64 = (c: Cpu, n: number): bigint => (BigInt(c.r[n * 2 + 1] >>> 0) << 32n) | BigInt(c.r[n * 2] >>> 0);

eachEngine("traps: every TO on many operand pairs, against an independent model (both modes)", (engine) => {
  const rng = new Rng(variantSeed ^ 0x7b);
  const imms = [0, 1, -1, 2, 0x7fff, -0x8000, 0x100, -0x100];
  for (const sf of [true, false]) {
    const m = machine(sf, !sf, engine);
    // One slot of 2 words per (kind, TO, immediate): the trap, then sc.
    type Slot = { kind: TrapKind; to: number; imm: number; addr: number; word: number };
    const slots: Slot[] = [];
    let addr = 0x10000;
    for (const kind of ["tw", "twi", "td", "tdi"] as TrapKind[]) {
      for (let to = 0; to < 32; to++) {
        for (const imm of kind === "twi" || kind === "tdi" ? imms : [0]) {
          const word = kind === "tw" ? twW(to, 3, 4) : kind === "td" ? tdW(to, 3, 4) : kind === "twi" ? twiW(to, 3, imm) : tdiW(to, 3, imm);
          m.code(addr, 0, [word, SC]);
          slots.push({ kind, to, imm, addr, word });
          addr += 8;
        }
      }
    }
    const operands: bigint[] = [...INT_EDGES, -2n, -0x8000n, 0x7fffn, 0x80000001n, 0x1ffffffffn];
    for (let i = 0; i < 12; i++) operands.push(rng.u64());
    let fired = 0, quiet = 0;
    for (const s of slots) {
      const imm = s.kind === "twi" || s.kind === "tdi";
      for (const a of operands) {
        for (const b0 of imm ? [0n] : operands) {
          const b = imm ? BigInt(s.imm) : b0;
          setGpr64(m.c, 3, a);
          setGpr64(m.c, 4, b0);
          const exit = m.runAt(s.addr, 0);
          const want = trapRef(s.kind, s.to, a, b);
          const what = `${s.kind} TO=${s.to} a=0x${BigInt.asUintN(64, a).toString(16)} b=0x${BigInt.asUintN(64, b).toString(16)} sf=${sf}`;
          if (want) {
            fired++;
            assert.equal(exit, Exit.Trap, what);
            assert.equal(m.c.exitPc, s.addr, what);
            assert.equal(m.c.exitPcHi, 0, what);
            assert.equal(m.c.exitWord >>> 0, s.word, what);
          } else {
            quiet++;
            assert.equal(exit, Exit.Syscall, what);
            assert.equal(m.c.exitPc, s.addr + 4, what);
          }
        }
      }
    }
    assert.ok(fired > 1000 && quiet > 1000, `fired ${fired} quiet ${quiet}`);
  }
  // "trap" (tw 31,0,0) always fires; tw 0 never does.
  const m = machine(true, false, engine);
  m.code(0x1000, 0, [0x7fe00008, SC, twW(0, 0, 0), SC]);
  assert.equal(m.runAt(0x1000, 0), Exit.Trap);
  assert.match(m.c.describeExit(), /^trap at 0x1000$/);
  assert.equal(m.runAt(0x1008, 0), Exit.Syscall);
});

eachEngine("trap at the last word below 4 GiB reports the right address (64-bit)", (engine) => {
  const m = machine(true, false, engine);
  m.code(0xfffffffc, 0, [0x7fe00008]);
  assert.equal(m.runAt(0xfffffffc, 0), Exit.Trap);
  assert.equal(m.c.exitPc >>> 0, 0xfffffffc);
  assert.equal(m.c.exitPcHi, 0);
  m.code(0, 1, [0x7fe00008]);
  assert.equal(m.runAt(0, 1), Exit.Trap);
  assert.equal(m.c.exitPc, 0);
  assert.equal(m.c.exitPcHi, 1);
});

eachEngine("illegal instruction: exit, address, word and a description naming the opcode fields", (engine) => {
  for (const sf of [true, false]) {
    const m = machine(sf, false, engine);
    for (const [w, op, xo] of [[0x00000000, 0, 0], [0x7c000002, 31, 1], [0x7c0007fe, 31, 1023]] as const) {
      assert.equal(decoder().decode(w), undefined, `${hex(w)} must not decode`);
      m.code(0x12340, 0, [0x60000000, 0x60000000, w, SC]);
      assert.equal(m.runAt(0x12340, 0), Exit.Illegal);
      assert.equal(m.c.exitPc, 0x12348);
      assert.equal(m.c.exitPcHi, 0);
      assert.equal(m.c.exitWord >>> 0, w);
      const d = m.c.describeExit();
      assert.ok(d.includes("illegal instruction"), d);
      assert.ok(d.includes("0x12348"), d);
      assert.ok(d.includes(hex(w)), d);
      assert.ok(d.includes(`primary opcode ${op}`), d);
      assert.ok(d.includes(`XO[21:30]=${xo}`), d);
    }
  }
});

eachEngine("SPRs problem state may not use: privileged and illegal exits", (engine) => {
  const m = machine(true, false, engine);
  const cases: [number, Exit][] = [
    [mfsprW(3, 17), Exit.Privileged], // DSCR, privileged number
    [mtsprW(3, 17), Exit.Privileged],
    [mfsprW(3, 284), Exit.Privileged], // TBL (hypervisor write, no user read)
    [mtsprW(3, 284), Exit.Privileged],
    [mfsprW(3, 287), Exit.Privileged], // PVR (Linux emulates it)
    [mtsprW(3, 268), Exit.Illegal], // TB is read only
    [mtsprW(3, 269), Exit.Illegal],
    [mfsprW(3, 0), Exit.Illegal], // MQ: not on this processor
    [mfsprW(3, 5), Exit.Illegal],
    [mfsprW(3, 1000), Exit.Illegal],
    [mfsprW(3, 1023), Exit.Privileged],
    [mftbW(3, 17), Exit.Privileged],
    [mftbW(3, 5), Exit.Illegal],
    [mfsprW(3, 8, 1), Exit.Illegal], // mfspr with Rc = 1
    [mftbW(3, 268, 1), Exit.Illegal], // mftb with Rc = 1
  ];
  for (const [w, want] of cases) {
    m.code(0x2000, 0, [0x60000000, w, SC]);
    setGpr64(m.c, 3, 0x1234n);
    assert.equal(m.runAt(0x2000, 0), want, hex(w));
    assert.equal(m.c.exitPc, 0x2004, hex(w));
    assert.equal(m.c.exitWord >>> 0, w, hex(w));
    assert.equal(gpr64(m.c, 3), 0x1234n, hex(w));
    if (want === Exit.Privileged) assert.match(m.c.describeExit(), /^privileged instruction at 0x2004: word /);
  }
});

eachEngine("DSCR (3), PPR32 (898) and TAR/PPR in 32-bit mode (not in qemu 7.2 user mode)", (engine) => {
  for (const sf of [true, false]) {
    const m = machine(sf, false, engine);
    m.code(0x3000, 0, [
      mtsprW(4, 3), mfsprW(5, 3), // DSCR
      mtsprW(6, 896), mfsprW(7, 898), // PPR, then PPR32
      mtsprW(8, 898), mfsprW(9, 896), // PPR32, then PPR
      mtsprW(4, 815), mfsprW(10, 815), // TAR
      SC,
    ]);
    setGpr64(m.c, 4, 0x0123456789abcdefn);
    setGpr64(m.c, 6, 0x0010000000000007n);
    setGpr64(m.c, 8, 0xaabbccdd11223344n);
    assert.equal(m.runAt(0x3000, 0), Exit.Syscall);
    const low = (v: bigint): bigint => (sf ? v : v & 0xffffffffn);
    assert.equal(gpr64(m.c, 5), low(0x0123456789abcdefn), "DSCR");
    // In 32-bit mode mtspr takes the low word: PPR = 7, PPR32 = 0.
    assert.equal(gpr64(m.c, 7), sf ? 0x00100000n : 0n, "PPR32 read");
    assert.equal(gpr64(m.c, 9), 0x1122334400000007n, "PPR after PPR32 write");
    assert.equal(gpr64(m.c, 10), low(0x0123456789abcdefn), "TAR");
  }
});

eachEngine("time base: mftb/mftbu and mfspr 268/269 split a 64-bit count; the default count never goes back", (engine) => {
  for (const sf of [true, false]) {
    const m = machine(sf, false, engine);
    m.code(0x4000, 0, [mftbW(3, 268), mftbW(4, 269), mfsprW(5, 268), mfsprW(6, 269), SC]);
    for (const tb of [0, 1, 0xffffffff, 0x100000000, 0x123456789abcd, 2 ** 53 - 1]) {
      m.c.timeBase = () => tb;
      assert.equal(m.runAt(0x4000, 0), Exit.Syscall);
      const t = BigInt(tb);
      assert.equal(gpr64(m.c, 3), t, `mftb ${tb}`);
      assert.equal(gpr64(m.c, 4), t >> 32n, `mftbu ${tb}`);
      assert.equal(gpr64(m.c, 5), t, `mfspr 268 ${tb}`);
      assert.equal(gpr64(m.c, 6), t >> 32n, `mfspr 269 ${tb}`);
    }
  }
  // The default (virtual) time base: non-decreasing and advancing as instructions retire.
  const m = machine(true, false, engine);
  const nops = Array.from({ length: 50 }, () => 0x60000000);
  m.code(0x5000, 0, [...nops, mftbW(3, 268), SC]);
  let prev = -1n;
  let first = -1n;
  for (let i = 0; i < 100; i++) {
    assert.equal(m.runAt(0x5000, 0), Exit.Syscall);
    const v = gpr64(m.c, 3);
    assert.ok(v >= prev, `time base went back: ${prev} -> ${v}`);
    if (first < 0n) first = v;
    prev = v;
  }
  assert.ok(prev > first, "time base did not advance");
});

eachEngine("mcrxr leaves OV32/CA32; XER high word reads as zero after mtxer", (engine) => {
  const m = machine(true, false, engine);
  const mcrxr = ((31 << 26) | (2 << 23) | (512 << 1)) >>> 0;
  m.code(0x6000, 0, [mtsprW(4, 1), mcrxr, mfsprW(5, 1), SC]);
  setGpr64(m.c, 4, 0xffffffffffffffffn);
  assert.equal(m.runAt(0x6000, 0), Exit.Syscall);
  assert.equal(m.c.r[S.CR + 2], 0xe);
  assert.equal(m.c.r[S.OV32], 1);
  assert.equal(m.c.r[S.CA32], 1);
  assert.equal(gpr64(m.c, 5), 0x1ff3ffffn);
});
