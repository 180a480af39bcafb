// Starting the pipe server, the file servers' way (servers/fs/start.ts): one PipeServers object
// per JS thread (per machine in the deterministic mode, per worker in the parallel mode), whose
// `start` is called on every processor at boot in the same order as the other servers. The
// pipes are one object graph (JS memory of the server): in the deterministic mode every
// processor has a dispatcher over it (a pipe call is a local PPC wherever the caller runs); in
// the parallel mode only processor 0 (pipeServerCpus), whose worker holds the pipes, and other
// processors call it across processors — their waiters are woken by the wait channels'
// messages. Each processor's dispatcher is given that processor's channel notifier.

import { Rights, type ServerRegistry } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { PipeIface, type Notifier } from "./iface.js";
import { PipeServer, PipeTable } from "./server.js";

/** The pipe server's protection domain (after the file servers' and the proc servers'). */
export const PIPE_DOMAIN = 0x20100;
/** End handles (two per pipe) and the root. */
const DEFAULT_HANDLES = 65536;

export interface PipeServersOptions {
  /** Processors with a dispatcher (default: all). Parallel mode: [0] — see above. */
  readonly cpus?: readonly number[];
  readonly domain?: number;
  readonly handles?: number;
}

/** The dispatcher processors for a run mode. */
export function pipeServerCpus(mode: "deterministic" | "parallel"): readonly number[] | undefined {
  return mode === "parallel" ? [0] : undefined;
}

export class PipeServers {
  private table: PipeTable | undefined = undefined;
  private root: Handle | undefined = undefined;

  constructor(readonly opts: PipeServersOptions = {}) {}

  /** Register the server on this processor; its root handle (the same everywhere). */
  start(reg: ServerRegistry, notifier: Notifier): Handle {
    const o = this.opts, domain = o.domain ?? PIPE_DOMAIN, handles = o.handles ?? DEFAULT_HANDLES;
    const s = reg.serve(PipeIface, domain, (env) => new PipeServer(this.shared(handles), env, notifier), {
      ...(o.cpus !== undefined ? { cpus: o.cpus } : {}), handles,
      root: { owner: domain, ownerRights: Rights.All, otherRights: Rights.None },
    });
    if (s.root === undefined) throw new Error("pipe server without a root handle");
    if (this.root !== undefined && (this.root.server !== s.root.server || this.root.xh !== s.root.xh)) {
      throw new Error("PipeServers.start: the server got another number on this processor (registration order differs)");
    }
    this.root = s.root;
    return s.root;
  }

  /** Pipes alive now (on the JS thread that holds them). */
  get pipes(): number {
    return this.table?.pipes ?? 0;
  }

  private shared(handles: number): PipeTable {
    this.table ??= new PipeTable(handles - 2);
    return this.table;
  }
}
