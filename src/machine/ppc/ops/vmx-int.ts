// VMX integer add/subtract (modulo, saturating, carry, quadword), average, max/min, compares.

import type { OpDef } from "../decode.js";

export const VMX_INT_OPS: readonly OpDef[] = [];
