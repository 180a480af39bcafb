// The per-processor scheduler: dispatchers (one per domain that has threads on this processor)
// sharing the processor in proportion to their weights (stride scheduling on the time each
// slice really took: K42's proportional share among resource domains; equal weights give
// round-robin), threads FIFO within a dispatcher except that a thread woken from a
// block goes first (it has waited; the one it passes has just had a quantum). Time slices are budgets: guest
// threads run a fixed number of instructions, kernel threads until their quantum of cycles is
// used and they reach a safe point (a clustered-object call or an explicit yield). Blocking is
// explicit (thread.ts). Per processor; never shared.

import type { ProcessorPort } from "../../machine/port.js";
import type { TraceWriter } from "../trace/writer.js";
import { Major, Sched } from "../trace/events.js";
import {
  BLOCK_CODE, BlockedInsideObjectError, Thread, ThreadState, YIELD, deadlineOf, mayBlockInsideObject, type Block, type SpawnOptions,
  type ThreadBody,
} from "./thread.js";

/** Domain 0 is the kernel's own. */
export const KERNEL_DOMAIN = 0;

class Dispatcher {
  readonly ready: Thread[] = [];
  head = 0;
  /** Share of the processor relative to other dispatchers (K42's resource-domain weight). */
  weight = 1;
  /** Stride scheduling: time used divided by weight; the dispatcher with the least runs next. */
  pass = 0;
  constructor(readonly domain: number) {}
  get hasWork(): boolean {
    return this.head < this.ready.length;
  }
  take(): Thread {
    const t = this.ready[this.head++];
    if (this.head > 64 && this.head * 2 > this.ready.length) {
      this.ready.splice(0, this.head);
      this.head = 0;
    }
    return t;
  }
}

export interface SchedulerHooks {
  /** Called after every thread step (a quiescent point between activations). */
  afterStep(): void;
}

export class Scheduler {
  private readonly dispatchers = new Map<number, Dispatcher>();
  private readonly order: Dispatcher[] = [];
  /** The least pass of a dispatcher with work at the last pick (a newly busy one starts there). */
  private globalPass = 0;
  private readyCount = 0;
  private seq = 0;
  private readonly all = new Map<number, Thread>();
  private readonly sleepers: Thread[] = [];
  /** Threads blocked on a local or global generation marker (checked at quiescent points). */
  readonly genWaiters = new Set<Thread>();
  /** Threads blocked on host input (woken by the kernel when the device is readable). */
  readonly hostWaiters = new Set<Thread>();
  current: Thread | undefined;
  /** The reusable already-finished iterator behind completed() (per processor). */
  private readonly doneResult: { done: true; value: unknown } = { done: true, value: undefined };
  private readonly doneIterator = {
    next: () => this.doneResult,
    [Symbol.iterator]() { return this; },
  };
  /** Time at which the running kernel thread should yield at its next safe point. */
  quantumEnd = Infinity;
  dispatches = 0;

  constructor(
    private readonly port: ProcessorPort,
    private readonly trace: TraceWriter,
    private readonly hooks: SchedulerHooks,
  ) {}

  /**
   * Create a ready thread in `domain` running `body`. A thread spawned by a message handler
   * (no thread running: K42's fresh thread per incoming request) runs next; one spawned by a
   * thread queues behind the others. `opts` marks guest and daemon threads.
   */
  spawn(name: string, body: ThreadBody, domain = KERNEL_DOMAIN, opts?: SpawnOptions): Thread {
    const t = new Thread((this.port.cpu << 20) | ++this.seq, domain, name, body, opts);
    this.all.set(t.id, t);
    this.makeReady(t, this.current === undefined && this.started);
    return t;
  }

  /** Set once the processor runs (threads spawned at boot keep their order). */
  started = false;

  get(id: number): Thread | undefined {
    return this.all.get(id);
  }

  /** Live threads of this processor (for debuggers and tests). */
  threads(): Thread[] {
    return [...this.all.values()];
  }

  runnable(): boolean {
    return this.readyCount > 0;
  }

  nextTimer(): number {
    let t = Infinity;
    for (const s of this.sleepers) {
      const u = s.block === undefined ? undefined : deadlineOf(s.block);
      if (u !== undefined && u < t) t = u;
    }
    return t;
  }

  /**
   * True when the running thread should give the processor back at this safe point: its
   * quantum is used, a message has arrived (messages are handled between thread steps), or a
   * thread waits for a generation to pass (generations advance between thread steps).
   */
  shouldYield(): boolean {
    return this.port.now() >= this.quantumEnd || this.port.pending() || this.genWaiters.size > 0;
  }

  /**
   * An iterator that has already finished with `value`, for a call that completed without
   * blocking: `yield*` on it costs ~20 ns where a generator frame costs ~75 ns. It is one
   * reused object, valid only until the next completed() of this processor — `yield*` consumes
   * it at once, which is the only way to use it.
   */
  completed<T>(value: T): Generator<Block, T, unknown> {
    this.doneResult.value = value;
    return this.doneIterator as unknown as Generator<Block, T, unknown>;
  }

  /**
   * A call that failed before any generator ran: the error is thrown when the caller runs the
   * returned generator (at its `yield*`), as it would have been from a generator frame.
   */
  *failed(err: unknown): Generator<Block, never, unknown> {
    throw err;
  }

  /** Make a blocked thread ready, handing `value` to its body. */
  wake(t: Thread, value?: unknown): void {
    if (t.state !== ThreadState.Blocked) return;
    const kind = t.block?.kind ?? "event";
    const timed = t.block !== undefined && deadlineOf(t.block) !== undefined;
    this.trace.ev2(Major.Sched, Sched.Unblock, t.id, BLOCK_CODE[kind]);
    t.resume = value;
    t.block = undefined;
    if (timed) this.sleepers.splice(this.sleepers.indexOf(t), 1);
    else if (kind === "localGen" || kind === "globalGen") this.genWaiters.delete(t);
    else if (kind === "host") this.hostWaiters.delete(t);
    this.makeReady(t, true);
  }

  /** Wake every blocked thread whose block satisfies `pred`. */
  wakeWhere(pred: (b: Block) => boolean, value?: unknown): number {
    let n = 0;
    for (const t of this.all.values()) {
      if (t.state === ThreadState.Blocked && t.block !== undefined && pred(t.block)) {
        this.wake(t, value);
        n++;
      }
    }
    return n;
  }

  /** Run one time slice of the next ready thread. */
  runOne(quantum: number): void {
    this.started = true;
    this.checkSleepers();
    const d = this.nextDispatcher();
    if (d === undefined) return;
    const t = d.take();
    const start = this.port.now();
    this.readyCount--;
    this.current = t;
    t.state = ThreadState.Running;
    this.port.charge(this.port.cost.dispatch);
    this.dispatches++;
    t.dispatchedAt = this.port.now();
    this.quantumEnd = t.dispatchedAt + quantum;
    this.trace.ev2(Major.Sched, Sched.Dispatch, t.id, t.domain);
    let r: IteratorResult<Block, unknown>;
    try {
      const v = t.resume;
      t.resume = undefined;
      r = t.body.next(v);
      // A thread inside a clustered-object call must not wait for what may take long (see
      // mayBlockInsideObject): the error is thrown at its yield, so its calls unwind (leaving
      // the objects, ending its activity) and it fails like any thread that throws.
      while (r.done !== true && t.coDepth > 0 && !mayBlockInsideObject(t, r.value)) {
        r = t.body.throw(new BlockedInsideObjectError(t, r.value));
      }
    } catch (e) {
      r = { done: true, value: undefined };
      t.error = e;
    }
    this.current = undefined;
    this.quantumEnd = Infinity;
    d.pass += (this.port.now() - start) / d.weight;
    if (r.done === true) this.finish(t, r.value);
    else this.blockOrRequeue(t, r.value);
    this.hooks.afterStep();
  }

  private blockOrRequeue(t: Thread, b: Block): void {
    if (b.kind === "yield") {
      this.trace.ev2(Major.Sched, Sched.Preempt, t.id, 0);
      this.makeReady(t);
      return;
    }
    t.state = ThreadState.Blocked;
    t.block = b;
    this.trace.ev2(Major.Sched, Sched.Block, t.id, BLOCK_CODE[b.kind]);
    if (deadlineOf(b) !== undefined) this.sleepers.push(t);
    else if (b.kind === "localGen" || b.kind === "globalGen") this.genWaiters.add(t);
    else if (b.kind === "host") this.hostWaiters.add(t);
    else if (b.kind === "join") {
      const target = this.all.get(b.thread);
      if (target === undefined) this.wake(t);
      else (target.joiners ??= []).push(t);
    }
  }

  private finish(t: Thread, value: unknown): void {
    t.state = ThreadState.Done;
    t.result = value;
    this.all.delete(t.id);
    this.trace.ev2(Major.Sched, Sched.ThreadExit, t.id, t.error === undefined ? 0 : 1);
    for (const j of t.joiners ?? []) this.wake(j, t);
    if (t.error !== undefined && this.onThreadError !== undefined) this.onThreadError(t);
  }

  /** Called when a thread's body throws (the kernel reports it; the processor goes on). */
  onThreadError: ((t: Thread) => void) | undefined;

  private dispatcher(domain: number): Dispatcher {
    let d = this.dispatchers.get(domain);
    if (d === undefined) {
      d = new Dispatcher(domain);
      this.dispatchers.set(domain, d);
      this.order.push(d);
    }
    return d;
  }

  /** Queue a ready thread: at the back, or (a thread that was blocked) at the front. */
  private makeReady(t: Thread, front = false): void {
    t.state = ThreadState.Ready;
    const d = this.dispatcher(t.domain);
    const now = this.port.now();
    t.readyAt = now;
    // A woken thread goes first (it waited; its wake-up is latency) — unless the thread at the
    // head has waited a quantum already: a thread that sleeps briefly and wakes again and
    // again would otherwise keep every other ready thread from running.
    if (front && d.head < d.ready.length && now - d.ready[d.head].readyAt > this.port.cost.kernelQuantum) front = false;
    // A dispatcher that was idle does not bank the time it did not use.
    if (!d.hasWork && d.pass < this.globalPass) d.pass = this.globalPass;
    if (front && d.head > 0) d.ready[--d.head] = t;
    else if (front) d.ready.unshift(t);
    else d.ready.push(t);
    this.readyCount++;
  }

  private nextDispatcher(): Dispatcher | undefined {
    let best: Dispatcher | undefined;
    for (const d of this.order) if (d.hasWork && (best === undefined || d.pass < best.pass)) best = d;
    if (best !== undefined) this.globalPass = best.pass;
    return best;
  }

  /** Set the weight of `domain`'s dispatcher on this processor (a positive number; default 1). */
  setWeight(domain: number, weight: number): void {
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`dispatcher weight must be positive (got ${weight})`);
    this.dispatcher(domain).weight = weight;
  }


  /** Wake sleepers whose time has come. */
  checkSleepers(): void {
    if (this.sleepers.length === 0) return;
    const now = this.port.now();
    for (const s of [...this.sleepers]) {
      const u = s.block === undefined ? undefined : deadlineOf(s.block);
      if (u !== undefined && u <= now) this.wake(s);
    }
  }
}

export { YIELD };
