// The mediator rep of a hot-swap (K42's CObjRepMediator): installed in a processor's
// translation table in place of the old rep for the duration of a swap. It counts the calls
// it forwards and remembers which threads are inside the object, so that in the BLOCK phase
// new calls wait while recursive calls pass — blocking those would deadlock. A recursion is a
// thread already inside (this processor), or a thread serving a remote PPC whose caller chain
// is inside the object on another processor (the chain's objects travel with the call:
// Thread.inherited), which K42 could only guess at with its global in-flight count.
// Per processor.

import type { Thread } from "../sched/thread.js";

export const enum Phase {
  Forward = 1,
  Block = 2,
  Transfer = 3,
  Complete = 4,
}

export class Mediator {
  /** Calls forwarded and not yet returned. */
  inflight = 0;
  /** Thread id → depth of its calls inside the object through this mediator. */
  private readonly inside = new Map<number, number>();
  /** Called once when inflight drops to 0 in the BLOCK phase. */
  onDrained: (() => void) | undefined;
  forwarded = 0;
  recursivePasses = 0;

  constructor(
    /** The old rep that calls are forwarded to. */
    readonly inner: unknown,
    public phase: Phase,
    /** The object's id. */
    readonly obj: number,
  ) {}

  /** May thread `t` call through now? If so the call is counted (pair with leave()). */
  admit(t: Thread): boolean {
    const depth = this.inside.get(t.id) ?? 0;
    if (this.phase !== Phase.Forward) {
      if (depth === 0 && !(t.inherited?.includes(this.obj) ?? false)) return false;
      this.recursivePasses++;
    }
    this.inside.set(t.id, depth + 1);
    (t.mediated ??= []).push(this.obj);
    this.inflight++;
    this.forwarded++;
    return true;
  }

  leave(t: Thread): void {
    const depth = (this.inside.get(t.id) ?? 1) - 1;
    if (depth === 0) this.inside.delete(t.id);
    else this.inside.set(t.id, depth);
    t.mediated?.pop();
    this.inflight--;
    if (this.inflight === 0 && this.phase === Phase.Block && this.onDrained !== undefined) {
      const f = this.onDrained;
      this.onDrained = undefined;
      f();
    }
  }
}
