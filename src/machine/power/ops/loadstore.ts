// Fixed-point loads and stores: all widths, algebraic, update and indexed forms, byte-reverse
// and quadword (lq/stq). Multiple/string forms are in loadstore-string.ts, load-reserve /
// store-conditional in loadstore-atomic.ts.
//
// Semantics follow qemu 7.2 -cpu power8 (the differential oracle):
//  - Update forms with RA = 0, and load-update forms with RA = RT, are invalid forms: qemu
//    raises an illegal-instruction exception, and so do we (OpDef.invalid, decode time).
//  - The X-forms that qemu decodes with decodetree (lbzx ... stdux) ignore the Rc bit; the
//    byte-reverse forms (legacy decoder) require it to be 0.
//  - lq/stq are problem-state instructions from ISA 2.07 on, in both byte orders. The even
//    register RT gets the doubleword at EA in big-endian mode and the one at EA+8 in
//    little-endian mode (the quadword is one 128-bit value in storage order). lq with RT = RA
//    is invalid; an odd RT/RS does not decode. No alignment check (as qemu single-threaded).
//
// Update forms write RA only after the access succeeded, so a fault leaves every register
// unchanged. The stored value is read before RA is updated (stwu r1,-16(r1) stores old r1).

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag, fRT, fRA } from "../decode.js";
import { Access } from "../mmu.js";
import { eaD, eaDS, eaDQ, eaX, eaAdd, updateRA, probeRange } from "./ea.js";

/** Byte-reverse a 32-bit value (result as int32). */
export function bswap32(v: number): number {
  return (v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

/** Byte-reverse the low 16 bits (result zero-extended). */
export function bswap16(v: number): number {
  return ((v & 0xff) << 8) | ((v >>> 8) & 0xff);
}

function setRT(c: Cpu, w: number, lo: number, hi: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = lo;
  c.r[rt * 2 + 1] = hi;
}

// ---- byte ----

function lbz(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  setRT(c, w, c.ld8(lo, c.eah), 0);
}

function lbzu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  setRT(c, w, c.ld8(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

function lbzx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  setRT(c, w, c.ld8(lo, c.eah), 0);
}

function lbzux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  setRT(c, w, c.ld8(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

// ---- halfword and zero ----

function lhz(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  setRT(c, w, c.ld16(lo, c.eah), 0);
}

function lhzu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  setRT(c, w, c.ld16(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

function lhzx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  setRT(c, w, c.ld16(lo, c.eah), 0);
}

function lhzux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  setRT(c, w, c.ld16(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

// ---- halfword algebraic ----

function lha(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  const v = (c.ld16(lo, c.eah) << 16) >> 16;
  setRT(c, w, v, v >> 31);
}

function lhau(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  const v = (c.ld16(lo, hi) << 16) >> 16;
  setRT(c, w, v, v >> 31);
  updateRA(c, w, lo, hi);
}

function lhax(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const v = (c.ld16(lo, c.eah) << 16) >> 16;
  setRT(c, w, v, v >> 31);
}

function lhaux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const v = (c.ld16(lo, hi) << 16) >> 16;
  setRT(c, w, v, v >> 31);
  updateRA(c, w, lo, hi);
}

// ---- word and zero ----

function lwz(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  setRT(c, w, c.ld32(lo, c.eah), 0);
}

function lwzu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  setRT(c, w, c.ld32(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

function lwzx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  setRT(c, w, c.ld32(lo, c.eah), 0);
}

function lwzux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  setRT(c, w, c.ld32(lo, hi), 0);
  updateRA(c, w, lo, hi);
}

// ---- word algebraic ----

function lwa(c: Cpu, w: number): void {
  const lo = eaDS(c, w);
  const v = c.ld32(lo, c.eah);
  setRT(c, w, v, v >> 31);
}

function lwax(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const v = c.ld32(lo, c.eah);
  setRT(c, w, v, v >> 31);
}

function lwaux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const v = c.ld32(lo, hi);
  setRT(c, w, v, v >> 31);
  updateRA(c, w, lo, hi);
}

// ---- doubleword ----

function ld(c: Cpu, w: number): void {
  const lo = eaDS(c, w);
  const v = c.ld64(lo, c.eah);
  setRT(c, w, v, c.hi64);
}

function ldu(c: Cpu, w: number): void {
  const lo = eaDS(c, w), hi = c.eah;
  const v = c.ld64(lo, hi);
  setRT(c, w, v, c.hi64);
  updateRA(c, w, lo, hi);
}

function ldx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const v = c.ld64(lo, c.eah);
  setRT(c, w, v, c.hi64);
}

function ldux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const v = c.ld64(lo, hi);
  setRT(c, w, v, c.hi64);
  updateRA(c, w, lo, hi);
}

// ---- stores ----

function stb(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  c.st8(lo, c.eah, c.r[fRT(w) * 2]);
}

function stbu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  c.st8(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function stbx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.st8(lo, c.eah, c.r[fRT(w) * 2]);
}

function stbux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  c.st8(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function sth(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  c.st16(lo, c.eah, c.r[fRT(w) * 2]);
}

function sthu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  c.st16(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function sthx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.st16(lo, c.eah, c.r[fRT(w) * 2]);
}

function sthux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  c.st16(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function stw(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  c.st32(lo, c.eah, c.r[fRT(w) * 2]);
}

function stwu(c: Cpu, w: number): void {
  const lo = eaD(c, w), hi = c.eah;
  c.st32(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function stwx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.st32(lo, c.eah, c.r[fRT(w) * 2]);
}

function stwux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  c.st32(lo, hi, c.r[fRT(w) * 2]);
  updateRA(c, w, lo, hi);
}

function std(c: Cpu, w: number): void {
  const lo = eaDS(c, w);
  const rs = fRT(w);
  c.st64(lo, c.eah, c.r[rs * 2], c.r[rs * 2 + 1]);
}

function stdu(c: Cpu, w: number): void {
  const lo = eaDS(c, w), hi = c.eah;
  const rs = fRT(w);
  c.st64(lo, hi, c.r[rs * 2], c.r[rs * 2 + 1]);
  updateRA(c, w, lo, hi);
}

function stdx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const rs = fRT(w);
  c.st64(lo, c.eah, c.r[rs * 2], c.r[rs * 2 + 1]);
}

function stdux(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const rs = fRT(w);
  c.st64(lo, hi, c.r[rs * 2], c.r[rs * 2 + 1]);
  updateRA(c, w, lo, hi);
}

// ---- byte-reverse ----

function lhbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  setRT(c, w, bswap16(c.ld16(lo, c.eah)), 0);
}

function lwbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  setRT(c, w, bswap32(c.ld32(lo, c.eah)), 0);
}

function ldbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const v = c.ld64(lo, c.eah);
  setRT(c, w, bswap32(c.hi64), bswap32(v));
}

function sthbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.st16(lo, c.eah, bswap16(c.r[fRT(w) * 2]));
}

function stwbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.st32(lo, c.eah, bswap32(c.r[fRT(w) * 2]));
}

function stdbrx(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  const rs = fRT(w);
  c.st64(lo, c.eah, bswap32(c.r[rs * 2 + 1]), bswap32(c.r[rs * 2]));
}

// ---- quadword ----

/** lq RTp, DQ(RA): both doublewords are read before either register is written. */
function lq(c: Cpu, w: number): void {
  const lo = eaDQ(c, w), hi = c.eah;
  const alo = c.ld64(lo, hi), ahi = c.hi64;
  const lo8 = eaAdd(c, lo, hi, 8);
  const blo = c.ld64(lo8, c.eah), bhi = c.hi64;
  const rt = fRT(w);
  // Big-endian: RT <- (EA), RT+1 <- (EA+8); little-endian: the other way round.
  const first = c.le ? rt + 1 : rt;
  const second = c.le ? rt : rt + 1;
  c.r[first * 2] = alo;
  c.r[first * 2 + 1] = ahi;
  c.r[second * 2] = blo;
  c.r[second * 2 + 1] = bhi;
}

/** stq RSp, DS(RA): both halves are probed before either is written. */
function stq(c: Cpu, w: number): void {
  const lo = eaDS(c, w), hi = c.eah;
  probeRange(c, lo, hi, 16, Access.Write);
  const rs = fRT(w);
  const first = c.le ? rs + 1 : rs;
  const second = c.le ? rs : rs + 1;
  c.st64(lo, hi, c.r[first * 2], c.r[first * 2 + 1]);
  const lo8 = eaAdd(c, lo, hi, 8);
  c.st64(lo8, c.eah, c.r[second * 2], c.r[second * 2 + 1]);
}

// ---- definitions ----

const M = OpFlag.Mem;
/** Load with update: RA = 0 or RA = RT is an invalid form (qemu: illegal instruction). */
const badLoadUpdate = (w: number): boolean => fRA(w) === 0 || fRA(w) === fRT(w);
/** Store with update: RA = 0 is an invalid form. */
const badStoreUpdate = (w: number): boolean => fRA(w) === 0;

const D = 0xfc000000;
/** DS-form: primary opcode and the two-bit extended opcode. */
const DS = 0xfc000003;
/** X-form as decoded by qemu's decodetree: the Rc bit is ignored. */
const XI = 0xfc0007fe;
/** X-form with Rc required to be 0. */
const X0 = 0xfc0007ff;
const x = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const d = (op: number): number => (op << 26) >>> 0;

export const LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lbz", mask: D, match: d(34), exec: lbz, flags: M },
  { mnemonic: "lbzu", mask: D, match: d(35), exec: lbzu, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lbzx", mask: XI, match: x(87), exec: lbzx, flags: M },
  { mnemonic: "lbzux", mask: XI, match: x(119), exec: lbzux, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lhz", mask: D, match: d(40), exec: lhz, flags: M },
  { mnemonic: "lhzu", mask: D, match: d(41), exec: lhzu, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lhzx", mask: XI, match: x(279), exec: lhzx, flags: M },
  { mnemonic: "lhzux", mask: XI, match: x(311), exec: lhzux, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lha", mask: D, match: d(42), exec: lha, flags: M },
  { mnemonic: "lhau", mask: D, match: d(43), exec: lhau, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lhax", mask: XI, match: x(343), exec: lhax, flags: M },
  { mnemonic: "lhaux", mask: XI, match: x(375), exec: lhaux, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lwz", mask: D, match: d(32), exec: lwz, flags: M },
  { mnemonic: "lwzu", mask: D, match: d(33), exec: lwzu, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lwzx", mask: XI, match: x(23), exec: lwzx, flags: M },
  { mnemonic: "lwzux", mask: XI, match: x(55), exec: lwzux, flags: M, invalid: badLoadUpdate },
  { mnemonic: "lwa", mask: DS, match: d(58) | 2, exec: lwa, flags: M },
  { mnemonic: "lwax", mask: XI, match: x(341), exec: lwax, flags: M },
  { mnemonic: "lwaux", mask: XI, match: x(373), exec: lwaux, flags: M, invalid: badLoadUpdate },
  { mnemonic: "ld", mask: DS, match: d(58), exec: ld, flags: M },
  { mnemonic: "ldu", mask: DS, match: d(58) | 1, exec: ldu, flags: M, invalid: badLoadUpdate },
  { mnemonic: "ldx", mask: XI, match: x(21), exec: ldx, flags: M },
  { mnemonic: "ldux", mask: XI, match: x(53), exec: ldux, flags: M, invalid: badLoadUpdate },

  { mnemonic: "stb", mask: D, match: d(38), exec: stb, flags: M },
  { mnemonic: "stbu", mask: D, match: d(39), exec: stbu, flags: M, invalid: badStoreUpdate },
  { mnemonic: "stbx", mask: XI, match: x(215), exec: stbx, flags: M },
  { mnemonic: "stbux", mask: XI, match: x(247), exec: stbux, flags: M, invalid: badStoreUpdate },
  { mnemonic: "sth", mask: D, match: d(44), exec: sth, flags: M },
  { mnemonic: "sthu", mask: D, match: d(45), exec: sthu, flags: M, invalid: badStoreUpdate },
  { mnemonic: "sthx", mask: XI, match: x(407), exec: sthx, flags: M },
  { mnemonic: "sthux", mask: XI, match: x(439), exec: sthux, flags: M, invalid: badStoreUpdate },
  { mnemonic: "stw", mask: D, match: d(36), exec: stw, flags: M },
  { mnemonic: "stwu", mask: D, match: d(37), exec: stwu, flags: M, invalid: badStoreUpdate },
  { mnemonic: "stwx", mask: XI, match: x(151), exec: stwx, flags: M },
  { mnemonic: "stwux", mask: XI, match: x(183), exec: stwux, flags: M, invalid: badStoreUpdate },
  { mnemonic: "std", mask: DS, match: d(62), exec: std, flags: M },
  { mnemonic: "stdu", mask: DS, match: d(62) | 1, exec: stdu, flags: M, invalid: badStoreUpdate },
  { mnemonic: "stdx", mask: XI, match: x(149), exec: stdx, flags: M },
  { mnemonic: "stdux", mask: XI, match: x(181), exec: stdux, flags: M, invalid: badStoreUpdate },

  { mnemonic: "lhbrx", mask: X0, match: x(790), exec: lhbrx, flags: M },
  { mnemonic: "lwbrx", mask: X0, match: x(534), exec: lwbrx, flags: M },
  { mnemonic: "ldbrx", mask: X0, match: x(532), exec: ldbrx, flags: M },
  { mnemonic: "sthbrx", mask: X0, match: x(918), exec: sthbrx, flags: M },
  { mnemonic: "stwbrx", mask: X0, match: x(662), exec: stwbrx, flags: M },
  { mnemonic: "stdbrx", mask: X0, match: x(660), exec: stdbrx, flags: M },

  // RT/RS must be even (bit 10 of the word is in the mask).
  { mnemonic: "lq", mask: 0xfc200000, match: d(56), exec: lq, flags: M, invalid: (w) => fRA(w) === fRT(w) },
  { mnemonic: "stq", mask: 0xfc200003, match: d(62) | 2, exec: stq, flags: M },
];
