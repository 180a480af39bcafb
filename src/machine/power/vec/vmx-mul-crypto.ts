// POWER8 (ISA 2.07) vector polynomial multiply-sum and crypto instructions: vpmsumb vpmsumh
// vpmsumw vpmsumd, vcipher vcipherlast vncipher vncipherlast vsbox (AES), vshasigmaw
// vshasigmad (SHA-2), vpermxor. Handlers for ops/vmx-mul.ts.
//
// Layout as in ops/vmx-mul.ts: VR n's ISA word element i is c.r[base + (i ^ 1)], with bytes
// and halfwords taken MSB-first from the words. Every source is read before VRT is written.

import type { Cpu } from "../cpu.js";
import { S } from "../state.js";

const VR0 = S.VSR + 128;
const vT = (w: number): number => VR0 + (((w >>> 21) & 31) << 2);
const vA = (w: number): number => VR0 + (((w >>> 16) & 31) << 2);
const vB = (w: number): number => VR0 + (((w >>> 11) & 31) << 2);
const vC = (w: number): number => VR0 + (((w >>> 6) & 31) << 2);

/** Byte element k (0..15, ISA order) of the VR at `base`. */
const byteAt = (r: Int32Array, base: number, k: number): number =>
  (r[base + ((k >> 2) ^ 1)] >>> (24 - ((k & 3) << 3))) & 0xff;

// ---- carry-less multiplication ----

/** Carry-less product of two values of `bits` bits (result < 2^31). */
function clmulSmall(x: number, y: number, bits: number): number {
  let p = 0;
  for (let k = 0; k < bits; k++) if (((x >>> k) & 1) !== 0) p ^= y << k;
  return p;
}

/** High word of the last clmul32 result. */
let clHi = 0;
/** Carry-less 32 x 32 -> 64 product: returns the low word, high word in clHi. */
function clmul32(x: number, y: number): number {
  let lo = 0, hi = 0;
  for (let k = 0; k < 32; k++) {
    if (((x >>> k) & 1) !== 0) {
      lo ^= y << k;
      if (k !== 0) hi ^= y >>> (32 - k);
    }
  }
  clHi = hi;
  return lo;
}

const pmsumbW = (a: number, b: number): number =>
  ((clmulSmall(a >>> 24, b >>> 24, 8) ^ clmulSmall((a >>> 16) & 0xff, (b >>> 16) & 0xff, 8)) << 16) |
  (clmulSmall((a >>> 8) & 0xff, (b >>> 8) & 0xff, 8) ^ clmulSmall(a & 0xff, b & 0xff, 8));

export function vpmsumb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = pmsumbW(r[a], r[b]); r[t + 1] = pmsumbW(r[a + 1], r[b + 1]);
  r[t + 2] = pmsumbW(r[a + 2], r[b + 2]); r[t + 3] = pmsumbW(r[a + 3], r[b + 3]);
}

const pmsumhW = (a: number, b: number): number =>
  clmulSmall(a >>> 16, b >>> 16, 16) ^ clmulSmall(a & 0xffff, b & 0xffff, 16);

export function vpmsumh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = pmsumhW(r[a], r[b]); r[t + 1] = pmsumhW(r[a + 1], r[b + 1]);
  r[t + 2] = pmsumhW(r[a + 2], r[b + 2]); r[t + 3] = pmsumhW(r[a + 3], r[b + 3]);
}

export function vpmsumw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  const a0 = r[a + 1], a1 = r[a], a2 = r[a + 3], a3 = r[a + 2];
  const b0 = r[b + 1], b1 = r[b], b2 = r[b + 3], b3 = r[b + 2];
  let lo = clmul32(a0, b0), hi = clHi;
  lo ^= clmul32(a1, b1); hi ^= clHi;
  r[t] = lo; r[t + 1] = hi;
  lo = clmul32(a2, b2); hi = clHi;
  lo ^= clmul32(a3, b3); hi ^= clHi;
  r[t + 2] = lo; r[t + 3] = hi;
}

export function vpmsumd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  // 128-bit accumulator, most significant word first: p3 p2 p1 p0.
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  for (let d = 0; d < 4; d += 2) {
    const xl = r[a + d], xh = r[a + d + 1], yl = r[b + d], yh = r[b + d + 1];
    p0 ^= clmul32(xl, yl); p1 ^= clHi;
    p1 ^= clmul32(xl, yh); p2 ^= clHi;
    p1 ^= clmul32(xh, yl); p2 ^= clHi;
    p2 ^= clmul32(xh, yh); p3 ^= clHi;
  }
  r[t] = p2; r[t + 1] = p3; r[t + 2] = p0; r[t + 3] = p1;
}

// ---- AES ----

const SBOX = new Uint8Array(256);
const ISBOX = new Uint8Array(256);
/** Forward round tables (SubBytes + MixColumns): column byte k's contribution, as a word. */
const TE0 = new Int32Array(256), TE1 = new Int32Array(256), TE2 = new Int32Array(256), TE3 = new Int32Array(256);
/** InvMixColumns contributions of column byte k (no substitution). */
const IM0 = new Int32Array(256), IM1 = new Int32Array(256), IM2 = new Int32Array(256), IM3 = new Int32Array(256);

function gmul(x: number, y: number): number {
  let p = 0;
  for (let k = 0; k < 8; k++) {
    if ((y & 1) !== 0) p ^= x;
    x = ((x << 1) ^ ((x & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
    y >>>= 1;
  }
  return p;
}

(function initAes(): void {
  // Multiplicative inverses from powers of the generator 3 (x^-1 = 3^(255 - log x)), then the
  // affine map. (A search over all 256 x 256 products cost ~5 ms of every k42 start.)
  const pow = new Uint8Array(255), log = new Uint8Array(256);
  for (let i = 0, v = 1; i < 255; i++, v ^= gmul(v, 2)) {
    pow[i] = v;
    log[v] = i;
  }
  const inv = new Uint8Array(256);
  for (let x = 1; x < 256; x++) inv[x] = pow[(255 - log[x]) % 255];
  for (let x = 0; x < 256; x++) {
    const q = inv[x];
    let s = q;
    for (let k = 1; k <= 4; k++) s ^= ((q << k) | (q >>> (8 - k))) & 0xff;
    SBOX[x] = s ^ 0x63;
    ISBOX[SBOX[x]] = x;
  }
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x], s2 = gmul(s, 2), s3 = gmul(s, 3);
    TE0[x] = (s2 << 24) | (s << 16) | (s << 8) | s3;
    TE1[x] = (s3 << 24) | (s2 << 16) | (s << 8) | s;
    TE2[x] = (s << 24) | (s3 << 16) | (s2 << 8) | s;
    TE3[x] = (s << 24) | (s << 16) | (s3 << 8) | s2;
    const e = gmul(x, 14), n = gmul(x, 9), d = gmul(x, 13), b = gmul(x, 11);
    IM0[x] = (e << 24) | (n << 16) | (d << 8) | b;
    IM1[x] = (b << 24) | (e << 16) | (n << 8) | d;
    IM2[x] = (d << 24) | (b << 16) | (e << 8) | n;
    IM3[x] = (n << 24) | (d << 16) | (b << 8) | e;
  }
})();

/** ShiftRows / InvShiftRows as source byte indices (state byte 4 * column + row). */
const SHIFT = Uint8Array.of(0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11);
const ISHIFT = Uint8Array.of(0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3);

/** Scratch: the 16 bytes of VRA and the 4 result words (ISA word order). */
const SA = new Uint8Array(16);
const RW = new Int32Array(4);

function loadBytes(r: Int32Array, base: number): void {
  for (let k = 0; k < 16; k++) SA[k] = byteAt(r, base, k);
}
/** VRT := RW (ISA word order). */
function storeWords(r: Int32Array, t: number): void {
  r[t + 1] = RW[0]; r[t] = RW[1]; r[t + 3] = RW[2]; r[t + 2] = RW[3];
}

/** vcipher: one AES round: ShiftRows, SubBytes, MixColumns of VRA, then xor the round key VRB. */
export function vcipher(c: Cpu, w: number): void {
  const r = c.r, b = vB(w);
  loadBytes(r, vA(w));
  for (let i = 0; i < 4; i++) {
    RW[i] = r[b + (i ^ 1)] ^ TE0[SA[SHIFT[4 * i]]] ^ TE1[SA[SHIFT[4 * i + 1]]] ^
      TE2[SA[SHIFT[4 * i + 2]]] ^ TE3[SA[SHIFT[4 * i + 3]]];
  }
  storeWords(r, vT(w));
}

/** vcipherlast: ShiftRows, SubBytes, xor VRB (no MixColumns). */
export function vcipherlast(c: Cpu, w: number): void {
  const r = c.r, b = vB(w);
  loadBytes(r, vA(w));
  for (let i = 0; i < 4; i++) {
    RW[i] = r[b + (i ^ 1)] ^ ((SBOX[SA[SHIFT[4 * i]]] << 24) | (SBOX[SA[SHIFT[4 * i + 1]]] << 16) |
      (SBOX[SA[SHIFT[4 * i + 2]]] << 8) | SBOX[SA[SHIFT[4 * i + 3]]]);
  }
  storeWords(r, vT(w));
}

/** One inverse-round column (before InvMixColumns): VRB word i ^ InvSubBytes(InvShiftRows(VRA)). */
function invColumn(r: Int32Array, b: number, i: number): number {
  return r[b + (i ^ 1)] ^ ((ISBOX[SA[ISHIFT[4 * i]]] << 24) | (ISBOX[SA[ISHIFT[4 * i + 1]]] << 16) |
    (ISBOX[SA[ISHIFT[4 * i + 2]]] << 8) | ISBOX[SA[ISHIFT[4 * i + 3]]]);
}

/**
 * vncipher: InvShiftRows, InvSubBytes, xor VRB, then InvMixColumns (the ISA 2.07B order, which
 * qemu follows; ISA 2.07's RTL had the xor after InvMixColumns).
 */
export function vncipher(c: Cpu, w: number): void {
  const r = c.r, b = vB(w);
  loadBytes(r, vA(w));
  for (let i = 0; i < 4; i++) {
    const x = invColumn(r, b, i);
    RW[i] = IM0[x >>> 24] ^ IM1[(x >>> 16) & 0xff] ^ IM2[(x >>> 8) & 0xff] ^ IM3[x & 0xff];
  }
  storeWords(r, vT(w));
}

/** vncipherlast: InvShiftRows, InvSubBytes, xor VRB. */
export function vncipherlast(c: Cpu, w: number): void {
  const r = c.r, b = vB(w);
  loadBytes(r, vA(w));
  for (let i = 0; i < 4; i++) RW[i] = invColumn(r, b, i);
  storeWords(r, vT(w));
}

const sboxW = (x: number): number =>
  (SBOX[x >>> 24] << 24) | (SBOX[(x >>> 16) & 0xff] << 16) | (SBOX[(x >>> 8) & 0xff] << 8) | SBOX[x & 0xff];

/** vsbox VRT, VRA: SubBytes of every byte. */
export function vsbox(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w);
  r[t] = sboxW(r[a]); r[t + 1] = sboxW(r[a + 1]); r[t + 2] = sboxW(r[a + 2]); r[t + 3] = sboxW(r[a + 3]);
}

// ---- SHA-2 sigma functions ----

const ror32 = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

function sigmaW(x: number, st: number, one: boolean): number {
  if (st === 0) return one ? ror32(x, 17) ^ ror32(x, 19) ^ (x >>> 10) : ror32(x, 7) ^ ror32(x, 18) ^ (x >>> 3);
  return one ? ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25) : ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22);
}

/** vshasigmaw VRT, VRA, ST, SIX: SHA-256 sigma (ST = 0: σ0/σ1, 1: Σ0/Σ1; SIX bit i picks 1). */
export function vshasigmaw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w);
  const st = (w >>> 15) & 1, six = (w >>> 11) & 15;
  for (let i = 0; i < 4; i++) {
    const k = i ^ 1;
    r[t + k] = sigmaW(r[a + k], st, (six & (8 >> i)) !== 0);
  }
}

/** Rotate/shift helpers on (lo, hi) 64-bit pairs; the high word of the result is in dHi. */
let dHi = 0;
function ror64(lo: number, hi: number, n: number): number {
  if (n >= 32) { const x = lo; lo = hi; hi = x; n -= 32; }
  if (n === 0) { dHi = hi; return lo; }
  dHi = (hi >>> n) | (lo << (32 - n));
  return (lo >>> n) | (hi << (32 - n));
}
function shr64(lo: number, hi: number, n: number): number {
  dHi = hi >>> n;
  return (lo >>> n) | (hi << (32 - n));
}

/** r[d], r[d + 1] := f(x) ^ g(x) ^ h(x) for three rotate/shift amounts (negative = shift). */
function sigma3(r: Int32Array, d: number, lo: number, hi: number, n1: number, n2: number, n3: number): void {
  let l = ror64(lo, hi, n1), h = dHi;
  l ^= ror64(lo, hi, n2); h ^= dHi;
  l ^= n3 < 0 ? shr64(lo, hi, -n3) : ror64(lo, hi, n3); h ^= dHi;
  r[d] = l; r[d + 1] = h;
}

/** vshasigmad VRT, VRA, ST, SIX: SHA-512 sigma per doubleword (SIX bits 0 and 2 select). */
export function vshasigmad(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w);
  const st = (w >>> 15) & 1, six = (w >>> 11) & 15;
  const l0 = r[a], h0 = r[a + 1], l1 = r[a + 2], h1 = r[a + 3];
  for (let i = 0; i < 2; i++) {
    const lo = i === 0 ? l0 : l1, hi = i === 0 ? h0 : h1, d = t + 2 * i;
    const one = (six & (8 >> (2 * i))) !== 0;
    if (st === 0) {
      if (one) sigma3(r, d, lo, hi, 19, 61, -6);
      else sigma3(r, d, lo, hi, 1, 8, -7);
    } else if (one) sigma3(r, d, lo, hi, 14, 18, 41);
    else sigma3(r, d, lo, hi, 28, 34, 39);
  }
}

// ---- vpermxor ----

/** vpermxor VRT, VRA, VRB, VRC: byte i := VRA.byte[VRC.byte[i] >> 4] ^ VRB.byte[VRC.byte[i] & 15]. */
export function vpermxor(c: Cpu, w: number): void {
  const r = c.r, a = vA(w), b = vB(w), x = vC(w);
  for (let i = 0; i < 4; i++) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const sel = byteAt(r, x, 4 * i + k);
      v = (v << 8) | (byteAt(r, a, sel >>> 4) ^ byteAt(r, b, sel & 15));
    }
    RW[i] = v;
  }
  storeWords(r, vT(w));
}
