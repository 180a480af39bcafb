// Null PPC servers for benchmarks: "Null" with a dispatcher on every processor (calls are
// same-processor handoffs) and "NullPinned" with its only dispatcher on processor 0 (calls from
// elsewhere cross the interconnect). Register both with serveNull(k) at boot on every
// processor, then run nullRoundTrip / nullRoundTripRemote on a kernel thread.

import type { Kernel } from "../kernel.js";
import type { Block } from "../sched/thread.js";
import { Rights, defineInterface, method } from "./iface.js";
import type { Server } from "./server.js";
import { none } from "./values.js";

export const NullIface = defineInterface("Null", { nop: method([], none) });
export const NullPinnedIface = defineInterface("NullPinned", { nop: method([], none) });

/** The domain the null servers run in. */
export const NULL_DOMAIN = 1;

const open = { owner: NULL_DOMAIN, ownerRights: Rights.All, otherRights: Rights.All };

/** Register both null servers (same order on every processor, like every server). */
export function serveNull(k: Kernel): { local: Server<typeof NullIface>; pinned: Server<typeof NullPinnedIface> } {
  const impl = () => ({ nop: () => undefined });
  const local = k.ppc.serve(NullIface, NULL_DOMAIN, impl, { root: open });
  const pinned = k.ppc.serve(NullPinnedIface, NULL_DOMAIN, impl, { root: open, cpus: [0] });
  return { local, pinned };
}

/** `n` null PPCs through the root handle of the server exporting `iface`. */
function* nullCalls(k: Kernel, iface: typeof NullIface, n: number): Generator<Block, number, unknown> {
  const s = k.ppc.find(iface.name);
  if (s?.root === undefined) throw new Error(`${iface.name}: call serveNull(k) at boot`);
  const stub = k.ppc.stub(iface, s.root);
  for (let i = 0; i < n; i++) yield* stub.nop();
  return n;
}

/** `n` same-processor null PPCs from the current thread; returns n. */
export function nullRoundTrip(k: Kernel, n: number): Generator<Block, number, unknown> {
  return nullCalls(k, NullIface, n);
}

/** `n` null PPCs to the server pinned on processor 0 (cross-processor when run elsewhere). */
export function nullRoundTripRemote(k: Kernel, n: number): Generator<Block, number, unknown> {
  return nullCalls(k, NullPinnedIface, n);
}
