// Trap instructions: tw, twi, td, tdi.

import type { OpDef } from "../decode.js";

export const TRAP_OPS: readonly OpDef[] = [];
