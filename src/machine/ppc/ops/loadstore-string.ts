// Load/store multiple and string forms (lmw, stmw, lswi, lswx, stswi, stswx).

import type { OpDef } from "../decode.js";

export const LOADSTORE_STRING_OPS: readonly OpDef[] = [];
