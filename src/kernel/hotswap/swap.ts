// Hot-swapping a clustered object (K42's COSMgr::switchCObj with a mediator root), and dynamic
// update built on it. The coordinator (the processor that asked for the swap) runs the phases
// as numbered steps; every processor takes part through messages:
//
//   0. Negotiate the transfer format: lowest format in old.exports ∩ new.imports, or refuse.
//   1. Mark the global entry Switching (refused if the object is dying or already switching).
//   2. FORWARD: every processor wraps its rep (if any) in a mediator that counts calls and
//      remembers the threads inside, then waits until every thread that was active before the
//      mediator went in has left the object layer (two local generations) and answers.
//   3. BLOCK: mediators stop admitting new calls (they wait, blocked on {swap, id}); recursive
//      calls of threads already inside pass. Each processor answers when its in-flight count
//      reaches zero.
//   4. TRANSFER: each processor exports its rep's local state; the coordinator exports the
//      shared state, allocates the new object's shared blocks and lets the new type import.
//   5. COMPLETE: the global entry now names the new type; every processor drops its mediator,
//      cleans the old rep, keeps the import's seeds for its new rep, and wakes the blocked
//      callers, whose calls restart (on a miss) on the new implementation.
//   6. The old shared blocks are released after a global quiescence.

import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import { Gte, GteFlag, PARTITION } from "../cos/gtt.js";
import { negotiate, type ObjectType } from "../cos/types.js";
import { BLOCKED } from "../cos/manager.js";
import type { Block } from "../sched/thread.js";
import { Major, HotSwap as HS } from "../trace/events.js";
import { Mediator, Phase } from "./mediator.js";

export class SwapError extends Error {}

/** One processor's view of a swap in progress. */
class LocalSwap {
  mediator: Mediator | undefined;
  constructor(readonly k: Kernel, readonly id: number, public phase: Phase, readonly from: ObjectType) {}

  /**
   * A miss during the swap. In FORWARD and BLOCK, make the old rep and mediate it (in BLOCK the
   * mediator admits only recursions — a remote PPC of a chain already inside the object can
   * arrive on a processor that never mapped it). From TRANSFER on nothing is in flight
   * anywhere, so every call waits for the new object.
   */
  missDuringSwap(id: number): unknown {
    if (this.phase !== Phase.Forward && this.phase !== Phase.Block) return BLOCKED;
    const rep = this.k.cos.miss(id);
    this.mediator = new Mediator(rep, this.phase, id);
    this.k.cos.setLocal(id, this.mediator);
    return this.mediator;
  }
}

interface SwapMsg {
  id: number;
  fmt?: number;
  seeds?: readonly unknown[];
}

export interface SwapStats {
  swaps: number;
  forwarded: number;
  recursivePasses: number;
}

export class HotSwapper {
  private readonly swaps = new Map<number, LocalSwap>();
  readonly stats: SwapStats = { swaps: 0, forwarded: 0, recursivePasses: 0 };

  constructor(private readonly k: Kernel) {
    k.onRequest(MsgKind.SwapForward, (_f, b, reply) => this.onForward(b as SwapMsg, reply));
    k.onRequest(MsgKind.SwapBlock, (_f, b, reply) => this.onBlock(b as SwapMsg, reply));
    k.onRequest(MsgKind.SwapTransfer, (_f, b, reply) => this.onTransfer(b as SwapMsg, reply));
    k.onRequest(MsgKind.SwapComplete, (_f, b, reply) => this.onComplete(b as SwapMsg, reply));
    k.onRequest(MsgKind.SetCurrent, (_f, b, reply) => {
      const { name, type } = b as { name: string; type: number };
      k.cos.setCurrent(name, k.cos.type(type));
      reply(true);
    });
    k.onRequest(MsgKind.ListInstances, (_f, b, reply) => reply(this.instancesHere(b as number)));
  }

  localState(id: number): LocalSwap | undefined {
    return this.swaps.size === 0 ? undefined : this.swaps.get(id);
  }

  /** Replace object `id`'s implementation by `to` while calls are in flight. */
  *switchObject<R>(id: number, toType: ObjectType<R>): Generator<Block, void, unknown> {
    const k = this.k, g = k.gtt, cos = k.cos;
    const to = toType as unknown as ObjectType;
    cos.registerType(to);
    const from = cos.type(g.get(id, Gte.Type));
    // 0. negotiate
    const fmt = negotiate(from, to);
    if (fmt === undefined) throw new SwapError(`no common state format between ${from.name} and ${to.name}`);
    // 1. mark Switching once no miss is in progress
    for (;;) {
      const s = g.get(id, Gte.State);
      if ((s & GteFlag.Allocated) === 0 || s & GteFlag.Destroying) throw new SwapError(`object ${id} is not live`);
      if (s & GteFlag.Switching) throw new SwapError(`object ${id} is already being swapped`);
      if ((s & GteFlag.MissMask) === 0 && g.cas(id, Gte.State, s, s | GteFlag.Switching) === s) break;
      yield { kind: "yield" };
    }
    const round = ++this.stats.swaps;
    const all = [...Array(k.topology.cpus).keys()];
    // 2. forward
    k.trace.ev2(Major.HotSwap, HS.Forward, id, round);
    yield* k.ask(all, MsgKind.SwapForward, { id });
    // 3. block
    k.trace.ev2(Major.HotSwap, HS.Block, id, round);
    yield* k.ask(all, MsgKind.SwapBlock, { id });
    // 4. transfer
    k.trace.ev2(Major.HotSwap, HS.Transfer, id, round);
    const parts = (yield* k.ask(all, MsgKind.SwapTransfer, { id, fmt })) as ({ part: unknown } | null)[];
    const oldShared = g.get(id, Gte.Shared);
    const exported = {
      shared: from.exportShared?.(fmt, cos.target(from, oldShared, id)),
      locals: parts.flatMap((p, cpu) => (p === null ? [] : [{ cpu, part: p.part }])),
    };
    const newShared = cos.allocBlocks(to);
    const seeds = to.importState?.(fmt, exported, cos.target(to, newShared, id));
    // 5. complete
    k.trace.ev2(Major.HotSwap, HS.Complete, id, round);
    g.set(id, Gte.Type, to.id);
    g.set(id, Gte.Kind, to.kind | ((to.clusterSize ?? 0) << 8));
    g.set(id, Gte.Shared, newShared);
    g.set(id, Gte.RepsLo, 0);
    g.set(id, Gte.RepsHi, 0);
    for (;;) {
      const s = g.get(id, Gte.State);
      if (g.cas(id, Gte.State, s, s & ~GteFlag.Switching) === s) break;
    }
    yield* k.ask(all, MsgKind.SwapComplete, { id, seeds });
    k.trace.ev2(Major.HotSwap, HS.Done, id, round);
    // 6. release the old state once no processor can still be reading it
    if (oldShared !== 0) {
      k.sched.spawn(`release ${id}`, (function* (): Generator<Block, void, unknown> {
        const m = k.quiesce.globalMarker();
        try {
          yield { kind: "globalGen", marker: m };
        } finally {
          k.quiesce.releaseDemand();
        }
        cos.releaseBlocks(from, oldShared);
      })());
    }
  }

  /**
   * Dynamic update: make `to` the implementation behind factory name `name` on every
   * processor (new objects get it), then hot-swap every live instance of the old version.
   * Returns the number of instances swapped.
   */
  *update<R>(name: string, toType: ObjectType<R>): Generator<Block, number, unknown> {
    const to = toType as unknown as ObjectType;
    const k = this.k;
    const from = k.cos.current(name);
    if (negotiate(from, to) === undefined) throw new SwapError(`no common state format between ${from.name} and ${to.name}`);
    const all = [...Array(k.topology.cpus).keys()];
    yield* k.ask(all, MsgKind.SetCurrent, { name, type: to.id });
    const lists = (yield* k.ask(all, MsgKind.ListInstances, from.id)) as number[][];
    let n = 0;
    for (const ids of lists) {
      for (const id of ids) {
        yield* this.switchObject(id, to);
        n++;
      }
    }
    return n;
  }

  /** Live objects of type `typeId` created on this processor (the factory's instance list). */
  private instancesHere(typeId: number): number[] {
    const g = this.k.gtt, out: number[] = [];
    const first = this.k.cpu * PARTITION;
    for (let id = Math.max(1, first); id < first + PARTITION; id++) {
      const s = Atomics.load(g.i32, (g.addr >>> 2) + id * 8 + Gte.State);
      if ((s & GteFlag.Allocated) !== 0 && (s & GteFlag.Destroying) === 0 && g.get(id, Gte.Type) === typeId) out.push(id);
    }
    return out;
  }

  private onForward(b: SwapMsg, reply: (v: unknown) => void): void {
    const k = this.k;
    const ls = new LocalSwap(k, b.id, Phase.Forward, k.cos.type(k.gtt.get(b.id, Gte.Type)));
    this.swaps.set(b.id, ls);
    const e = k.cos.local(b.id);
    if (e !== undefined) {
      ls.mediator = new Mediator(e, Phase.Forward, b.id);
      k.cos.setLocal(b.id, ls.mediator);
    }
    const marker = k.quiesce.localMarker();
    k.sched.spawn(`swap ${b.id} forward`, (function* (): Generator<Block, void, unknown> {
      yield { kind: "localGen", marker };
      reply(true);
    })());
  }

  private onBlock(b: SwapMsg, reply: (v: unknown) => void): void {
    const ls = this.swaps.get(b.id);
    if (ls === undefined) throw new SwapError(`no swap of ${b.id} here`);
    ls.phase = Phase.Block;
    const m = ls.mediator;
    if (m === undefined || m.inflight === 0) {
      if (m !== undefined) m.phase = Phase.Block;
      reply(true);
      return;
    }
    m.phase = Phase.Block;
    m.onDrained = () => reply(true);
  }

  private onTransfer(b: SwapMsg, reply: (v: unknown) => void): void {
    const ls = this.swaps.get(b.id);
    if (ls === undefined) throw new SwapError(`no swap of ${b.id} here`);
    ls.phase = Phase.Transfer;
    const m = ls.mediator;
    if (m === undefined) {
      reply(null);
      return;
    }
    m.phase = Phase.Transfer;
    reply({ part: ls.from.exportLocal?.(m.inner, b.fmt as number) ?? null });
  }

  private onComplete(b: SwapMsg, reply: (v: unknown) => void): void {
    const k = this.k;
    const ls = this.swaps.get(b.id);
    this.swaps.delete(b.id);
    k.cos.clearLocal(b.id);
    if (b.seeds !== undefined && b.seeds !== null) k.cos.seeds.set(b.id, b.seeds);
    else k.cos.seeds.delete(b.id);
    const m = ls?.mediator;
    if (m !== undefined) {
      this.stats.forwarded += m.forwarded;
      this.stats.recursivePasses += m.recursivePasses;
      m.phase = Phase.Complete;
      ls?.from.cleanup?.(m.inner);
    }
    k.sched.wakeWhere((blk) => blk.kind === "swap" && blk.obj === b.id);
    reply(true);
  }
}
