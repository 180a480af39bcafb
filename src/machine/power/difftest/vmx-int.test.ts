// VMX integer instructions against qemu-user: modulo, saturating (VSCR.SAT), carry and
// quadword adds/subtracts, averages, max/min, and the integer compares with their record forms
// (CR6 all-true/all-false). 64-bit big- and little-endian (qemu -cpu power8, everything here is
// ISA 2.07), and on ppc32 (qemu -cpu 7400) the original AltiVec subset.
//
// Operands are built element by element (edge values of the element width, equal and adjacent
// elements of the two operands, splats so that a compare can come out all-true or all-false).
// Each harness case costs far more than an instruction, so a snippet runs many instructions on
// the same operands (VRA = v1, VRB = v2, VRC = v3), each into its own target register; the
// record compares save CR after each (mfcr), the saturating ones save VSCR after each (mfvscr)
// and restore the input VSCR (mtvscr from v3, which holds it in word 3).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "vmx-int";
const SEED = seedFromEnv();
const N = randomCount(80);

type Width = 8 | 16 | 32 | 64 | 128;

interface Form {
  m: string;
  /** Element width of the operands. */
  w: Width;
  /** Exists on the 7400 (original AltiVec). */
  altivec: boolean;
  kind: "plain" | "sat" | "cmp" | "va";
}

const f = (m: string, w: Width, altivec: boolean, kind: Form["kind"] = "plain"): Form => ({ m, w, altivec, kind });

const FORMS: readonly Form[] = [
  f("vaddubm", 8, true), f("vadduhm", 16, true), f("vadduwm", 32, true), f("vaddudm", 64, false),
  f("vsububm", 8, true), f("vsubuhm", 16, true), f("vsubuwm", 32, true), f("vsubudm", 64, false),
  f("vadduqm", 128, false), f("vsubuqm", 128, false), f("vaddcuq", 128, false), f("vsubcuq", 128, false),
  f("vaddcuw", 32, true), f("vsubcuw", 32, true),
  f("vaddeuqm", 128, false, "va"), f("vaddecuq", 128, false, "va"), f("vsubeuqm", 128, false, "va"), f("vsubecuq", 128, false, "va"),
  f("vmaxub", 8, true), f("vmaxuh", 16, true), f("vmaxuw", 32, true), f("vmaxud", 64, false),
  f("vmaxsb", 8, true), f("vmaxsh", 16, true), f("vmaxsw", 32, true), f("vmaxsd", 64, false),
  f("vminub", 8, true), f("vminuh", 16, true), f("vminuw", 32, true), f("vminud", 64, false),
  f("vminsb", 8, true), f("vminsh", 16, true), f("vminsw", 32, true), f("vminsd", 64, false),
  f("vavgub", 8, true), f("vavguh", 16, true), f("vavguw", 32, true),
  f("vavgsb", 8, true), f("vavgsh", 16, true), f("vavgsw", 32, true),
  f("vaddubs", 8, true, "sat"), f("vadduhs", 16, true, "sat"), f("vadduws", 32, true, "sat"),
  f("vaddsbs", 8, true, "sat"), f("vaddshs", 16, true, "sat"), f("vaddsws", 32, true, "sat"),
  f("vsububs", 8, true, "sat"), f("vsubuhs", 16, true, "sat"), f("vsubuws", 32, true, "sat"),
  f("vsubsbs", 8, true, "sat"), f("vsubshs", 16, true, "sat"), f("vsubsws", 32, true, "sat"),
  f("vcmpequb", 8, true, "cmp"), f("vcmpequh", 16, true, "cmp"), f("vcmpequw", 32, true, "cmp"), f("vcmpequd", 64, false, "cmp"),
  f("vcmpgtub", 8, true, "cmp"), f("vcmpgtuh", 16, true, "cmp"), f("vcmpgtuw", 32, true, "cmp"), f("vcmpgtud", 64, false, "cmp"),
  f("vcmpgtsb", 8, true, "cmp"), f("vcmpgtsh", 16, true, "cmp"), f("vcmpgtsw", 32, true, "cmp"), f("vcmpgtsd", 64, false, "cmp"),
];

// ---- vectors as 128-bit values (element 0 the most significant) ----

const M128 = (1n << 128n) - 1n;

function edges(w: Width): bigint[] {
  const W = BigInt(w), max = (1n << W) - 1n, half = 1n << (W - 1n);
  return [0n, 1n, 2n, max, max - 1n, half, half - 1n, half + 1n];
}

function randElem(rng: Rng, w: Width): bigint {
  let v = 0n;
  for (let i = 0; i < w; i += 32) v = (v << 32n) | BigInt(rng.u32());
  return v & ((1n << BigInt(w)) - 1n);
}

function elem(rng: Rng, w: Width): bigint {
  return rng.below(2) === 0 ? rng.pick(edges(w)) : randElem(rng, w);
}

function fromElems(xs: readonly bigint[], w: Width): bigint {
  let v = 0n;
  for (const x of xs) v = (v << BigInt(w)) | x;
  return v;
}

const dws = (v: bigint): [bigint, bigint] => [(v >> 64n) & 0xffffffffffffffffn, v & 0xffffffffffffffffn];

/** An operand pair for element width w. */
function pair(rng: Rng, w: Width): [bigint, bigint] {
  const n = 128 / w, m = (1n << BigInt(w)) - 1n;
  const mode = rng.below(8);
  if (mode === 0) {
    // splats: compares come out all-true or all-false
    const x = elem(rng, w), y = rng.below(3) === 0 ? x : elem(rng, w);
    return [fromElems(Array(n).fill(x), w), fromElems(Array(n).fill(y), w)];
  }
  if (mode === 1) {
    const a = randElem(rng, 128);
    return [a, rng.below(2) === 0 ? a : ~a & M128];
  }
  const xs: bigint[] = [], ys: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const x = elem(rng, w);
    let y: bigint;
    switch (rng.below(6)) {
      case 0: y = x; break;
      case 1: y = (x + 1n) & m; break;
      case 2: y = (x - 1n) & m; break;
      case 3: y = (-x) & m; break;
      default: y = elem(rng, w);
    }
    if (rng.below(2) === 0) xs.push(x), ys.push(y);
    else xs.push(y), ys.push(x);
  }
  return [fromElems(xs, w), fromElems(ys, w)];
}

/** Hand-picked quadword operands (carries through every word boundary). */
const Q_EDGES: readonly [bigint, bigint][] = [
  [M128, 1n], [M128, M128], [0n, 0n], [0n, 1n], [1n, 0n], [M128, 0n], [0n, M128],
  [0xffffffffffffffffn, 1n], [0xffffffffn, 1n], [(1n << 96n) - 1n, 1n], [1n << 127n, 1n << 127n],
  [(1n << 127n) - 1n, 1n], [0x0123456789abcdef0011223344556677n, 0x0123456789abcdef0011223344556677n],
];

const VSCRS: readonly number[] = [0, 0, 1, 0x10000, 0x10001];

// ---- variants ----

const VA = 1, VB = 2, VC = 3;

/** Operands for one case: a pair of some element width, its VRC and input VSCR. */
function opCase(rng: Rng, ab: [bigint, bigint], satReset: boolean): Case {
  const vscr = rng.pick(VSCRS);
  // VRC: only bit 127 is the carry-in; the other bits are noise. For the saturating snippets
  // VRC instead holds the input VSCR in word 3 (restored with mtvscr between instructions).
  const noise = rng.below(2) === 0 ? 0n : randElem(rng, 128);
  const c = satReset ? (noise & ~0xffffffffn) | BigInt(vscr) : (noise & ~1n) | BigInt(rng.below(2));
  return { vsr: { [32 + VA]: dws(ab[0]), [32 + VB]: dws(ab[1]), [32 + VC]: dws(c) }, vscr };
}

/** Every pair of element edges of width w, packed into vectors. */
function edgePairs(w: Width): [bigint, bigint][] {
  if (w === 128) return [...Q_EDGES, ...Q_EDGES.map(([a, b]): [bigint, bigint] => [b, a])];
  const E = edges(w), n = 128 / w;
  const xs: bigint[] = [], ys: bigint[] = [];
  for (const x of E) for (const y of E) xs.push(x), ys.push(y);
  const out: [bigint, bigint][] = [];
  for (let i = 0; i < xs.length; i += n) {
    out.push([fromElems(pad(xs.slice(i, i + n), n), w), fromElems(pad(ys.slice(i, i + n), n), w)]);
  }
  return out;
}

function pad(xs: bigint[], n: number): bigint[] {
  while (xs.length < n) xs.push(0n);
  return xs;
}

const WIDTHS: readonly Width[] = [8, 16, 32, 64, 128];

/** The edge pairs of the widths used by `forms`, then `n` random pairs of random widths. */
function groupCases(rng: Rng, forms: readonly Form[], n: number, satReset: boolean): Case[] {
  const out: Case[] = [];
  const ws = new Set(forms.map((fm) => fm.w));
  for (const w of WIDTHS) if (ws.has(w)) for (const ab of edgePairs(w)) out.push(opCase(rng, ab, satReset));
  for (let i = 0; i < n; i++) out.push(opCase(rng, pair(rng, rng.pick([...ws])), satReset));
  return out;
}

const ops = (fm: Form, t: number): string => (fm.kind === "va" ? `${t}, ${VA}, ${VB}, ${VC}` : `${t}, ${VA}, ${VB}`);

/** Plain forms (and non-record compares): each into its own register from v4 up. */
function plainSnippet(forms: readonly Form[]): string {
  return forms.map((fm, i) => `${fm.m} ${ops(fm, 4 + i)}`).join("\n");
}

/** Record compares: CR after each into r10, r11, ... */
function recordSnippet(forms: readonly Form[]): string {
  return forms.map((fm, i) => `${fm.m}. ${ops(fm, 4 + i)}\nmfcr ${10 + i}`).join("\n");
}

/** Saturating forms: VSCR after each into v(4 + n + i), then the input VSCR back. */
function satSnippet(forms: readonly Form[]): string {
  const n = forms.length;
  return forms.map((fm, i) => `${fm.m} ${ops(fm, 4 + i)}\nmfvscr ${4 + n + i}\nmtvscr ${VC}`).join("\n");
}

/**
 * Aliased operands, one instruction per register group with the case's operands copied in:
 * VRT = VRA, VRT = VRB, VRT = VRA = VRB (and VRT = VRC for the VA-forms).
 */
function aliasVariants(rng: Rng, forms: readonly Form[], n: number): Variant[] {
  const out: Variant[] = [];
  type Pat = (fm: Form, x: number, y: number, z: number) => string;
  const pats: Pat[] = [
    (fm, x, y, z) => `${fm.m} ${x}, ${x}, ${y}` + (fm.kind === "va" ? `, ${z}` : ""),
    (fm, x, y, z) => `${fm.m} ${y}, ${x}, ${y}` + (fm.kind === "va" ? `, ${z}` : ""),
    (fm, x, _y, z) => `${fm.m} ${x}, ${x}, ${x}` + (fm.kind === "va" ? `, ${z}` : ""),
    (fm, x, y, z) => `${fm.m} ${z}, ${x}, ${y}` + (fm.kind === "va" ? `, ${z}` : ""),
  ];
  for (const pat of pats) {
    // registers from v4: three per instruction (VRA, VRB, VRC copies)
    for (let start = 0; start < forms.length; start += 9) {
      const chunk = forms.slice(start, start + 9);
      const lines = chunk.map((fm, i) => pat(fm, 4 + 3 * i, 5 + 3 * i, 6 + 3 * i));
      const cases: Case[] = [];
      for (let k = 0; k < n; k++) {
        const base = opCase(rng, pair(rng, rng.pick(WIDTHS)), false);
        const v = base.vsr ?? {};
        const vsr: Record<number, [bigint, bigint]> = {};
        chunk.forEach((_, i) => {
          vsr[36 + 3 * i] = v[32 + VA];
          vsr[37 + 3 * i] = v[32 + VB];
          vsr[38 + 3 * i] = v[32 + VC];
        });
        cases.push({ vsr, vscr: base.vscr });
      }
      out.push({ asm: lines.join("\n"), cases });
    }
  }
  return out;
}

function variants(t: Target): Variant[] {
  const rng = new Rng(SEED ^ 0x7e57);
  const forms = FORMS.filter((fm) => t !== "ppc32" || fm.altivec);
  const arith = forms.filter((fm) => fm.kind === "plain" && !/^v(max|min)/.test(fm.m));
  const arith2 = forms.filter((fm) => fm.kind === "va");
  const minmax = forms.filter((fm) => /^v(max|min)/.test(fm.m));
  const cmp = forms.filter((fm) => fm.kind === "cmp");
  const sat = forms.filter((fm) => fm.kind === "sat");
  const out: Variant[] = [];
  const g1 = [...arith, ...arith2];
  out.push({ asm: plainSnippet(g1), cases: groupCases(rng, g1, N, false) });
  const g2 = [...minmax, ...cmp];
  out.push({ asm: plainSnippet(g2), cases: groupCases(rng, g2, N, false) });
  out.push({ asm: recordSnippet(cmp), cases: groupCases(rng, cmp, N, false) });
  out.push({ asm: satSnippet(sat), cases: groupCases(rng, sat, N, true) });
  // Aliasing matters for the handlers that read several words per result word.
  const wide = forms.filter((fm) => fm.w >= 64 || fm.m === "vaddubm" || fm.m === "vcmpequb" || fm.m === "vaddsws");
  out.push(...aliasVariants(rng, wide, 3));
  // Field extraction with high register numbers.
  out.push({ asm: "vaddubm 31, 30, 29", cases: [{ vscr: 0 }, { vscr: 1 }] });
  if (t !== "ppc32") out.push({ asm: "vaddeuqm 31, 30, 29, 28\nvcmpgtsd. 27, 26, 25", cases: [{}, {}, {}] });
  return out;
}

function check(t: Target): void {
  const r = runDiff(t, variants(t), { suite: SUITE, seed: SEED, vector: true });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

for (const t of ["ppc64le", "ppc64", "ppc32"] as const) {
  test(`vmx integer (${t})`, () => check(t));
}
