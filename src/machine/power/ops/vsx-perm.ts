// VSX logical, permute, merge, splat and select instructions, and GPR<->VSR moves (POWER8,
// ISA 2.07).
//
// Register layout (state.ts): VSR n is four int32s at S.VSR + 4n: +0 = dw0 low word (word
// element 1), +1 = dw0 high word (word element 0), +2 = dw1 low word (word element 3), +3 =
// dw1 high word (word element 2). So word element k of VSR n lives at S.VSR + 4n + (k ^ 1).
// None of these instructions depends on the guest byte order.
//
// Every handler reads all of its source words before writing the target, so that XT may be
// the same register as XA/XB/XC.
//
// The moves follow qemu: mtvsrd/mtvsrwa/mtvsrwz write doubleword 0 and leave doubleword 1
// unchanged (the ISA leaves it undefined); mfvsr*/mtvsr* with a non-zero RB field are illegal
// (qemu's invalid-bits mask), so the mask covers RB.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";

// ---- fields: int32 index of the first word of the VSR named by each field ----

/** XT / XS: TX (bit 31) || T (bits 6:10). */
const iT = (w: number): number => S.VSR + ((((w & 1) << 5) | ((w >>> 21) & 31)) << 2);
/** XA: AX (bit 29) || A (bits 11:15). */
const iA = (w: number): number => S.VSR + ((((w & 4) << 3) | ((w >>> 16) & 31)) << 2);
/** XB: BX (bit 30) || B (bits 16:20). */
const iB = (w: number): number => S.VSR + ((((w & 2) << 4) | ((w >>> 11) & 31)) << 2);
/** XC: CX (bit 28) || C (bits 21:25). */
const iC = (w: number): number => S.VSR + ((((w & 8) << 2) | ((w >>> 6) & 31)) << 2);

// ---- logical ----

function xxland(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = r[a] & r[b]; r[t + 1] = r[a + 1] & r[b + 1];
  r[t + 2] = r[a + 2] & r[b + 2]; r[t + 3] = r[a + 3] & r[b + 3];
}

function xxlandc(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = r[a] & ~r[b]; r[t + 1] = r[a + 1] & ~r[b + 1];
  r[t + 2] = r[a + 2] & ~r[b + 2]; r[t + 3] = r[a + 3] & ~r[b + 3];
}

function xxlor(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = r[a] | r[b]; r[t + 1] = r[a + 1] | r[b + 1];
  r[t + 2] = r[a + 2] | r[b + 2]; r[t + 3] = r[a + 3] | r[b + 3];
}

function xxlxor(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = r[a] ^ r[b]; r[t + 1] = r[a + 1] ^ r[b + 1];
  r[t + 2] = r[a + 2] ^ r[b + 2]; r[t + 3] = r[a + 3] ^ r[b + 3];
}

function xxlnor(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = ~(r[a] | r[b]); r[t + 1] = ~(r[a + 1] | r[b + 1]);
  r[t + 2] = ~(r[a + 2] | r[b + 2]); r[t + 3] = ~(r[a + 3] | r[b + 3]);
}

function xxlorc(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = r[a] | ~r[b]; r[t + 1] = r[a + 1] | ~r[b + 1];
  r[t + 2] = r[a + 2] | ~r[b + 2]; r[t + 3] = r[a + 3] | ~r[b + 3];
}

function xxlnand(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = ~(r[a] & r[b]); r[t + 1] = ~(r[a + 1] & r[b + 1]);
  r[t + 2] = ~(r[a + 2] & r[b + 2]); r[t + 3] = ~(r[a + 3] & r[b + 3]);
}

function xxleqv(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  r[t] = ~(r[a] ^ r[b]); r[t + 1] = ~(r[a + 1] ^ r[b + 1]);
  r[t + 2] = ~(r[a + 2] ^ r[b + 2]); r[t + 3] = ~(r[a + 3] ^ r[b + 3]);
}

/** xxsel XT, XA, XB, XC: bits of XB where XC is 1, of XA where it is 0. */
function xxsel(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w), m = iC(w);
  const m0 = r[m], m1 = r[m + 1], m2 = r[m + 2], m3 = r[m + 3];
  r[t] = (r[a] & ~m0) | (r[b] & m0); r[t + 1] = (r[a + 1] & ~m1) | (r[b + 1] & m1);
  r[t + 2] = (r[a + 2] & ~m2) | (r[b + 2] & m2); r[t + 3] = (r[a + 3] & ~m3) | (r[b + 3] & m3);
}

// ---- permute, merge, splat ----

/** xxpermdi XT, XA, XB, DM: dw0 = XA.dw[DM0], dw1 = XB.dw[DM1] (DM in bits 22:23). */
function xxpermdi(c: Cpu, w: number): void {
  const r = c.r, t = iT(w);
  const a = iA(w) + ((w >>> 8) & 2), b = iB(w) + ((w >>> 7) & 2);
  const a0 = r[a], a1 = r[a + 1], b0 = r[b], b1 = r[b + 1];
  r[t] = a0; r[t + 1] = a1; r[t + 2] = b0; r[t + 3] = b1;
}

/** xxsldwi XT, XA, XB, SHW: words SHW..SHW+3 of XA || XB (SHW in bits 22:23). */
function xxsldwi(c: Cpu, w: number): void {
  const sh = (w >>> 8) & 3;
  if (sh === 2) xxpermdi(c, (w & ~0x300) | 0x200); // XA.dw1, XB.dw0
  else sldwOther(c, w, sh);
}

/** xxsldwi with SHW = 0, 1 or 3. */
function sldwOther(c: Cpu, w: number, sh: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  let w0: number, w1: number, w2: number, w3: number;
  if (sh === 0) {
    w0 = r[a + 1]; w1 = r[a]; w2 = r[a + 3]; w3 = r[a + 2]; // XA
  } else if (sh === 1) {
    w0 = r[a]; w1 = r[a + 3]; w2 = r[a + 2]; w3 = r[b + 1]; // A1 A2 A3 B0
  } else {
    w0 = r[a + 2]; w1 = r[b + 1]; w2 = r[b]; w3 = r[b + 3]; // A3 B0 B1 B2
  }
  r[t + 1] = w0; r[t] = w1; r[t + 3] = w2; r[t + 2] = w3;
}

/** xxspltw XT, XB, UIM: word UIM (bits 14:15) of XB in every word. */
function xxspltw(c: Cpu, w: number): void {
  const r = c.r, t = iT(w);
  const v = r[iB(w) + (((w >>> 16) & 3) ^ 1)];
  r[t] = v; r[t + 1] = v; r[t + 2] = v; r[t + 3] = v;
}

/** xxmrghw: XA.w0, XB.w0, XA.w1, XB.w1. */
function xxmrghw(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  const a0 = r[a + 1], a1 = r[a], b0 = r[b + 1], b1 = r[b];
  r[t + 1] = a0; r[t] = b0; r[t + 3] = a1; r[t + 2] = b1;
}

/** xxmrglw: XA.w2, XB.w2, XA.w3, XB.w3. */
function xxmrglw(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), a = iA(w), b = iB(w);
  const a2 = r[a + 3], a3 = r[a + 2], b2 = r[b + 3], b3 = r[b + 2];
  r[t + 1] = a2; r[t] = b2; r[t + 3] = a3; r[t + 2] = b3;
}

// ---- GPR <-> VSR moves (XX1-form: XS/XT, RA) ----

/** mfvsrd RA, XS: RA = XS.dw0. */
function mfvsrd(c: Cpu, w: number): void {
  const r = c.r, s = iT(w), ra = (w >>> 15) & 62;
  r[ra] = r[s]; r[ra + 1] = r[s + 1];
}

/** mfvsrwz RA, XS: RA = zero-extended word 1 (bits 32:63 of dw0). */
function mfvsrwz(c: Cpu, w: number): void {
  const r = c.r, ra = (w >>> 15) & 62;
  r[ra] = r[iT(w)]; r[ra + 1] = 0;
}

/** mtvsrd XT, RA: XT.dw0 = RA. */
function mtvsrd(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), ra = (w >>> 15) & 62;
  r[t] = r[ra]; r[t + 1] = r[ra + 1];
}

/** mtvsrwa XT, RA: XT.dw0 = EXTS(RA[32:63]). */
function mtvsrwa(c: Cpu, w: number): void {
  const r = c.r, t = iT(w), v = r[(w >>> 15) & 62];
  r[t] = v; r[t + 1] = v >> 31;
}

/** mtvsrwz XT, RA: XT.dw0 = EXTZ(RA[32:63]). */
function mtvsrwz(c: Cpu, w: number): void {
  const r = c.r, t = iT(w);
  r[t] = r[(w >>> 15) & 62]; r[t + 1] = 0;
}

// ---- encodings ----

/** XX3-form with an 8-bit XO in bits 21:28. */
const xx3 = (xo: number): number => ((60 << 26) | (xo << 3)) >>> 0;
const XX3_MASK = 0xfc0007f8;
/** XX3-form with a 2-bit immediate in bits 22:23 and XO in bits 21, 24:28. */
const XX3_DM_MASK = 0xfc0004f8;
/** X-form (opcode 31) move with RB (bits 16:20) required to be 0. */
const mv = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const MV_MASK = 0xfc00fffe;

export const VSX_PERM_OPS: readonly OpDef[] = [
  { mnemonic: "xxland", mask: XX3_MASK, match: xx3(130), exec: xxland },
  { mnemonic: "xxlandc", mask: XX3_MASK, match: xx3(138), exec: xxlandc },
  { mnemonic: "xxlor", mask: XX3_MASK, match: xx3(146), exec: xxlor },
  { mnemonic: "xxlxor", mask: XX3_MASK, match: xx3(154), exec: xxlxor },
  { mnemonic: "xxlnor", mask: XX3_MASK, match: xx3(162), exec: xxlnor },
  { mnemonic: "xxlorc", mask: XX3_MASK, match: xx3(170), exec: xxlorc },
  { mnemonic: "xxlnand", mask: XX3_MASK, match: xx3(178), exec: xxlnand },
  { mnemonic: "xxleqv", mask: XX3_MASK, match: xx3(186), exec: xxleqv },
  { mnemonic: "xxmrghw", mask: XX3_MASK, match: xx3(18), exec: xxmrghw },
  { mnemonic: "xxmrglw", mask: XX3_MASK, match: xx3(50), exec: xxmrglw },
  { mnemonic: "xxsldwi", mask: XX3_DM_MASK, match: xx3(2), exec: xxsldwi },
  { mnemonic: "xxpermdi", mask: XX3_DM_MASK, match: xx3(10), exec: xxpermdi },
  // XX2-form: bits 11:13 are ignored (qemu), UIM in 14:15, XO in 21:29.
  { mnemonic: "xxspltw", mask: 0xfc0007fc, match: ((60 << 26) | (164 << 2)) >>> 0, exec: xxspltw },
  // XX4-form: bits 26:27 = 0b11.
  { mnemonic: "xxsel", mask: 0xfc000030, match: ((60 << 26) | 0x30) >>> 0, exec: xxsel },
  { mnemonic: "mfvsrd", mask: MV_MASK, match: mv(51), exec: mfvsrd },
  { mnemonic: "mfvsrwz", mask: MV_MASK, match: mv(115), exec: mfvsrwz },
  { mnemonic: "mtvsrd", mask: MV_MASK, match: mv(179), exec: mtvsrd },
  { mnemonic: "mtvsrwa", mask: MV_MASK, match: mv(211), exec: mtvsrwa },
  { mnemonic: "mtvsrwz", mask: MV_MASK, match: mv(243), exec: mtvsrwz },
];
