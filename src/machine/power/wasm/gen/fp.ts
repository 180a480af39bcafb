// Translator emitters: floating-point arithmetic, compare, convert, move, FPSCR.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts.

import type { WasmGen } from "../emit.js";

export const FP_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([]);
