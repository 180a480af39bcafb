// VMX merge, splat, pack and unpack instructions.
//
// Vector registers are accessed as int32 words of the state: for VR v, `vb(f)` is the index of
// its first word, and ISA word element k (0 = most significant) is at `vb + (k ^ 1)`. Every
// handler reads all its source words into locals before writing, so VRT may alias VRA/VRB.
//
// Reserved bits follow qemu 7.2 (-cpu power8):
//  - bit 31 (the low bit of the 11-bit VX extended opcode) is ignored by every instruction here
//    except the ones qemu decodes as a pair with an ISA 3.0 instruction on Rc (vspltb/h/w with
//    vextractub/uh/uw, vmrgew/ow with vextuwrx/lx): for those, bit 31 = 1 is illegal on POWER8;
//    and vmrglw, whose bit-31 form qemu decodes as vclrlb (see the definition);
//  - the VRA field of vspltis* is ignored; vupkhsb/sh, vupklsb/sh, vupkhpx, vupklpx require
//    VRA = 0 (else illegal), while vupkhsw/vupklsw (ISA 2.07) ignore it;
//  - the splats use only the low bits of UIM that address an element (4 for bytes, 3 for
//    halfwords, 2 for words): the higher UIM bits are ignored ("hardware masks the immediate").

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";

const VR0 = S.VSR + 128;
/** Index of the first int32 word of the VR named by the VRT, VRA or VRB field. */
const vt = (w: number): number => VR0 + (((w >>> 21) & 31) << 2);
const va = (w: number): number => VR0 + (((w >>> 16) & 31) << 2);
const vbb = (w: number): number => VR0 + (((w >>> 11) & 31) << 2);

/** Write ISA words 0..3 of VR at base t. */
function put(c: Cpu, t: number, w0: number, w1: number, w2: number, w3: number): void {
  const r = c.r;
  r[t + 1] = w0; r[t] = w1; r[t + 3] = w2; r[t + 2] = w3;
}

// ---- splats ----

/** vspltisb VRT, SIM: each byte = SIM sign-extended. */
function vspltisb(c: Cpu, w: number): void {
  const v = (((w << 11) >> 27) & 0xff) * 0x01010101;
  put(c, vt(w), v, v, v, v);
}

function vspltish(c: Cpu, w: number): void {
  const h = ((w << 11) >> 27) & 0xffff;
  const v = h | (h << 16);
  put(c, vt(w), v, v, v, v);
}

function vspltisw(c: Cpu, w: number): void {
  const v = (w << 11) >> 27;
  put(c, vt(w), v, v, v, v);
}

/** vspltb VRT, VRB, UIM: byte element UIM & 15 of VRB in every byte. */
function vspltb(c: Cpu, w: number): void {
  const u = (w >>> 16) & 15;
  const x = (c.r[vbb(w) + ((u >>> 2) ^ 1)] >>> ((3 - (u & 3)) << 3)) & 0xff;
  const v = x * 0x01010101;
  put(c, vt(w), v, v, v, v);
}

function vsplth(c: Cpu, w: number): void {
  const u = (w >>> 16) & 7;
  const x = (c.r[vbb(w) + ((u >>> 1) ^ 1)] >>> ((1 - (u & 1)) << 4)) & 0xffff;
  const v = x | (x << 16);
  put(c, vt(w), v, v, v, v);
}

function vspltw(c: Cpu, w: number): void {
  const v = c.r[vbb(w) + (((w >>> 16) & 3) ^ 1)];
  put(c, vt(w), v, v, v, v);
}

// ---- merges ----

/** Interleave the bytes of two halfwords: a.hi, b.hi, a.lo, b.lo. */
const ilb = (a: number, b: number): number =>
  ((a & 0xff00) << 16) | ((b & 0xff00) << 8) | ((a & 0xff) << 8) | (b & 0xff);

/** vmrghb: bytes a0 b0 a1 b1 ... a7 b7. */
function vmrghb(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a0 = r[a + 1], a1 = r[a], b0 = r[b + 1], b1 = r[b];
  put(c, vt(w), ilb(a0 >>> 16, b0 >>> 16), ilb(a0, b0), ilb(a1 >>> 16, b1 >>> 16), ilb(a1, b1));
}

function vmrglb(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a2 = r[a + 3], a3 = r[a + 2], b2 = r[b + 3], b3 = r[b + 2];
  put(c, vt(w), ilb(a2 >>> 16, b2 >>> 16), ilb(a2, b2), ilb(a3 >>> 16, b3 >>> 16), ilb(a3, b3));
}

/** vmrghh: halfwords a0 b0 a1 b1 a2 b2 a3 b3. */
function vmrghh(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a0 = r[a + 1], a1 = r[a], b0 = r[b + 1], b1 = r[b];
  put(c, vt(w), (a0 & ~0xffff) | (b0 >>> 16), (a0 << 16) | (b0 & 0xffff),
    (a1 & ~0xffff) | (b1 >>> 16), (a1 << 16) | (b1 & 0xffff));
}

function vmrglh(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a2 = r[a + 3], a3 = r[a + 2], b2 = r[b + 3], b3 = r[b + 2];
  put(c, vt(w), (a2 & ~0xffff) | (b2 >>> 16), (a2 << 16) | (b2 & 0xffff),
    (a3 & ~0xffff) | (b3 >>> 16), (a3 << 16) | (b3 & 0xffff));
}

/** vmrghw: words a0 b0 a1 b1. */
function vmrghw(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), r[a + 1], r[b + 1], r[a], r[b]);
}

function vmrglw(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), r[a + 3], r[b + 3], r[a + 2], r[b + 2]);
}

/** vmrgew: words a0 b0 a2 b2. */
function vmrgew(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), r[a + 1], r[b + 1], r[a + 3], r[b + 3]);
}

/** vmrgow: words a1 b1 a3 b3. */
function vmrgow(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), r[a], r[b], r[a + 2], r[b + 2]);
}

// ---- modulo packs ----

/** The low bytes of the two halfwords of a word, as a halfword. */
const lob = (x: number): number => ((x >>> 8) & 0xff00) | (x & 0xff);

/** vpkuhum: the low byte of each halfword of VRA then VRB. */
function vpkuhum(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), (lob(r[a + 1]) << 16) | lob(r[a]), (lob(r[a + 3]) << 16) | lob(r[a + 2]),
    (lob(r[b + 1]) << 16) | lob(r[b]), (lob(r[b + 3]) << 16) | lob(r[b + 2]));
}

/** vpkuwum: the low halfword of each word of VRA then VRB. */
function vpkuwum(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), (r[a + 1] << 16) | (r[a] & 0xffff), (r[a + 3] << 16) | (r[a + 2] & 0xffff),
    (r[b + 1] << 16) | (r[b] & 0xffff), (r[b + 3] << 16) | (r[b + 2] & 0xffff));
}

/** vpkudum: the low word of each doubleword of VRA then VRB. */
function vpkudum(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), r[a], r[a + 2], r[b], r[b + 2]);
}

// ---- saturating packs (VSCR.SAT is set when any element saturates; never cleared) ----

/** Set by the saturating converters below; read and cleared by each saturating pack. */
let sat = 0;

/** Signed halfword (low 16 bits of x) to signed byte. */
function shsb(x: number): number {
  const v = (x << 16) >> 16;
  if (v < -128) { sat = 1; return 0x80; }
  if (v > 127) { sat = 1; return 0x7f; }
  return v & 0xff;
}
/** Signed halfword to unsigned byte. */
function shub(x: number): number {
  const v = (x << 16) >> 16;
  if (v < 0) { sat = 1; return 0; }
  if (v > 255) { sat = 1; return 0xff; }
  return v;
}
/** Unsigned halfword to unsigned byte. */
function uhub(x: number): number {
  const v = x & 0xffff;
  if (v > 255) { sat = 1; return 0xff; }
  return v;
}
/** Signed word to signed halfword. */
function swsh(x: number): number {
  if (x < -32768) { sat = 1; return 0x8000; }
  if (x > 32767) { sat = 1; return 0x7fff; }
  return x & 0xffff;
}
/** Signed word to unsigned halfword. */
function swuh(x: number): number {
  if (x < 0) { sat = 1; return 0; }
  if (x > 65535) { sat = 1; return 0xffff; }
  return x;
}
/** Unsigned word to unsigned halfword. */
function uwuh(x: number): number {
  if (x >>> 0 > 65535) { sat = 1; return 0xffff; }
  return x;
}
/** Signed doubleword (lo, hi) to signed word. */
function sdsw(lo: number, hi: number): number {
  if (hi === lo >> 31) return lo;
  sat = 1;
  return hi < 0 ? 0x80000000 | 0 : 0x7fffffff;
}
/** Signed doubleword to unsigned word. */
function sduw(lo: number, hi: number): number {
  if (hi === 0) return lo;
  sat = 1;
  return hi < 0 ? 0 : -1;
}
/** Unsigned doubleword to unsigned word. */
function uduw(lo: number, hi: number): number {
  if (hi === 0) return lo;
  sat = 1;
  return -1;
}

function endSat(c: Cpu): void {
  if (sat !== 0) {
    c.r[S.VSCR] |= 1;
    sat = 0;
  }
}

/** Pack the 4 halfwords of words x, y to bytes with `f`. */
type Cvt = (x: number) => number;
function pkh(f: Cvt, x: number, y: number): number {
  return (f(x >>> 16) << 24) | (f(x) << 16) | (f(y >>> 16) << 8) | f(y);
}
function pkw(f: Cvt, x: number, y: number): number {
  return (f(x) << 16) | f(y);
}

function packH(c: Cpu, w: number, f: Cvt): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a0 = r[a + 1], a1 = r[a], a2 = r[a + 3], a3 = r[a + 2];
  const b0 = r[b + 1], b1 = r[b], b2 = r[b + 3], b3 = r[b + 2];
  put(c, vt(w), pkh(f, a0, a1), pkh(f, a2, a3), pkh(f, b0, b1), pkh(f, b2, b3));
  endSat(c);
}

function packW(c: Cpu, w: number, f: Cvt): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a0 = r[a + 1], a1 = r[a], a2 = r[a + 3], a3 = r[a + 2];
  const b0 = r[b + 1], b1 = r[b], b2 = r[b + 3], b3 = r[b + 2];
  put(c, vt(w), pkw(f, a0, a1), pkw(f, a2, a3), pkw(f, b0, b1), pkw(f, b2, b3));
  endSat(c);
}

function packD(c: Cpu, w: number, f: (lo: number, hi: number) => number): void {
  const r = c.r, a = va(w), b = vbb(w);
  const a0 = f(r[a], r[a + 1]), a1 = f(r[a + 2], r[a + 3]);
  const b0 = f(r[b], r[b + 1]), b1 = f(r[b + 2], r[b + 3]);
  put(c, vt(w), a0, a1, b0, b1);
  endSat(c);
}

const vpkuhus = (c: Cpu, w: number): void => packH(c, w, uhub);
const vpkshus = (c: Cpu, w: number): void => packH(c, w, shub);
const vpkshss = (c: Cpu, w: number): void => packH(c, w, shsb);
const vpkuwus = (c: Cpu, w: number): void => packW(c, w, uwuh);
const vpkswus = (c: Cpu, w: number): void => packW(c, w, swuh);
const vpkswss = (c: Cpu, w: number): void => packW(c, w, swsh);
const vpkudus = (c: Cpu, w: number): void => packD(c, w, uduw);
const vpksdus = (c: Cpu, w: number): void => packD(c, w, sduw);
const vpksdss = (c: Cpu, w: number): void => packD(c, w, sdsw);

// ---- pixel pack/unpack ----

/** A 32-bit pixel to 1:5:5:5 (ISA bits 7, 8:12, 16:20, 24:28). */
const px16 = (e: number): number => ((e >>> 9) & 0xfc00) | ((e >>> 6) & 0x3e0) | ((e >>> 3) & 0x1f);

function vpkpx(c: Cpu, w: number): void {
  const r = c.r, a = va(w), b = vbb(w);
  put(c, vt(w), (px16(r[a + 1]) << 16) | px16(r[a]), (px16(r[a + 3]) << 16) | px16(r[a + 2]),
    (px16(r[b + 1]) << 16) | px16(r[b]), (px16(r[b + 3]) << 16) | px16(r[b + 2]));
}

/** A 1:5:5:5 pixel (low 16 bits of h) to 8:8:8:8 (alpha 0xff or 0, channels zero-extended). */
const px32 = (h: number): number =>
  (((h << 16) >> 31) & 0xff000000) | ((h & 0x7c00) << 6) | ((h & 0x3e0) << 3) | (h & 0x1f);

function vupkhpx(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x0 = r[b + 1], x1 = r[b];
  put(c, vt(w), px32(x0 >>> 16), px32(x0), px32(x1 >>> 16), px32(x1));
}

function vupklpx(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x2 = r[b + 3], x3 = r[b + 2];
  put(c, vt(w), px32(x2 >>> 16), px32(x2), px32(x3 >>> 16), px32(x3));
}

// ---- signed unpacks ----

/** The two bytes of halfword h (low 16 bits), sign-extended to halfwords, as a word. */
const sxb2 = (h: number): number => (((h << 16) >> 24) << 16) | (((h << 24) >> 24) & 0xffff);

function vupkhsb(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x0 = r[b + 1], x1 = r[b];
  put(c, vt(w), sxb2(x0 >>> 16), sxb2(x0), sxb2(x1 >>> 16), sxb2(x1));
}

function vupklsb(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x2 = r[b + 3], x3 = r[b + 2];
  put(c, vt(w), sxb2(x2 >>> 16), sxb2(x2), sxb2(x3 >>> 16), sxb2(x3));
}

function vupkhsh(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x0 = r[b + 1], x1 = r[b];
  put(c, vt(w), x0 >> 16, (x0 << 16) >> 16, x1 >> 16, (x1 << 16) >> 16);
}

function vupklsh(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x2 = r[b + 3], x3 = r[b + 2];
  put(c, vt(w), x2 >> 16, (x2 << 16) >> 16, x3 >> 16, (x3 << 16) >> 16);
}

/** vupkhsw: words 0 and 1 sign-extended to doublewords. */
function vupkhsw(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x0 = r[b + 1], x1 = r[b];
  put(c, vt(w), x0 >> 31, x0, x1 >> 31, x1);
}

function vupklsw(c: Cpu, w: number): void {
  const r = c.r, b = vbb(w);
  const x2 = r[b + 3], x3 = r[b + 2];
  put(c, vt(w), x2 >> 31, x2, x3 >> 31, x3);
}

// ---- definitions ----

const vx = (xo: number): number => ((4 << 26) | xo) >>> 0;
/** Opcode and XO without bit 31 (ignored by qemu for these). */
const M_NO31 = 0xfc0007fe;
/** Opcode and the full 11-bit XO. */
const M_XO = 0xfc0007ff;
/** Full XO and VRA = 0. */
const M_NOA = 0xfc1f07fe;

const def = (mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void, mask = M_NO31): OpDef =>
  ({ mnemonic, mask, match: vx(xo), exec });

export const VMX_PACK_OPS: readonly OpDef[] = [
  def("vspltisb", 780, vspltisb),
  def("vspltish", 844, vspltish),
  def("vspltisw", 908, vspltisw),
  def("vspltb", 524, vspltb, M_XO),
  def("vsplth", 588, vsplth, M_XO),
  def("vspltw", 652, vspltw, M_XO),
  def("vmrghb", 12, vmrghb),
  def("vmrghh", 76, vmrghh),
  def("vmrghw", 140, vmrghw),
  def("vmrglb", 268, vmrglb),
  def("vmrglh", 332, vmrglh),
  // vmrglw with bit 31 set is vclrlb (ISA 3.1) in qemu 7.2, which lacks the ISA check there (a
  // qemu bug): that word stays illegal here, as on POWER8.
  def("vmrglw", 396, vmrglw, M_XO),
  def("vmrgew", 1932, vmrgew, M_XO),
  def("vmrgow", 1676, vmrgow, M_XO),
  def("vpkuhum", 14, vpkuhum),
  def("vpkuwum", 78, vpkuwum),
  def("vpkudum", 1102, vpkudum),
  def("vpkuhus", 142, vpkuhus),
  def("vpkuwus", 206, vpkuwus),
  def("vpkudus", 1230, vpkudus),
  def("vpkshus", 270, vpkshus),
  def("vpkswus", 334, vpkswus),
  def("vpksdus", 1358, vpksdus),
  def("vpkshss", 398, vpkshss),
  def("vpkswss", 462, vpkswss),
  def("vpksdss", 1486, vpksdss),
  def("vpkpx", 782, vpkpx),
  def("vupkhsb", 526, vupkhsb, M_NOA),
  def("vupkhsh", 590, vupkhsh, M_NOA),
  def("vupkhsw", 1614, vupkhsw),
  def("vupklsb", 654, vupklsb, M_NOA),
  def("vupklsh", 718, vupklsh, M_NOA),
  def("vupklsw", 1742, vupklsw),
  def("vupkhpx", 846, vupkhpx, M_NOA),
  def("vupklpx", 974, vupklpx, M_NOA),
];
