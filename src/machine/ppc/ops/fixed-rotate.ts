// Fixed-point rotate-and-mask and shift instructions.

import type { OpDef } from "../decode.js";

export const FIXED_ROTATE_OPS: readonly OpDef[] = [];
