// Translator emitters: fixed-point arithmetic, logic, rotate and shift, compare, CR and SPR moves.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts (fixed.test.ts). One file per family of handlers:
//   fixed-arith.ts  add/subtract (carrying too), negate, multiply, divide, compare
//   fixed-logic.ts  logical, extend, count, popcount/parity, cmpb, isel
//   fixed-rotate.ts rotate-and-mask and shifts
//   cr-spr.ts       CR logical and moves, mcrxr, LR/CTR/TAR/XER moves
//   fixed-trap.ts   tw, twi, td, tdi (the comparison native, the trap itself by the handler)

import type { WasmGen } from "../emit.js";
import { FIXED_ARITH_GENS } from "./fixed-arith.js";
import { FIXED_LOGIC_GENS } from "./fixed-logic.js";
import { FIXED_ROTATE_GENS } from "./fixed-rotate.js";
import { CR_SPR_GENS } from "./cr-spr.js";
import { FIXED_TRAP_GENS } from "./fixed-trap.js";

function union(...maps: ReadonlyMap<string, WasmGen>[]): ReadonlyMap<string, WasmGen> {
  const all = new Map<string, WasmGen>();
  for (const m of maps) {
    for (const [k, g] of m) {
      if (all.has(k)) throw new Error(`fixed-point emitters: two for ${k}`);
      all.set(k, g);
    }
  }
  return all;
}

export const FIXED_GENS: ReadonlyMap<string, WasmGen> = union(
  FIXED_ARITH_GENS, FIXED_LOGIC_GENS, FIXED_ROTATE_GENS, CR_SPR_GENS, FIXED_TRAP_GENS,
);
