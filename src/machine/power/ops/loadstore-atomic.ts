// Load-reserve / store-conditional: atomic with respect to all processors.
//
// The reservation lives in the architectural state (state.ts): its effective address
// (RESV_ADDR), its length in bytes (RESV_LEN, 0 = none) and the raw bytes the larx read, as
// host-order raw memory (RESV_VAL, and RESV_VAL2 for the second doubleword of lqarx).
// A store-conditional succeeds when a reservation of the same length exists for the same
// effective address and the bytes in physical memory still equal the bytes the larx read; the
// comparison and the store are one Atomics.compareExchange on the physical address, so that a
// store by any other processor sharing the physical memory (in this thread or another worker)
// between the larx and the stcx. makes the stcx. fail. This is qemu's model too (a value
// compare-and-swap, so an intervening store of the same value does not make it fail), and
// plain stores do not clear the reservation; dcbz of the block does (cache.ts). A transition
// through the kernel does too (qemu-user clears it after every system call, trap and signal):
// the kernel layer should set RESV_LEN to 0 when it handles a processor exit.
// CR0 = 0b00 || success || XER.SO; the reservation is cleared in all cases (when the stcx.
// completes).
//
// qemu details matched:
//  - larx and stcx. need a naturally aligned EA (alignment interrupt otherwise; for stcx. only
//    when the address matches the reservation: a mismatching stcx. makes no access at all).
//  - The EH hint bit of the larx forms and the Rc bit of the stcx. forms are not decoded
//    (stwcx with Rc = 0 behaves as stwcx.).
//  - lqarx: RT odd does not decode; RT = RA or RT = RB (RA = 0 included) is invalid. The even
//    register gets the doubleword at EA in big-endian mode, the one at EA+8 in little-endian.
//  - stcx. of another size than the larx at the same address (1, 2, 4 and 8 bytes): qemu
//    compares its reservation value (the larx's value, zero-extended) truncated to the stcx.
//    size with memory, stores RS if equal, and reports success when the memory value equals
//    the whole reservation value. stcxMixed() does the same.
//  - Quadword mixed with another size (stqcx. after lbarx..ldarx, or a sized stcx. after
//    lqarx): qemu compares with stale or differently ordered reservation doublewords; we fail
//    without storing.
//  - NOT matched: qemu 7.2's lqarx leaves its reservation address at EA+8 (a translator bug),
//    so there a stqcx. at the lqarx's EA always fails. We implement the ISA: it succeeds when
//    the quadword is unchanged (tested by unit tests; the differential tests only compare the
//    values lqarx loads and failing stqcx.).
//  - dcbz clears the reservation when it zeroes the reservation's block (cache.ts), as qemu's
//    helper intends (within one qemu translation block the clearing is lost to a stale copy).
//
// Quadword store-conditional is two 64-bit compare-exchanges (JavaScript has no 128-bit one):
// the first doubleword is swapped only if it is unchanged, then the second; if the second has
// changed meanwhile the first is put back and the stcx. fails. Another processor can observe
// the intermediate state (new first half, old second half) for that short window.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag, fRT, fRA, fRB } from "../decode.js";
import { Access } from "../mmu.js";
import { S } from "../state.js";
import { alignmentFault, eaX } from "./ea.js";
import { bswap16, bswap32 } from "./loadstore.js";

// ---- typed views over the physical memory (for Atomics) ----

let viewBuf: ArrayBufferLike | undefined;
let u16v: Uint16Array<ArrayBufferLike> = new Uint16Array(0);
let i64v: BigInt64Array<ArrayBufferLike> = new BigInt64Array(0);

function u16(c: Cpu): Uint16Array<ArrayBufferLike> {
  if (c.mem.buffer !== viewBuf) makeViews(c);
  return u16v;
}

function i64(c: Cpu): BigInt64Array<ArrayBufferLike> {
  if (c.mem.buffer !== viewBuf) makeViews(c);
  return i64v;
}

function makeViews(c: Cpu): void {
  viewBuf = c.mem.buffer;
  u16v = new Uint16Array(c.mem.buffer);
  i64v = new BigInt64Array(c.mem.buffer);
}

function setReservation(c: Cpu, lo: number, hi: number, len: number, rawLo: number, rawHi: number): void {
  const r = c.r;
  r[S.RESV_ADDR] = lo;
  r[S.RESV_ADDR + 1] = hi;
  r[S.RESV_VAL] = rawLo;
  r[S.RESV_VAL + 1] = rawHi;
  r[S.RESV_LEN] = len;
}

/** Does the reservation cover exactly this EA (any length)? */
function resvAt(c: Cpu, lo: number, hi: number): boolean {
  const r = c.r;
  return r[S.RESV_LEN] !== 0 && r[S.RESV_ADDR] === lo && r[S.RESV_ADDR + 1] === hi;
}

/** 64-bit compare-exchange on physical address p (8-aligned); true when it stored. */
function cas64(c: Cpu, p: number, eLo: number, eHi: number, nLo: number, nHi: number): boolean {
  const exp = BigInt.asIntN(64, (BigInt(eHi) << 32n) | BigInt(eLo >>> 0));
  const nv = BigInt.asIntN(64, (BigInt(nHi) << 32n) | BigInt(nLo >>> 0));
  return Atomics.compareExchange(i64(c), p >>> 3, exp, nv) === exp;
}

// ---- load and reserve ----

function lbarx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const raw = c.u8[c.translate(lo, hi, Access.Read)];
  setReservation(c, lo, hi, 1, raw, 0);
  const rt = fRT(w);
  c.r[rt * 2] = raw;
  c.r[rt * 2 + 1] = 0;
}

function lharx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if ((lo & 1) !== 0) alignmentFault(c, Access.Read, lo, hi, "lharx");
  const raw = u16(c)[c.translate(lo, hi, Access.Read) >>> 1];
  setReservation(c, lo, hi, 2, raw, 0);
  const rt = fRT(w);
  c.r[rt * 2] = c.le ? raw : bswap16(raw);
  c.r[rt * 2 + 1] = 0;
}

function lwarx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if ((lo & 3) !== 0) alignmentFault(c, Access.Read, lo, hi, "lwarx");
  const raw = c.mem.i32[c.translate(lo, hi, Access.Read) >>> 2];
  setReservation(c, lo, hi, 4, raw, 0);
  const rt = fRT(w);
  c.r[rt * 2] = c.le ? raw : bswap32(raw);
  c.r[rt * 2 + 1] = 0;
}

function ldarx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if ((lo & 7) !== 0) alignmentFault(c, Access.Read, lo, hi, "ldarx");
  const q = c.translate(lo, hi, Access.Read) >>> 2;
  const m = c.mem.i32;
  const raw0 = m[q], raw1 = m[q + 1];
  setReservation(c, lo, hi, 8, raw0, raw1);
  const rt = fRT(w);
  if (c.le) {
    c.r[rt * 2] = raw0;
    c.r[rt * 2 + 1] = raw1;
  } else {
    c.r[rt * 2] = bswap32(raw1);
    c.r[rt * 2 + 1] = bswap32(raw0);
  }
}

function lqarx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if ((lo & 15) !== 0) alignmentFault(c, Access.Read, lo, hi, "lqarx");
  const q = c.translate(lo, hi, Access.Read) >>> 2;
  const m = c.mem.i32;
  const a0 = m[q], a1 = m[q + 1], b0 = m[q + 2], b1 = m[q + 3];
  setReservation(c, lo, hi, 16, a0, a1);
  c.r[S.RESV_VAL2] = b0;
  c.r[S.RESV_VAL2 + 1] = b1;
  const rt = fRT(w), r = c.r;
  if (c.le) {
    // RT+1 <- doubleword at EA, RT <- doubleword at EA+8 (little-endian values).
    r[rt * 2 + 2] = a0;
    r[rt * 2 + 3] = a1;
    r[rt * 2] = b0;
    r[rt * 2 + 1] = b1;
  } else {
    r[rt * 2] = bswap32(a1);
    r[rt * 2 + 1] = bswap32(a0);
    r[rt * 2 + 2] = bswap32(b1);
    r[rt * 2 + 3] = bswap32(b0);
  }
}

// ---- store conditional ----

function stbcx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const r = c.r;
  let cr = r[S.SO];
  if (resvAt(c, lo, hi)) {
    if (r[S.RESV_LEN] === 1) {
      const p = c.translate(lo, hi, Access.Write);
      const e = r[S.RESV_VAL];
      if (Atomics.compareExchange(c.u8, p, e, r[fRT(w) * 2] & 0xff) === e) cr |= 2;
    } else {
      cr |= stcxMixed(c, w, 1, lo, hi);
    }
  }
  r[S.CR] = cr;
  r[S.RESV_LEN] = 0;
}

function sthcx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const r = c.r;
  let cr = r[S.SO];
  if (resvAt(c, lo, hi)) {
    if (r[S.RESV_LEN] === 2) {
      // A reservation of this length at this EA implies the EA is aligned.
      const p = c.translate(lo, hi, Access.Write);
      const v = r[fRT(w) * 2] & 0xffff;
      const e = r[S.RESV_VAL];
      if (Atomics.compareExchange(u16(c), p >>> 1, e, c.le ? v : bswap16(v)) === e) cr |= 2;
    } else {
      cr |= stcxMixed(c, w, 2, lo, hi);
    }
  }
  r[S.CR] = cr;
  r[S.RESV_LEN] = 0;
}

function stwcx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const r = c.r;
  let cr = r[S.SO];
  if (resvAt(c, lo, hi)) {
    if (r[S.RESV_LEN] === 4) {
      const p = c.translate(lo, hi, Access.Write);
      const v = r[fRT(w) * 2];
      const e = r[S.RESV_VAL];
      if (Atomics.compareExchange(c.mem.i32, p >>> 2, e, c.le ? v : bswap32(v)) === e) cr |= 2;
    } else {
      cr |= stcxMixed(c, w, 4, lo, hi);
    }
  }
  r[S.CR] = cr;
  r[S.RESV_LEN] = 0;
}

function stdcx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const r = c.r;
  let cr = r[S.SO];
  if (resvAt(c, lo, hi)) {
    if (r[S.RESV_LEN] === 8) {
      const p = c.translate(lo, hi, Access.Write);
      const rs = fRT(w), vlo = r[rs * 2], vhi = r[rs * 2 + 1];
      const nLo = c.le ? vlo : bswap32(vhi), nHi = c.le ? vhi : bswap32(vlo);
      if (cas64(c, p, r[S.RESV_VAL], r[S.RESV_VAL + 1], nLo, nHi)) cr |= 2;
    } else {
      cr |= stcxMixed(c, w, 8, lo, hi);
    }
  }
  r[S.CR] = cr;
  r[S.RESV_LEN] = 0;
}

function stqcx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  const r = c.r;
  let cr = r[S.SO];
  if (resvAt(c, lo, hi) && r[S.RESV_LEN] === 16 && stqcxStore(c, w, lo, hi)) cr |= 2;
  r[S.CR] = cr;
  r[S.RESV_LEN] = 0;
}

/** The quadword store of stqcx. (reservation of 16 bytes at this EA); true on success. */
function stqcxStore(c: Cpu, w: number, lo: number, hi: number): boolean {
  const r = c.r;
  const e0 = r[S.RESV_VAL], e1 = r[S.RESV_VAL + 1], e2 = r[S.RESV_VAL2], e3 = r[S.RESV_VAL2 + 1];
  // qemu only reads before comparing: no write access unless the bytes are unchanged.
  const q = c.translate(lo, hi, Access.Read) >>> 2;
  const m = c.mem.i32;
  if (m[q] !== e0 || m[q + 1] !== e1 || m[q + 2] !== e2 || m[q + 3] !== e3) return false;
  const p = c.translate(lo, hi, Access.Write);
  const rs = fRT(w);
  const hLo = r[rs * 2], hHi = r[rs * 2 + 1], lLo = r[rs * 2 + 2], lHi = r[rs * 2 + 3];
  // Raw bytes of the two doublewords in storage order.
  let n0: number, n1: number, n2: number, n3: number;
  if (c.le) {
    n0 = lLo; n1 = lHi; n2 = hLo; n3 = hHi;
  } else {
    n0 = bswap32(hHi); n1 = bswap32(hLo); n2 = bswap32(lHi); n3 = bswap32(lLo);
  }
  if (!cas64(c, p, e0, e1, n0, n1)) return false;
  if (cas64(c, p + 8, e2, e3, n2, n3)) return true;
  cas64(c, p, n0, n1, e0, e1);
  return false;
}

// ---- mixed-size reservation (rare; qemu's value semantics) ----

/** Guest-order value of n raw (host-order) bytes held as (lo, hi); high word in `mixHi`. */
let mixHi = 0;
function rawToValue(c: Cpu, n: number, lo: number, hi: number): number {
  if (c.le || n === 1) {
    mixHi = n === 8 ? hi : 0;
    return lo;
  }
  if (n === 2) {
    mixHi = 0;
    return bswap16(lo);
  }
  if (n === 4) {
    mixHi = 0;
    return bswap32(lo);
  }
  mixHi = bswap32(lo);
  return bswap32(hi);
}

/**
 * A stcx. of n bytes (1, 2, 4, 8) at the EA of a reservation of another length. Returns the
 * CR0 EQ bit (2 or 0).
 */
function stcxMixed(c: Cpu, w: number, n: number, lo: number, hi: number): number {
  const r = c.r;
  const len = r[S.RESV_LEN];
  if (len === 16) return 0;
  if ((lo & (n - 1)) !== 0) alignmentFault(c, Access.Write, lo, hi, "store conditional");
  // qemu's reservation value: the larx's value zero-extended.
  const vLo = rawToValue(c, len, r[S.RESV_VAL], r[S.RESV_VAL + 1]);
  const vHi = mixHi;
  const p = c.translate(lo, hi, Access.Write);
  const rs = fRT(w), sLo = r[rs * 2], sHi = r[rs * 2 + 1];
  // Compare value: the reservation value truncated to n bytes; new value: RS truncated.
  let oLo: number, oHi = 0;
  if (n === 1) {
    oLo = Atomics.compareExchange(c.u8, p, vLo & 0xff, sLo & 0xff);
  } else if (n === 2) {
    const e = c.le ? vLo & 0xffff : bswap16(vLo);
    oLo = rawToValue(c, 2, Atomics.compareExchange(u16(c), p >>> 1, e, c.le ? sLo & 0xffff : bswap16(sLo)), 0);
  } else if (n === 4) {
    const e = c.le ? vLo : bswap32(vLo);
    oLo = rawToValue(c, 4, Atomics.compareExchange(c.mem.i32, p >>> 2, e, c.le ? sLo : bswap32(sLo)), 0);
  } else {
    const eLo = c.le ? vLo : bswap32(vHi), eHi = c.le ? vHi : bswap32(vLo);
    const nLo = c.le ? sLo : bswap32(sHi), nHi = c.le ? sHi : bswap32(sLo);
    const exp = BigInt.asIntN(64, (BigInt(eHi) << 32n) | BigInt(eLo >>> 0));
    const old = Atomics.compareExchange(i64(c), p >>> 3, exp, BigInt.asIntN(64, (BigInt(nHi) << 32n) | BigInt(nLo >>> 0)));
    oLo = rawToValue(c, 8, Number(BigInt.asIntN(32, old)), Number(BigInt.asIntN(32, old >> 32n)));
    oHi = mixHi;
  }
  // Success: the memory value (zero-extended) equals the whole reservation value.
  return oLo === vLo && oHi === vHi ? 2 : 0;
}

// ---- definitions ----

/** X-form with bit 31 (EH hint / Rc) not decoded. */
const XI = 0xfc0007fe;
const x = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const M = OpFlag.Mem;

export const LOADSTORE_ATOMIC_OPS: readonly OpDef[] = [
  { mnemonic: "lbarx", mask: XI, match: x(52), exec: lbarx, flags: M },
  { mnemonic: "lharx", mask: XI, match: x(116), exec: lharx, flags: M },
  { mnemonic: "lwarx", mask: XI, match: x(20), exec: lwarx, flags: M },
  { mnemonic: "ldarx", mask: XI, match: x(84), exec: ldarx, flags: M },
  {
    // RT must be even (mask bit); RT = RA or RT = RB is invalid (qemu).
    mnemonic: "lqarx", mask: XI | 0x00200000, match: x(276), exec: lqarx, flags: M,
    invalid: (w) => fRT(w) === fRA(w) || fRT(w) === fRB(w),
  },
  { mnemonic: "stbcx.", mask: XI, match: x(694), exec: stbcx, flags: M },
  { mnemonic: "sthcx.", mask: XI, match: x(726), exec: sthcx, flags: M },
  { mnemonic: "stwcx.", mask: XI, match: x(150), exec: stwcx, flags: M },
  { mnemonic: "stdcx.", mask: XI, match: x(214), exec: stdcx, flags: M },
  // RS must be even.
  { mnemonic: "stqcx.", mask: XI | 0x00200000, match: x(182), exec: stqcx, flags: M },
];
