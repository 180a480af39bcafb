// Fixed-point logical, extend, count, popcount/parity, cmpb, bpermd, isel.

import type { OpDef } from "../decode.js";

export const FIXED_LOGIC_OPS: readonly OpDef[] = [];
