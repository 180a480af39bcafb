// Fixed-point logical, extend, count, popcount/parity, cmpb, bpermd, isel.
//
// All results are computed on the full 64-bit register (int32 lo/hi pairs); in 32-bit mode the
// high word simply carries whatever the 64-bit operation produces (as on a 64-bit processor
// with MSR.SF = 0) and CR0 looks at the low word only (Cpu.setCR0).
//
// Field names: X-form logical instructions write RA from RS (bits 6:10, fRT) and RB.
// Reserved-field checks follow qemu (-cpu power8): the masks below include exactly the bits
// qemu requires to be zero (e.g. popcntb with Rc=1 or RB != 0 is illegal there, while cntlzw
// and the exts* ignore the RB field).

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRA, fRB, fUI } from "../decode.js";
import { S } from "../state.js";

// ---- two-operand logical ops: RA = RS op RB [.] ----

function and(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = c.r[rs * 2] & c.r[rb * 2], hi = c.r[rs * 2 + 1] & c.r[rb * 2 + 1];
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function andc(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = c.r[rs * 2] & ~c.r[rb * 2], hi = c.r[rs * 2 + 1] & ~c.r[rb * 2 + 1];
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** Program priority hints `or N,N,N` (problem-state forms only): N -> PPR[PRI]. */
function setPriority(c: Cpu, n: number): void {
  // qemu (64-bit targets, user mode) honours or 1,1,1 (low = 2), or 6,6,6 (medium-low = 3) and
  // or 2,2,2 (medium = 4); other forms (or 31,31,31, or 3,3,3, ...) are privileged hints that
  // are ignored in problem state. PPR[PRI] is bits 11:13, i.e. bits 18:20 of the high word.
  const prio = n === 1 ? 2 : n === 6 ? 3 : n === 2 ? 4 : 0;
  if (prio !== 0) c.r[S.PPR + 1] = (c.r[S.PPR + 1] & ~0x001c0000) | (prio << 18);
}

/** or[.]; `or N,N,N` (no Rc) is a no-op apart from the priority hint, `or RA,RS,RS` is mr. */
function or(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  if (rs === ra && rs === rb && (w & 1) === 0) {
    setPriority(c, rs);
    return;
  }
  const lo = c.r[rs * 2] | c.r[rb * 2], hi = c.r[rs * 2 + 1] | c.r[rb * 2 + 1];
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function orc(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = c.r[rs * 2] | ~c.r[rb * 2], hi = c.r[rs * 2 + 1] | ~c.r[rb * 2 + 1];
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function xor(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = c.r[rs * 2] ^ c.r[rb * 2], hi = c.r[rs * 2 + 1] ^ c.r[rb * 2 + 1];
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function nand(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = ~(c.r[rs * 2] & c.r[rb * 2]), hi = ~(c.r[rs * 2 + 1] & c.r[rb * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function nor(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = ~(c.r[rs * 2] | c.r[rb * 2]), hi = ~(c.r[rs * 2 + 1] | c.r[rb * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function eqv(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = ~(c.r[rs * 2] ^ c.r[rb * 2]), hi = ~(c.r[rs * 2 + 1] ^ c.r[rb * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

// ---- D-form logical immediates: RA = RS op UI (andi./andis. always set CR0) ----

function andi(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = c.r[rs * 2] & fUI(w);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  c.setCR0(lo, 0);
}

function andis(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = c.r[rs * 2] & (w << 16);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  c.setCR0(lo, 0);
}

/** nop (ori 0,0,0). */
function nop(_c: Cpu, _w: number): void {
  // nothing
}

function ori(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  c.r[ra * 2 + 1] = c.r[rs * 2 + 1];
  c.r[ra * 2] = c.r[rs * 2] | fUI(w);
}

function oris(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  c.r[ra * 2 + 1] = c.r[rs * 2 + 1];
  c.r[ra * 2] = c.r[rs * 2] | (w << 16);
}

function xori(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  c.r[ra * 2 + 1] = c.r[rs * 2 + 1];
  c.r[ra * 2] = c.r[rs * 2] ^ fUI(w);
}

function xoris(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  c.r[ra * 2 + 1] = c.r[rs * 2 + 1];
  c.r[ra * 2] = c.r[rs * 2] ^ (w << 16);
}

// ---- sign extension and leading-zero counts: RA = f(RS) [.] ----

function extsb(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = (c.r[rs * 2] << 24) >> 24, hi = lo >> 31;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function extsh(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = (c.r[rs * 2] << 16) >> 16, hi = lo >> 31;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function extsw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = c.r[rs * 2], hi = lo >> 31;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

function cntlzw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = Math.clz32(c.r[rs * 2]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(lo, 0);
}

function cntlzd(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const hi = c.r[rs * 2 + 1];
  const lo = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(c.r[rs * 2]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(lo, 0);
}

// ---- population count and parity ----

/** The number of one bits in each byte of x, in that byte. */
function byteCounts(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (x + (x >>> 4)) & 0x0f0f0f0f;
}

/** Population count of a 32-bit word. */
function pop32(x: number): number {
  return Math.imul(byteCounts(x), 0x01010101) >>> 24;
}

function popcntb(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = byteCounts(c.r[rs * 2]), hi = byteCounts(c.r[rs * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
}

function popcntw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = pop32(c.r[rs * 2]), hi = pop32(c.r[rs * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
}

function popcntd(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const n = pop32(c.r[rs * 2]) + pop32(c.r[rs * 2 + 1]);
  c.r[ra * 2] = n;
  c.r[ra * 2 + 1] = 0;
}

/** Parity of the least significant bits of the four bytes of x (0/1). */
function parity4(x: number): number {
  x ^= x >>> 16;
  return (x ^ (x >>> 8)) & 1;
}

function prtyw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const lo = parity4(c.r[rs * 2]), hi = parity4(c.r[rs * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
}

function prtyd(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w);
  const p = parity4(c.r[rs * 2] ^ c.r[rs * 2 + 1]);
  c.r[ra * 2] = p;
  c.r[ra * 2 + 1] = 0;
}

// ---- cmpb, bpermd, isel ----

/** 0xff in each byte where d is zero. */
function zeroBytes(d: number): number {
  return ((d & 0xff) === 0 ? 0xff : 0) | ((d & 0xff00) === 0 ? 0xff00 : 0) |
    ((d & 0xff0000) === 0 ? 0xff0000 : 0) | ((d & 0xff000000) === 0 ? 0xff000000 : 0);
}

function cmpb(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const lo = zeroBytes(c.r[rs * 2] ^ c.r[rb * 2]), hi = zeroBytes(c.r[rs * 2 + 1] ^ c.r[rb * 2 + 1]);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
}

/** Bit `idx` (ISA numbering, 0 = most significant) of the 64-bit (lo, hi); 0 when idx >= 64. */
function bitAt(lo: number, hi: number, idx: number): number {
  if (idx < 32) return (hi >>> (31 - idx)) & 1;
  if (idx < 64) return (lo >>> (63 - idx)) & 1;
  return 0;
}

/** bpermd: bit i of RA (from the right, i < 8) = RB bit number byte i of RS (from the right). */
function bpermd(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w);
  const slo = c.r[rs * 2], shi = c.r[rs * 2 + 1], blo = c.r[rb * 2], bhi = c.r[rb * 2 + 1];
  let r = 0;
  for (let i = 0; i < 4; i++) {
    r |= bitAt(blo, bhi, (slo >>> (i * 8)) & 0xff) << i;
    r |= bitAt(blo, bhi, (shi >>> (i * 8)) & 0xff) << (i + 4);
  }
  c.r[ra * 2] = r;
  c.r[ra * 2 + 1] = 0;
}

/** isel RT,RA,RB,BC: RT = CR[BC] ? (RA|0) : RB. */
function isel(c: Cpu, w: number): void {
  const rt = fRT(w), ra = fRA(w), rb = fRB(w), bc = (w >>> 6) & 31;
  if ((c.r[S.CR + (bc >>> 2)] & (8 >>> (bc & 3))) !== 0) {
    if (ra === 0) {
      c.r[rt * 2] = 0;
      c.r[rt * 2 + 1] = 0;
    } else {
      c.r[rt * 2] = c.r[ra * 2];
      c.r[rt * 2 + 1] = c.r[ra * 2 + 1];
    }
  } else {
    c.r[rt * 2] = c.r[rb * 2];
    c.r[rt * 2 + 1] = c.r[rb * 2 + 1];
  }
}

// ---- definitions ----

/** X-form under primary opcode 31 with extended opcode xo (bits 21:30). */
const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
/** Mask of primary opcode + XO[21:30] (Rc free). */
const X_XO = 0xfc0007fe;
/** ... plus Rc (must be 0). */
const X_XO_RC = 0xfc0007ff;
/** ... plus RB and Rc (must be 0). */
const X_XO_RB_RC = 0xfc00ffff;

export const FIXED_LOGIC_OPS: readonly OpDef[] = [
  { mnemonic: "and", mask: X_XO, match: x31(28), exec: and, rc: true },
  { mnemonic: "andc", mask: X_XO, match: x31(60), exec: andc, rc: true },
  { mnemonic: "or", mask: X_XO, match: x31(444), exec: or, rc: true },
  { mnemonic: "orc", mask: X_XO, match: x31(412), exec: orc, rc: true },
  { mnemonic: "xor", mask: X_XO, match: x31(316), exec: xor, rc: true },
  { mnemonic: "nand", mask: X_XO, match: x31(476), exec: nand, rc: true },
  { mnemonic: "nor", mask: X_XO, match: x31(124), exec: nor, rc: true },
  { mnemonic: "eqv", mask: X_XO, match: x31(284), exec: eqv, rc: true },
  { mnemonic: "andi.", mask: 0xfc000000, match: (28 << 26) >>> 0, exec: andi },
  { mnemonic: "andis.", mask: 0xfc000000, match: (29 << 26) >>> 0, exec: andis },
  { mnemonic: "nop", mask: 0xffffffff, match: 0x60000000, exec: nop },
  { mnemonic: "ori", mask: 0xfc000000, match: (24 << 26) >>> 0, exec: ori },
  { mnemonic: "oris", mask: 0xfc000000, match: (25 << 26) >>> 0, exec: oris },
  { mnemonic: "xori", mask: 0xfc000000, match: (26 << 26) >>> 0, exec: xori },
  { mnemonic: "xoris", mask: 0xfc000000, match: (27 << 26) >>> 0, exec: xoris },
  // qemu ignores the RB field of these (no invalid-form check).
  { mnemonic: "extsb", mask: X_XO, match: x31(954), exec: extsb, rc: true },
  { mnemonic: "extsh", mask: X_XO, match: x31(922), exec: extsh, rc: true },
  { mnemonic: "extsw", mask: X_XO, match: x31(986), exec: extsw, rc: true },
  { mnemonic: "cntlzw", mask: X_XO, match: x31(26), exec: cntlzw, rc: true },
  { mnemonic: "cntlzd", mask: X_XO, match: x31(58), exec: cntlzd, rc: true },
  { mnemonic: "popcntb", mask: X_XO_RB_RC, match: x31(122), exec: popcntb },
  { mnemonic: "popcntw", mask: X_XO_RB_RC, match: x31(378), exec: popcntw },
  { mnemonic: "popcntd", mask: X_XO_RB_RC, match: x31(506), exec: popcntd },
  { mnemonic: "prtyw", mask: X_XO_RB_RC, match: x31(154), exec: prtyw },
  { mnemonic: "prtyd", mask: X_XO_RB_RC, match: x31(186), exec: prtyd },
  { mnemonic: "cmpb", mask: X_XO_RC, match: x31(508), exec: cmpb },
  { mnemonic: "bpermd", mask: X_XO_RC, match: x31(252), exec: bpermd },
  // A-form: XO (bits 26:30) = 15, BC in bits 21:25, Rc must be 0.
  { mnemonic: "isel", mask: 0xfc00003f, match: ((31 << 26) | (15 << 1)) >>> 0, exec: isel },
];
