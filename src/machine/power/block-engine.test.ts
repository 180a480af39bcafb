// The block engine: tracing through calls, self-modifying code, faults inside traced code,
// and the step engine and single steps agreeing with the blocks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Exit } from "./cpu.js";
import { S } from "./state.js";
import { machine } from "./difftest/machine.js";

const SC = 0x44000002;
const BLR = 0x4e800020;
const li = (rt: number, v: number): number => ((14 << 26) | (rt << 21) | (v & 0xffff)) >>> 0;
const addi = (rt: number, ra: number, v: number): number => ((14 << 26) | (rt << 21) | (ra << 16) | (v & 0xffff)) >>> 0;
const lis = (rt: number, v: number): number => ((15 << 26) | (rt << 21) | (v & 0xffff)) >>> 0;
const ori = (ra: number, rs: number, v: number): number => ((24 << 26) | (rs << 21) | (ra << 16) | (v & 0xffff)) >>> 0;
const stw = (rs: number, ra: number, d: number): number => ((36 << 26) | (rs << 21) | (ra << 16) | (d & 0xffff)) >>> 0;
const lwz = (rt: number, ra: number, d: number): number => ((32 << 26) | (rt << 21) | (ra << 16) | (d & 0xffff)) >>> 0;
const bl = (from: number, to: number): number => ((18 << 26) | ((to - from) & 0x03fffffc) | 1) >>> 0;
const x31 = (rs: number, ra: number, rb: number, xo: number): number => ((31 << 26) | (rs << 21) | (ra << 16) | (rb << 11) | (xo << 1)) >>> 0;
const DCBST = (ra: number, rb: number): number => x31(0, ra, rb, 54);
const SYNC = x31(0, 0, 0, 598);
const ICBI = (ra: number, rb: number): number => x31(0, ra, rb, 982);
const ISYNC = 0x4c00012c;

test("a call is traced into the callee and returns correctly", () => {
  for (const sf of [true, false]) {
    const m = machine(sf);
    m.code(0x2000, 0, [addi(3, 3, 10), BLR]);
    m.code(0x1000, 0, [li(3, 1), bl(0x1004, 0x2000), SC]);
    assert.equal(m.runAt(0x1000, 0), Exit.Syscall);
    assert.equal(m.c.r[3 * 2], 11);
    assert.equal(m.c.exitPc, 0x1008);
    assert.equal(m.c.icount, 5); // li, bl, addi, blr, sc
    assert.equal(m.c.r[S.LR], 0x1008);
  }
});

test("code rewritten by the guest (with dcbst/sync/icbi/isync) is seen on the next call", () => {
  const m = machine(true);
  const NEW = addi(3, 3, 100);
  m.code(0x2000, 0, [addi(3, 3, 10), BLR]);
  m.code(0x1000, 0, [
    li(3, 1), bl(0x1004, 0x2000), // r3 = 11
    lis(5, NEW >>> 16), ori(5, 5, NEW & 0xffff), li(6, 0x2000),
    stw(5, 6, 0), DCBST(0, 6), SYNC, ICBI(0, 6), ISYNC,
    bl(0x1028, 0x2000), SC, // r3 = 111
  ]);
  assert.equal(m.runAt(0x1000, 0, 10000), Exit.Syscall);
  assert.equal(m.c.r[3 * 2], 111);
});

test("a fault inside traced callee code reports the callee's address and count", () => {
  const m = machine(true);
  m.code(0x3000, 0, [li(4, 7), lwz(5, 0, 0), BLR]); // address 0 is unmapped
  m.code(0x1000, 0, [li(3, 1), bl(0x1004, 0x3000), SC]);
  assert.equal(m.runAt(0x1000, 0), Exit.Fault);
  assert.equal(m.c.exitPc, 0x3004);
  assert.equal(m.c.r[S.PC], 0x3004);
  assert.equal(m.c.icount, 3); // li, bl, li
  assert.equal(m.c.r[4 * 2], 7);
  assert.equal(m.c.fault?.eaLo, 0);
});

test("the step engine, single steps and the block engine agree on a loop with calls", () => {
  const prog = (m: ReturnType<typeof machine>): void => {
    m.code(0x2000, 0, [addi(3, 3, 3), BLR]);
    // r4 counts down from 50: r3 += 3 per call
    m.code(0x1000, 0, [li(3, 0), li(4, 50), bl(0x1008, 0x2000), addi(4, 4, -1), 0x2c040000 /* cmpwi r4,0 */, 0x4082fff4 /* bne -12 */, SC]);
  };
  const a = machine(true), b = machine(true), s = machine(true, false, "step");
  prog(a);
  prog(b);
  prog(s);
  assert.equal(a.runAt(0x1000, 0, 100000), Exit.Syscall);
  assert.equal(s.runAt(0x1000, 0, 100000), Exit.Syscall);
  b.c.setPc(0x1000, 0);
  while (b.c.exit === Exit.None) b.c.engine.step();
  assert.equal(b.c.exit, Exit.Syscall);
  assert.equal(a.c.r[3 * 2], 150);
  for (const m of [b, s]) {
    assert.deepEqual(Array.from(m.c.r.subarray(0, 64)), Array.from(a.c.r.subarray(0, 64)));
    assert.equal(m.c.icount, a.c.icount);
  }
});
