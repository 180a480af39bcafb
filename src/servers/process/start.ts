// Starting the ProcessLinux server on a processor: every processor registers it (in the same
// order, so its number agrees), with a dispatcher where `cpus` says (the pid space is one JS
// table: in the parallel mode it lives on one worker, like the file servers' state).

import { Rights, type ServerRegistry } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { ProcessIface } from "./iface.js";
import { PidSpace, ProcessServer } from "./server.js";

export interface ProcessServerOptions {
  /** The server's protection domain. */
  readonly domain: number;
  /** Processors with a dispatcher (where the pid space lives). */
  readonly cpus: readonly number[];
  /** The pid space (made once, on the processors in `cpus`; undefined elsewhere). */
  readonly space: PidSpace | undefined;
}

/** Register ProcessLinux on this processor; its root handle (every domain may call: the caller is stamped). */
export function startProcessServer(reg: ServerRegistry, o: ProcessServerOptions): Handle {
  const space = o.space;
  const s = reg.serve(ProcessIface, o.domain, space === undefined ? null : () => new ProcessServer(space), {
    cpus: o.cpus, restartOnFault: true,
    root: { owner: o.domain, ownerRights: Rights.All, otherRights: Rights.All },
  });
  if (s.root === undefined) throw new Error("ProcessLinux without a root handle");
  return s.root;
}

export { PidSpace };
