// VMX logical, select, permute, shift and rotate instructions, lvsl/lvsr and element loads/stores.
//
// Register layout (state.ts): VR k is VSR 32+k, 16 bytes at int32 index S.VSR + 4(32+k):
// [+0] = ISA word 1, [+1] = ISA word 0, [+2] = ISA word 3, [+3] = ISA word 2 (ISA word element
// j is at +(j ^ 1)). As bytes (the state is little-endian), ISA byte element b is at byte offset
// (b ^ 7) of the register. Element-wise word/halfword/byte operations therefore work on the four
// int32s in any order; doubleword operations work on the pairs (+0,+1) and (+2,+3).
//
// Every handler reads the source elements it needs before writing the target element they
// produce, so VRT may alias VRA, VRB or VRC; operations that move bytes across elements
// (vperm, vsldoi, vslo, vsro, vsl, vsr) read their sources completely first.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";
import { eaX } from "./ea.js";
import { lvx, stvx } from "./vmx-loadstore.js";

/** Int32 index of the VR named by the VRT/VRA/VRB/VRC field, i.e. of VSR 32 + field. */
const vT = (w: number): number => S.VSR + 128 + ((w >>> 19) & 124);
const vA = (w: number): number => S.VSR + 128 + ((w >>> 14) & 124);
const vB = (w: number): number => S.VSR + 128 + ((w >>> 9) & 124);
const vC = (w: number): number => S.VSR + 128 + ((w >>> 4) & 124);

/** Byte offset in c.u8 of the register at int32 index `idx` (ISA byte b is at + (b ^ 7)). */
const vByteBase = (c: Cpu, idx: number): number => c.stateAddr + idx * 4;

/** 32 bytes of scratch for the byte-moving operations (sources copied before writing). */
const tmp = new Uint8Array(32);

// ---- logical ----

function vand(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] & r[b]; r[t + 1] = r[a + 1] & r[b + 1]; r[t + 2] = r[a + 2] & r[b + 2]; r[t + 3] = r[a + 3] & r[b + 3];
}
function vandc(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] & ~r[b]; r[t + 1] = r[a + 1] & ~r[b + 1]; r[t + 2] = r[a + 2] & ~r[b + 2]; r[t + 3] = r[a + 3] & ~r[b + 3];
}
function vor(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] | r[b]; r[t + 1] = r[a + 1] | r[b + 1]; r[t + 2] = r[a + 2] | r[b + 2]; r[t + 3] = r[a + 3] | r[b + 3];
}
function vxor(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] ^ r[b]; r[t + 1] = r[a + 1] ^ r[b + 1]; r[t + 2] = r[a + 2] ^ r[b + 2]; r[t + 3] = r[a + 3] ^ r[b + 3];
}
function vnor(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = ~(r[a] | r[b]); r[t + 1] = ~(r[a + 1] | r[b + 1]); r[t + 2] = ~(r[a + 2] | r[b + 2]); r[t + 3] = ~(r[a + 3] | r[b + 3]);
}
function vorc(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] | ~r[b]; r[t + 1] = r[a + 1] | ~r[b + 1]; r[t + 2] = r[a + 2] | ~r[b + 2]; r[t + 3] = r[a + 3] | ~r[b + 3];
}
function vnand(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = ~(r[a] & r[b]); r[t + 1] = ~(r[a + 1] & r[b + 1]); r[t + 2] = ~(r[a + 2] & r[b + 2]); r[t + 3] = ~(r[a + 3] & r[b + 3]);
}
function veqv(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = ~(r[a] ^ r[b]); r[t + 1] = ~(r[a + 1] ^ r[b + 1]); r[t + 2] = ~(r[a + 2] ^ r[b + 2]); r[t + 3] = ~(r[a + 3] ^ r[b + 3]);
}

/** vsel VRT, VRA, VRB, VRC: bits of VRB where VRC is 1, of VRA where it is 0. */
function vsel(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), m = vC(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const k = r[m + i];
    r[t + i] = (r[a + i] & ~k) | (r[b + i] & k);
  }
}

// ---- permutes and whole-register shifts ----

/** Copy ISA bytes 0..15 of the register at int32 index `idx` into tmp[at..at+15]. */
function loadBytes(c: Cpu, idx: number, at: number): void {
  const u8 = c.u8, p = vByteBase(c, idx);
  for (let k = 0; k < 16; k++) tmp[at + k] = u8[p + (k ^ 7)];
}

/** vperm VRT, VRA, VRB, VRC: byte i = byte (VRC.byte[i] & 31) of VRA || VRB. */
function vperm(c: Cpu, w: number): void {
  loadBytes(c, vA(w), 0);
  loadBytes(c, vB(w), 16);
  const u8 = c.u8, pt = vByteBase(c, vT(w)), pc = vByteBase(c, vC(w));
  // VRC may be VRT: control byte i is read before result byte i (the same byte) is written.
  for (let i = 0; i < 16; i++) u8[pt + (i ^ 7)] = tmp[u8[pc + (i ^ 7)] & 31];
}

/** vsldoi VRT, VRA, VRB, SHB: bytes SHB..SHB+15 of VRA || VRB (bit 21 ignored, as qemu). */
function vsldoi(c: Cpu, w: number): void {
  loadBytes(c, vA(w), 0);
  loadBytes(c, vB(w), 16);
  const sh = (w >>> 6) & 15, u8 = c.u8, pt = vByteBase(c, vT(w));
  for (let i = 0; i < 16; i++) u8[pt + (i ^ 7)] = tmp[sh + i];
}

/** vslo VRT, VRA, VRB: VRA shifted left by (VRB bits 121:124) octets. */
function vslo(c: Cpu, w: number): void {
  const sh = (c.r[vB(w) + 2] >>> 3) & 15;
  loadBytes(c, vA(w), 0);
  const u8 = c.u8, pt = vByteBase(c, vT(w));
  for (let i = 0; i < 16; i++) u8[pt + (i ^ 7)] = i + sh < 16 ? tmp[i + sh] : 0;
}

/** vsro VRT, VRA, VRB: VRA shifted right by (VRB bits 121:124) octets. */
function vsro(c: Cpu, w: number): void {
  const sh = (c.r[vB(w) + 2] >>> 3) & 15;
  loadBytes(c, vA(w), 0);
  const u8 = c.u8, pt = vByteBase(c, vT(w));
  for (let i = 0; i < 16; i++) u8[pt + (i ^ 7)] = i >= sh ? tmp[i - sh] : 0;
}

/**
 * vsl VRT, VRA, VRB: the 128-bit VRA shifted left by VRB bits 125:127. The ISA leaves the
 * result undefined unless every byte of VRB has the same low 3 bits; qemu uses byte 15's.
 */
function vsl(c: Cpu, w: number): void {
  const r = c.r, a = vA(w), t = vT(w);
  const n = r[vB(w) + 2] & 7;
  if (n === 0) {
    r[t] = r[a]; r[t + 1] = r[a + 1]; r[t + 2] = r[a + 2]; r[t + 3] = r[a + 3];
    return;
  }
  const w0 = r[a + 1], w1 = r[a], w2 = r[a + 3], w3 = r[a + 2], m = 32 - n;
  r[t + 1] = (w0 << n) | (w1 >>> m);
  r[t] = (w1 << n) | (w2 >>> m);
  r[t + 3] = (w2 << n) | (w3 >>> m);
  r[t + 2] = w3 << n;
}

/** vsr VRT, VRA, VRB: the 128-bit VRA shifted right by VRB bits 125:127 (byte 15, as qemu). */
function vsr(c: Cpu, w: number): void {
  const r = c.r, a = vA(w), t = vT(w);
  const n = r[vB(w) + 2] & 7;
  if (n === 0) {
    r[t] = r[a]; r[t + 1] = r[a + 1]; r[t + 2] = r[a + 2]; r[t + 3] = r[a + 3];
    return;
  }
  const w0 = r[a + 1], w1 = r[a], w2 = r[a + 3], w3 = r[a + 2], m = 32 - n;
  r[t + 1] = w0 >>> n;
  r[t] = (w1 >>> n) | (w0 << m);
  r[t + 3] = (w2 >>> n) | (w1 << m);
  r[t + 2] = (w3 >>> n) | (w2 << m);
}

// ---- element shifts and rotates (count from the low bits of VRB's matching element) ----

function vslb(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    let v = 0;
    for (let k = 0; k < 32; k += 8) v |= (((x >>> k) << ((s >>> k) & 7)) & 0xff) << k;
    r[t + i] = v;
  }
}
function vsrb(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    let v = 0;
    for (let k = 0; k < 32; k += 8) v |= (((x >>> k) & 0xff) >>> ((s >>> k) & 7)) << k;
    r[t + i] = v;
  }
}
function vsrab(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    let v = 0;
    for (let k = 0; k < 32; k += 8) v |= ((((x >>> k) << 24) >> (24 + ((s >>> k) & 7))) & 0xff) << k;
    r[t + i] = v;
  }
}
function vrlb(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    let v = 0;
    for (let k = 0; k < 32; k += 8) {
      const e = (x >>> k) & 0xff, n = (s >>> k) & 7;
      v |= (((e << n) | (e >>> (8 - n))) & 0xff) << k;
    }
    r[t + i] = v;
  }
}

function vslh(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    r[t + i] = ((x >>> 16) << ((s >>> 16) & 15) << 16) | ((x << (s & 15)) & 0xffff);
  }
}
function vsrh(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    r[t + i] = ((x >>> 16 >>> ((s >>> 16) & 15)) << 16) | ((x & 0xffff) >>> (s & 15));
  }
}
function vsrah(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    r[t + i] = ((x >> 16 >> ((s >>> 16) & 15)) << 16) | ((((x << 16) >> 16) >> (s & 15)) & 0xffff);
  }
}
function vrlh(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  for (let i = 0; i < 4; i++) {
    const x = r[a + i], s = r[b + i];
    const hi = x >>> 16, lo = x & 0xffff, nh = (s >>> 16) & 15, nl = s & 15;
    r[t + i] = (((hi << nh) | (hi >>> (16 - nh))) << 16) | (((lo << nl) | (lo >>> (16 - nl))) & 0xffff);
  }
}

function vslw(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] << r[b]; r[t + 1] = r[a + 1] << r[b + 1]; r[t + 2] = r[a + 2] << r[b + 2]; r[t + 3] = r[a + 3] << r[b + 3];
}
function vsrw(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] >>> r[b]; r[t + 1] = r[a + 1] >>> r[b + 1]; r[t + 2] = r[a + 2] >>> r[b + 2]; r[t + 3] = r[a + 3] >>> r[b + 3];
}
function vsraw(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = r[a] >> r[b]; r[t + 1] = r[a + 1] >> r[b + 1]; r[t + 2] = r[a + 2] >> r[b + 2]; r[t + 3] = r[a + 3] >> r[b + 3];
}
/** 32-bit rotate left (JS shifts take the count mod 32; x >>> 32 - 0 = x >>> 0 is harmless in an OR). */
const rotl32 = (x: number, n: number): number => (x << n) | (x >>> (32 - n));
function vrlw(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w), r = c.r;
  r[t] = rotl32(r[a], r[b]); r[t + 1] = rotl32(r[a + 1], r[b + 1]);
  r[t + 2] = rotl32(r[a + 2], r[b + 2]); r[t + 3] = rotl32(r[a + 3], r[b + 3]);
}

// Doubleword element forms: (lo, hi) pairs at t/a/b + 0 and + 2; count = low 6 bits of VRB's dw.

function sld1(r: Int32Array, t: number, a: number, b: number): void {
  const lo = r[a], hi = r[a + 1], n = r[b] & 63;
  if (n >= 32) { r[t + 1] = lo << (n - 32); r[t] = 0; }
  else if (n !== 0) { r[t + 1] = (hi << n) | (lo >>> (32 - n)); r[t] = lo << n; }
  else { r[t] = lo; r[t + 1] = hi; }
}
function srd1(r: Int32Array, t: number, a: number, b: number): void {
  const lo = r[a], hi = r[a + 1], n = r[b] & 63;
  if (n >= 32) { r[t] = hi >>> (n - 32); r[t + 1] = 0; }
  else if (n !== 0) { r[t] = (lo >>> n) | (hi << (32 - n)); r[t + 1] = hi >>> n; }
  else { r[t] = lo; r[t + 1] = hi; }
}
function srad1(r: Int32Array, t: number, a: number, b: number): void {
  const lo = r[a], hi = r[a + 1], n = r[b] & 63;
  if (n >= 32) { r[t] = hi >> (n - 32); r[t + 1] = hi >> 31; }
  else if (n !== 0) { r[t] = (lo >>> n) | (hi << (32 - n)); r[t + 1] = hi >> n; }
  else { r[t] = lo; r[t + 1] = hi; }
}
function rld1(r: Int32Array, t: number, a: number, b: number): void {
  let lo = r[a], hi = r[a + 1];
  const n = r[b] & 63;
  if (n >= 32) { const x = lo; lo = hi; hi = x; }
  const m = n & 31;
  if (m !== 0) {
    const nh = (hi << m) | (lo >>> (32 - m));
    lo = (lo << m) | (hi >>> (32 - m));
    hi = nh;
  }
  r[t] = lo; r[t + 1] = hi;
}
function vsld(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w);
  sld1(c.r, t, a, b); sld1(c.r, t + 2, a + 2, b + 2);
}
function vsrd(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w);
  srd1(c.r, t, a, b); srd1(c.r, t + 2, a + 2, b + 2);
}
function vsrad(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w);
  srad1(c.r, t, a, b); srad1(c.r, t + 2, a + 2, b + 2);
}
function vrld(c: Cpu, w: number): void {
  const t = vT(w), a = vA(w), b = vB(w);
  rld1(c.r, t, a, b); rld1(c.r, t + 2, a + 2, b + 2);
}

// ---- lvsl / lvsr: independent of the byte order (as qemu and the ISA) ----

/** lvsl VRT, RA, RB: bytes sh..sh+15 of 0x00..0x1f, sh = EA & 15. */
function lvsl(c: Cpu, w: number): void {
  const sh = (eaX(c, w) & 15) * 0x01010101, t = vT(w), r = c.r;
  r[t + 1] = 0x00010203 + sh; r[t] = 0x04050607 + sh; r[t + 3] = 0x08090a0b + sh; r[t + 2] = 0x0c0d0e0f + sh;
}

/** lvsr VRT, RA, RB: bytes 16-sh..31-sh of 0x00..0x1f. */
function lvsr(c: Cpu, w: number): void {
  const sh = (eaX(c, w) & 15) * 0x01010101, t = vT(w), r = c.r;
  r[t + 1] = 0x10111213 - sh; r[t] = 0x14151617 - sh; r[t + 3] = 0x18191a1b - sh; r[t + 2] = 0x1c1d1e1f - sh;
}

// ---- element loads and stores ----
// The element is the one lvx would put the addressed bytes in: index (EA & 15) / size in
// big-endian mode, (15 - EA & 15) / size in little-endian mode; the value is accessed in the
// guest byte order at EA rounded down to the element size. Other elements of VRT are left
// unchanged (the ISA says undefined; qemu leaves them).

function lvebx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld8(ea, c.eah);
  const b = c.le ? 15 - (ea & 15) : ea & 15;
  c.u8[vByteBase(c, vT(w)) + (b ^ 7)] = v;
}
function lvehx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~1;
  const v = c.ld16(ea, c.eah);
  const h = c.le ? 7 - ((ea & 15) >> 1) : (ea & 15) >> 1;
  const i = vT(w) + ((h >> 1) ^ 1), x = c.r[i];
  c.r[i] = (h & 1) === 0 ? (x & 0xffff) | (v << 16) : (x & ~0xffff) | v;
}
function lvewx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~3;
  const v = c.ld32(ea, c.eah);
  const j = c.le ? 3 - ((ea & 15) >> 2) : (ea & 15) >> 2;
  c.r[vT(w) + (j ^ 1)] = v;
}
function stvebx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const b = c.le ? 15 - (ea & 15) : ea & 15;
  c.st8(ea, c.eah, c.u8[vByteBase(c, vT(w)) + (b ^ 7)]);
}
function stvehx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~1;
  const h = c.le ? 7 - ((ea & 15) >> 1) : (ea & 15) >> 1;
  const x = c.r[vT(w) + ((h >> 1) ^ 1)];
  c.st16(ea, c.eah, (h & 1) === 0 ? x >>> 16 : x & 0xffff);
}
function stvewx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~3;
  const j = c.le ? 3 - ((ea & 15) >> 2) : (ea & 15) >> 2;
  c.st32(ea, c.eah, c.r[vT(w) + (j ^ 1)]);
}

const vx = (xo: number): number => ((4 << 26) | xo) >>> 0;
const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const VX = 0xfc0007ff;
const VA = 0xfc00003f;
const X = 0xfc0007ff;

export const VMX_LOGIC_OPS: readonly OpDef[] = [
  { mnemonic: "vand", mask: VX, match: vx(1028), exec: vand },
  { mnemonic: "vandc", mask: VX, match: vx(1092), exec: vandc },
  { mnemonic: "vor", mask: VX, match: vx(1156), exec: vor },
  { mnemonic: "vxor", mask: VX, match: vx(1220), exec: vxor },
  { mnemonic: "vnor", mask: VX, match: vx(1284), exec: vnor },
  { mnemonic: "vorc", mask: VX, match: vx(1348), exec: vorc },
  { mnemonic: "vnand", mask: VX, match: vx(1412), exec: vnand },
  { mnemonic: "veqv", mask: VX, match: vx(1668), exec: veqv },
  { mnemonic: "vsel", mask: VA, match: vx(42), exec: vsel },
  { mnemonic: "vperm", mask: VA, match: vx(43), exec: vperm },
  // xo 45 (Rc set) is vpermxor (another family).
  { mnemonic: "vsldoi", mask: VA, match: vx(44), exec: vsldoi },
  { mnemonic: "vslo", mask: VX, match: vx(1036), exec: vslo },
  { mnemonic: "vsro", mask: VX, match: vx(1100), exec: vsro },
  { mnemonic: "vsl", mask: VX, match: vx(452), exec: vsl },
  { mnemonic: "vsr", mask: VX, match: vx(708), exec: vsr },
  { mnemonic: "vslb", mask: VX, match: vx(260), exec: vslb },
  { mnemonic: "vslh", mask: VX, match: vx(324), exec: vslh },
  { mnemonic: "vslw", mask: VX, match: vx(388), exec: vslw },
  { mnemonic: "vsld", mask: VX, match: vx(1476), exec: vsld },
  { mnemonic: "vsrb", mask: VX, match: vx(516), exec: vsrb },
  { mnemonic: "vsrh", mask: VX, match: vx(580), exec: vsrh },
  { mnemonic: "vsrw", mask: VX, match: vx(644), exec: vsrw },
  { mnemonic: "vsrd", mask: VX, match: vx(1732), exec: vsrd },
  { mnemonic: "vsrab", mask: VX, match: vx(772), exec: vsrab },
  { mnemonic: "vsrah", mask: VX, match: vx(836), exec: vsrah },
  { mnemonic: "vsraw", mask: VX, match: vx(900), exec: vsraw },
  { mnemonic: "vsrad", mask: VX, match: vx(964), exec: vsrad },
  { mnemonic: "vrlb", mask: VX, match: vx(4), exec: vrlb },
  { mnemonic: "vrlh", mask: VX, match: vx(68), exec: vrlh },
  { mnemonic: "vrlw", mask: VX, match: vx(132), exec: vrlw },
  { mnemonic: "vrld", mask: VX, match: vx(196), exec: vrld },
  { mnemonic: "lvsl", mask: X, match: x31(6), exec: lvsl },
  { mnemonic: "lvsr", mask: X, match: x31(38), exec: lvsr },
  { mnemonic: "lvebx", mask: X, match: x31(7), exec: lvebx, flags: OpFlag.Mem },
  { mnemonic: "lvehx", mask: X, match: x31(39), exec: lvehx, flags: OpFlag.Mem },
  { mnemonic: "lvewx", mask: X, match: x31(71), exec: lvewx, flags: OpFlag.Mem },
  { mnemonic: "stvebx", mask: X, match: x31(135), exec: stvebx, flags: OpFlag.Mem },
  { mnemonic: "stvehx", mask: X, match: x31(167), exec: stvehx, flags: OpFlag.Mem },
  { mnemonic: "stvewx", mask: X, match: x31(199), exec: stvewx, flags: OpFlag.Mem },
  // lvxl/stvxl: lvx/stvx with an LRU hint that has no effect here.
  { mnemonic: "lvxl", mask: X, match: x31(359), exec: lvx, flags: OpFlag.Mem },
  { mnemonic: "stvxl", mask: X, match: x31(487), exec: stvx, flags: OpFlag.Mem },
];
