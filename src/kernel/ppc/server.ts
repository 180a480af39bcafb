// One PPC server as one processor sees it: its interface, domain and dispatcher processors, its
// handle table (shared, handles.ts), this processor's implementation object (if the server has
// a dispatcher here), the environment that object is given (ServerEnv: all it may reach), and
// handle creation and revocation. Revoked slots come back to the
// revoking processor's free list only after a global quiescence (K42: freed X-objects are
// reused only after a COS generation). Per processor; the table is the only shared part.

import type { Kernel } from "../kernel.js";
import type { ObjRef } from "../cos/manager.js";
import type { Block } from "../sched/thread.js";
import { HandleTable, MAX_HANDLES, attachServer } from "./handles.js";
import type { Iface, Impl, MachineShape, ServeOptions, ServerEnv } from "./iface.js";

export type { RootHandle, ServeOptions } from "./iface.js";
import type { Handle } from "./values.js";

/** Handle target meaning "the server's own per-processor implementation". */
export const SERVER_IMPL = 0;

/** What a handle names: a clustered object whose reps implement the interface, or SERVER_IMPL. */
export type Target<I extends Iface> = ObjRef<Impl<I>> | typeof SERVER_IMPL;

/**
 * Makes a processor's implementation object of a server, from what its domain was given (never
 * the kernel). Called at registration and again at each restart.
 */
export type ImplFactory<I extends Iface> = (env: ServerEnv) => Impl<I>;

export const DEFAULT_HANDLES = 1024;

export interface ServerStats {
  /** Requests dispatched on this processor (local and remote, two-way and one-way). */
  dispatched: number;
  refused: number;
  /** Calls the server refused with an errno of its interface (ServerErrno): not faults. */
  errnos: number;
  /** Calls whose server method threw (or returned a value of the wrong type). */
  faults: number;
  created: number;
  revoked: number;
  reused: number;
}

export class Server<I extends Iface = Iface> {
  readonly table: HandleTable;
  readonly cpus: readonly number[];
  /** True if the server has a dispatcher on this processor (calls from here are local). */
  readonly here: boolean;
  /** The dispatcher processor that calls from this processor go to. */
  readonly route: number;
  /** This processor's implementation (undefined without a dispatcher here or a factory). */
  impl: Impl<I> | undefined;
  /** Times this processor's implementation object was replaced (restart()). */
  restarts = 0;
  /** The last restart's failure (the factory threw): the server has no object until a restart works. */
  restartError: string | undefined = undefined;
  /** What this processor's implementation object is given. */
  readonly env: ServerEnv;
  readonly restartOnFault: boolean;
  private readonly factory: ImplFactory<I> | null;
  readonly root: Handle | undefined;
  readonly stats: ServerStats = { dispatched: 0, refused: 0, errnos: 0, faults: 0, created: 0, revoked: 0, reused: 0 };
  /** Revoked slots reusable now / waiting for quiescence. Per processor. */
  private readonly free: number[] = [];
  private pending: number[] = [];
  private reclaiming = false;

  constructor(
    private readonly k: Kernel,
    readonly id: number,
    readonly iface: I,
    readonly domain: number,
    factory: ImplFactory<I> | null,
    opts: ServeOptions,
  ) {
    const n = k.topology.cpus;
    const cpus = [...new Set(opts.cpus ?? [...Array(n).keys()])].sort((a, b) => a - b);
    if (cpus.length === 0 || cpus.some((c) => !Number.isInteger(c) || c < 0 || c >= n)) {
      throw new RangeError(`PPC server ${iface.name}: dispatcher processors ${JSON.stringify(opts.cpus)} (machine has ${n})`);
    }
    const capacity = opts.handles ?? DEFAULT_HANDLES;
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > MAX_HANDLES) throw new RangeError(`PPC server ${iface.name}: ${capacity} handles`);
    this.cpus = Object.freeze(cpus);
    this.here = cpus.includes(k.cpu);
    this.route = this.here ? k.cpu : nearest(k, cpus);
    const root = opts.root;
    const { addr } = attachServer(k, id, { digest: iface.digest, capacity, domain, cpus }, iface.name, (t) => {
      if (root === undefined) return;
      const index = t.fresh();
      t.publish(index as number, {
        target: root.target ?? SERVER_IMPL, owner: root.owner, ownerRights: root.ownerRights, otherRights: root.otherRights,
        clientData: root.clientData ?? 0, creator: k.cpu,
      });
    });
    this.table = new HandleTable(k, addr, capacity, id);
    this.root = root === undefined ? undefined : Object.freeze({ server: id, xh: (1 << 8) | 1 });
    this.factory = factory;
    this.restartOnFault = opts.restartOnFault ?? false;
    this.env = serverEnv(k, this);
    this.impl = this.here && factory !== null ? factory(this.env) : undefined;
  }

  /**
   * Replace this processor's implementation object by a fresh one from the factory (a server
   * restart, e.g. after a fault). Calls already running finish on the old object. False when
   * the server has no dispatcher or no factory here, or when the factory threw: then the
   * server has no object (its calls are faults) until a later restart succeeds, and
   * restartError says why.
   */
  restart(): boolean {
    if (!this.here || this.factory === null) return false;
    this.restarts++;
    try {
      this.impl = this.factory(this.env);
    } catch (e) {
      this.impl = undefined;
      this.restartError = e instanceof Error ? e.message : String(e);
      return false;
    }
    this.restartError = undefined;
    return true;
  }

  /**
   * Export `target` to domain `owner` (K42 createXHandle(obj, process, matchRights, otherRights)).
   * Callable on any processor, by server code or at boot.
   */
  createHandle(target: Target<I>, owner: number, ownerRights: number, otherRights: number, clientData = 0): Handle {
    let index = this.free.pop();
    if (index !== undefined) this.stats.reused++;
    else index = this.table.fresh();
    if (index === undefined) throw new Error(`handle table of ${this.iface.name} is full (${this.table.capacity} slots)`);
    const xh = this.table.publish(index, {
      target: target as number, owner, ownerRights: ownerRights >>> 0, otherRights: otherRights >>> 0,
      clientData: clientData >>> 0, creator: this.k.cpu,
    });
    this.stats.created++;
    return Object.freeze({ server: this.id, xh });
  }

  /** Make `h` (and every copy of it) stale. False if it already was, or is not this server's. */
  revoke(h: Handle): boolean {
    if (h.server !== this.id) return false;
    const index = this.table.revoke(h.xh);
    if (index === undefined) return false;
    this.stats.revoked++;
    if (index > 0) {
      this.pending.push(index);
      if (!this.reclaiming) {
        this.reclaiming = true;
        this.k.sched.spawn(`ppc ${this.iface.name} reclaim`, this.reclaim());
      }
    }
    return true;
  }

  /** Slots that a createHandle() on this processor would reuse before taking fresh ones. */
  get reusable(): number {
    return this.free.length;
  }

  /** Move revoked slots to the free list once every processor has quiesced twice since. */
  private *reclaim(): Generator<Block, void, unknown> {
    const q = this.k.quiesce;
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      const m = q.globalMarker();
      try {
        yield { kind: "globalGen", marker: m };
      } finally {
        q.releaseDemand();
      }
      this.free.push(...batch);
    }
    this.reclaiming = false;
  }
}

/** The environment of `s` on this processor: closures over the kernel, never the kernel itself. */
function serverEnv<I extends Iface>(k: Kernel, s: Server<I>): ServerEnv {
  const topo = k.topology;
  const machine: MachineShape = Object.freeze({
    cpus: topo.cpus,
    nodes: topo.nodes,
    nodeOf: (cpu: number) => topo.nodeOf(cpu),
    distance: (a: number, b: number) => topo.distance(a, b),
    cpusOf: (node: number) => topo.cpusOf(node),
  });
  const port = k.port, ppc = k.ppc;
  return Object.freeze({
    cpu: k.cpu,
    machine,
    server: s.id,
    name: s.iface.name,
    domain: s.domain,
    root: s.root,
    now: () => port.now(),
    createHandle: (owner: number, ownerRights: number, otherRights: number, clientData = 0) =>
      s.createHandle(SERVER_IMPL, owner, ownerRights, otherRights, clientData),
    revoke: (h: Handle) => s.revoke(h),
    stub: <J extends Iface>(iface: J, h: Handle) => ppc.stub(iface, h),
  });
}

/** The dispatcher processor nearest to this one (NUMA distance, then lowest id). */
function nearest(k: Kernel, cpus: readonly number[]): number {
  let best = cpus[0];
  for (const c of cpus) if (k.topology.distance(k.cpu, c) < k.topology.distance(k.cpu, best)) best = c;
  return best;
}
