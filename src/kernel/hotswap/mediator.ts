// The mediator rep of a hot-swap (K42's CObjRepMediator): installed in a processor's
// translation table in place of the old rep for the duration of a swap. It counts the calls
// it forwards and remembers which threads are inside the object, so that in the BLOCK phase
// new calls wait while recursive calls (a thread already inside) pass — blocking those would
// deadlock. Per processor.

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
  ) {}

  /** May thread `tid` call through now? If so the call is counted (pair with leave()). */
  admit(tid: number): boolean {
    const depth = this.inside.get(tid) ?? 0;
    if (this.phase !== Phase.Forward) {
      if (depth === 0) return false;
      this.recursivePasses++;
    }
    this.inside.set(tid, depth + 1);
    this.inflight++;
    this.forwarded++;
    return true;
  }

  leave(tid: number): void {
    const depth = (this.inside.get(tid) ?? 1) - 1;
    if (depth === 0) this.inside.delete(tid);
    else this.inside.set(tid, depth);
    this.inflight--;
    if (this.inflight === 0 && this.phase === Phase.Block && this.onDrained !== undefined) {
      const f = this.onDrained;
      this.onDrained = undefined;
      f();
    }
  }
}
