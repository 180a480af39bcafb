// VMX logical, select, permute, shift/rotate, lvsl/lvsr and element loads/stores against
// qemu-user: ppc64 and ppc64le (-cpu power8, everything) and ppc32 (-cpu 7400: only the
// original Altivec forms; vorc/vnand/veqv and the doubleword shifts/rotates are ISA 2.07).
//
// Register operands: VRT = v3, VRA = v4, VRB = v5, VRC = v6 (VSR 35..38), plus aliasing forms
// (VRT = VRA, VRT = VRB, VRT = VRC). Element loads are observed through the vector dump and,
// for a cross-check that does not go through the harness's vector loads/stores, through stvx
// into the memory window; element stores through the memory window.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, scratchAddr, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = { suite: "vmx-logic", vector: true };
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

const EDGE_DW: readonly bigint[] = [
  0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 1n, 0x0123456789abcdefn,
  0xfedcba9876543210n, 0x8080808080808080n, 0x7f7f7f7f7f7f7f7fn, 0x8000800080008000n,
  0x7fff7fff7fff7fffn, 0x8000000080000000n, 0x0001020304050607n, 0x18191a1b1c1d1e1fn,
];

type V128 = [bigint, bigint];

function vec(rng: Rng): V128 {
  const k = rng.below(5);
  if (k === 0) return [rng.pick(EDGE_DW), rng.pick(EDGE_DW)];
  if (k === 1) return [rng.u64(), rng.pick(EDGE_DW)];
  return [rng.bits64(), rng.bits64()];
}

/** Shift-count vectors: random bytes, a splatted count (what vsl/vsr/vslo/vsro want), small counts. */
function counts(rng: Rng): V128 {
  const k = rng.below(4);
  if (k === 0) {
    const b = BigInt(rng.below(256));
    const d = b * 0x0101010101010101n;
    return [d, d];
  }
  if (k === 1) return [BigInt(rng.below(128)), BigInt(rng.below(128))];
  return [rng.bits64(), rng.bits64()];
}

/** `n` cases for v4 (A), v5 (B), v6 (C); the first ones use edge vectors everywhere. */
function vCases(rng: Rng, n: number, bIsCount: boolean): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const a = i < 4 ? [rng.pick(EDGE_DW), rng.pick(EDGE_DW)] as V128 : vec(rng);
    out.push({ vsr: { 35: vec(rng), 36: a, 37: bIsCount ? counts(rng) : vec(rng), 38: vec(rng) } });
  }
  return out;
}

/** Cases where byte 15 of v5 takes values all over 0..255 (vsl/vsr/vslo/vsro use it alone). */
function byte15Cases(rng: Rng): Case[] {
  const out: Case[] = [];
  for (let b = rng.below(4); b < 256; b += 1 + rng.below(12)) {
    out.push({ vsr: { 36: vec(rng), 37: [rng.bits64(), (rng.bits64() & ~0xffn) | BigInt(b)] } });
  }
  return out;
}

const ALTIVEC_BIN = ["vand", "vandc", "vor", "vxor", "vnor"];
const ISA207_BIN = ["vorc", "vnand", "veqv"];
const ALTIVEC_SHIFT = ["vslb", "vslh", "vslw", "vsrb", "vsrh", "vsrw", "vsrab", "vsrah", "vsraw", "vrlb", "vrlh", "vrlw"];
const ISA207_SHIFT = ["vsld", "vsrd", "vsrad", "vrld"];
const WHOLE_SHIFT = ["vsl", "vsr", "vslo", "vsro"];

function registerVariants(t: Target, rng: Rng): Variant[] {
  const is64 = t !== "ppc32";
  const n = randomCount(8);
  const v: Variant[] = [];
  const bin = is64 ? [...ALTIVEC_BIN, ...ISA207_BIN] : ALTIVEC_BIN;
  for (const m of bin) {
    v.push({ asm: `${m} 3, 4, 5`, cases: vCases(rng, n, false) });
    v.push({ asm: `${m} 4, 4, 5`, cases: vCases(rng, 2, false) });
    v.push({ asm: `${m} 5, 4, 5`, cases: vCases(rng, 2, false) });
    v.push({ asm: `${m} 3, 4, 4`, cases: vCases(rng, 2, false) });
  }
  v.push({ asm: "vmr 3, 4", cases: vCases(rng, 2, false) });
  v.push({ asm: "vnot 3, 4", cases: vCases(rng, 2, false) });
  for (const m of ["vsel", "vperm"]) {
    v.push({ asm: `${m} 3, 4, 5, 6`, cases: vCases(rng, 2 * n, false) });
    v.push({ asm: `${m} 6, 4, 5, 6`, cases: vCases(rng, 4, false) });
    v.push({ asm: `${m} 4, 4, 5, 6`, cases: vCases(rng, 2, false) });
    v.push({ asm: `${m} 5, 4, 5, 6`, cases: vCases(rng, 2, false) });
    v.push({ asm: `${m} 3, 4, 4, 4`, cases: vCases(rng, 2, false) });
  }
  for (let sh = 0; sh < 16; sh++) v.push({ asm: `vsldoi 3, 4, 5, ${sh}`, cases: vCases(rng, 2, false) });
  v.push({ asm: "vsldoi 5, 4, 5, 7", cases: vCases(rng, 2, false) });
  v.push({ asm: "vsldoi 4, 4, 5, 9", cases: vCases(rng, 2, false) });
  v.push({ asm: "vsldoi 3, 4, 4, 3", cases: vCases(rng, 2, false) });
  // vsldoi 3, 4, 5, 5 with the reserved bit 21 set: qemu ignores it (xo 45, Rc set, is vpermxor).
  v.push({ asm: ".long 0x10642d6c", cases: vCases(rng, 2, false) });
  for (const m of WHOLE_SHIFT) {
    v.push({ asm: `${m} 3, 4, 5`, cases: [...byte15Cases(rng), ...vCases(rng, n, true)] });
    v.push({ asm: `${m} 4, 4, 5`, cases: vCases(rng, 3, true) });
    v.push({ asm: `${m} 5, 4, 5`, cases: vCases(rng, 3, true) });
  }
  const sh = is64 ? [...ALTIVEC_SHIFT, ...ISA207_SHIFT] : ALTIVEC_SHIFT;
  for (const m of sh) {
    v.push({ asm: `${m} 3, 4, 5`, cases: vCases(rng, n, true) });
    v.push({ asm: `${m} 4, 4, 5`, cases: vCases(rng, 2, true) });
    v.push({ asm: `${m} 5, 4, 5`, cases: vCases(rng, 2, true) });
    v.push({ asm: `${m} 3, 4, 4`, cases: vCases(rng, 2, true) });
  }
  return v;
}

// ---- lvsl / lvsr and element loads/stores ----

const SCR = (t: Target): bigint => scratchAddr(t);

/** An index register value: small (either sign) or random 64-bit (or 32-bit on ppc32). */
function index(rng: Rng, is64: boolean): bigint {
  const x = rng.below(3) === 0 ? BigInt(rng.below(129) - 64) : rng.u64();
  return is64 ? u64(x) : BigInt.asUintN(32, x);
}

/** Cases for an X form `op 3, 4, 5` (RA = r4, RB = r5) addressing window offset `off`. */
function xCase(t: Target, rng: Rng, off: number, vs: Record<number, V128> = {}): Case {
  const is64 = t !== "ppc32";
  const x = index(rng, is64);
  const base = SCR(t) + BigInt(off) - x;
  return { gpr: { 4: is64 ? u64(base) : BigInt.asUintN(32, base), 5: x }, vsr: vs };
}

function memVariants(t: Target, rng: Rng): Variant[] {
  const n = randomCount(8);
  const v: Variant[] = [];
  // lvsl/lvsr: EA = any value (only its low 4 bits matter); RA = 0 form too.
  const lvsCases: Case[] = [];
  for (let i = 0; i < 16; i++) lvsCases.push({ gpr: { 4: rng.u64(), 5: u64(BigInt(i) - 0x1234n * BigInt(rng.below(3))) } });
  for (let i = 0; i < n; i++) lvsCases.push({ gpr: { 4: rng.u64(), 5: rng.u64() } });
  const lvs0: Case[] = [];
  for (let i = 0; i < 16; i++) lvs0.push({ gpr: { 5: rng.u64() & ~15n | BigInt(i) } });
  for (const m of ["lvsl", "lvsr"]) {
    v.push({ asm: `${m} 3, 4, 5`, cases: lvsCases });
    v.push({ asm: `${m} 3, 0, 5`, cases: lvs0 });
  }
  // Element loads and stores: every offset in the window's first 16 bytes, some in the rest.
  const offs: number[] = [];
  for (let o = 0; o < 16; o++) offs.push(o);
  for (let i = 0; i < n; i++) offs.push(rng.below(64));
  for (const m of ["lvebx", "lvehx", "lvewx", "stvebx", "stvehx", "stvewx"]) {
    v.push({ asm: `${m} 3, 4, 5`, cases: offs.map((o) => xCase(t, rng, o, { 35: vec(rng) })) });
    // RA = 0: the whole EA in RB.
    v.push({ asm: `${m} 3, 0, 5`, cases: offs.slice(8).map((o) => ({ gpr: { 5: SCR(t) + BigInt(o) } })) });
  }
  // Cross-check the element loads through stvx into the window (r6 = the window, aligned).
  for (const m of ["lvebx", "lvehx", "lvewx"]) {
    v.push({
      asm: `${m} 3, 4, 5; stvx 3, 0, 6`,
      cases: offs.slice(0, 16).map((o) => {
        const c = xCase(t, rng, o, { 35: vec(rng) });
        return { ...c, gpr: { ...c.gpr, 6: SCR(t) + 32n } };
      }),
    });
  }
  // lvxl / stvxl: the low 4 bits of the EA are ignored.
  for (const m of ["lvxl", "stvxl"]) {
    v.push({ asm: `${m} 3, 4, 5`, cases: offs.map((o) => xCase(t, rng, o, { 35: vec(rng) })) });
    v.push({ asm: `${m} 3, 0, 5`, cases: offs.slice(8).map((o) => ({ gpr: { 5: SCR(t) + BigInt(o) } })) });
  }
  v.push({ asm: "lvxl 3, 0, 5; stvx 3, 0, 6", cases: offs.slice(0, 16).map((o) => ({ gpr: { 5: SCR(t) + BigInt(o), 6: SCR(t) + 48n - BigInt(o) } })) });
  v.push({ asm: "lvx 3, 0, 5; stvxl 3, 0, 6", cases: offs.slice(0, 16).map((o) => ({ gpr: { 5: SCR(t) + BigInt(o), 6: SCR(t) + 48n - BigInt(o) } })) });
  return v;
}

for (const t of TARGETS) {
  test(`vmx-logic: logical, select, permute, shifts, rotates (${t})`, () => {
    const rng = new Rng(seedFromEnv());
    const r = runDiff(t, registerVariants(t, rng), SUITE);
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });
  test(`vmx-logic: lvsl, lvsr, element and LRU loads/stores (${t})`, () => {
    const rng = new Rng(seedFromEnv());
    const r = runDiff(t, memVariants(t, rng), SUITE);
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const m of ["lvebx", "stvewx", "lvsr", "stvxl"]) assert.ok((r.coverage.get(m) ?? 0) > 0, `${m} not covered`);
  });
}
