// Floating-point moves and sign operations, fsel, rounding to integer (fri*), ftdiv/ftsqrt.

import type { OpDef } from "../decode.js";

export const FP_MOVE_OPS: readonly OpDef[] = [];
