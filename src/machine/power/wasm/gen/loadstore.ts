// Translator emitters: integer and FP loads and stores (all forms), byte-reversed.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts.

import type { WasmGen } from "../emit.js";

export const LOADSTORE_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([]);
