// JavaScript code templates for the most frequent instructions. The block engine emits this
// code in place of a handler call: operand fields, the mode (64/32-bit) and the byte order
// are already constants, loads and stores probe the TLB inline, and branches jump straight to
// their static targets. Every instruction still has its handler (the definition used by the
// single-step interpreter and by forms without a template); jit.test.ts checks on random
// words and states that each template computes exactly what its handler computes, and the
// differential suites run the templates (the engine executes them) against qemu-user.
//
// Names available to generated code: c (the Cpu), r (its state as Int32Array), dv (physical
// memory DataView), u8 (physical memory bytes), rtl/rth/rtp and wtl/wth/wtp (the read and
// write TLBs' tag-low, tag-high and physical-page arrays). A template returns undefined for
// a form it does not cover (e.g. the Rc=1 or OE=1 variants): the engine then calls the handler.

import { S, fprIndex } from "./state.js";
import { vsrDw } from "./ops/vsx-loadstore.js";

export interface GenCtx {
  /** 64-bit mode. */
  readonly sf: boolean;
  /** Little-endian guest. */
  readonly le: boolean;
  /** Address of this instruction (low word; the high word is the block's). */
  readonly pc: number;
  readonly pcHi: number;
  /** Code that leaves the block after this instruction towards a static target (PC written). */
  jump(lo: number, hi: number): string;
  /** Code that leaves the block after this instruction; the PC has been written. */
  readonly leave: string;
  /** Code that runs this instruction's handler (for a template's rare paths). */
  handler(): string;
}

export type Gen = (w: number, g: GenCtx) => string | undefined;

const RT = (w: number): number => (w >>> 21) & 31;
const RA = (w: number): number => (w >>> 16) & 31;
const RB = (w: number): number => (w >>> 11) & 31;
const SI = (w: number): number => (w << 16) >> 16;
const lo = (n: number): string => `r[${n * 2}]`;
const hi = (n: number): string => `r[${n * 2 + 1}]`;

/** 64-bit (a + b) into target, with a/b given as expressions of their (lo, hi) halves. */
function add64(t: number, alo: string, ahi: string, blo: string, bhi: string): string {
  return `{ const a = ${alo}, b = ${blo}; const l = (a + b) | 0; ${hi(t)} = (${ahi} + ${bhi} + ((l >>> 0) < (a >>> 0) ? 1 : 0)) | 0; ${lo(t)} = l; }`;
}

/** Effective address (RA|0) + disp into locals ea/eh; 32-bit mode truncates. */
function eaDisp(w: number, d: number, g: GenCtx): string {
  const ra = RA(w);
  const dh = d >> 31;
  if (ra === 0) return `const ea = ${d | 0}, eh = ${g.sf ? dh : 0};`;
  if (!g.sf) return `const ea = (${lo(ra)} + ${d}) | 0, eh = 0;`;
  return `const ea = (${lo(ra)} + ${d}) | 0, eh = (${hi(ra)} + ${dh} + ((ea >>> 0) < (${lo(ra)} >>> 0) ? 1 : 0)) | 0;`;
}

/** Effective address (RA|0) + (RB). */
function eaIndex(w: number, g: GenCtx): string {
  const ra = RA(w), rb = RB(w);
  if (ra === 0) return `const ea = ${lo(rb)}, eh = ${g.sf ? hi(rb) : "0"};`;
  if (!g.sf) return `const ea = (${lo(ra)} + ${lo(rb)}) | 0, eh = 0;`;
  return `const b = ${lo(rb)}; const ea = (${lo(ra)} + b) | 0, eh = (${hi(ra)} + ${hi(rb)} + ((ea >>> 0) < (b >>> 0) ? 1 : 0)) | 0;`;
}

/** Inline TLB probe for an access of `size` bytes: sets p (physical) or -1 for the slow path. */
function probe(tl: string, th: string, tp: string, size: number): string {
  return `const vpn = ea >>> 12, ti = vpn & 1023; const p = ${tl}[ti] === vpn && ${th}[ti] === eh && (ea & 4095) <= ${4096 - size} ? ${tp}[ti] + (ea & 4095) : -1;`;
}

type Width = 1 | 2 | 4 | 8;

/** Int32 index of the low word of FPR n (doubleword 0 of VSR n); its high word follows. */
const fpr = (n: number): number => vsrDw(n, 0);

/**
 * Load of `size` bytes at (ea, eh) into the register whose low word is r[tl] (RT by default;
 * zero-extended, `alg` sign-extends 2/4-byte loads).
 */
function load(w: number, g: GenCtx, size: Width, ea: string, alg = false, tl = RT(w) * 2): string {
  const le = g.le;
  const T = `r[${tl}]`, TH = `r[${tl + 1}]`;
  const fast =
    size === 1 ? "u8[p]" : size === 2 ? `dv.get${alg ? "Int16" : "Uint16"}(p, ${le})` : `dv.getInt32(p, ${le})`;
  const slow =
    size === 1 ? "c.ld8(ea, eh)" : size === 2 ? (alg ? "(c.ld16(ea, eh) << 16) >> 16" : "c.ld16(ea, eh)") : size === 4 ? "c.ld32(ea, eh)" : "c.ld64(ea, eh)";
  if (size === 8) {
    const fhi = le ? "dv.getInt32(p + 4, true)" : "dv.getInt32(p, false)";
    const flo = le ? "dv.getInt32(p, true)" : "dv.getInt32(p + 4, false)";
    return `{ ${ea} ${probe("rtl", "rth", "rtp", 8)} let vl, vh; if (p >= 0) { vh = ${fhi}; vl = ${flo}; } else { c.fpc = ${g.pc}; vl = ${slow}; vh = c.hi64; } ${T} = vl; ${TH} = vh; }`;
  }
  const ext = alg ? "v >> 31" : "0";
  return `{ ${ea} ${probe("rtl", "rth", "rtp", size)} let v; if (p >= 0) v = ${fast}; else { c.fpc = ${g.pc}; v = ${slow}; } ${T} = v; ${TH} = ${ext}; }`;
}

/** Store of the low `size` bytes of the register whose low word is r[sl] (RS by default) at (ea, eh). */
function store(w: number, g: GenCtx, size: Width, ea: string, sl = RT(w) * 2): string {
  const le = g.le;
  const L = `r[${sl}]`, H = `r[${sl + 1}]`;
  if (size === 8) {
    const fast = le
      ? `dv.setInt32(p, ${L}, true); dv.setInt32(p + 4, ${H}, true);`
      : `dv.setInt32(p, ${H}, false); dv.setInt32(p + 4, ${L}, false);`;
    return `{ ${ea} ${probe("wtl", "wth", "wtp", 8)} if (p >= 0) { ${fast} } else { c.fpc = ${g.pc}; c.st64(ea, eh, ${L}, ${H}); } }`;
  }
  const fast = size === 1 ? `u8[p] = ${L};` : size === 2 ? `dv.setUint16(p, ${L}, ${le});` : `dv.setInt32(p, ${L}, ${le});`;
  const slow = size === 1 ? "st8" : size === 2 ? "st16" : "st32";
  return `{ ${ea} ${probe("wtl", "wth", "wtp", size)} if (p >= 0) { ${fast} } else { c.fpc = ${g.pc}; c.${slow}(ea, eh, ${L}); } }`;
}

/** Byte-reversed load (lhbrx, lwbrx, ldbrx): the fast path reads in the other byte order; a TLB miss or page crossing runs the handler. */
function loadRev(w: number, g: GenCtx, size: 2 | 4 | 8): string {
  const t = RT(w), le = !g.le;
  const fast =
    size === 8
      ? (le ? `${hi(t)} = dv.getInt32(p + 4, true); ${lo(t)} = dv.getInt32(p, true);` : `${hi(t)} = dv.getInt32(p, false); ${lo(t)} = dv.getInt32(p + 4, false);`)
      : `${lo(t)} = ${size === 2 ? `dv.getUint16(p, ${le})` : `dv.getInt32(p, ${le})`}; ${hi(t)} = 0;`;
  return `{ ${eaIndex(w, g)} ${probe("rtl", "rth", "rtp", size)} if (p >= 0) { ${fast} } else { c.fpc = ${g.pc}; ${g.handler()} } }`;
}

/** Byte-reversed store (sthbrx, stwbrx, stdbrx). */
function storeRev(w: number, g: GenCtx, size: 2 | 4 | 8): string {
  const s = RT(w), le = !g.le;
  const fast =
    size === 8
      ? (le ? `dv.setInt32(p, ${lo(s)}, true); dv.setInt32(p + 4, ${hi(s)}, true);` : `dv.setInt32(p, ${hi(s)}, false); dv.setInt32(p + 4, ${lo(s)}, false);`)
      : size === 2 ? `dv.setUint16(p, ${lo(s)}, ${le});` : `dv.setInt32(p, ${lo(s)}, ${le});`;
  return `{ ${eaIndex(w, g)} ${probe("wtl", "wth", "wtp", size)} if (p >= 0) { ${fast} } else { c.fpc = ${g.pc}; ${g.handler()} } }`;
}

/** Update form: write the EA back into RA after the access (which may have faulted). */
function withUpdate(code: string, w: number): string {
  // The access code is a block that declares ea/eh; re-open it to write RA afterwards.
  return code.replace(/ }$/, ` ${lo(RA(w))} = ea; ${hi(RA(w))} = eh; }`);
}

const d = (w: number): number => SI(w);
const ds = (w: number): number => SI(w) & ~3;

/** CR field value of a signed compare of (alo, ahi) with (blo, bhi), with SO. */
function cmpSigned(bf: number, l: boolean, a: number, bLo: string, bHi: string): string {
  const f = `r[${S.CR + bf}]`;
  if (!l) return `{ const x = ${lo(a)}, y = ${bLo}; ${f} = (x < y ? 8 : x > y ? 4 : 2) | r[${S.SO}]; }`;
  return `{ const xh = ${hi(a)}, yh = ${bHi}; let v; if (xh !== yh) v = xh < yh ? 8 : 4; else { const x = ${lo(a)} >>> 0, y = (${bLo}) >>> 0; v = x < y ? 8 : x > y ? 4 : 2; } ${f} = v | r[${S.SO}]; }`;
}

function cmpUnsigned(bf: number, l: boolean, a: number, bLo: string, bHi: string): string {
  const f = `r[${S.CR + bf}]`;
  if (!l) return `{ const x = ${lo(a)} >>> 0, y = (${bLo}) >>> 0; ${f} = (x < y ? 8 : x > y ? 4 : 2) | r[${S.SO}]; }`;
  return `{ const xh = ${hi(a)} >>> 0, yh = (${bHi}) >>> 0; let v; if (xh !== yh) v = xh < yh ? 8 : 4; else { const x = ${lo(a)} >>> 0, y = (${bLo}) >>> 0; v = x < y ? 8 : x > y ? 4 : 2; } ${f} = v | r[${S.SO}]; }`;
}

/** The BO/BI condition as JS code: CTR decrement statements and a boolean expression. */
function condition(w: number, g: GenCtx, decrement: boolean): { pre: string; test: string } | undefined {
  const bo = (w >>> 21) & 31, bi = (w >>> 16) & 31;
  const parts: string[] = [];
  let pre = "";
  if ((bo & 4) === 0) {
    if (!decrement) return undefined;
    pre = `{ const n = (r[${S.CTR}] - 1) | 0; if (n === -1) r[${S.CTR + 1}] = (r[${S.CTR + 1}] - 1) | 0; r[${S.CTR}] = n; }`;
    const zero = g.sf ? `(r[${S.CTR}] | r[${S.CTR + 1}]) === 0` : `r[${S.CTR}] === 0`;
    parts.push((bo & 2) !== 0 ? zero : `!(${zero})`);
  }
  if ((bo & 16) === 0) {
    const bit = `((r[${S.CR + (bi >>> 2)}] >>> ${3 - (bi & 3)}) & 1)`;
    parts.push((bo & 8) !== 0 ? `${bit} !== 0` : `${bit} === 0`);
  }
  return { pre, test: parts.length === 0 ? "true" : parts.join(" && ") };
}

function setLR(g: GenCtx): string {
  const next = (g.pc + 4) | 0;
  const nhi = g.sf ? (next === 0 ? (g.pcHi + 1) | 0 : g.pcHi) : 0;
  return `r[${S.LR}] = ${next}; r[${S.LR + 1}] = ${nhi};`;
}

/** Target of a relative displacement from pc. */
function rel(g: GenCtx, disp: number): [number, number] {
  const t = (g.pc + disp) | 0;
  if (!g.sf) return [t, 0];
  const carry = (t >>> 0) < (g.pc >>> 0) ? 1 : 0; // unsigned carry out of pc_lo + disp_lo
  return [t, (g.pcHi + (disp >> 31) + carry) | 0];
}

// ---- rotate/mask helpers (gen-time constants) ----

/** ISA MASK(mb, me) over 64 bits as [hi, lo] words (wrapping when mb > me). */
function mask64(mb: number, me: number): [number, number] {
  const ones = (from: number, to: number): [number, number] => {
    // bits from..to inclusive, ISA numbering (0 = most significant)
    let h = 0, l = 0;
    for (let b = from; b <= to; b++) {
      if (b < 32) h |= 1 << (31 - b);
      else l |= 1 << (63 - b);
    }
    return [h, l];
  };
  if (mb <= me) return ones(mb, me);
  const [h1, l1] = ones(0, me), [h2, l2] = ones(mb, 63);
  return [h1 | h2, l1 | l2];
}

/** Code computing ROTL64(RS, n) & MASK(mb, me) into RA (constant n, mb, me). */
function rotMask(w: number, n: number, mb: number, me: number): string {
  const s = RT(w), a = RA(w), k = n & 31;
  const [mh, ml] = mask64(mb, me);
  const x = (n & 32) !== 0 ? lo(s) : hi(s); // becomes the high word before the k-shift
  const y = (n & 32) !== 0 ? hi(s) : lo(s);
  const rh = k === 0 ? "xh" : `(xh << ${k}) | (yl >>> ${32 - k})`;
  const rl = k === 0 ? "yl" : `(yl << ${k}) | (xh >>> ${32 - k})`;
  const partH = mh === 0 ? "0" : mh === -1 ? `(${rh})` : `(${rh}) & ${mh}`;
  const partL = ml === 0 ? "0" : ml === -1 ? `(${rl})` : `(${rl}) & ${ml}`;
  return `{ const xh = ${x}, yl = ${y}; const h = ${partH}, l = ${partL}; ${lo(a)} = l; ${hi(a)} = h; }`;
}

const SH6 = (w: number): number => ((w >>> 11) & 31) | ((w & 2) << 4);
const MB6 = (w: number): number => ((w >>> 6) & 31) | (w & 0x20);

// ---- floating point: the round-to-nearest, double-precision fast path of fadd/fsub/fmul ----
// (fpu/fast.ts addF/mulF and fp-arith.ts fastDone, inlined); anything else runs the handler.

const fd = fprIndex;

/** FPSCR after a finite result z with error term err (FPRF := class of z; FI, XX, FX on inexact). */
function fpDone(z: string, err: string): string {
  const MIN = "2.2250738585072014e-308";
  return `const cls = ${z} > 0 ? (${z} < ${MIN} ? 0x14 : 0x04) : ${z} < 0 ? (${z} > -${MIN} ? 0x18 : 0x08) : (1 / ${z} < 0 ? 0x12 : 0x02); ` +
    `let n = (fs & ~0x3f000) | (cls << 12); if (${err} !== 0) { n |= 0x82020000; if ((n & 8) !== 0) n |= 0x40000000; } r[${S.FPSCR}] = n;`;
}

function faddGen(w: number, g: GenCtx, sub: boolean): string {
  const a = fd(RA(w)), b = fd(RB(w)), t = fd(RT(w));
  return `{ const fs = r[${S.FPSCR}]; const a = f[${a}], b = ${sub ? "-" : ""}f[${b}]; const z = a + b; ` +
    `if ((fs & 3) === 0 && z - z === 0) { const err = (a < 0 ? -a : a) >= (b < 0 ? -b : b) ? b - (z - a) : a - (z - b); f[${t}] = z; ${fpDone("z", "err")} } ` +
    `else { ${g.handler()} } }`;
}

function fmulGen(w: number, g: GenCtx): string {
  const a = fd(RA(w)), b = fd(RC(w)), t = fd(RT(w));
  // Normal operands below 2^1020ish and a product in [2^-968, 2^1023): the Dekker error is exact.
  return `{ const fs = r[${S.FPSCR}]; const a = f[${a}], b = f[${b}]; const p = a * b; ` +
    `const ap = p < 0 ? -p : p, aa = a < 0 ? -a : a, ab = b < 0 ? -b : b; ` +
    `if ((fs & 3) === 0 && ap >= 4.008336720017946e-292 && ap < 8.98846567431158e307 && aa < 6.696928794914171e299 && ab < 6.696928794914171e299 && aa >= 2.2250738585072014e-308 && ab >= 2.2250738585072014e-308) { ` +
    `let q = 134217729 * a; const ah = q - (q - a), al = a - ah; q = 134217729 * b; const bh = q - (q - b), bl = b - bh; ` +
    `const err = ah * bh - p + ah * bl + al * bh + al * bl; f[${t}] = p; ${fpDone("p", "err")} } ` +
    `else { ${g.handler()} } }`;
}

const RC = (w: number): number => (w >>> 6) & 31;

const noRc = (f: Gen): Gen => (w, g) => ((w & 1) !== 0 ? undefined : f(w, g));
const noRcOe = (f: Gen): Gen => (w, g) => ((w & 0x401) !== 0 ? undefined : f(w, g));

export const JIT: ReadonlyMap<string, Gen> = new Map<string, Gen>([
  // ---- fixed-point arithmetic ----
  ["addi", (w) => {
    const t = RT(w), a = RA(w), si = SI(w);
    if (a === 0) return `${lo(t)} = ${si}; ${hi(t)} = ${si >> 31};`;
    return add64(t, lo(a), hi(a), String(si), String(si >> 31));
  }],
  ["addis", (w) => {
    const t = RT(w), a = RA(w), si = w << 16;
    if (a === 0) return `${lo(t)} = ${si}; ${hi(t)} = ${si >> 31};`;
    return add64(t, lo(a), hi(a), String(si), String(si >> 31));
  }],
  ["add", noRcOe((w) => add64(RT(w), lo(RA(w)), hi(RA(w)), lo(RB(w)), hi(RB(w))))],
  ["subf", noRcOe((w) => {
    // RB - RA = RB + ~RA + 1
    const t = RT(w), a = RA(w), b = RB(w);
    return `{ const x = ~${lo(a)}, y = ${lo(b)}; const s = (x >>> 0) + (y >>> 0) + 1; ${hi(t)} = (~${hi(a)} + ${hi(b)} + (s > 4294967295 ? 1 : 0)) | 0; ${lo(t)} = s | 0; }`;
  })],
  ["neg", noRcOe((w) => {
    const t = RT(w), a = RA(w);
    return `{ const l = ${lo(a)}, h = ${hi(a)}; ${lo(t)} = (-l) | 0; ${hi(t)} = (~h + (l === 0 ? 1 : 0)) | 0; }`;
  })],
  ["mulld", noRcOe((w) => {
    const t = RT(w), a = RA(w), b = RB(w);
    return `{ const al = ${lo(a)}, ah = ${hi(a)}, bl = ${lo(b)}, bh = ${hi(b)}; const l = Math.imul(al, bl); ` +
      `${hi(t)} = (Math.round(((al >>> 0) * (bl >>> 0) - (l >>> 0)) / 4294967296) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0; ${lo(t)} = l; }`;
  })],
  ["mullw", noRcOe((w) => {
    const t = RT(w), a = RA(w), b = RB(w);
    return `{ const al = ${lo(a)}, bl = ${lo(b)}; const l = Math.imul(al, bl); ${hi(t)} = Math.round((al * bl - (l >>> 0)) / 4294967296) | 0; ${lo(t)} = l; }`;
  })],
  // ---- rotates and shifts ----
  ["rldicl", noRc((w) => rotMask(w, SH6(w), MB6(w), 63))],
  ["rldicr", noRc((w) => rotMask(w, SH6(w), 0, MB6(w)))],
  ["rldic", noRc((w) => rotMask(w, SH6(w), MB6(w), 63 - SH6(w)))],
  ["rlwinm", noRc((w) => {
    const s = RT(w), a = RA(w), sh = RB(w), mb = ((w >>> 6) & 31) + 32, me = ((w >>> 1) & 31) + 32;
    const [mh, ml] = mask64(mb, me);
    const rot = sh === 0 ? "x" : `((x << ${sh}) | (x >>> ${32 - sh}))`;
    return `{ const x = ${lo(s)}; const v = ${rot}; ${lo(a)} = v & ${ml}; ${hi(a)} = ${mh === 0 ? "0" : `v & ${mh}`}; }`;
  })],
  ["sld", noRc((w) => {
    const s = RT(w), a = RA(w), b = RB(w);
    return `{ const n = ${lo(b)} & 127, x = ${lo(s)}, y = ${hi(s)}; let l, h; if (n >= 64) { l = 0; h = 0; } else if (n >= 32) { l = 0; h = x << n; } ` +
      `else { l = x << n; h = (y << n) | ((x >>> 1) >>> (31 - n)); } ${lo(a)} = l; ${hi(a)} = h; }`;
  })],
  ["srd", noRc((w) => {
    const s = RT(w), a = RA(w), b = RB(w);
    return `{ const n = ${lo(b)} & 127, x = ${lo(s)}, y = ${hi(s)}; let l, h; if (n >= 64) { l = 0; h = 0; } else if (n >= 32) { l = (y >>> n) | 0; h = 0; } ` +
      `else { l = (x >>> n) | ((y << 1) << (31 - n)); h = (y >>> n) | 0; } ${lo(a)} = l; ${hi(a)} = h; }`;
  })],
  ["slw", noRc((w) => `{ const n = ${lo(RB(w))} & 63; ${lo(RA(w))} = n > 31 ? 0 : ${lo(RT(w))} << n; ${hi(RA(w))} = 0; }`)],
  ["srw", noRc((w) => `{ const n = ${lo(RB(w))} & 63; ${lo(RA(w))} = n > 31 ? 0 : (${lo(RT(w))} >>> n) | 0; ${hi(RA(w))} = 0; }`)],
  ["extsb", noRc((w) => `{ const v = (${lo(RT(w))} << 24) >> 24; ${lo(RA(w))} = v; ${hi(RA(w))} = v >> 31; }`)],
  ["extsh", noRc((w) => `{ const v = (${lo(RT(w))} << 16) >> 16; ${lo(RA(w))} = v; ${hi(RA(w))} = v >> 31; }`)],
  ["andc", noRc((w) => `{ const l = ${lo(RT(w))} & ~${lo(RB(w))}, h = ${hi(RT(w))} & ~${hi(RB(w))}; ${lo(RA(w))} = l; ${hi(RA(w))} = h; }`)],
  ["nor", noRc((w) => `{ const l = ~(${lo(RT(w))} | ${lo(RB(w))}), h = ~(${hi(RT(w))} | ${hi(RB(w))}); ${lo(RA(w))} = l; ${hi(RA(w))} = h; }`)],
  ["andi.", (w) => `{ const l = ${lo(RT(w))} & ${w & 0xffff}; ${lo(RA(w))} = l; ${hi(RA(w))} = 0; c.setCR0(l, 0); }`],
  // ---- logical ----
  ["or", noRc((w) => {
    const s = RT(w), a = RA(w), b = RB(w);
    if (s === b) return s === a ? undefined : `${lo(a)} = ${lo(s)}; ${hi(a)} = ${hi(s)};`; // mr; or N,N,N hints: handler
    return `{ const l = ${lo(s)} | ${lo(b)}, h = ${hi(s)} | ${hi(b)}; ${lo(a)} = l; ${hi(a)} = h; }`;
  })],
  ["and", noRc((w) => `{ const l = ${lo(RT(w))} & ${lo(RB(w))}, h = ${hi(RT(w))} & ${hi(RB(w))}; ${lo(RA(w))} = l; ${hi(RA(w))} = h; }`)],
  ["xor", noRc((w) => `{ const l = ${lo(RT(w))} ^ ${lo(RB(w))}, h = ${hi(RT(w))} ^ ${hi(RB(w))}; ${lo(RA(w))} = l; ${hi(RA(w))} = h; }`)],
  ["ori", (w) => `${lo(RA(w))} = ${lo(RT(w))} | ${w & 0xffff}; ${hi(RA(w))} = ${hi(RT(w))};`],
  ["oris", (w) => `${lo(RA(w))} = ${lo(RT(w))} | ${(w & 0xffff) << 16}; ${hi(RA(w))} = ${hi(RT(w))};`],
  ["xori", (w) => `${lo(RA(w))} = ${lo(RT(w))} ^ ${w & 0xffff}; ${hi(RA(w))} = ${hi(RT(w))};`],
  ["extsw", noRc((w) => `{ const l = ${lo(RT(w))}; ${lo(RA(w))} = l; ${hi(RA(w))} = l >> 31; }`)],
  // ---- compares ----
  ["cmpi", (w) => { const si = SI(w); return cmpSigned((w >>> 23) & 7, (w & 0x200000) !== 0, RA(w), String(si), String(si >> 31)); }],
  ["cmp", (w) => cmpSigned((w >>> 23) & 7, (w & 0x200000) !== 0, RA(w), lo(RB(w)), hi(RB(w)))],
  ["cmpli", (w) => cmpUnsigned((w >>> 23) & 7, (w & 0x200000) !== 0, RA(w), String(w & 0xffff), "0")],
  ["cmpl", (w) => cmpUnsigned((w >>> 23) & 7, (w & 0x200000) !== 0, RA(w), lo(RB(w)), hi(RB(w)))],
  // ---- loads and stores ----
  ["lbz", (w, g) => load(w, g, 1, eaDisp(w, d(w), g))],
  ["lhz", (w, g) => load(w, g, 2, eaDisp(w, d(w), g))],
  ["lha", (w, g) => load(w, g, 2, eaDisp(w, d(w), g), true)],
  ["lwz", (w, g) => load(w, g, 4, eaDisp(w, d(w), g))],
  ["lwa", (w, g) => load(w, g, 4, eaDisp(w, ds(w), g), true)],
  ["ld", (w, g) => load(w, g, 8, eaDisp(w, ds(w), g))],
  ["lbzx", (w, g) => load(w, g, 1, eaIndex(w, g))],
  ["lwzx", (w, g) => load(w, g, 4, eaIndex(w, g))],
  ["ldx", (w, g) => load(w, g, 8, eaIndex(w, g))],
  ["ldu", (w, g) => withUpdate(load(w, g, 8, eaDisp(w, ds(w), g)), w)],
  ["lwzu", (w, g) => withUpdate(load(w, g, 4, eaDisp(w, d(w), g)), w)],
  ["lbzu", (w, g) => withUpdate(load(w, g, 1, eaDisp(w, d(w), g)), w)],
  ["stb", (w, g) => store(w, g, 1, eaDisp(w, d(w), g))],
  ["sth", (w, g) => store(w, g, 2, eaDisp(w, d(w), g))],
  ["stw", (w, g) => store(w, g, 4, eaDisp(w, d(w), g))],
  ["std", (w, g) => store(w, g, 8, eaDisp(w, ds(w), g))],
  ["stbx", (w, g) => store(w, g, 1, eaIndex(w, g))],
  ["stwx", (w, g) => store(w, g, 4, eaIndex(w, g))],
  ["stdx", (w, g) => store(w, g, 8, eaIndex(w, g))],
  ["stdu", (w, g) => withUpdate(store(w, g, 8, eaDisp(w, ds(w), g)), w)],
  ["stwu", (w, g) => withUpdate(store(w, g, 4, eaDisp(w, d(w), g)), w)],
  ["stbu", (w, g) => withUpdate(store(w, g, 1, eaDisp(w, d(w), g)), w)],
  ["lhbrx", (w, g) => loadRev(w, g, 2)],
  ["lwbrx", (w, g) => loadRev(w, g, 4)],
  ["ldbrx", (w, g) => loadRev(w, g, 8)],
  ["sthbrx", (w, g) => storeRev(w, g, 2)],
  ["stwbrx", (w, g) => storeRev(w, g, 4)],
  ["stdbrx", (w, g) => storeRev(w, g, 8)],
  ["nop", () => ""],
  ["fadd", noRc((w, g) => faddGen(w, g, false))],
  ["fsub", noRc((w, g) => faddGen(w, g, true))],
  ["fmul", noRc((w, g) => fmulGen(w, g))],
  ["lfd", (w, g) => load(w, g, 8, eaDisp(w, d(w), g), false, fpr(RT(w)))],
  ["lfdx", (w, g) => load(w, g, 8, eaIndex(w, g), false, fpr(RT(w)))],
  ["stfd", (w, g) => store(w, g, 8, eaDisp(w, d(w), g), fpr(RT(w)))],
  ["stfdx", (w, g) => store(w, g, 8, eaIndex(w, g), fpr(RT(w)))],
  ["fmr", noRc((w) => `r[${fpr(RT(w))}] = r[${fpr(RB(w))}]; r[${fpr(RT(w)) + 1}] = r[${fpr(RB(w)) + 1}];`)],
  // ---- special-purpose registers ----
  ["mflr", (w) => `${lo(RT(w))} = r[${S.LR}]; ${hi(RT(w))} = r[${S.LR + 1}];`],
  ["mfctr", (w) => `${lo(RT(w))} = r[${S.CTR}]; ${hi(RT(w))} = r[${S.CTR + 1}];`],
  ["mtlr", (w, g) => `r[${S.LR}] = ${lo(RT(w))}; r[${S.LR + 1}] = ${g.sf ? hi(RT(w)) : "0"};`],
  ["mtctr", (w, g) => `r[${S.CTR}] = ${lo(RT(w))}; r[${S.CTR + 1}] = ${g.sf ? hi(RT(w)) : "0"};`],
  // ---- branches ----
  ["b", (w, g) => {
    const li = ((w << 6) >> 6) & ~3;
    const [tl, th] = (w & 2) !== 0 ? [li, g.sf ? li >> 31 : 0] : rel(g, li);
    return ((w & 1) !== 0 ? setLR(g) : "") + g.jump(tl, th);
  }],
  ["bc", (w, g) => {
    const cond = condition(w, g, true);
    if (cond === undefined) return undefined;
    const bd = ((w << 16) >> 16) & ~3;
    const [tl, th] = (w & 2) !== 0 ? [bd, g.sf ? bd >> 31 : 0] : rel(g, bd);
    const link = (w & 1) !== 0 ? setLR(g) : "";
    return `${cond.pre} ${link} if (${cond.test}) { ${g.jump(tl, th)} }`;
  }],
  ["bclr", (w, g) => {
    const cond = condition(w, g, true);
    if (cond === undefined) return undefined;
    const link = (w & 1) !== 0 ? setLR(g) : "";
    const th = g.sf ? `r[${S.LR + 1}]` : "0";
    return `${cond.pre} if (${cond.test}) { const t = r[${S.LR}] & ~3, th = ${th}; ${link} r[${S.PC}] = t; r[${S.PC + 1}] = th; ${g.leave} } ${link}`;
  }],
  ["bcctr", (w, g) => {
    const bo = (w >>> 21) & 31;
    if ((bo & 4) === 0) return undefined; // the odd CTR-decrementing form: handler
    const cond = condition(w, g, false);
    if (cond === undefined) return undefined;
    const link = (w & 1) !== 0 ? setLR(g) : "";
    const th = g.sf ? `r[${S.CTR + 1}]` : "0";
    return `${link} if (${cond.test}) { r[${S.PC}] = r[${S.CTR}] & ~3; r[${S.PC + 1}] = ${th}; ${g.leave} }`;
  }],
]);
