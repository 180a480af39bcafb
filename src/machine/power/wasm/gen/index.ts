// Every instruction the translator emits natively, by base mnemonic (decode.ts OpDef.mnemonic).
// An instruction not listed here runs through its handler (Emit.fallback).

import type { WasmGen } from "../emit.js";
import { BRANCH_GENS } from "./branch.js";
import { FIXED_GENS } from "./fixed.js";
import { LOADSTORE_GENS } from "./loadstore.js";
import { FP_GENS } from "./fp.js";
import { VECTOR_GENS } from "./vector.js";

function merge(...families: ReadonlyMap<string, WasmGen>[]): ReadonlyMap<string, WasmGen> {
  const all = new Map<string, WasmGen>();
  for (const fam of families) {
    for (const [m, g] of fam) {
      if (all.has(m)) throw new Error(`translator: two emitters for ${m}`);
      all.set(m, g);
    }
  }
  return all;
}

export const WASM_GENS: ReadonlyMap<string, WasmGen> = merge(BRANCH_GENS, FIXED_GENS, LOADSTORE_GENS, FP_GENS, VECTOR_GENS);
