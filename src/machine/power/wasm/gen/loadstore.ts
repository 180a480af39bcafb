// Translator emitters: integer and FP loads and stores (all forms), byte-reversed. This file has
// the one-access integer forms and the family's map; lmw/stmw/lq/stq are in
// loadstore-multiple.ts, the FP forms in loadstore-fp.ts, barriers and cache hints in
// loadstore-cache.ts.
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
// load-reserve / store-conditional atomics (ops/loadstore-atomic.ts: the reservation is in
// state words Emit does not expose, and stcx. is a compare-exchange on the physical address,
// which Emit.store hides). stmw and stq run the handler at run time when their range crosses a
// page.

import { type Emit, type AccessSize, type WasmGen, T, RT, RA } from "../emit.js";
import { Form, effectiveAddress, swap16, swap32, swap64 } from "./ls-common.js";
import { FP_LOADSTORE_GENS } from "./loadstore-fp.js";
import { CACHE_GENS } from "./loadstore-cache.js";
import { MULTIPLE_GENS } from "./loadstore-multiple.js";

/** A value transformation applied between memory and register (a byte reversal). */
type Fix = (e: Emit) => void;

const D = Form.D, DS = Form.DS, X = Form.X;

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

];

export const LOADSTORE_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ...INTEGER_GENS,
  ...MULTIPLE_GENS,
  ...FP_LOADSTORE_GENS,
  ...CACHE_GENS,
]);
