// The branch suite's encoders and its `bc` program (every BO, forward and backward), shared by
// branch.test.ts and engine-matrix.test.ts (a test file cannot be imported: it would register
// its tests in the importer).

import type { Case, Variant } from "./harness.js";
import type { Rng } from "./rng.js";

const hex = (w: number): string => "0x" + (w >>> 0).toString(16).padStart(8, "0");

// ---- encoders ----

export const bcWord = (bo: number, bi: number, disp: number, aa: number, lk: number): number =>
  ((16 << 26) | (bo << 21) | (bi << 16) | (disp & 0xfffc) | (aa << 1) | lk) >>> 0;
export const xlWord = (xo: number, bo: number, bi: number, lk: number, extra = 0): number =>
  ((19 << 26) | (bo << 21) | (bi << 16) | (xo << 1) | lk | extra) >>> 0;
export const XO_BCLR = 16, XO_BCCTR = 528, XO_BCTAR = 560;

/** CTR values around the decrement-and-test edges. */
export const CTR_EDGES: readonly bigint[] = [
  0n, 1n, 2n, 3n, 0xffffffffn, 0x100000000n, 0x100000001n, 0x80000000n, 0x80000001n,
  0xffffffffffffffffn, 0x1ffffffffn,
];

export function ctrCases(rng: Rng, n: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) out.push(i % 2 === 0 ? { ctr: rng.pick(CTR_EDGES) } : {});
  return out;
}

export function randomCases(n: number, f: (i: number) => Case = () => ({})): Case[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

/** bc and bcl with every BO, forward and backward, and gas's extended mnemonics: `n` cases each. */
export function bcVariants(rng: Rng, n: number): Variant[] {
  const variants: Variant[] = [];
  for (let bo = 0; bo < 32; bo++) {
    const back = rng.below(2);
    for (const lk of [0, 1]) {
      const bi = rng.below(32);
      if ((lk ^ back) === 0) {
        // forward: skip one instruction
        variants.push({ asm: `.long ${hex(bcWord(bo, bi, 8, 0, lk))}; li 3, 1`, cases: ctrCases(rng, n) });
      } else {
        // backward: branch back over a `b` to a block that jumps to the end
        variants.push({
          asm: `b 2f; li 4, 2; b 3f; 2: .long ${hex(bcWord(bo, bi, -8, 0, lk))}; li 3, 1; 3:`,
          cases: ctrCases(rng, n),
        });
      }
    }
  }
  // Extended mnemonics as gas writes them.
  for (const asm of ["bdnz 1f; li 3, 1; 1:", "bdz 1f; li 3, 1; 1:", "bdnzt 2, 1f; li 3, 1; 1:", "bdzf 13, 1f; li 3, 1; 1:",
    "beq 1f; li 3, 1; 1:", "bne- 7, 1f; li 3, 1; 1:", "bgt+ 2, 1f; li 3, 1; 1:", "bsol 1f; li 3, 1; 1:",
    "bdnzl 1f; li 3, 1; 1:", "bl 1f; 1:", "bl 1f; li 3, 1; 1:", "b 1f; li 3, 1; 1:"]) {
    variants.push({ asm, cases: ctrCases(rng, n) });
  }
  // Absolute forms can only be run not taken here (the targets are near address 0):
  // bca/bcla with the CR bit forced the other way, or with a CTR test that fails.
  for (let k = 0; k < 4; k++) {
    const bi = rng.below(32), lk = k & 1;
    const bitMask = 1 << (31 - bi);
    variants.push({
      asm: `.long ${hex(bcWord(12, bi, 0x100, 1, lk))}; li 3, 1`,
      cases: randomCases(n, () => ({ cr: rng.u32() & ~bitMask })),
    });
    variants.push({
      asm: `.long ${hex(bcWord(4, bi, 0x100, 1, lk))}; li 3, 1`,
      cases: randomCases(n, () => ({ cr: rng.u32() | bitMask })),
    });
    variants.push({
      asm: `.long ${hex(bcWord(16 + 2 * (k >> 1), bi, 0x100, 1, lk))}; li 3, 1`,
      cases: randomCases(n, () => ({ ctr: k >> 1 === 0 ? 1n : 5n })),
    });
  }
  return variants;
}
