// VMX single-precision floating point (with VSCR.NJ), conversions and compares.

import type { OpDef } from "../decode.js";

export const VMX_FLOAT_OPS: readonly OpDef[] = [];
