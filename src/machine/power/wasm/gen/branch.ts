// Translator emitters: b, bc, bclr, bcctr, bctar (the region compiler's own family).
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts.

import type { WasmGen } from "../emit.js";

export const BRANCH_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([]);
