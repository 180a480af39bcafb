// Translator emitters for the instructions of several accesses (part of LOADSTORE_GENS,
// loadstore.ts): lmw, stmw (big-endian mode only; little-endian is an alignment interrupt,
// left to the handler) and lq, stq. Their handlers make the whole instruction fault before any
// part takes effect: lq reads both halves before writing a register, lmw and the stores probe
// the whole range first (ops/ea.ts probeRange). Emit has no write probe, so a store
// range crossing a page runs the handler (a run-time branch to Emit.fallback).

import { type Emit, type WasmGen, T, RT } from "../emit.js";
import { Op } from "../encoder.js";
import { Form, effectiveAddress } from "./ls-common.js";

const D = Form.D, DS = Form.DS, DQ = Form.DQ;

/**
 * Whether the `n` bytes at the i64 local `ea` cross a page boundary (or, in 32-bit mode, wrap
 * around): pushes an i32 0/1; `last` is a scratch i64 local.
 */
function crossesPage(e: Emit, ea: number, n: number, last: number): void {
  const f = e.f;
  f.get(ea).i64(n - 1).op(Op.i64_add).set(last);
  e.ea32(last);
  f.get(last).get(ea).op(Op.i64_xor).i64(-4096).op(Op.i64_and).i64(0).op(Op.i64_ne);
}

/**
 * lmw RT, D(RA): the words at EA, EA+4, ... into RT..R31 (zero-extended), big-endian mode only
 * (little-endian is an alignment interrupt: handler). As the handler, the first byte and the
 * page of the last byte are translated before anything is loaded, so a fault (at EA, or at the
 * last page's base) changes no register; the byte loads stand in for those translations (a
 * second one in the same page is a TLB hit). After them no load can fault, and each register is
 * written as its word arrives (RA in the range is simply overwritten: the EA is in a local).
 */
function lmw(e: Emit): boolean {
  if (e.le) return false;
  const f = e.f, rt = RT(e.w);
  const ea = effectiveAddress(e, D);
  e.load(1, ea);
  f.op(Op.drop);
  const a = e.temp(T.i64);
  f.get(ea).i64((32 - rt) * 4 - 1).op(Op.i64_add).set(a);
  e.ea32(a);
  f.get(a).i64(-4096).op(Op.i64_and).set(a);
  e.load(1, a);
  f.op(Op.drop);
  for (let k = rt; k < 32; k++) {
    if (k === rt) {
      e.load(4, ea);
    } else {
      f.get(ea).i64((k - rt) * 4).op(Op.i64_add).set(a);
      e.ea32(a);
      e.load(4, a);
    }
    e.setGpr(k);
  }
  return true;
}

/**
 * stmw RS, D(RA): the low words of RS..R31 to EA, EA+4, ..., big-endian mode only. The handler
 * translates the first byte and the last byte's page for writing before any store, so that a
 * fault stores nothing; the emitter has no write probe, so a range that crosses a page boundary
 * (rare: stmw saves registers in a stack frame) runs the handler, and a range in one page is
 * stored word by word: the first store faults exactly where the handler's probe would, and
 * after it the page is known writable.
 */
function stmw(e: Emit): boolean {
  if (e.le) return false;
  const f = e.f, rs = RT(e.w);
  const ea = effectiveAddress(e, D);
  const a = e.temp(T.i64), v = e.temp(T.i64);
  crossesPage(e, ea, (32 - rs) * 4, a);
  f.if_();
  e.fallback();
  f.else_();
  for (let k = rs; k < 32; k++) {
    if (k !== rs) f.get(ea).i64((k - rs) * 4).op(Op.i64_add).set(a);
    e.gpr(k);
    f.set(v);
    e.store(4, k === rs ? ea : a, v);
  }
  f.end();
  return true;
}

/**
 * lq RTp, DQ(RA): the doublewords at EA and EA+8, both read before either register is written;
 * big-endian RTp gets the one at EA, little-endian RTp+1 (the quadword is one value).
 */
function lq(e: Emit): boolean {
  const f = e.f, rt = RT(e.w);
  const [first, second] = e.le ? [rt + 1, rt] : [rt, rt + 1];
  const ea = effectiveAddress(e, DQ);
  const a = e.temp(T.i64), v = e.temp(T.i64);
  e.load(8, ea);
  f.set(v);
  f.get(ea).i64(8).op(Op.i64_add).set(a);
  e.ea32(a);
  e.load(8, a);
  e.setGpr(second);
  f.get(v);
  e.setGpr(first);
  return true;
}

/**
 * stq RSp, DS(RA): the handler probes all 16 bytes for writing before either store; with no
 * write probe in Emit, a quadword crossing a page runs the handler, one inside a page is two
 * stores (the first faults where the probe would).
 */
function stq(e: Emit): boolean {
  const f = e.f, rs = RT(e.w);
  const [first, second] = e.le ? [rs + 1, rs] : [rs, rs + 1];
  const ea = effectiveAddress(e, DS);
  const a = e.temp(T.i64), v = e.temp(T.i64);
  crossesPage(e, ea, 16, a);
  f.if_();
  e.fallback();
  f.else_();
  e.gpr(first);
  f.set(v);
  e.store(8, ea, v);
  f.get(ea).i64(8).op(Op.i64_add).set(a);
  e.gpr(second);
  f.set(v);
  e.store(8, a, v);
  f.end();
  return true;
}

export const MULTIPLE_GENS: readonly (readonly [string, WasmGen])[] = [
  ["lmw", lmw],
  ["stmw", stmw],
  ["lq", lq],
  ["stq", stq],
];
