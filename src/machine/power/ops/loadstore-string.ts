// Load/store multiple and string forms (lmw, stmw, lswi, lswx, stswi, stswx).
//
// These exist in big-endian mode only: in little-endian mode POWER8 takes an alignment
// interrupt (qemu-user's translator raises the same exception, which its Linux cpu loop does
// not even handle; the Linux kernel delivers SIGBUS). We throw an AlignmentFault.
// Words are loaded zero-extended (the high half of each 64-bit register becomes 0), bytes of a
// string fill a register from its most significant byte of the low word, the rest being 0, and
// the register number wraps from 31 to 0. The whole range is probed before any register or
// byte is written, so a fault has no partial effect (qemu's probe_contiguous does the same).
// Invalid forms as qemu: lswi with RA in the range of registers loaded (RA = 0 included) is an
// illegal instruction (decode time); lswx with RA (if not 0) or RB in the range is a program
// exception at run time (it depends on XER), reported as an illegal-instruction exit. lmw with
// RA in the range is not checked (RA is simply overwritten, the EA having been computed).

import { type Cpu, Exit } from "../cpu.js";
import { type OpDef, OpFlag, fRT, fRA, fRB } from "../decode.js";
import { Access } from "../mmu.js";
import { S } from "../state.js";
import { alignmentFault, eaAdd, eaD, eaX, probeRange } from "./ea.js";

/** Is register rx among the nregs registers starting at start (wrapping after 31)? */
function regInRange(start: number, nregs: number, rx: number): boolean {
  return start + nregs <= 32 ? rx >= start && rx < start + nregs : rx >= start || rx < start + nregs - 32;
}

/** NB field of lswi/stswi (0 means 32). */
const fNB = (w: number): number => ((w >>> 11) & 31) || 32;

/** lmw RT, D(RA): words from EA into RT..R31. */
function lmw(c: Cpu, w: number): void {
  let lo = eaD(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Read, lo, hi, "lmw in little-endian mode");
  const rt = fRT(w);
  probeRange(c, lo, hi, (32 - rt) * 4, Access.Read);
  for (let k = rt; k < 32; k++) {
    const v = c.ld32(lo, hi);
    c.r[k * 2] = v;
    c.r[k * 2 + 1] = 0;
    lo = eaAdd(c, lo, hi, 4);
    hi = c.eah;
  }
}

/** stmw RS, D(RA): the low words of RS..R31 to EA. */
function stmw(c: Cpu, w: number): void {
  let lo = eaD(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Write, lo, hi, "stmw in little-endian mode");
  const rs = fRT(w);
  probeRange(c, lo, hi, (32 - rs) * 4, Access.Write);
  for (let k = rs; k < 32; k++) {
    c.st32(lo, hi, c.r[k * 2]);
    lo = eaAdd(c, lo, hi, 4);
    hi = c.eah;
  }
}

/** Load nb (1..127) string bytes from (lo, hi) into registers from rt on. */
function loadString(c: Cpu, lo: number, hi: number, nb: number, rt: number): void {
  probeRange(c, lo, hi, nb, Access.Read);
  let reg = rt, v = 0, shift = 24;
  for (let k = 0; k < nb; k++) {
    v |= c.ld8(lo, hi) << shift;
    lo = eaAdd(c, lo, hi, 1);
    hi = c.eah;
    shift -= 8;
    if (shift < 0) {
      c.r[reg * 2] = v;
      c.r[reg * 2 + 1] = 0;
      reg = (reg + 1) & 31;
      v = 0;
      shift = 24;
    }
  }
  if (shift !== 24) {
    c.r[reg * 2] = v;
    c.r[reg * 2 + 1] = 0;
  }
}

/** Store nb (1..127) string bytes to (lo, hi) from registers rs on. */
function storeString(c: Cpu, lo: number, hi: number, nb: number, rs: number): void {
  probeRange(c, lo, hi, nb, Access.Write);
  let reg = rs, shift = 24;
  for (let k = 0; k < nb; k++) {
    c.st8(lo, hi, c.r[reg * 2] >>> shift);
    lo = eaAdd(c, lo, hi, 1);
    hi = c.eah;
    shift -= 8;
    if (shift < 0) {
      reg = (reg + 1) & 31;
      shift = 24;
    }
  }
}

/** EA of lswi/stswi: (RA|0), no displacement. */
function eaRA(c: Cpu, w: number): number {
  const ra = fRA(w);
  if (ra === 0) {
    c.eah = 0;
    return 0;
  }
  c.eah = c.sf ? c.r[ra * 2 + 1] : 0;
  return c.r[ra * 2];
}

function lswi(c: Cpu, w: number): void {
  const lo = eaRA(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Read, lo, hi, "lswi in little-endian mode");
  loadString(c, lo, hi, fNB(w), fRT(w));
}

function stswi(c: Cpu, w: number): void {
  const lo = eaRA(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Write, lo, hi, "stswi in little-endian mode");
  storeString(c, lo, hi, fNB(w), fRT(w));
}

function lswx(c: Cpu, w: number, pc: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Read, lo, hi, "lswx in little-endian mode");
  const nb = c.r[S.XER_BC] & 0x7f;
  if (nb === 0) return;
  const rt = fRT(w), ra = fRA(w), nregs = (nb + 3) >>> 2;
  if ((ra !== 0 && regInRange(rt, nregs, ra)) || regInRange(rt, nregs, fRB(w))) {
    c.stop(Exit.Illegal, pc, w);
    return;
  }
  loadString(c, lo, hi, nb, rt);
}

function stswx(c: Cpu, w: number): void {
  const lo = eaX(c, w), hi = c.eah;
  if (c.le) alignmentFault(c, Access.Write, lo, hi, "stswx in little-endian mode");
  const nb = c.r[S.XER_BC] & 0x7f;
  if (nb !== 0) storeString(c, lo, hi, nb, fRT(w));
}

const M = OpFlag.Mem;
const X0 = 0xfc0007ff;
const x = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;

export const LOADSTORE_STRING_OPS: readonly OpDef[] = [
  { mnemonic: "lmw", mask: 0xfc000000, match: (46 << 26) >>> 0, exec: lmw, flags: M },
  { mnemonic: "stmw", mask: 0xfc000000, match: (47 << 26) >>> 0, exec: stmw, flags: M },
  {
    mnemonic: "lswi", mask: X0, match: x(597), exec: lswi, flags: M,
    invalid: (w) => regInRange(fRT(w), (fNB(w) + 3) >>> 2, fRA(w)),
  },
  // lswx may stop the processor (invalid register range, known only at run time).
  { mnemonic: "lswx", mask: X0, match: x(533), exec: lswx, flags: M | OpFlag.EndsBlock },
  { mnemonic: "stswi", mask: X0, match: x(725), exec: stswi, flags: M },
  { mnemonic: "stswx", mask: X0, match: x(661), exec: stswx, flags: M },
];
