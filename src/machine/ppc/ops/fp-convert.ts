// Floating-point conversions between integer and floating formats (fcfid*, fctid*, fctiw*).

import type { OpDef } from "../decode.js";

export const FP_CONVERT_OPS: readonly OpDef[] = [];
