// Word-at-a-time ("SIMD within a register") helpers for the VMX integer instructions.
//
// A vector register is four int32 words in the state; every helper here takes one word of each
// operand and returns the matching result word (as an int32), treating the word as 4 byte
// elements (…B), 2 halfword elements (…H) or one word element (…W). Element order inside a word
// does not matter to these elementwise operations. Saturating helpers record saturation in a
// module flag that the handler collects with takeSat().

const H8 = 0x80808080 | 0;
const L8 = 0x7f7f7f7f;
const H16 = 0x80008000 | 0;
const L16 = 0x7fff7fff;

let sat = 0;

/** The saturation seen since the last call (nonzero = some element saturated), and reset. */
export function takeSat(): number {
  const s = sat;
  sat = 0;
  return s;
}

// ---- spreading the top bit of each element over the element ----

/** 0xff in every byte whose top bit is set in `h` (h has only bits of 0x80808080). */
const spreadB = (h: number): number => Math.imul(h >>> 7, 0xff);
/** 0xffff in every halfword whose top bit is set in `h` (h has only bits of 0x80008000). */
const spreadH = (h: number): number => Math.imul(h >>> 15, 0xffff);

// ---- modulo add / subtract ----

export const addB = (a: number, b: number): number => ((a & L8) + (b & L8)) ^ ((a ^ b) & H8);
export const addH = (a: number, b: number): number => ((a & L16) + (b & L16)) ^ ((a ^ b) & H16);
export const addW = (a: number, b: number): number => (a + b) | 0;
export const subW = (a: number, b: number): number => (a - b) | 0;
export const subB = (a: number, b: number): number => ((a | H8) - (b & L8)) ^ ((a ^ ~b) & H8);
export const subH = (a: number, b: number): number => ((a | H16) - (b & L16)) ^ ((a ^ ~b) & H16);

// ---- unsigned "a >= b" per element, as the element's top bit ----

/** Top bit of each byte set where a >= b (unsigned). */
const geB = (a: number, b: number): number => ((a & ~b) | (~(a ^ b) & ((a | H8) - (b & L8)))) & H8;
const geH = (a: number, b: number): number => ((a & ~b) | (~(a ^ b) & ((a | H16) - (b & L16)))) & H16;

// ---- max / min (unsigned, and signed by flipping the sign bits) ----

export function maxUB(a: number, b: number): number {
  const m = spreadB(geB(a, b));
  return (a & m) | (b & ~m);
}
export function minUB(a: number, b: number): number {
  const m = spreadB(geB(a, b));
  return (b & m) | (a & ~m);
}
export function maxSB(a: number, b: number): number {
  const m = spreadB(geB(a ^ H8, b ^ H8));
  return (a & m) | (b & ~m);
}
export function minSB(a: number, b: number): number {
  const m = spreadB(geB(a ^ H8, b ^ H8));
  return (b & m) | (a & ~m);
}
export function maxUH(a: number, b: number): number {
  const m = spreadH(geH(a, b));
  return (a & m) | (b & ~m);
}
export function minUH(a: number, b: number): number {
  const m = spreadH(geH(a, b));
  return (b & m) | (a & ~m);
}
export function maxSH(a: number, b: number): number {
  const m = spreadH(geH(a ^ H16, b ^ H16));
  return (a & m) | (b & ~m);
}
export function minSH(a: number, b: number): number {
  const m = spreadH(geH(a ^ H16, b ^ H16));
  return (b & m) | (a & ~m);
}
export const maxUW = (a: number, b: number): number => ((a >>> 0) >= (b >>> 0) ? a : b);
export const minUW = (a: number, b: number): number => ((a >>> 0) <= (b >>> 0) ? a : b);
export const maxSW = (a: number, b: number): number => (a >= b ? a : b);
export const minSW = (a: number, b: number): number => (a <= b ? a : b);

// ---- compares: all-ones elements where true ----

export function eqB(a: number, b: number): number {
  const x = a ^ b;
  return ~spreadB((((x & L8) + L8) | x) & H8);
}
export function eqH(a: number, b: number): number {
  const x = a ^ b;
  return ~spreadH((((x & L16) + L16) | x) & H16);
}
export const eqW = (a: number, b: number): number => (a === b ? -1 : 0);
export const gtUB = (a: number, b: number): number => ~spreadB(geB(b, a));
export const gtSB = (a: number, b: number): number => ~spreadB(geB(b ^ H8, a ^ H8));
export const gtUH = (a: number, b: number): number => ~spreadH(geH(b, a));
export const gtSH = (a: number, b: number): number => ~spreadH(geH(b ^ H16, a ^ H16));
export const gtUW = (a: number, b: number): number => ((a >>> 0) > (b >>> 0) ? -1 : 0);
export const gtSW = (a: number, b: number): number => (a > b ? -1 : 0);

// ---- saturating add / subtract (set the saturation flag) ----

export function addUBS(a: number, b: number): number {
  const s = addB(a, b);
  const cy = ((a & b) | ((a | b) & ~s)) & H8;
  sat |= cy;
  return s | spreadB(cy);
}
export function addUHS(a: number, b: number): number {
  const s = addH(a, b);
  const cy = ((a & b) | ((a | b) & ~s)) & H16;
  sat |= cy;
  return s | spreadH(cy);
}
export function subUBS(a: number, b: number): number {
  const d = subB(a, b);
  const bw = ((~a & b) | (~(a ^ b) & d)) & H8;
  sat |= bw;
  return d & ~spreadB(bw);
}
export function subUHS(a: number, b: number): number {
  const d = subH(a, b);
  const bw = ((~a & b) | (~(a ^ b) & d)) & H16;
  sat |= bw;
  return d & ~spreadH(bw);
}
export function addSBS(a: number, b: number): number {
  const s = addB(a, b);
  const ov = ~(a ^ b) & (a ^ s) & H8;
  sat |= ov;
  const m = spreadB(ov);
  return (s & ~m) | ((L8 + ((a & H8) >>> 7)) & m);
}
export function addSHS(a: number, b: number): number {
  const s = addH(a, b);
  const ov = ~(a ^ b) & (a ^ s) & H16;
  sat |= ov;
  const m = spreadH(ov);
  return (s & ~m) | ((L16 + ((a & H16) >>> 15)) & m);
}
export function subSBS(a: number, b: number): number {
  const d = subB(a, b);
  const ov = (a ^ b) & (a ^ d) & H8;
  sat |= ov;
  const m = spreadB(ov);
  return (d & ~m) | ((L8 + ((a & H8) >>> 7)) & m);
}
export function subSHS(a: number, b: number): number {
  const d = subH(a, b);
  const ov = (a ^ b) & (a ^ d) & H16;
  sat |= ov;
  const m = spreadH(ov);
  return (d & ~m) | ((L16 + ((a & H16) >>> 15)) & m);
}
export function addUWS(a: number, b: number): number {
  const s = (a >>> 0) + (b >>> 0);
  if (s > 0xffffffff) {
    sat = 1;
    return -1;
  }
  return s | 0;
}
export function subUWS(a: number, b: number): number {
  const d = (a >>> 0) - (b >>> 0);
  if (d < 0) {
    sat = 1;
    return 0;
  }
  return d | 0;
}
export function addSWS(a: number, b: number): number {
  return clampSW(a + b);
}
export function subSWS(a: number, b: number): number {
  return clampSW(a - b);
}
function clampSW(x: number): number {
  if (x > 0x7fffffff) {
    sat = 1;
    return 0x7fffffff;
  }
  if (x < -0x80000000) {
    sat = 1;
    return -0x80000000;
  }
  return x;
}

// ---- averages: (a + b + 1) >> 1 without overflow: (a | b) - ((a ^ b) >> 1) ----

/** Per byte (a|b) >= (a^b) >> 1, so the 32-bit subtraction never borrows across elements. */
export const avgUB = (a: number, b: number): number => ((a | b) >>> 0) - (((a ^ b) >>> 1) & L8) | 0;
export const avgUH = (a: number, b: number): number => ((a | b) >>> 0) - (((a ^ b) >>> 1) & L16) | 0;
export const avgUW = (a: number, b: number): number => ((a | b) >>> 0) - ((a ^ b) >>> 1) | 0;
export const avgSB = (a: number, b: number): number => avgUB(a ^ H8, b ^ H8) ^ H8;
export const avgSH = (a: number, b: number): number => avgUH(a ^ H16, b ^ H16) ^ H16;
export const avgSW = (a: number, b: number): number => ((a | b) - ((a ^ b) >> 1)) | 0;

// ---- carries of word add / subtract ----

export const carryAddW = (a: number, b: number): number => ((~a >>> 0) < (b >>> 0) ? 1 : 0);
export const carrySubW = (a: number, b: number): number => ((a >>> 0) >= (b >>> 0) ? 1 : 0);
