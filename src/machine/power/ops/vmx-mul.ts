// VMX multiply, multiply-sum, sum-across, popcount, count leading zeros, gather bits, bit
// permute, polynomial multiply-sum, and the POWER8 crypto instructions.
//
// Register access: VR n is VSR 32+n; `base` below is the int32 index of its first word and the
// ISA's word element i (0 = most significant) lives at base + (i ^ 1) (see state.ts: each
// doubleword is stored low word first). Halfword and byte elements are taken from the words
// MSB-first, so every handler is independent of the guest byte order.
//
// Reserved fields are not checked, as in qemu (-cpu power8): the masks cover the primary and
// extended opcodes only. Saturating forms set VSCR[SAT] (bit 0 of c.r[S.VSCR]) and never clear
// it. Handlers read every source word they need before writing the target (VRT may alias any
// source).

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";
import {
  vpmsumb, vpmsumh, vpmsumw, vpmsumd, vcipher, vcipherlast, vncipher, vncipherlast, vsbox,
  vshasigmaw, vshasigmad, vpermxor,
} from "../vec/vmx-mul-crypto.js";

/** Int32 index of VR n's first word (VSR 32+n). */
const VR0 = S.VSR + 128;
const vT = (w: number): number => VR0 + (((w >>> 21) & 31) << 2);
const vA = (w: number): number => VR0 + (((w >>> 16) & 31) << 2);
const vB = (w: number): number => VR0 + (((w >>> 11) & 31) << 2);
const vC = (w: number): number => VR0 + (((w >>> 6) & 31) << 2);

// ---- scalar helpers (all on int32 words) ----

/** Per-byte population counts of a word. */
function pcb(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (x + (x >>> 4)) & 0x0f0f0f0f;
}
function pch(x: number): number {
  const y = pcb(x);
  return (y + (y >>> 8)) & 0x001f001f;
}
function pcw(x: number): number {
  return Math.imul(pcb(x), 0x01010101) >>> 24;
}
/** Per-byte leading-zero counts of a word (a zero byte counts 8). */
function clzb(x: number): number {
  return (Math.clz32((x & 0xff000000) | 0x800000) << 24) | (Math.clz32(((x << 8) & 0xff000000) | 0x800000) << 16) |
    (Math.clz32(((x << 16) & 0xff000000) | 0x800000) << 8) | Math.clz32((x << 24) | 0x800000);
}
/** Per-halfword leading-zero counts of a word (a zero halfword counts 16). */
function clzh(x: number): number {
  return (Math.clz32((x & 0xffff0000) | 0x8000) << 16) | Math.clz32((x << 16) | 0x8000);
}

/** r[d] (low) and r[d + 1] (high) := the 64-bit product of two 32-bit words. */
function mul32(r: Int32Array, d: number, a: number, b: number, signed: boolean): void {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p01 = a0 * b1, p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  let hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  if (signed) hi = (hi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  r[d] = Math.imul(a, b);
  r[d + 1] = hi;
}

/** Signed saturation of an exact integer to 32 bits (sets VSCR[SAT]). */
function sats32(c: Cpu, t: number): number {
  if (t > 2147483647) { c.r[S.VSCR] |= 1; return 2147483647; }
  if (t < -2147483648) { c.r[S.VSCR] |= 1; return -2147483648; }
  return t;
}
/** Unsigned saturation of a non-negative exact integer to 32 bits. */
function satu32(c: Cpu, t: number): number {
  if (t > 4294967295) { c.r[S.VSCR] |= 1; return -1; }
  return t | 0;
}
/** Signed saturation to 16 bits; the result is masked to 16 bits. */
function sats16(c: Cpu, t: number): number {
  if (t > 32767) { c.r[S.VSCR] |= 1; return 0x7fff; }
  if (t < -32768) { c.r[S.VSCR] |= 1; return 0x8000; }
  return t & 0xffff;
}

// ---- population count, leading zeros ----

function vpopcntb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = pcb(r[b]); r[t + 1] = pcb(r[b + 1]); r[t + 2] = pcb(r[b + 2]); r[t + 3] = pcb(r[b + 3]);
}
function vpopcnth(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = pch(r[b]); r[t + 1] = pch(r[b + 1]); r[t + 2] = pch(r[b + 2]); r[t + 3] = pch(r[b + 3]);
}
function vpopcntw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = pcw(r[b]); r[t + 1] = pcw(r[b + 1]); r[t + 2] = pcw(r[b + 2]); r[t + 3] = pcw(r[b + 3]);
}
function vpopcntd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = pcw(r[b]) + pcw(r[b + 1]); r[t + 1] = 0;
  r[t + 2] = pcw(r[b + 2]) + pcw(r[b + 3]); r[t + 3] = 0;
}
function vclzb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = clzb(r[b]); r[t + 1] = clzb(r[b + 1]); r[t + 2] = clzb(r[b + 2]); r[t + 3] = clzb(r[b + 3]);
}
function vclzh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = clzh(r[b]); r[t + 1] = clzh(r[b + 1]); r[t + 2] = clzh(r[b + 2]); r[t + 3] = clzh(r[b + 3]);
}
function vclzw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  r[t] = Math.clz32(r[b]); r[t + 1] = Math.clz32(r[b + 1]); r[t + 2] = Math.clz32(r[b + 2]); r[t + 3] = Math.clz32(r[b + 3]);
}
function vclzd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  const l0 = r[b], h0 = r[b + 1], l1 = r[b + 2], h1 = r[b + 3];
  r[t] = h0 !== 0 ? Math.clz32(h0) : 32 + Math.clz32(l0); r[t + 1] = 0;
  r[t + 2] = h1 !== 0 ? Math.clz32(h1) : 32 + Math.clz32(l1); r[t + 3] = 0;
}

// ---- gather bits, bit permute ----

/** r[d], r[d + 1] := the 8x8 bit-matrix transpose of the doubleword (lo, hi) (bytes are rows). */
function transpose8(r: Int32Array, d: number, lo: number, hi: number): void {
  let x = hi, y = lo, t: number;
  t = (x ^ (x >>> 7)) & 0x00aa00aa; x = x ^ t ^ (t << 7);
  t = (y ^ (y >>> 7)) & 0x00aa00aa; y = y ^ t ^ (t << 7);
  t = (x ^ (x >>> 14)) & 0x0000cccc; x = x ^ t ^ (t << 14);
  t = (y ^ (y >>> 14)) & 0x0000cccc; y = y ^ t ^ (t << 14);
  t = (x & 0xf0f0f0f0) | ((y >>> 4) & 0x0f0f0f0f);
  y = ((x << 4) & 0xf0f0f0f0) | (y & 0x0f0f0f0f);
  r[d] = y;
  r[d + 1] = t;
}

/** vgbbd: bit j of byte k of each doubleword goes to bit k of byte j. */
function vgbbd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), b = vB(w);
  const l0 = r[b], h0 = r[b + 1], l1 = r[b + 2], h1 = r[b + 3];
  transpose8(r, t, l0, h0);
  transpose8(r, t + 2, l1, h1);
}

/** vbpermq: bit i of the 16-bit result (from the left) is bit VRB.byte[i] of VRA (0 if >= 128). */
function vbpermq(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  let perm = 0;
  for (let k = 0; k < 16; k++) {
    const idx = (r[b + ((k >> 2) ^ 1)] >>> (24 - ((k & 3) << 3))) & 0xff;
    if (idx < 128) perm |= ((r[a + ((idx >> 5) ^ 1)] >>> (31 - (idx & 31))) & 1) << (15 - k);
  }
  r[t] = perm; r[t + 1] = 0; r[t + 2] = 0; r[t + 3] = 0;
}

// ---- sums across ----

/** vsumsws: word 3 := sat(sum of VRA's words + VRB word 3), other words 0. */
function vsumsws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  const s = r[a] + r[a + 1] + r[a + 2] + r[a + 3] + r[b + 2];
  r[t + 2] = sats32(c, s);
  r[t] = 0; r[t + 1] = 0; r[t + 3] = 0;
}
/** vsum2sws: per doubleword, odd word := sat(both VRA words + VRB odd word), even word 0. */
function vsum2sws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  const s0 = r[a] + r[a + 1] + r[b], s1 = r[a + 2] + r[a + 3] + r[b + 2];
  r[t] = sats32(c, s0); r[t + 1] = 0;
  r[t + 2] = sats32(c, s1); r[t + 3] = 0;
}
function sum4ub(c: Cpu, a: number, b: number): number {
  return satu32(c, (b >>> 0) + (a >>> 24) + ((a >>> 16) & 0xff) + ((a >>> 8) & 0xff) + (a & 0xff));
}
function sum4sb(c: Cpu, a: number, b: number): number {
  return sats32(c, b + (a >> 24) + ((a << 8) >> 24) + ((a << 16) >> 24) + ((a << 24) >> 24));
}
function sum4sh(c: Cpu, a: number, b: number): number {
  return sats32(c, b + (a >> 16) + ((a << 16) >> 16));
}
function vsum4ubs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = sum4ub(c, r[a], r[b]); r[t + 1] = sum4ub(c, r[a + 1], r[b + 1]);
  r[t + 2] = sum4ub(c, r[a + 2], r[b + 2]); r[t + 3] = sum4ub(c, r[a + 3], r[b + 3]);
}
function vsum4sbs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = sum4sb(c, r[a], r[b]); r[t + 1] = sum4sb(c, r[a + 1], r[b + 1]);
  r[t + 2] = sum4sb(c, r[a + 2], r[b + 2]); r[t + 3] = sum4sb(c, r[a + 3], r[b + 3]);
}
function vsum4shs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = sum4sh(c, r[a], r[b]); r[t + 1] = sum4sh(c, r[a + 1], r[b + 1]);
  r[t + 2] = sum4sh(c, r[a + 2], r[b + 2]); r[t + 3] = sum4sh(c, r[a + 3], r[b + 3]);
}

// ---- element multiplies (even = the more significant element of each pair) ----

const muleub = (a: number, b: number): number =>
  (((a >>> 24) * (b >>> 24)) << 16) | (((a >>> 8) & 0xff) * ((b >>> 8) & 0xff));
const muloub = (a: number, b: number): number =>
  ((((a >>> 16) & 0xff) * ((b >>> 16) & 0xff)) << 16) | ((a & 0xff) * (b & 0xff));
const mulesb = (a: number, b: number): number =>
  (Math.imul(a >> 24, b >> 24) << 16) | (Math.imul((a << 16) >> 24, (b << 16) >> 24) & 0xffff);
const mulosb = (a: number, b: number): number =>
  (Math.imul((a << 8) >> 24, (b << 8) >> 24) << 16) | (Math.imul((a << 24) >> 24, (b << 24) >> 24) & 0xffff);
const muleuh = (a: number, b: number): number => Math.imul(a >>> 16, b >>> 16);
const mulouh = (a: number, b: number): number => Math.imul(a & 0xffff, b & 0xffff);
const mulesh = (a: number, b: number): number => Math.imul(a >> 16, b >> 16);
const mulosh = (a: number, b: number): number => Math.imul((a << 16) >> 16, (b << 16) >> 16);

function vmuleub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = muleub(r[a], r[b]); r[t + 1] = muleub(r[a + 1], r[b + 1]);
  r[t + 2] = muleub(r[a + 2], r[b + 2]); r[t + 3] = muleub(r[a + 3], r[b + 3]);
}
function vmuloub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = muloub(r[a], r[b]); r[t + 1] = muloub(r[a + 1], r[b + 1]);
  r[t + 2] = muloub(r[a + 2], r[b + 2]); r[t + 3] = muloub(r[a + 3], r[b + 3]);
}
function vmulesb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = mulesb(r[a], r[b]); r[t + 1] = mulesb(r[a + 1], r[b + 1]);
  r[t + 2] = mulesb(r[a + 2], r[b + 2]); r[t + 3] = mulesb(r[a + 3], r[b + 3]);
}
function vmulosb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = mulosb(r[a], r[b]); r[t + 1] = mulosb(r[a + 1], r[b + 1]);
  r[t + 2] = mulosb(r[a + 2], r[b + 2]); r[t + 3] = mulosb(r[a + 3], r[b + 3]);
}
function vmuleuh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = muleuh(r[a], r[b]); r[t + 1] = muleuh(r[a + 1], r[b + 1]);
  r[t + 2] = muleuh(r[a + 2], r[b + 2]); r[t + 3] = muleuh(r[a + 3], r[b + 3]);
}
function vmulouh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = mulouh(r[a], r[b]); r[t + 1] = mulouh(r[a + 1], r[b + 1]);
  r[t + 2] = mulouh(r[a + 2], r[b + 2]); r[t + 3] = mulouh(r[a + 3], r[b + 3]);
}
function vmulesh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = mulesh(r[a], r[b]); r[t + 1] = mulesh(r[a + 1], r[b + 1]);
  r[t + 2] = mulesh(r[a + 2], r[b + 2]); r[t + 3] = mulesh(r[a + 3], r[b + 3]);
}
function vmulosh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = mulosh(r[a], r[b]); r[t + 1] = mulosh(r[a + 1], r[b + 1]);
  r[t + 2] = mulosh(r[a + 2], r[b + 2]); r[t + 3] = mulosh(r[a + 3], r[b + 3]);
}
/** Word products into doublewords: even words 0, 2 (at +1, +3) or odd words 1, 3 (at +0, +2). */
function vmulw(c: Cpu, w: number, odd: boolean, signed: boolean): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  const k = odd ? 0 : 1;
  const a0 = r[a + k], b0 = r[b + k], a1 = r[a + 2 + k], b1 = r[b + 2 + k];
  mul32(r, t, a0, b0, signed);
  mul32(r, t + 2, a1, b1, signed);
}
const vmuleuw = (c: Cpu, w: number): void => vmulw(c, w, false, false);
const vmulouw = (c: Cpu, w: number): void => vmulw(c, w, true, false);
const vmulesw = (c: Cpu, w: number): void => vmulw(c, w, false, true);
const vmulosw = (c: Cpu, w: number): void => vmulw(c, w, true, true);
function vmuluwm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = Math.imul(r[a], r[b]); r[t + 1] = Math.imul(r[a + 1], r[b + 1]);
  r[t + 2] = Math.imul(r[a + 2], r[b + 2]); r[t + 3] = Math.imul(r[a + 3], r[b + 3]);
}

// ---- multiply-add, multiply-sum (VA-form: VRT, VRA, VRB, VRC) ----

const mladduh = (a: number, b: number, x: number): number =>
  ((Math.imul(a >>> 16, b >>> 16) + (x >>> 16)) << 16) | ((Math.imul(a & 0xffff, b & 0xffff) + x) & 0xffff);
function vmladduhm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = mladduh(r[a], r[b], r[x]); r[t + 1] = mladduh(r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = mladduh(r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = mladduh(r[a + 3], r[b + 3], r[x + 3]);
}

const msummb = (a: number, b: number, x: number): number =>
  (x + Math.imul(a >> 24, b >>> 24) + Math.imul((a << 8) >> 24, (b >>> 16) & 0xff) +
    Math.imul((a << 16) >> 24, (b >>> 8) & 0xff) + Math.imul((a << 24) >> 24, b & 0xff)) | 0;
const msumub = (a: number, b: number, x: number): number =>
  (x + (a >>> 24) * (b >>> 24) + ((a >>> 16) & 0xff) * ((b >>> 16) & 0xff) +
    ((a >>> 8) & 0xff) * ((b >>> 8) & 0xff) + (a & 0xff) * (b & 0xff)) | 0;
const msumuh = (a: number, b: number, x: number): number =>
  (x + Math.imul(a >>> 16, b >>> 16) + Math.imul(a & 0xffff, b & 0xffff)) | 0;
const msumsh = (a: number, b: number, x: number): number =>
  (x + Math.imul(a >> 16, b >> 16) + Math.imul((a << 16) >> 16, (b << 16) >> 16)) | 0;

function vmsummbm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msummb(r[a], r[b], r[x]); r[t + 1] = msummb(r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msummb(r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msummb(r[a + 3], r[b + 3], r[x + 3]);
}
function vmsumubm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msumub(r[a], r[b], r[x]); r[t + 1] = msumub(r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msumub(r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msumub(r[a + 3], r[b + 3], r[x + 3]);
}
function vmsumuhm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msumuh(r[a], r[b], r[x]); r[t + 1] = msumuh(r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msumuh(r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msumuh(r[a + 3], r[b + 3], r[x + 3]);
}
function vmsumshm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msumsh(r[a], r[b], r[x]); r[t + 1] = msumsh(r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msumsh(r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msumsh(r[a + 3], r[b + 3], r[x + 3]);
}
const msumuhs = (c: Cpu, a: number, b: number, x: number): number =>
  satu32(c, (x >>> 0) + (a >>> 16) * (b >>> 16) + (a & 0xffff) * (b & 0xffff));
const msumshs = (c: Cpu, a: number, b: number, x: number): number =>
  sats32(c, x + Math.imul(a >> 16, b >> 16) + Math.imul((a << 16) >> 16, (b << 16) >> 16));
function vmsumuhs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msumuhs(c, r[a], r[b], r[x]); r[t + 1] = msumuhs(c, r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msumuhs(c, r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msumuhs(c, r[a + 3], r[b + 3], r[x + 3]);
}
function vmsumshs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = msumshs(c, r[a], r[b], r[x]); r[t + 1] = msumshs(c, r[a + 1], r[b + 1], r[x + 1]);
  r[t + 2] = msumshs(c, r[a + 2], r[b + 2], r[x + 2]); r[t + 3] = msumshs(c, r[a + 3], r[b + 3], r[x + 3]);
}

/** Two halfwords of sat16(VRC + (VRA * VRB [+ 0x4000]) >> 15). */
function mhadd(c: Cpu, a: number, b: number, x: number, round: number): number {
  const hi = sats16(c, (x >> 16) + ((Math.imul(a >> 16, b >> 16) + round) >> 15));
  const lo = sats16(c, ((x << 16) >> 16) + ((Math.imul((a << 16) >> 16, (b << 16) >> 16) + round) >> 15));
  return (hi << 16) | lo;
}
function vmhaddshs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = mhadd(c, r[a], r[b], r[x], 0); r[t + 1] = mhadd(c, r[a + 1], r[b + 1], r[x + 1], 0);
  r[t + 2] = mhadd(c, r[a + 2], r[b + 2], r[x + 2], 0); r[t + 3] = mhadd(c, r[a + 3], r[b + 3], r[x + 3], 0);
}
function vmhraddshs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w), x = vC(w);
  r[t] = mhadd(c, r[a], r[b], r[x], 0x4000); r[t + 1] = mhadd(c, r[a + 1], r[b + 1], r[x + 1], 0x4000);
  r[t + 2] = mhadd(c, r[a + 2], r[b + 2], r[x + 2], 0x4000); r[t + 3] = mhadd(c, r[a + 3], r[b + 3], r[x + 3], 0x4000);
}

// ---- definitions ----

const VX = 0xfc0007ff;
const VA = 0xfc00003f;
const vx = (xo: number): number => ((4 << 26) | xo) >>> 0;

export const VMX_MUL_OPS: readonly OpDef[] = [
  { mnemonic: "vpopcntb", mask: VX, match: vx(1795), exec: vpopcntb },
  { mnemonic: "vpopcnth", mask: VX, match: vx(1859), exec: vpopcnth },
  { mnemonic: "vpopcntw", mask: VX, match: vx(1923), exec: vpopcntw },
  { mnemonic: "vpopcntd", mask: VX, match: vx(1987), exec: vpopcntd },
  { mnemonic: "vclzb", mask: VX, match: vx(1794), exec: vclzb },
  { mnemonic: "vclzh", mask: VX, match: vx(1858), exec: vclzh },
  { mnemonic: "vclzw", mask: VX, match: vx(1922), exec: vclzw },
  { mnemonic: "vclzd", mask: VX, match: vx(1986), exec: vclzd },
  { mnemonic: "vgbbd", mask: VX, match: vx(1292), exec: vgbbd },
  { mnemonic: "vbpermq", mask: VX, match: vx(1356), exec: vbpermq },
  { mnemonic: "vsumsws", mask: VX, match: vx(1928), exec: vsumsws },
  { mnemonic: "vsum2sws", mask: VX, match: vx(1672), exec: vsum2sws },
  { mnemonic: "vsum4ubs", mask: VX, match: vx(1544), exec: vsum4ubs },
  { mnemonic: "vsum4sbs", mask: VX, match: vx(1800), exec: vsum4sbs },
  { mnemonic: "vsum4shs", mask: VX, match: vx(1608), exec: vsum4shs },
  { mnemonic: "vmuleub", mask: VX, match: vx(520), exec: vmuleub },
  { mnemonic: "vmuloub", mask: VX, match: vx(8), exec: vmuloub },
  { mnemonic: "vmulesb", mask: VX, match: vx(776), exec: vmulesb },
  { mnemonic: "vmulosb", mask: VX, match: vx(264), exec: vmulosb },
  { mnemonic: "vmuleuh", mask: VX, match: vx(584), exec: vmuleuh },
  { mnemonic: "vmulouh", mask: VX, match: vx(72), exec: vmulouh },
  { mnemonic: "vmulesh", mask: VX, match: vx(840), exec: vmulesh },
  { mnemonic: "vmulosh", mask: VX, match: vx(328), exec: vmulosh },
  { mnemonic: "vmuleuw", mask: VX, match: vx(648), exec: vmuleuw },
  { mnemonic: "vmulouw", mask: VX, match: vx(136), exec: vmulouw },
  { mnemonic: "vmulesw", mask: VX, match: vx(904), exec: vmulesw },
  { mnemonic: "vmulosw", mask: VX, match: vx(392), exec: vmulosw },
  { mnemonic: "vmuluwm", mask: VX, match: vx(137), exec: vmuluwm },
  { mnemonic: "vmladduhm", mask: VA, match: vx(34), exec: vmladduhm },
  { mnemonic: "vmsummbm", mask: VA, match: vx(37), exec: vmsummbm },
  { mnemonic: "vmsumubm", mask: VA, match: vx(36), exec: vmsumubm },
  { mnemonic: "vmsumuhm", mask: VA, match: vx(38), exec: vmsumuhm },
  { mnemonic: "vmsumuhs", mask: VA, match: vx(39), exec: vmsumuhs },
  { mnemonic: "vmsumshm", mask: VA, match: vx(40), exec: vmsumshm },
  { mnemonic: "vmsumshs", mask: VA, match: vx(41), exec: vmsumshs },
  { mnemonic: "vmhaddshs", mask: VA, match: vx(32), exec: vmhaddshs },
  { mnemonic: "vmhraddshs", mask: VA, match: vx(33), exec: vmhraddshs },
  // POWER8 polynomial multiply-sum and crypto (vec/vmx-mul-crypto.ts).
  { mnemonic: "vpmsumb", mask: VX, match: vx(1032), exec: vpmsumb },
  { mnemonic: "vpmsumh", mask: VX, match: vx(1096), exec: vpmsumh },
  { mnemonic: "vpmsumw", mask: VX, match: vx(1160), exec: vpmsumw },
  { mnemonic: "vpmsumd", mask: VX, match: vx(1224), exec: vpmsumd },
  { mnemonic: "vcipher", mask: VX, match: vx(1288), exec: vcipher },
  { mnemonic: "vcipherlast", mask: VX, match: vx(1289), exec: vcipherlast },
  { mnemonic: "vncipher", mask: VX, match: vx(1352), exec: vncipher },
  { mnemonic: "vncipherlast", mask: VX, match: vx(1353), exec: vncipherlast },
  { mnemonic: "vsbox", mask: VX, match: vx(1480), exec: vsbox },
  { mnemonic: "vshasigmaw", mask: VX, match: vx(1666), exec: vshasigmaw },
  { mnemonic: "vshasigmad", mask: VX, match: vx(1730), exec: vshasigmad },
  { mnemonic: "vpermxor", mask: VA, match: vx(45), exec: vpermxor },
];
