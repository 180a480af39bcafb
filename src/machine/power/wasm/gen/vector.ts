// Translator emitters: VMX and VSX on wasm SIMD, vector loads and stores.
// See ../emit.ts for the contract; each emitter is checked against its handler by
// ../testing/check.ts.

import type { WasmGen } from "../emit.js";

export const VECTOR_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([]);
