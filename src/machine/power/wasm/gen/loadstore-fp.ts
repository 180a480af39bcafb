// Translator emitters for the floating-point loads and stores (ops/fp-loadstore.ts): lfs, lfd,
// stfs, stfd with their update and indexed forms, the integer-word forms lfiwax, lfiwzx,
// stfiwx, and the pairs lfdp(x), stfdp(x). Part of LOADSTORE_GENS (loadstore.ts).
//
// FPRs are handled as raw 64-bit patterns (Emit.fprBits): loads and stores never touch the
// FPSCR, and a double moves bit for bit. The single-precision forms convert exactly as the
// handlers' DOUBLE() and SINGLE() do:
//  - lfs: f64.promote_f32 is exact for every non-NaN single (denormals included) but may quiet
//    a signalling NaN, so NaNs take the bit path (exponent all ones, fraction moved up 29 bits,
//    payload and signalling bit kept).
//  - stfs: no rounding; exponents above the single denormal range keep the sign, the top
//    exponent bit and the next 30 bits; smaller ones shift the mantissa (with its implicit 1)
//    into a single denormal; below 2^-149's range the result is a signed zero. All computed
//    branch-free and selected by the exponent.

import { type Emit, type WasmGen, T, RT, RA } from "../emit.js";
import { Op } from "../encoder.js";
import { type Code, Form, effectiveAddress } from "./ls-common.js";

/** The update forms' invalid RA = 0 (its own illegal definition under the same mnemonic). */
const badUpdate = (w: number, update: boolean): boolean => update && RA(w) === 0;

/** i64 (a zero-extended float32 pattern) on the stack → the i64 pattern of the equal double. */
export function singleToDouble(e: Code): void {
  const f = e.f, b = e.temp(T.i32), x = e.temp(T.i64);
  f.op(Op.i32_wrap_i64).set(b);
  // NaN: sign << 32 | 0x7ff0... | fraction << 29.
  f.get(b).op(Op.i64_extend_i32_u).tee(x).i64(0x80000000).op(Op.i64_and).i64(32).op(Op.i64_shl);
  f.get(x).i64(0x7fffff).op(Op.i64_and).i64(29).op(Op.i64_shl).op(Op.i64_or);
  f.i64(0x7ff0000000000000n).op(Op.i64_or);
  // Anything else: the exact conversion.
  f.get(b).op(Op.f32_reinterpret_i32, Op.f64_promote_f32, Op.i64_reinterpret_f64);
  f.get(b).i32(0x7fffffff).op(Op.i32_and).i32(0x7f800000).op(Op.i32_gt_u);
  f.op(Op.select);
}

/** The i64 pattern of a double in local x → its SINGLE() pattern, zero-extended i64, on the stack. */
export function doubleToSingle(e: Code, x: number): void {
  const f = e.f, ex = e.temp(T.i32);
  f.get(x).i64(52).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0x7ff).op(Op.i32_and).set(ex);
  // Exponent > 896: sign and top exponent bit, then the 30 bits below the 3 dropped ones.
  f.get(x).i64(32).op(Op.i64_shr_u).i64(0xc0000000).op(Op.i64_and);
  f.get(x).i64(29).op(Op.i64_shr_u).i64(0x3fffffff).op(Op.i64_and).op(Op.i64_or);
  // 874 <= exponent <= 896: sign | (1.fraction >> (926 - exponent)), a shift of 30..52.
  f.get(x).i64(32).op(Op.i64_shr_u).i64(0x80000000).op(Op.i64_and);
  f.get(x).i64(0xfffffffffffff).op(Op.i64_and).i64(0x10000000000000).op(Op.i64_or);
  f.i32(926).get(ex).op(Op.i32_sub, Op.i64_extend_i32_u, Op.i64_shr_u, Op.i64_or);
  // Below: the signed zero.
  f.get(x).i64(32).op(Op.i64_shr_u).i64(0x80000000).op(Op.i64_and);
  f.get(ex).i32(874).op(Op.i32_ge_u, Op.select);
  f.get(ex).i32(896).op(Op.i32_gt_u, Op.select);
}

/** lfs/lfd/lfiwax/lfiwzx and forms: load `size` bytes (signed: sign-extend), convert, write FRT. */
function fload(size: 4 | 8, form: Form, update: boolean, convert?: (e: Code) => void, signed = false): WasmGen {
  return (e) => {
    const w = e.w;
    if (badUpdate(w, update)) return false;
    const ea = effectiveAddress(e, form);
    e.load(size, ea, signed);
    if (convert !== undefined) convert(e);
    e.setFprBits(RT(w));
    if (update) {
      e.f.get(ea);
      e.setGpr(RA(w));
    }
    return true;
  };
}

/** stfs/stfd/stfiwx and forms: FRS's pattern (converted) stored as `size` bytes. */
function fstore(size: 4 | 8, form: Form, update: boolean, convert?: (e: Code, x: number) => void): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    if (badUpdate(w, update)) return false;
    const ea = effectiveAddress(e, form);
    const v = e.temp(T.i64);
    e.fprBits(RT(w));
    f.set(v);
    if (convert !== undefined) {
      convert(e, v);
      f.set(v);
    }
    e.store(size, ea, v);
    if (update) {
      f.get(ea);
      e.setGpr(RA(w));
    }
    return true;
  };
}

/** The FPRs of a pair at EA and EA + 8: big-endian FRTp then FRTp+1, little-endian swapped. */
function pairRegs(e: Emit): [number, number] {
  const t = RT(e.w);
  return e.le ? [t + 1, t] : [t, t + 1];
}

/** EA + 8 in the mode's wrapping, into a new local. */
function plus8(e: Emit, ea: number): number {
  const a = e.temp(T.i64);
  e.f.get(ea).i64(8).op(Op.i64_add).set(a);
  e.ea32(a);
  return a;
}

/** lfdp, lfdpx: both doublewords are read before either register is written. */
function loadPair(form: Form): WasmGen {
  return (e) => {
    // An odd FRTp = 31 (D form only) pairs with VSR 32: left to the handler.
    if (RT(e.w) === 31) return false;
    const f = e.f, [first, second] = pairRegs(e);
    const ea = effectiveAddress(e, form);
    const a = e.temp(T.i64);
    e.load(8, ea);
    f.set(a);
    const ea8 = plus8(e, ea);
    e.load(8, ea8);
    e.setFprBits(second);
    f.get(a);
    e.setFprBits(first);
    return true;
  };
}

/** stfdp, stfdpx: two stores in order (as the handler: a fault on the second keeps the first). */
function storePair(form: Form): WasmGen {
  return (e) => {
    if (RT(e.w) === 31) return false;
    const f = e.f, [first, second] = pairRegs(e);
    const ea = effectiveAddress(e, form);
    const v = e.temp(T.i64);
    e.fprBits(first);
    f.set(v);
    e.store(8, ea, v);
    const ea8 = plus8(e, ea);
    e.fprBits(second);
    f.set(v);
    e.store(8, ea8, v);
    return true;
  };
}

const D = Form.D, X = Form.X;

export const FP_LOADSTORE_GENS: readonly (readonly [string, WasmGen])[] = [
  ["lfs", fload(4, D, false, singleToDouble)],
  ["lfsu", fload(4, D, true, singleToDouble)],
  ["lfsx", fload(4, X, false, singleToDouble)],
  ["lfsux", fload(4, X, true, singleToDouble)],
  ["lfd", fload(8, D, false)],
  ["lfdu", fload(8, D, true)],
  ["lfdx", fload(8, X, false)],
  ["lfdux", fload(8, X, true)],
  ["lfiwax", fload(4, X, false, undefined, true)],
  ["lfiwzx", fload(4, X, false)],

  ["stfs", fstore(4, D, false, doubleToSingle)],
  ["stfsu", fstore(4, D, true, doubleToSingle)],
  ["stfsx", fstore(4, X, false, doubleToSingle)],
  ["stfsux", fstore(4, X, true, doubleToSingle)],
  ["stfd", fstore(8, D, false)],
  ["stfdu", fstore(8, D, true)],
  ["stfdx", fstore(8, X, false)],
  ["stfdux", fstore(8, X, true)],
  ["stfiwx", fstore(4, X, false)],

  ["lfdp", loadPair(D)],
  ["lfdpx", loadPair(X)],
  ["stfdp", storePair(D)],
  ["stfdpx", storePair(X)],
];
