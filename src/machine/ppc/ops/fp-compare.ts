// Floating-point compares: fcmpu, fcmpo.

import type { OpDef } from "../decode.js";

export const FP_COMPARE_OPS: readonly OpDef[] = [];
