// vexptefp and vlogefp as qemu 7.2 computes them (fpu/softfloat.c float32_exp2, float32_log2),
// bit for bit. These are not the hardware's estimates; qemu is the oracle:
//  - float32_exp2(x): with xp = x × ln2 (a 64-bit significand, truncated with a sticky bit),
//    it sums the Taylor series of e^xp: r := c_i × xp^i + r for i = 1..15, from r = 1, the
//    powers kept as x_(i+1) = x_i × xp. (The 7.2.0 source multiplies by xp instead of the
//    power; the installed qemu 7.2.x has the upstream fix, and it is the oracle.) Each step keeps
//    a 64-bit significand with a sticky bit (qemu's FloatParts64 arithmetic: fused
//    multiply-add, products truncated with jamming), and the result is rounded once to single.
//  - float32_log2(x): the integer exponent plus the fraction bits found by repeated squaring
//    of the significand (qemu's parts_log2), rounded once to single.
// With VSCR.NJ a denormal operand reads as a zero of its sign, and a tiny result is flushed to
// zero (softfloat flush_inputs_to_zero and flush_to_zero; the latter is not reachable for these
// two in practice but kept for fidelity). Slow path: BigInt, rare instructions.

import { RM, roundPack } from "../fpu/softfloat.js";

const M64 = (1n << 64n) - 1n;
const IMPL = 1n << 63n;

/** A normal value: (-1)^s × frac × 2^(exp - 63), frac with bit 63 set (or a 128-bit form). */
interface P {
  s: number;
  exp: number;
  frac: bigint;
}

function bitLen(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Shift right by c, ORing the lost bits into bit 0 (qemu frac_shrjam). */
function shrjam(x: bigint, c: number): bigint {
  if (c === 0) return x;
  const lost = x & ((1n << BigInt(c)) - 1n);
  return (x >> BigInt(c)) | (lost !== 0n ? 1n : 0n);
}

/** a + b in magnitude (same signs), n-bit significands (qemu parts_add_normal). */
function addNormal(a: P, b: P, n: number): P {
  let af = a.frac, bf = b.frac, exp = a.exp;
  const d = a.exp - b.exp;
  if (d > 0) bf = shrjam(bf, d);
  else if (d < 0) {
    af = shrjam(af, -d);
    exp = b.exp;
  }
  let sum = af + bf;
  if (sum >> BigInt(n) !== 0n) {
    sum = shrjam(sum, 1);
    exp += 1;
  }
  return { s: a.s, exp, frac: sum };
}

/** a - b in magnitude (differing signs); undefined for an exact zero (qemu parts_sub_normal). */
function subNormal(a: P, b: P, n: number): P | undefined {
  let s = a.s, exp = a.exp, f: bigint;
  const d = a.exp - b.exp;
  if (d > 0) f = a.frac - shrjam(b.frac, d);
  else if (d < 0) {
    exp = b.exp;
    s ^= 1;
    f = b.frac - shrjam(a.frac, -d);
  } else {
    f = a.frac - b.frac;
    if (f < 0n) {
      f = -f;
      s ^= 1;
    }
  }
  if (f === 0n) return undefined;
  const sh = n - bitLen(f);
  return { s, exp: exp - sh, frac: f << BigInt(sh) };
}

/** The 128-bit product of two 64-bit significands, normalized (qemu frac_mulw + fixup). */
function mulWide(a: P, b: P): P {
  let f = a.frac * b.frac, exp = a.exp + b.exp + 1;
  if ((f >> 127n) === 0n) {
    f <<= 1n;
    exp -= 1;
  }
  return { s: a.s ^ b.s, exp, frac: f };
}

/** Narrow a 128-bit significand to 64 bits with a sticky bit (qemu frac_truncjam). */
function truncjam(p: P): P {
  return { s: p.s, exp: p.exp, frac: (p.frac >> 64n) | ((p.frac & M64) !== 0n ? 1n : 0n) };
}

function fromDouble(bits: bigint): P {
  const e = Number((bits >> 52n) & 0x7ffn);
  return { s: Number(bits >> 63n), exp: e - 1023, frac: ((bits & ((1n << 52n) - 1n)) | (1n << 52n)) << 11n };
}

/** Unpack a finite nonzero single (denormals normalized, not flushed: qemu's vec_status). */
function fromSingle(b: number): P {
  const e = (b >>> 23) & 0xff, f = b & 0x7fffff;
  if (e !== 0) return { s: b >>> 31, exp: e - 127, frac: BigInt(f | 0x800000) << 40n };
  const sh = 64 - bitLen(BigInt(f));
  return { s: b >>> 31, exp: -86 - sh, frac: BigInt(f) << BigInt(sh) };
}

const out = new Int32Array(2);
const D = new Float64Array(1);
const DI = new Int32Array(D.buffer);
const F = new Float32Array(1);
const FI = new Int32Array(F.buffer);

/** Round a 64-bit-significand value to single, nearest-even; a tiny one flushed when nj. */
function packSingle(p: P, nj: boolean): number {
  if (nj && p.exp + 127 <= 0) return p.s !== 0 ? 0x80000000 | 0 : 0;
  roundPack(out, 0, p.s, p.frac, p.exp - 63, false, RM.Nearest, true);
  DI[0] = out[0];
  DI[1] = out[1];
  F[0] = D[0];
  return FI[0];
}

const LN2 = fromDouble(0x3fe62e42fefa39efn);
const EXP2_COEFFS: readonly P[] = [
  0x3ff0000000000000n, 0x3fe0000000000000n, 0x3fc5555555555555n, 0x3fa5555555555555n,
  0x3f81111111111111n, 0x3f56c16c16c16c17n, 0x3f2a01a01a01a01an, 0x3efa01a01a01a01an,
  0x3ec71de3a556c734n, 0x3e927e4fb7789f5cn, 0x3e5ae64567f544e4n, 0x3e21eed8eff8d898n,
  0x3de6124613a86d09n, 0x3da93974a8c07c9dn, 0x3d6ae7f3e733b81fn,
].map(fromDouble);

const isNaN32 = (b: number): boolean => (b & 0x7fffffff) > 0x7f800000;

/** qemu float32_exp2 on the bits of a single. */
export function exp2Estimate(b: number, nj: boolean): number {
  if (nj && (b & 0x7f800000) === 0) b &= 0x80000000 | 0;
  if (isNaN32(b)) return b | 0x00400000;
  if ((b & 0x7fffffff) === 0x7f800000) return b < 0 ? 0 : b;
  if ((b & 0x7fffffff) === 0) return 0x3f800000;
  const xp = truncjam(mulWide(fromSingle(b), LN2));
  let xnp = xp;
  let rp: P | undefined = { s: 0, exp: 0, frac: IMPL };
  for (const c of EXP2_COEFFS) {
    const pw = mulWide(c, xnp);
    xnp = truncjam(mulWide(xnp, xp));
    if (rp === undefined) {
      rp = truncjam(pw);
      continue;
    }
    const cw: P = { s: rp.s, exp: rp.exp, frac: rp.frac << 64n };
    const sum: P | undefined = pw.s === cw.s ? addNormal(pw, cw, 128) : subNormal(pw, cw, 128);
    rp = sum === undefined ? undefined : truncjam(sum);
  }
  if (rp === undefined) return 0;
  return packSingle(rp, nj);
}

/** qemu float32_log2 on the bits of a single. */
export function log2Estimate(b: number, nj: boolean): number {
  if (nj && (b & 0x7f800000) === 0) b &= 0x80000000 | 0;
  if (isNaN32(b)) return b | 0x00400000;
  if ((b & 0x7fffffff) === 0) return 0xff800000 | 0;
  if (b < 0) return 0x7fc00000;
  if (b === 0x7f800000) return b;
  const a = fromSingle(b);
  const aExp = a.exp;
  let fExp = -1;
  let r = 0n, t = IMPL;
  let x = a.frac << 64n; // 128-bit fixed point, bit 127 = 1.0
  let n = 23 + 2;
  if (aExp === -1) n = Math.min(23 * 2 + 2, 62);
  let exact = false;
  for (let i = 0; i < n; i++) {
    if (x === IMPL << 64n) {
      exact = true;
      break;
    }
    x = (x * x) >> 128n;
    if ((x >> 127n) !== 0n) {
      if (aExp === 0 && r === 0n) {
        fExp -= i;
        t = r = IMPL;
        i = 0;
      } else {
        r |= t;
      }
    } else {
      x <<= 1n;
    }
    t >>= 1n;
  }
  if (!exact && (x & ~(IMPL << 64n)) !== 0n) r |= 1n;
  // The integer part.
  let ip: P | undefined;
  if (aExp !== 0) {
    const m = BigInt(Math.abs(aExp));
    const sh = 64 - bitLen(m);
    ip = { s: aExp < 0 ? 1 : 0, exp: 63 - sh, frac: m << BigInt(sh) };
  }
  if (r === 0n) return ip === undefined ? 0 : packSingle(ip, nj);
  const sh = 64 - bitLen(r);
  const f: P = { s: 0, exp: fExp - sh, frac: r << BigInt(sh) };
  let res: P;
  if (ip === undefined) res = f;
  else if (aExp < 0) res = subNormal(ip, f, 64) ?? { s: 0, exp: 0, frac: 0n };
  else res = addNormal(ip, f, 64);
  if (res.frac === 0n) return 0;
  return packSingle(res, nj);
}
