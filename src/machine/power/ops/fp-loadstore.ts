// Floating-point loads and stores (single, double, integer-word and pair forms; update and
// indexed). Loads and stores never change the FPSCR.
//
// Single-precision loads widen with the ISA's DOUBLE(): exact, a single denormal becomes a
// normal double, NaNs keep their payload and an SNaN stays signalling. Single-precision stores
// narrow with SINGLE(): no rounding; for exponents above the single denormal range the
// fraction is truncated (also for values beyond the single range, which wrap in exponent as
// the bit selection dictates), small values are denormalised by shifting, and values below the
// smallest single denormal store as a signed zero (qemu helper_tosingle / helper_todouble).
//
// Update forms with RA = 0 are invalid forms: qemu raises an illegal-instruction exception for
// them, and so does k42ts (a separate, more specific definition that ends the block).

import { type Cpu, Exit } from "../cpu.js";
import { type OpDef, OpFlag, fRT } from "../decode.js";
import { S, fprIndex } from "../state.js";
import { eaD, eaX, updateRA } from "./ea.js";

/** Int32 index of the low word of FPR n (doubleword 0 of VSR n). */
export const fprLo = (n: number): number => S.VSR + n * 4;

/** 2^-149: the weight of the least significant bit of a single denormal. */
const TWO_M149 = 1.401298464324817e-45;

/**
 * DOUBLE(): write the single-precision value `b` (float32 bits) to FPR n as a double.
 * Exact for every input; NaN payloads are kept bit for bit (no quieting).
 */
export function singleToFpr(c: Cpu, n: number, b: number): void {
  const i = fprLo(n);
  const abs = b & 0x7fffffff;
  if (abs >= 0x00800000) {
    if (abs >= 0x7f800000) {
      // Inf or NaN: exponent all ones, fraction moved up.
      c.r[i + 1] = (b & 0x80000000) | 0x7ff00000 | ((b & 0x7fffff) >>> 3);
    } else {
      // Normal: the exponent's top bit is kept, the next three repeat its complement.
      c.r[i + 1] = (b & 0xc0000000) | ((((b >>> 30) & 1) ^ 1) * (7 << 27)) | ((b & 0x3fffffff) >>> 3);
    }
    c.r[i] = b << 29;
  } else if (abs === 0) {
    c.r[i + 1] = b & 0x80000000;
    c.r[i] = 0;
  } else {
    // Denormal single: an exact product in double arithmetic.
    c.f[fprIndex(n)] = b < 0 ? -abs * TWO_M149 : abs * TWO_M149;
  }
}

/** SINGLE(): the float32 bits stored for the double (lo, hi) (no rounding, see above). */
export function fprToSingle(lo: number, hi: number): number {
  const e = (hi >>> 20) & 0x7ff;
  if (e > 896) return (hi & 0xc0000000) | ((hi & 0x07ffffff) << 3) | (lo >>> 29);
  return denormSingle(lo, hi, e);
}

function denormSingle(lo: number, hi: number, e: number): number {
  const sign = hi & 0x80000000;
  if (e < 874) return sign;
  // ((1 << 52) | fraction) >> (926 - e), a shift of 30..52.
  const mhi = (hi & 0xfffff) | 0x100000;
  const s = 926 - e;
  const m = s >= 32 ? mhi >>> (s - 32) : (mhi << (32 - s)) | (lo >>> s);
  return sign | m;
}

// ---- D-form ----

function lfs(c: Cpu, w: number): void {
  const ea = eaD(c, w);
  singleToFpr(c, fRT(w), c.ld32(ea, c.eah));
}

function lfsu(c: Cpu, w: number): void {
  const ea = eaD(c, w), eah = c.eah;
  singleToFpr(c, fRT(w), c.ld32(ea, eah));
  updateRA(c, w, ea, eah);
}

function lfd(c: Cpu, w: number): void {
  const ea = eaD(c, w);
  const v = c.ld64(ea, c.eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = c.hi64;
}

function lfdu(c: Cpu, w: number): void {
  const ea = eaD(c, w), eah = c.eah;
  const v = c.ld64(ea, eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = c.hi64;
  updateRA(c, w, ea, eah);
}

function stfs(c: Cpu, w: number): void {
  const ea = eaD(c, w);
  const i = fprLo(fRT(w));
  c.st32(ea, c.eah, fprToSingle(c.r[i], c.r[i + 1]));
}

function stfsu(c: Cpu, w: number): void {
  const ea = eaD(c, w), eah = c.eah;
  const i = fprLo(fRT(w));
  c.st32(ea, eah, fprToSingle(c.r[i], c.r[i + 1]));
  updateRA(c, w, ea, eah);
}

function stfd(c: Cpu, w: number): void {
  const ea = eaD(c, w);
  const i = fprLo(fRT(w));
  c.st64(ea, c.eah, c.r[i], c.r[i + 1]);
}

function stfdu(c: Cpu, w: number): void {
  const ea = eaD(c, w), eah = c.eah;
  const i = fprLo(fRT(w));
  c.st64(ea, eah, c.r[i], c.r[i + 1]);
  updateRA(c, w, ea, eah);
}

// ---- X-form ----

function lfsx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  singleToFpr(c, fRT(w), c.ld32(ea, c.eah));
}

function lfsux(c: Cpu, w: number): void {
  const ea = eaX(c, w), eah = c.eah;
  singleToFpr(c, fRT(w), c.ld32(ea, eah));
  updateRA(c, w, ea, eah);
}

function lfdx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld64(ea, c.eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = c.hi64;
}

function lfdux(c: Cpu, w: number): void {
  const ea = eaX(c, w), eah = c.eah;
  const v = c.ld64(ea, eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = c.hi64;
  updateRA(c, w, ea, eah);
}

function stfsx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const i = fprLo(fRT(w));
  c.st32(ea, c.eah, fprToSingle(c.r[i], c.r[i + 1]));
}

function stfsux(c: Cpu, w: number): void {
  const ea = eaX(c, w), eah = c.eah;
  const i = fprLo(fRT(w));
  c.st32(ea, eah, fprToSingle(c.r[i], c.r[i + 1]));
  updateRA(c, w, ea, eah);
}

function stfdx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const i = fprLo(fRT(w));
  c.st64(ea, c.eah, c.r[i], c.r[i + 1]);
}

function stfdux(c: Cpu, w: number): void {
  const ea = eaX(c, w), eah = c.eah;
  const i = fprLo(fRT(w));
  c.st64(ea, eah, c.r[i], c.r[i + 1]);
  updateRA(c, w, ea, eah);
}

/** lfiwax: the word at EA, sign-extended, as the FPR's raw bits. */
function lfiwax(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld32(ea, c.eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = v >> 31;
}

/** lfiwzx: the word at EA, zero-extended. */
function lfiwzx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld32(ea, c.eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = 0;
}

/** stfiwx: the low word of the FPR's raw bits. */
function stfiwx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  c.st32(ea, c.eah, c.r[fprLo(fRT(w))]);
}

// ---- pairs (ISA 2.05; not on the 32-bit 7400) ----
// Big-endian: FRTp at EA, FRTp+1 at EA+8. Little-endian (qemu): the two doublewords swap
// places, FRTp+1 at EA and FRTp at EA+8. qemu does not check that FRTp is even for the D forms
// (an odd FRTp = 31 pairs with VSR 32, as here); the X forms require it (invalid otherwise).

/** EA + 8 in the current mode (low word; high word in c.eah). */
function plus8(c: Cpu, ea: number): number {
  const lo = (ea + 8) | 0;
  if (c.sf && (lo >>> 0) < (ea >>> 0)) c.eah = (c.eah + 1) | 0;
  return lo;
}

function loadPair(c: Cpu, w: number, ea: number): void {
  const eah = c.eah;
  const alo = c.ld64(ea, eah), ahi = c.hi64;
  const ea2 = plus8(c, ea);
  const blo = c.ld64(ea2, c.eah), bhi = c.hi64;
  const t = fRT(w);
  const first = fprLo(c.le ? t + 1 : t), second = fprLo(c.le ? t : t + 1);
  c.r[first] = alo;
  c.r[first + 1] = ahi;
  c.r[second] = blo;
  c.r[second + 1] = bhi;
}

function storePair(c: Cpu, w: number, ea: number): void {
  const eah = c.eah;
  const t = fRT(w);
  const first = fprLo(c.le ? t + 1 : t), second = fprLo(c.le ? t : t + 1);
  c.st64(ea, eah, c.r[first], c.r[first + 1]);
  const ea2 = plus8(c, ea);
  c.st64(ea2, c.eah, c.r[second], c.r[second + 1]);
}

function lfdp(c: Cpu, w: number): void {
  loadPair(c, w, eaD(c, w));
}

function lfdpx(c: Cpu, w: number): void {
  loadPair(c, w, eaX(c, w));
}

function stfdp(c: Cpu, w: number): void {
  storePair(c, w, eaD(c, w));
}

function stfdpx(c: Cpu, w: number): void {
  storePair(c, w, eaX(c, w));
}

// ---- definitions ----

const X = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const D = (op: number): number => (op << 26) >>> 0;
/** X-form loads/stores: decodetree ignores the Rc bit for these. */
const X_MASK = 0xfc0007fe;
/** X-form with the Rc bit required 0 (qemu legacy table, inval = 1). */
const X_MASK_RC0 = 0xfc0007ff;
const RA_FIELD = 0x001f0000;

function illegal(c: Cpu, w: number, pc: number): void {
  c.stop(Exit.Illegal, pc, w);
}

/** The invalid form RA = 0 of an update instruction. */
function invalidRA0(mnemonic: string, mask: number, match: number): OpDef {
  return {
    mnemonic, mask: (mask | RA_FIELD) >>> 0, match, exec: illegal, flags: OpFlag.EndsBlock,
    name: () => `${mnemonic} (invalid form RA=0)`, variants: [],
  };
}

const M = OpFlag.Mem;

export const FP_LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lfs", mask: 0xfc000000, match: D(48), exec: lfs, flags: M },
  { mnemonic: "lfsu", mask: 0xfc000000, match: D(49), exec: lfsu, flags: M },
  invalidRA0("lfsu", 0xfc000000, D(49)),
  { mnemonic: "lfd", mask: 0xfc000000, match: D(50), exec: lfd, flags: M },
  { mnemonic: "lfdu", mask: 0xfc000000, match: D(51), exec: lfdu, flags: M },
  invalidRA0("lfdu", 0xfc000000, D(51)),
  { mnemonic: "stfs", mask: 0xfc000000, match: D(52), exec: stfs, flags: M },
  { mnemonic: "stfsu", mask: 0xfc000000, match: D(53), exec: stfsu, flags: M },
  invalidRA0("stfsu", 0xfc000000, D(53)),
  { mnemonic: "stfd", mask: 0xfc000000, match: D(54), exec: stfd, flags: M },
  { mnemonic: "stfdu", mask: 0xfc000000, match: D(55), exec: stfdu, flags: M },
  invalidRA0("stfdu", 0xfc000000, D(55)),
  { mnemonic: "lfdp", mask: 0xfc000003, match: D(57), exec: lfdp, flags: M },
  { mnemonic: "stfdp", mask: 0xfc000003, match: D(61), exec: stfdp, flags: M },

  { mnemonic: "lfsx", mask: X_MASK, match: X(535), exec: lfsx, flags: M },
  { mnemonic: "lfsux", mask: X_MASK, match: X(567), exec: lfsux, flags: M },
  invalidRA0("lfsux", X_MASK, X(567)),
  { mnemonic: "lfdx", mask: X_MASK, match: X(599), exec: lfdx, flags: M },
  { mnemonic: "lfdux", mask: X_MASK, match: X(631), exec: lfdux, flags: M },
  invalidRA0("lfdux", X_MASK, X(631)),
  { mnemonic: "stfsx", mask: X_MASK, match: X(663), exec: stfsx, flags: M },
  { mnemonic: "stfsux", mask: X_MASK, match: X(695), exec: stfsux, flags: M },
  invalidRA0("stfsux", X_MASK, X(695)),
  { mnemonic: "stfdx", mask: X_MASK, match: X(727), exec: stfdx, flags: M },
  { mnemonic: "stfdux", mask: X_MASK, match: X(759), exec: stfdux, flags: M },
  invalidRA0("stfdux", X_MASK, X(759)),
  { mnemonic: "lfiwax", mask: X_MASK_RC0, match: X(855), exec: lfiwax, flags: M },
  { mnemonic: "lfiwzx", mask: X_MASK_RC0, match: X(887), exec: lfiwzx, flags: M },
  { mnemonic: "stfiwx", mask: X_MASK_RC0, match: X(983), exec: stfiwx, flags: M },
  // The low bit of FRTp must be 0 (qemu: inval 0x00200001).
  { mnemonic: "lfdpx", mask: 0xfc2007ff, match: X(791), exec: lfdpx, flags: M },
  { mnemonic: "stfdpx", mask: 0xfc2007ff, match: X(919), exec: stfdpx, flags: M },
];
