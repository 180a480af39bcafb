// VMX integer add/subtract (modulo, saturating, carry, quadword), average, max/min, compares.
//
// A VR is four int32 words in the state (VR n = VSR 32+n): +0 = word element 1, +1 = word 0,
// +2 = word 3, +3 = word 2 (so +1:+0 is doubleword 0 and +3:+2 doubleword 1, each hi:lo).
// Byte, halfword and word operations work a whole int32 at a time (vec/vmx-int-swar.ts); their
// element order inside the word does not matter. Each word of the result depends only on the
// same word of the operands, so VRT may alias VRA/VRB. Doubleword and quadword handlers read
// their operands before writing.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";
import {
  takeSat, addB, addH, addW, subB, subH, subW,
  maxUB, maxUH, maxUW, maxSB, maxSH, maxSW, minUB, minUH, minUW, minSB, minSH, minSW,
  eqB, eqH, eqW, gtUB, gtUH, gtUW, gtSB, gtSH, gtSW,
  addUBS, addUHS, addUWS, addSBS, addSHS, addSWS, subUBS, subUHS, subUWS, subSBS, subSHS, subSWS,
  avgUB, avgUH, avgUW, avgSB, avgSH, avgSW, carryAddW, carrySubW,
} from "../vec/vmx-int-swar.js";

/** Int32 index of VR 0 (VSR 32) in the state. */
const VR = S.VSR + 128;
/** State index of the first word of VRT / VRA / VRB / VRC (register number times 4). */
const vT = (w: number): number => VR + ((w >>> 19) & 0x7c);
const vA = (w: number): number => VR + ((w >>> 14) & 0x7c);
const vB = (w: number): number => VR + ((w >>> 9) & 0x7c);
const vC = (w: number): number => VR + ((w >>> 4) & 0x7c);

/** CR6 of a vector compare with Rc = 1: 8 when every element is true, 2 when none is. */
function setCR6(c: Cpu, t: number): void {
  const r = c.r;
  const x0 = r[t], x1 = r[t + 1], x2 = r[t + 2], x3 = r[t + 3];
  r[S.CR + 6] = ((x0 & x1 & x2 & x3) === -1 ? 8 : 0) | ((x0 | x1 | x2 | x3) === 0 ? 2 : 0);
}

// ---- byte / halfword / word elements ----

function vaddubm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addB(r[a], r[b]); r[t + 1] = addB(r[a + 1], r[b + 1]);
  r[t + 2] = addB(r[a + 2], r[b + 2]); r[t + 3] = addB(r[a + 3], r[b + 3]);
}

function vadduhm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addH(r[a], r[b]); r[t + 1] = addH(r[a + 1], r[b + 1]);
  r[t + 2] = addH(r[a + 2], r[b + 2]); r[t + 3] = addH(r[a + 3], r[b + 3]);
}

function vadduwm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addW(r[a], r[b]); r[t + 1] = addW(r[a + 1], r[b + 1]);
  r[t + 2] = addW(r[a + 2], r[b + 2]); r[t + 3] = addW(r[a + 3], r[b + 3]);
}

function vsububm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subB(r[a], r[b]); r[t + 1] = subB(r[a + 1], r[b + 1]);
  r[t + 2] = subB(r[a + 2], r[b + 2]); r[t + 3] = subB(r[a + 3], r[b + 3]);
}

function vsubuhm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subH(r[a], r[b]); r[t + 1] = subH(r[a + 1], r[b + 1]);
  r[t + 2] = subH(r[a + 2], r[b + 2]); r[t + 3] = subH(r[a + 3], r[b + 3]);
}

function vsubuwm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subW(r[a], r[b]); r[t + 1] = subW(r[a + 1], r[b + 1]);
  r[t + 2] = subW(r[a + 2], r[b + 2]); r[t + 3] = subW(r[a + 3], r[b + 3]);
}

function vmaxub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxUB(r[a], r[b]); r[t + 1] = maxUB(r[a + 1], r[b + 1]);
  r[t + 2] = maxUB(r[a + 2], r[b + 2]); r[t + 3] = maxUB(r[a + 3], r[b + 3]);
}

function vmaxuh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxUH(r[a], r[b]); r[t + 1] = maxUH(r[a + 1], r[b + 1]);
  r[t + 2] = maxUH(r[a + 2], r[b + 2]); r[t + 3] = maxUH(r[a + 3], r[b + 3]);
}

function vmaxuw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxUW(r[a], r[b]); r[t + 1] = maxUW(r[a + 1], r[b + 1]);
  r[t + 2] = maxUW(r[a + 2], r[b + 2]); r[t + 3] = maxUW(r[a + 3], r[b + 3]);
}

function vmaxsb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxSB(r[a], r[b]); r[t + 1] = maxSB(r[a + 1], r[b + 1]);
  r[t + 2] = maxSB(r[a + 2], r[b + 2]); r[t + 3] = maxSB(r[a + 3], r[b + 3]);
}

function vmaxsh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxSH(r[a], r[b]); r[t + 1] = maxSH(r[a + 1], r[b + 1]);
  r[t + 2] = maxSH(r[a + 2], r[b + 2]); r[t + 3] = maxSH(r[a + 3], r[b + 3]);
}

function vmaxsw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = maxSW(r[a], r[b]); r[t + 1] = maxSW(r[a + 1], r[b + 1]);
  r[t + 2] = maxSW(r[a + 2], r[b + 2]); r[t + 3] = maxSW(r[a + 3], r[b + 3]);
}

function vminub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minUB(r[a], r[b]); r[t + 1] = minUB(r[a + 1], r[b + 1]);
  r[t + 2] = minUB(r[a + 2], r[b + 2]); r[t + 3] = minUB(r[a + 3], r[b + 3]);
}

function vminuh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minUH(r[a], r[b]); r[t + 1] = minUH(r[a + 1], r[b + 1]);
  r[t + 2] = minUH(r[a + 2], r[b + 2]); r[t + 3] = minUH(r[a + 3], r[b + 3]);
}

function vminuw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minUW(r[a], r[b]); r[t + 1] = minUW(r[a + 1], r[b + 1]);
  r[t + 2] = minUW(r[a + 2], r[b + 2]); r[t + 3] = minUW(r[a + 3], r[b + 3]);
}

function vminsb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minSB(r[a], r[b]); r[t + 1] = minSB(r[a + 1], r[b + 1]);
  r[t + 2] = minSB(r[a + 2], r[b + 2]); r[t + 3] = minSB(r[a + 3], r[b + 3]);
}

function vminsh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minSH(r[a], r[b]); r[t + 1] = minSH(r[a + 1], r[b + 1]);
  r[t + 2] = minSH(r[a + 2], r[b + 2]); r[t + 3] = minSH(r[a + 3], r[b + 3]);
}

function vminsw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = minSW(r[a], r[b]); r[t + 1] = minSW(r[a + 1], r[b + 1]);
  r[t + 2] = minSW(r[a + 2], r[b + 2]); r[t + 3] = minSW(r[a + 3], r[b + 3]);
}

function vavgub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgUB(r[a], r[b]); r[t + 1] = avgUB(r[a + 1], r[b + 1]);
  r[t + 2] = avgUB(r[a + 2], r[b + 2]); r[t + 3] = avgUB(r[a + 3], r[b + 3]);
}

function vavguh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgUH(r[a], r[b]); r[t + 1] = avgUH(r[a + 1], r[b + 1]);
  r[t + 2] = avgUH(r[a + 2], r[b + 2]); r[t + 3] = avgUH(r[a + 3], r[b + 3]);
}

function vavguw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgUW(r[a], r[b]); r[t + 1] = avgUW(r[a + 1], r[b + 1]);
  r[t + 2] = avgUW(r[a + 2], r[b + 2]); r[t + 3] = avgUW(r[a + 3], r[b + 3]);
}

function vavgsb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgSB(r[a], r[b]); r[t + 1] = avgSB(r[a + 1], r[b + 1]);
  r[t + 2] = avgSB(r[a + 2], r[b + 2]); r[t + 3] = avgSB(r[a + 3], r[b + 3]);
}

function vavgsh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgSH(r[a], r[b]); r[t + 1] = avgSH(r[a + 1], r[b + 1]);
  r[t + 2] = avgSH(r[a + 2], r[b + 2]); r[t + 3] = avgSH(r[a + 3], r[b + 3]);
}

function vavgsw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = avgSW(r[a], r[b]); r[t + 1] = avgSW(r[a + 1], r[b + 1]);
  r[t + 2] = avgSW(r[a + 2], r[b + 2]); r[t + 3] = avgSW(r[a + 3], r[b + 3]);
}

function vaddcuw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = carryAddW(r[a], r[b]); r[t + 1] = carryAddW(r[a + 1], r[b + 1]);
  r[t + 2] = carryAddW(r[a + 2], r[b + 2]); r[t + 3] = carryAddW(r[a + 3], r[b + 3]);
}

function vsubcuw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = carrySubW(r[a], r[b]); r[t + 1] = carrySubW(r[a + 1], r[b + 1]);
  r[t + 2] = carrySubW(r[a + 2], r[b + 2]); r[t + 3] = carrySubW(r[a + 3], r[b + 3]);
}

function vaddubs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addUBS(r[a], r[b]); r[t + 1] = addUBS(r[a + 1], r[b + 1]);
  r[t + 2] = addUBS(r[a + 2], r[b + 2]); r[t + 3] = addUBS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vadduhs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addUHS(r[a], r[b]); r[t + 1] = addUHS(r[a + 1], r[b + 1]);
  r[t + 2] = addUHS(r[a + 2], r[b + 2]); r[t + 3] = addUHS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vadduws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addUWS(r[a], r[b]); r[t + 1] = addUWS(r[a + 1], r[b + 1]);
  r[t + 2] = addUWS(r[a + 2], r[b + 2]); r[t + 3] = addUWS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vaddsbs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addSBS(r[a], r[b]); r[t + 1] = addSBS(r[a + 1], r[b + 1]);
  r[t + 2] = addSBS(r[a + 2], r[b + 2]); r[t + 3] = addSBS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vaddshs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addSHS(r[a], r[b]); r[t + 1] = addSHS(r[a + 1], r[b + 1]);
  r[t + 2] = addSHS(r[a + 2], r[b + 2]); r[t + 3] = addSHS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vaddsws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = addSWS(r[a], r[b]); r[t + 1] = addSWS(r[a + 1], r[b + 1]);
  r[t + 2] = addSWS(r[a + 2], r[b + 2]); r[t + 3] = addSWS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsububs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subUBS(r[a], r[b]); r[t + 1] = subUBS(r[a + 1], r[b + 1]);
  r[t + 2] = subUBS(r[a + 2], r[b + 2]); r[t + 3] = subUBS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsubuhs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subUHS(r[a], r[b]); r[t + 1] = subUHS(r[a + 1], r[b + 1]);
  r[t + 2] = subUHS(r[a + 2], r[b + 2]); r[t + 3] = subUHS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsubuws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subUWS(r[a], r[b]); r[t + 1] = subUWS(r[a + 1], r[b + 1]);
  r[t + 2] = subUWS(r[a + 2], r[b + 2]); r[t + 3] = subUWS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsubsbs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subSBS(r[a], r[b]); r[t + 1] = subSBS(r[a + 1], r[b + 1]);
  r[t + 2] = subSBS(r[a + 2], r[b + 2]); r[t + 3] = subSBS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsubshs(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subSHS(r[a], r[b]); r[t + 1] = subSHS(r[a + 1], r[b + 1]);
  r[t + 2] = subSHS(r[a + 2], r[b + 2]); r[t + 3] = subSHS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vsubsws(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = subSWS(r[a], r[b]); r[t + 1] = subSWS(r[a + 1], r[b + 1]);
  r[t + 2] = subSWS(r[a + 2], r[b + 2]); r[t + 3] = subSWS(r[a + 3], r[b + 3]);
  if (takeSat() !== 0) c.r[S.VSCR] |= 1;
}

function vcmpequb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = eqB(r[a], r[b]); r[t + 1] = eqB(r[a + 1], r[b + 1]);
  r[t + 2] = eqB(r[a + 2], r[b + 2]); r[t + 3] = eqB(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpequh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = eqH(r[a], r[b]); r[t + 1] = eqH(r[a + 1], r[b + 1]);
  r[t + 2] = eqH(r[a + 2], r[b + 2]); r[t + 3] = eqH(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpequw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = eqW(r[a], r[b]); r[t + 1] = eqW(r[a + 1], r[b + 1]);
  r[t + 2] = eqW(r[a + 2], r[b + 2]); r[t + 3] = eqW(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtub(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtUB(r[a], r[b]); r[t + 1] = gtUB(r[a + 1], r[b + 1]);
  r[t + 2] = gtUB(r[a + 2], r[b + 2]); r[t + 3] = gtUB(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtuh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtUH(r[a], r[b]); r[t + 1] = gtUH(r[a + 1], r[b + 1]);
  r[t + 2] = gtUH(r[a + 2], r[b + 2]); r[t + 3] = gtUH(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtuw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtUW(r[a], r[b]); r[t + 1] = gtUW(r[a + 1], r[b + 1]);
  r[t + 2] = gtUW(r[a + 2], r[b + 2]); r[t + 3] = gtUW(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtsb(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtSB(r[a], r[b]); r[t + 1] = gtSB(r[a + 1], r[b + 1]);
  r[t + 2] = gtSB(r[a + 2], r[b + 2]); r[t + 3] = gtSB(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtsh(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtSH(r[a], r[b]); r[t + 1] = gtSH(r[a + 1], r[b + 1]);
  r[t + 2] = gtSH(r[a + 2], r[b + 2]); r[t + 3] = gtSH(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtsw(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  r[t] = gtSW(r[a], r[b]); r[t + 1] = gtSW(r[a + 1], r[b + 1]);
  r[t + 2] = gtSW(r[a + 2], r[b + 2]); r[t + 3] = gtSW(r[a + 3], r[b + 3]);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

// ---- doubleword elements ----

/** One doubleword (state index of its low word) of a + b (sub = 0) or a - b (sub = 1). */
function addDw(r: Int32Array, t: number, a: number, b: number, sub: number): void {
  const al = r[a], ah = r[a + 1];
  let bl = r[b], bh = r[b + 1];
  if (sub !== 0) {
    // a - b = a + ~b + 1
    bl = ~bl;
    bh = ~bh;
  }
  const s = (al >>> 0) + (bl >>> 0) + sub;
  r[t] = s | 0;
  r[t + 1] = (ah + bh + (s > 0xffffffff ? 1 : 0)) | 0;
}

function vaddudm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  addDw(r, t, a, b, 0);
  addDw(r, t + 2, a + 2, b + 2, 0);
}

function vsubudm(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  addDw(r, t, a, b, 1);
  addDw(r, t + 2, a + 2, b + 2, 1);
}

/** a >= b for one doubleword pair, unsigned (signed = 0) or signed (signed = 1). */
function geDw(ah: number, al: number, bh: number, bl: number, signed: number): boolean {
  if (ah !== bh) return signed !== 0 ? ah > bh : (ah >>> 0) > (bh >>> 0);
  return (al >>> 0) >= (bl >>> 0);
}

/** One doubleword of max (max = 1) or min (max = 0), unsigned or signed. */
function selDw(r: Int32Array, t: number, a: number, b: number, max: number, signed: number): void {
  const al = r[a], ah = r[a + 1], bl = r[b], bh = r[b + 1];
  const takeA = geDw(ah, al, bh, bl, signed) === (max !== 0);
  r[t] = takeA ? al : bl;
  r[t + 1] = takeA ? ah : bh;
}

function vmaxud(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  selDw(r, t, a, b, 1, 0);
  selDw(r, t + 2, a + 2, b + 2, 1, 0);
}

function vmaxsd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  selDw(r, t, a, b, 1, 1);
  selDw(r, t + 2, a + 2, b + 2, 1, 1);
}

function vminud(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  selDw(r, t, a, b, 0, 0);
  selDw(r, t + 2, a + 2, b + 2, 0, 0);
}

function vminsd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  selDw(r, t, a, b, 0, 1);
  selDw(r, t + 2, a + 2, b + 2, 0, 1);
}

const enum DwCmp {
  Eq,
  GtU,
  GtS,
}

/** One doubleword of a compare: all ones where true. */
function cmpDw(r: Int32Array, t: number, a: number, b: number, k: DwCmp): void {
  const al = r[a], ah = r[a + 1], bl = r[b], bh = r[b + 1];
  const v = k === DwCmp.Eq ? al === bl && ah === bh : !geDw(bh, bl, ah, al, k === DwCmp.GtS ? 1 : 0);
  r[t] = r[t + 1] = v ? -1 : 0;
}

function vcmpequd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  cmpDw(r, t, a, b, DwCmp.Eq);
  cmpDw(r, t + 2, a + 2, b + 2, DwCmp.Eq);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtud(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  cmpDw(r, t, a, b, DwCmp.GtU);
  cmpDw(r, t + 2, a + 2, b + 2, DwCmp.GtU);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

function vcmpgtsd(c: Cpu, w: number): void {
  const r = c.r, t = vT(w), a = vA(w), b = vB(w);
  cmpDw(r, t, a, b, DwCmp.GtS);
  cmpDw(r, t + 2, a + 2, b + 2, DwCmp.GtS);
  if ((w & 0x400) !== 0) setCR6(c, t);
}

// ---- quadword ----

/**
 * VRT := a + (b xor inv) + cin over 128 bits (inv = -1 subtracts), or with carryOnly the carry
 * out of that sum in bit 127 and zeros elsewhere. Word significance: +1, +0, +3, +2.
 */
function quad(r: Int32Array, t: number, a: number, b: number, inv: number, cin: number, carryOnly: boolean): void {
  const s0 = (r[a + 2] >>> 0) + ((r[b + 2] ^ inv) >>> 0) + cin;
  const s1 = (r[a + 3] >>> 0) + ((r[b + 3] ^ inv) >>> 0) + (s0 > 0xffffffff ? 1 : 0);
  const s2 = (r[a] >>> 0) + ((r[b] ^ inv) >>> 0) + (s1 > 0xffffffff ? 1 : 0);
  const s3 = (r[a + 1] >>> 0) + ((r[b + 1] ^ inv) >>> 0) + (s2 > 0xffffffff ? 1 : 0);
  if (carryOnly) {
    r[t] = 0;
    r[t + 1] = 0;
    r[t + 2] = s3 > 0xffffffff ? 1 : 0;
    r[t + 3] = 0;
  } else {
    r[t] = s2 | 0;
    r[t + 1] = s3 | 0;
    r[t + 2] = s0 | 0;
    r[t + 3] = s1 | 0;
  }
}

/** The carry-in of the extended forms: bit 127 of VRC. */
const cin = (c: Cpu, w: number): number => c.r[vC(w) + 2] & 1;

function vadduqm(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), 0, 0, false);
}
function vaddcuq(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), 0, 0, true);
}
function vsubuqm(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), -1, 1, false);
}
function vsubcuq(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), -1, 1, true);
}
function vaddeuqm(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), 0, cin(c, w), false);
}
function vaddecuq(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), 0, cin(c, w), true);
}
function vsubeuqm(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), -1, cin(c, w), false);
}
function vsubecuq(c: Cpu, w: number): void {
  quad(c.r, vT(w), vA(w), vB(w), -1, cin(c, w), true);
}

// ---- definitions ----

const VX_MASK = 0xfc0007ff;
const vx = (xo: number): number => ((4 << 26) | xo) >>> 0;

/** VC-form compare: Rc is word bit 21 (0x400), so the names are given explicitly. */
function vc(mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void): OpDef {
  return {
    mnemonic, mask: 0xfc0003ff, match: ((4 << 26) | xo) >>> 0, exec,
    name: (w) => ((w & 0x400) !== 0 ? mnemonic + "." : mnemonic),
    variants: [mnemonic, mnemonic + "."],
  };
}

/** VA-form (VRC operand, 6-bit extended opcode). */
const va = (mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void): OpDef =>
  ({ mnemonic, mask: 0xfc00003f, match: ((4 << 26) | xo) >>> 0, exec });

export const VMX_INT_OPS: readonly OpDef[] = [
  { mnemonic: "vaddubm", mask: VX_MASK, match: vx(0), exec: vaddubm },
  { mnemonic: "vadduhm", mask: VX_MASK, match: vx(64), exec: vadduhm },
  { mnemonic: "vadduwm", mask: VX_MASK, match: vx(128), exec: vadduwm },
  { mnemonic: "vsububm", mask: VX_MASK, match: vx(1024), exec: vsububm },
  { mnemonic: "vsubuhm", mask: VX_MASK, match: vx(1088), exec: vsubuhm },
  { mnemonic: "vsubuwm", mask: VX_MASK, match: vx(1152), exec: vsubuwm },
  { mnemonic: "vmaxub", mask: VX_MASK, match: vx(2), exec: vmaxub },
  { mnemonic: "vmaxuh", mask: VX_MASK, match: vx(66), exec: vmaxuh },
  { mnemonic: "vmaxuw", mask: VX_MASK, match: vx(130), exec: vmaxuw },
  { mnemonic: "vmaxsb", mask: VX_MASK, match: vx(258), exec: vmaxsb },
  { mnemonic: "vmaxsh", mask: VX_MASK, match: vx(322), exec: vmaxsh },
  { mnemonic: "vmaxsw", mask: VX_MASK, match: vx(386), exec: vmaxsw },
  { mnemonic: "vminub", mask: VX_MASK, match: vx(514), exec: vminub },
  { mnemonic: "vminuh", mask: VX_MASK, match: vx(578), exec: vminuh },
  { mnemonic: "vminuw", mask: VX_MASK, match: vx(642), exec: vminuw },
  { mnemonic: "vminsb", mask: VX_MASK, match: vx(770), exec: vminsb },
  { mnemonic: "vminsh", mask: VX_MASK, match: vx(834), exec: vminsh },
  { mnemonic: "vminsw", mask: VX_MASK, match: vx(898), exec: vminsw },
  { mnemonic: "vavgub", mask: VX_MASK, match: vx(1026), exec: vavgub },
  { mnemonic: "vavguh", mask: VX_MASK, match: vx(1090), exec: vavguh },
  { mnemonic: "vavguw", mask: VX_MASK, match: vx(1154), exec: vavguw },
  { mnemonic: "vavgsb", mask: VX_MASK, match: vx(1282), exec: vavgsb },
  { mnemonic: "vavgsh", mask: VX_MASK, match: vx(1346), exec: vavgsh },
  { mnemonic: "vavgsw", mask: VX_MASK, match: vx(1410), exec: vavgsw },
  { mnemonic: "vaddcuw", mask: VX_MASK, match: vx(384), exec: vaddcuw },
  { mnemonic: "vsubcuw", mask: VX_MASK, match: vx(1408), exec: vsubcuw },
  { mnemonic: "vaddubs", mask: VX_MASK, match: vx(512), exec: vaddubs },
  { mnemonic: "vadduhs", mask: VX_MASK, match: vx(576), exec: vadduhs },
  { mnemonic: "vadduws", mask: VX_MASK, match: vx(640), exec: vadduws },
  { mnemonic: "vaddsbs", mask: VX_MASK, match: vx(768), exec: vaddsbs },
  { mnemonic: "vaddshs", mask: VX_MASK, match: vx(832), exec: vaddshs },
  { mnemonic: "vaddsws", mask: VX_MASK, match: vx(896), exec: vaddsws },
  { mnemonic: "vsububs", mask: VX_MASK, match: vx(1536), exec: vsububs },
  { mnemonic: "vsubuhs", mask: VX_MASK, match: vx(1600), exec: vsubuhs },
  { mnemonic: "vsubuws", mask: VX_MASK, match: vx(1664), exec: vsubuws },
  { mnemonic: "vsubsbs", mask: VX_MASK, match: vx(1792), exec: vsubsbs },
  { mnemonic: "vsubshs", mask: VX_MASK, match: vx(1856), exec: vsubshs },
  { mnemonic: "vsubsws", mask: VX_MASK, match: vx(1920), exec: vsubsws },
  vc("vcmpequb", 6, vcmpequb),
  vc("vcmpequh", 70, vcmpequh),
  vc("vcmpequw", 134, vcmpequw),
  vc("vcmpgtub", 518, vcmpgtub),
  vc("vcmpgtuh", 582, vcmpgtuh),
  vc("vcmpgtuw", 646, vcmpgtuw),
  vc("vcmpgtsb", 774, vcmpgtsb),
  vc("vcmpgtsh", 838, vcmpgtsh),
  vc("vcmpgtsw", 902, vcmpgtsw),
  { mnemonic: "vaddudm", mask: VX_MASK, match: vx(192), exec: vaddudm },
  { mnemonic: "vsubudm", mask: VX_MASK, match: vx(1216), exec: vsubudm },
  { mnemonic: "vmaxud", mask: VX_MASK, match: vx(194), exec: vmaxud },
  { mnemonic: "vmaxsd", mask: VX_MASK, match: vx(450), exec: vmaxsd },
  { mnemonic: "vminud", mask: VX_MASK, match: vx(706), exec: vminud },
  { mnemonic: "vminsd", mask: VX_MASK, match: vx(962), exec: vminsd },
  { mnemonic: "vadduqm", mask: VX_MASK, match: vx(256), exec: vadduqm },
  { mnemonic: "vaddcuq", mask: VX_MASK, match: vx(320), exec: vaddcuq },
  { mnemonic: "vsubuqm", mask: VX_MASK, match: vx(1280), exec: vsubuqm },
  { mnemonic: "vsubcuq", mask: VX_MASK, match: vx(1344), exec: vsubcuq },
  va("vaddeuqm", 60, vaddeuqm),
  va("vaddecuq", 61, vaddecuq),
  va("vsubeuqm", 62, vsubeuqm),
  va("vsubecuq", 63, vsubecuq),
  vc("vcmpequd", 199, vcmpequd),
  vc("vcmpgtud", 711, vcmpgtud),
  vc("vcmpgtsd", 967, vcmpgtsd),
];
