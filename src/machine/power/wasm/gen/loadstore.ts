// Translator emitters: integer and FP loads and stores (all forms), byte-reversed; the FP forms
// are in loadstore-fp.ts, the cache hints and barriers in loadstore-cache.ts.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts (loadstore.test.ts).
//
// The handlers (ops/loadstore.ts, ops/fp-loadstore.ts, ops/loadstore-string.ts) are the
// semantics; what the emitters rely on from them:
//  - the EA is (RA|0) + displacement or (RA|0) + (RB), truncated to 32 bits in 32-bit mode, and
//    an update form writes exactly that (truncated) EA into RA, after the access;
//  - the access comes before any register write, so a fault changes nothing (Emit.load/store
//    leave the region on a fault);
//  - a store reads its source register before RA is updated (stwu r1,-16(r1) stores the old r1).
// Byte order is Emit.load/store's business; the byte-reversed forms reverse the value in wasm
// after a normal load (before a normal store).
//
// Left to the handlers (emitter returns false): the invalid update forms (the decoder already
// makes most of them illegal; the FP ones have their own definition under the same mnemonic),
// lmw/stmw in little-endian mode (an alignment interrupt), the string forms, and the
// load-reserve / store-conditional atomics (ops/loadstore-atomic.ts: the reservation lives in
// the Cpu). stmw and stq run the handler at run time when their range crosses a page.

import { type Emit, type AccessSize, type WasmGen, T, RT, RA } from "../emit.js";
import { Op } from "../encoder.js";
import { Form, effectiveAddress, swap16, swap32, swap64 } from "./ls-common.js";
import { FP_LOADSTORE_GENS } from "./loadstore-fp.js";
import { CACHE_GENS } from "./loadstore-cache.js";

/** A value transformation applied between memory and register (a byte reversal). */
type Fix = (e: Emit) => void;

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

const D = Form.D, DS = Form.DS, DQ = Form.DQ, X = Form.X;

/**
 * A load into GPR RT: zero-extended, or sign-extended with `signed`; `update` writes the EA into
 * RA afterwards (RA = 0 or RA = RT are invalid forms: left to the handler).
 */
function load(size: AccessSize, form: Form, update: boolean, signed = false, fix?: Fix): WasmGen {
  return (e) => {
    const w = e.w, rt = RT(w), ra = RA(w);
    if (update && (ra === 0 || ra === rt)) return false;
    const ea = effectiveAddress(e, form);
    e.load(size, ea, signed);
    if (fix !== undefined) fix(e);
    e.setGpr(rt);
    if (update) {
      e.f.get(ea);
      e.setGpr(ra);
    }
    return true;
  };
}

/** A store of the low `size` bytes of GPR RS; `update` writes the EA into RA afterwards (RA = 0: invalid). */
function store(size: AccessSize, form: Form, update: boolean, fix?: Fix): WasmGen {
  return (e) => {
    const w = e.w, ra = RA(w);
    if (update && ra === 0) return false;
    const ea = effectiveAddress(e, form);
    const v = e.temp(T.i64);
    e.gpr(RT(w));
    if (fix !== undefined) fix(e);
    e.f.set(v);
    e.store(size, ea, v);
    if (update) {
      e.f.get(ea);
      e.setGpr(ra);
    }
    return true;
  };
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

const INTEGER_GENS: readonly (readonly [string, WasmGen])[] = [
  ["lbz", load(1, D, false)],
  ["lbzu", load(1, D, true)],
  ["lbzx", load(1, X, false)],
  ["lbzux", load(1, X, true)],
  ["lhz", load(2, D, false)],
  ["lhzu", load(2, D, true)],
  ["lhzx", load(2, X, false)],
  ["lhzux", load(2, X, true)],
  ["lha", load(2, D, false, true)],
  ["lhau", load(2, D, true, true)],
  ["lhax", load(2, X, false, true)],
  ["lhaux", load(2, X, true, true)],
  ["lwz", load(4, D, false)],
  ["lwzu", load(4, D, true)],
  ["lwzx", load(4, X, false)],
  ["lwzux", load(4, X, true)],
  ["lwa", load(4, DS, false, true)],
  ["lwax", load(4, X, false, true)],
  ["lwaux", load(4, X, true, true)],
  ["ld", load(8, DS, false)],
  ["ldu", load(8, DS, true)],
  ["ldx", load(8, X, false)],
  ["ldux", load(8, X, true)],

  ["stb", store(1, D, false)],
  ["stbu", store(1, D, true)],
  ["stbx", store(1, X, false)],
  ["stbux", store(1, X, true)],
  ["sth", store(2, D, false)],
  ["sthu", store(2, D, true)],
  ["sthx", store(2, X, false)],
  ["sthux", store(2, X, true)],
  ["stw", store(4, D, false)],
  ["stwu", store(4, D, true)],
  ["stwx", store(4, X, false)],
  ["stwux", store(4, X, true)],
  ["std", store(8, DS, false)],
  ["stdu", store(8, DS, true)],
  ["stdx", store(8, X, false)],
  ["stdux", store(8, X, true)],

  ["lhbrx", load(2, X, false, false, swap16)],
  ["lwbrx", load(4, X, false, false, swap32)],
  ["ldbrx", load(8, X, false, false, swap64)],
  ["sthbrx", store(2, X, false, swap16)],
  ["stwbrx", store(4, X, false, swap32)],
  ["stdbrx", store(8, X, false, swap64)],

  ["lmw", lmw],
  ["stmw", stmw],
  ["lq", lq],
  ["stq", stq],
];

export const LOADSTORE_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ...INTEGER_GENS,
  ...FP_LOADSTORE_GENS,
  ...CACHE_GENS,
]);
