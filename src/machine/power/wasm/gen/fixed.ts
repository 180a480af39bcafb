// Translator emitters: fixed-point arithmetic, logic, rotate and shift, compare, CR and SPR moves.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts.

import type { WasmGen } from "../emit.js";

export const FIXED_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([]);
