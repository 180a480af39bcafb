// Translator emitters: VMX and VSX on wasm SIMD, vector loads and stores.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts. The emitters live by kind in vec-mem.ts (loads, stores, GPR moves),
// vec-perm.ts (logical, select, permutes, splats, merges), vec-int.ts (arithmetic, compares)
// vec-bits.ts (element shifts, counts, gather/permute bits, VSCR) and vec-widen.ts (even/odd
// multiplies, sums across, saturating packs, quadword add/subtract); vec-lanes.ts says how ISA
// elements map onto wasm lanes.

import type { WasmGen } from "../emit.js";
import { VEC_MEM_GENS } from "./vec-mem.js";
import { VEC_PERM_GENS } from "./vec-perm.js";
import { VEC_INT_GENS } from "./vec-int.js";
import { VEC_BITS_GENS } from "./vec-bits.js";
import { VEC_WIDEN_GENS } from "./vec-widen.js";

function collect(...parts: ReadonlyArray<readonly [string, WasmGen]>[]): ReadonlyMap<string, WasmGen> {
  const m = new Map<string, WasmGen>();
  for (const part of parts) {
    for (const [name, g] of part) {
      if (m.has(name)) throw new Error(`vector emitters: two emitters for ${name}`);
      m.set(name, g);
    }
  }
  return m;
}

export const VECTOR_GENS: ReadonlyMap<string, WasmGen> = collect(
  VEC_MEM_GENS, VEC_PERM_GENS, VEC_INT_GENS, VEC_BITS_GENS, VEC_WIDEN_GENS,
);
