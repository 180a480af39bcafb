// Deferred destruction of clustered objects (K42's destroyCO with generation counts), as
// numbered steps. The caller has already made the object unreachable (no permanent
// references remain, only threads that may still be inside a call).
//
//   1. Mark the global entry Destroying (refused while a swap runs): new misses fail, so
//      processors that never mapped the object can no longer reach it.
//   2. Wait for a global quiescence: every processor has since passed two generations, so no
//      thread is still inside a call that began before step 1.
//   3. Every processor drops its translation-table entry and cleans its rep (on the processor
//      that created it, so processor-local memory is freed where it was allocated).
//   4. Wait for a second global quiescence (no processor can still be finishing step 3 or
//      hold the id from a stale table), then free the shared state and return the id to its
//      home processor's partition, with the entry's sequence number bumped.

import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import type { Block } from "../sched/thread.js";
import { Major, ClustObj } from "../trace/events.js";
import { Mediator } from "../hotswap/mediator.js";
import { Gte, GteFlag } from "./gtt.js";
import { ObjectError } from "./manager.js";

export class Reclaimer {
  pending = 0;
  reclaimed = 0;
  /** Reps this processor unmapped at destroy() time, cleaned in step 3. */
  private readonly dropped = new Map<number, unknown>();

  constructor(private readonly k: Kernel) {
    k.onRequest(MsgKind.Cleanup, (_f, b, reply) => reply((b as number[]).map((id) => this.cleanupHere(id))));
    k.msg.on(MsgKind.IdFree, (_f, b) => k.cos.freeId(b as number));
  }

  /** Start destroying `id`; returns at once (the rest runs on a kernel thread). */
  destroy(id: number): void {
    this.destroyAll([id]);
  }

  /**
   * Start destroying every object of `ids` (a memory operation retires a region and an FCM at
   * once): step 1 for each now, steps 2–4 for the batch on one kernel thread.
   */
  destroyAll(ids: readonly number[]): void {
    if (ids.length === 0) return;
    for (const id of ids) this.mark(id);
    this.pending += ids.length;
    k42Spawn(this.k, ids);
  }

  /** Step 1 for one object. */
  private mark(id: number): void {
    const k = this.k, g = k.gtt;
    if (!g.valid(id)) throw new ObjectError(id, "not a valid id");
    for (;;) {
      const s = g.get(id, Gte.State);
      if ((s & GteFlag.Allocated) === 0) throw new ObjectError(id, "no such object");
      if (s & GteFlag.Destroying) throw new ObjectError(id, "already destroyed");
      if (s & GteFlag.Switching) throw new ObjectError(id, "is being hot-swapped");
      if ((s & GteFlag.MissMask) !== 0) continue; // a miss is installing a rep: a few instructions
      if (g.cas(id, Gte.State, s, s | GteFlag.Destroying) === s) break;
    }
    // This processor stops using its rep at once; others drop theirs in step 3.
    const e = k.cos.local(id);
    if (e !== undefined) {
      k.cos.clearLocal(id);
      this.dropped.set(id, e);
    }
    k.trace.ev2(Major.ClustObj, ClustObj.Destroy, id, g.get(id, Gte.Type));
  }

  /** Steps 2–4 for a batch (on its own kernel thread). */
  *reclaim(ids: readonly number[]): Generator<Block, void, unknown> {
    const k = this.k, g = k.gtt, q = k.quiesce;
    // 2.
    let m = q.globalMarker();
    try {
      yield { kind: "globalGen", marker: m };
    } finally {
      q.releaseDemand();
    }
    // 3. Only the processors that hold a rep of one of them (K42's transSet) take part.
    const holders = [...new Set(ids.flatMap((id) => g.reps(id)))].sort((a, b) => a - b);
    if (holders.length === 1 && holders[0] === k.cpu) for (const id of ids) this.cleanupHere(id); // no message to ourselves
    else if (holders.length > 0) yield* k.ask(holders, MsgKind.Cleanup, ids);
    for (const id of ids) this.dropped.delete(id);
    // 4.
    m = q.globalMarker();
    try {
      yield { kind: "globalGen", marker: m };
    } finally {
      q.releaseDemand();
    }
    for (const id of ids) {
      const t = k.cos.type(g.get(id, Gte.Type));
      k.cos.releaseBlocks(t, g.get(id, Gte.Shared));
      const home = g.get(id, Gte.Home);
      g.set(id, Gte.Seq, g.get(id, Gte.Seq) + 1);
      g.set(id, Gte.Shared, 0);
      g.set(id, Gte.RepsLo, 0);
      g.set(id, Gte.RepsHi, 0);
      g.set(id, Gte.State, 0);
      k.trace.ev2(Major.ClustObj, ClustObj.IdFree, id, home);
      this.pending--;
      this.reclaimed++;
      if (id >= 256 || home !== 0) {
        if (home === k.cpu) k.cos.freeId(id);
        else k.msg.send(home, MsgKind.IdFree, id);
      }
    }
  }

  private cleanupHere(id: number): boolean {
    const k = this.k;
    const e = k.cos.local(id) ?? this.dropped.get(id);
    this.dropped.delete(id);
    k.cos.clearLocal(id);
    k.cos.seeds.delete(id);
    if (e === undefined) return false;
    const rep = e instanceof Mediator ? e.inner : e;
    k.cos.type(k.gtt.get(id, Gte.Type)).cleanup?.(rep);
    k.gtt.removeRep(id, k.cpu);
    k.trace.ev2(Major.ClustObj, ClustObj.Reclaim, id, k.cpu);
    return true;
  }
}

/** The reclaim thread of a batch. */
function k42Spawn(k: Kernel, ids: readonly number[]): void {
  k.sched.spawn(`reclaim ${ids.length === 1 ? ids[0] : `${ids[0]}+${ids.length - 1}`}`, k.reclaim.reclaim(ids));
}
