// VSX scalar double- and single-precision arithmetic, compares and conversions (FPSCR effects).

import type { OpDef } from "../decode.js";

export const VSX_SCALAR_OPS: readonly OpDef[] = [];
