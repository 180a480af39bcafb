// Floating-point arithmetic: add, subtract, multiply, divide, square root, multiply-add, estimates, frsp.

import type { OpDef } from "../decode.js";

export const FP_ARITH_OPS: readonly OpDef[] = [];
