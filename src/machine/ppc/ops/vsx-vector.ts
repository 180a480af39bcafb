// VSX vector double- and single-precision arithmetic, compares and conversions.

import type { OpDef } from "../decode.js";

export const VSX_VECTOR_OPS: readonly OpDef[] = [];
