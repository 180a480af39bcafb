// Load-reserve / store-conditional: atomic with respect to all processors.

import type { OpDef } from "../decode.js";

export const LOADSTORE_ATOMIC_OPS: readonly OpDef[] = [];
