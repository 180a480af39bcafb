// Translator emitters for the storage-synchronisation and cache hints of ops/cache.ts that
// need nothing of the processor beyond a memory access: part of LOADSTORE_GENS (loadstore.ts).
//  - sync (hwsync, lwsync, ptesync) and eieio: the handler's host fence (an atomic operation)
//    becomes wasm's atomic.fence; lwsync is frequent in lock and atomic code.
//  - dcbt, dcbtst, icbt: no effect, never fault: nothing to emit.
//  - dcbst, dcbf: a one-byte load whose value is dropped (they fault as a load does).
// Left to the handler: dcbz (it clears the reservation, which the Emit contract does not
// expose), icbi (drops translated code) and isync (ends the block).

import type { WasmGen } from "../emit.js";
import { Op } from "../encoder.js";
import { Form, effectiveAddress } from "./ls-common.js";

const fence: WasmGen = (e) => {
  e.f.fence();
  return true;
};

const hint: WasmGen = () => true;

const touch: WasmGen = (e) => {
  const ea = effectiveAddress(e, Form.X);
  e.load(1, ea);
  e.f.op(Op.drop);
  return true;
};

export const CACHE_GENS: readonly (readonly [string, WasmGen])[] = [
  ["sync", fence],
  ["eieio", fence],
  ["dcbt", hint],
  ["dcbtst", hint],
  ["icbt", hint],
  ["dcbst", touch],
  ["dcbf", touch],
];
