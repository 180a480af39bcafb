// Threads, and the explicit records of what a blocked thread waits for. A thread's body is a
// generator: it runs until it yields a Block, so a blocked thread is a value (its Block and its
// suspended body) that a debugger or a migration can inspect — never a hidden host stack.
// Kernel threads and guest threads are the same kind of thing: a guest thread's body runs the
// processor for a time slice and yields at the end of it (linux/ builds those bodies).

import { assertNever } from "../../machine/assert.js";

/** What a thread waits for. */
export type Block =
  /** End of a time slice (or a voluntary yield): ready again at once. */
  | { readonly kind: "yield" }
  /** A reply to a cross-processor call or message, matched by token. */
  | { readonly kind: "reply"; readonly token: number }
  /** A clustered object in the BLOCK phase of a hot-swap; the call restarts on the new object. */
  | { readonly kind: "swap"; readonly obj: number }
  /** This processor's generation count to pass marker + 2 (all threads active at the marker ended). */
  | { readonly kind: "localGen"; readonly marker: number }
  /** The global generation count to pass marker + 2 (every processor quiesced twice). */
  | { readonly kind: "globalGen"; readonly marker: number }
  /** Virtual or real time `until` (the clock's unit). */
  | { readonly kind: "sleep"; readonly until: number }
  /** Another thread of this processor to finish. */
  | { readonly kind: "join"; readonly thread: number }
  /** Anything else, woken explicitly by wake(); `what` says what for (shown by debuggers/traces). */
  | { readonly kind: "event"; readonly what: string }
  /**
   * Input from the host (`what` names the device: "stdin"): woken by the processor when the
   * machine's host input device has bytes or reached its end (Kernel.hostRead).
   */
  | { readonly kind: "host"; readonly what: string }
  /**
   * A notify of a wait channel the thread subscribed to (kernel/sched/wait-channel.ts), or time
   * `until` (Infinity: no deadline). `what` names what the channels stand for ("pipe 12 data").
   */
  | { readonly kind: "channel"; readonly what: string; readonly until: number };

export type BlockKind = Block["kind"];

export const YIELD: Block = { kind: "yield" };

export type ThreadBody = Generator<Block, unknown, unknown>;

export const enum ThreadState {
  Ready = 0,
  Running = 1,
  Blocked = 2,
  Done = 3,
}

/** Minor id of a block kind in trace events (Sched/Block data word). */
export const BLOCK_CODE: Readonly<Record<BlockKind, number>> = {
  yield: 0, reply: 1, swap: 2, localGen: 3, globalGen: 4, sleep: 5, join: 6, event: 7, host: 8, channel: 9,
};

/** The deadline of a block that has one (a sleep, a channel wait with a timeout), else undefined. */
export function deadlineOf(b: Block): number | undefined {
  if (b.kind === "sleep") return b.until;
  if (b.kind === "channel" && b.until !== Infinity) return b.until;
  return undefined;
}

/** What a blocked thread waits for, in words (deadlock reports, debuggers): `event "child exit"`. */
export function describeBlock(b: Block, threadName?: (id: number) => string | undefined): string {
  switch (b.kind) {
    case "yield":
      return "the processor";
    case "reply":
      return `reply token ${b.token}`;
    case "swap":
      return `hot-swap of object ${b.obj}`;
    case "localGen":
      return `local generation ${b.marker + 2}`;
    case "globalGen":
      return `global generation ${b.marker + 2}`;
    case "sleep":
      return `time ${b.until}`;
    case "join": {
      const name = threadName?.(b.thread);
      return name === undefined ? `thread ${b.thread} to finish` : `thread ${JSON.stringify(name)} to finish`;
    }
    case "event":
      return `event ${JSON.stringify(b.what)}`;
    case "host":
      return `host ${b.what}`;
    case "channel":
      return b.until === Infinity ? `channel ${JSON.stringify(b.what)}` : `channel ${JSON.stringify(b.what)} or time ${b.until}`;
    default:
      return assertNever(b);
  }
}

/**
 * Whether thread `t` may wait for `b` while inside a clustered-object call (coDepth > 0).
 * A thread inside a call is *active*: it holds back its processor's generation, hence every
 * global quiescence, destruction and hot-swap in the machine, until it leaves. K42 keeps
 * object code on short, non-blocking paths and does its long waits outside objects; here:
 *   - `yield` (preemption at a safe point) and `swap` (the hot-swap's own BLOCK phase, which
 *     ends when the swap does) are always allowed;
 *   - `reply` is allowed to kernel threads: a cross-processor call out of an object (a PPC to
 *     a kernel server, a gather, a recursion back into the object on another processor) is
 *     answered by a short kernel handler. A guest thread's call may wait on another process
 *     or the host for as long as they take: it must leave the object layer first;
 *   - `localGen`/`globalGen` never: the generation cannot pass while the thread holds it back
 *     (it would wait for itself);
 *   - `sleep`, `join`, `event`, `host`, `channel` never: waits of unbounded length.
 */
export function mayBlockInsideObject(t: Thread, b: Block): boolean {
  switch (b.kind) {
    case "yield":
    case "swap":
      return true;
    case "reply":
      return !t.guest;
    case "localGen":
    case "globalGen":
    case "sleep":
    case "join":
    case "event":
    case "host":
    case "channel":
      return false;
    default:
      return assertNever(b);
  }
}

/** A thread waited for something it may not wait for inside a clustered-object call (a kernel bug). */
export class BlockedInsideObjectError extends Error {
  constructor(t: Thread, b: Block) {
    super(
      `thread ${JSON.stringify(t.name)} (${t.guest ? "guest" : "kernel"}) blocked on ${describeBlock(b)} inside a clustered-object call ` +
      `(depth ${t.coDepth}): it would hold back quiescence machine-wide; leave the object before waiting`,
    );
    this.name = "BlockedInsideObjectError";
  }
}

/** How a thread is created (Scheduler.spawn). */
export interface SpawnOptions {
  /** A guest (user-program) thread; the Linux layer sets it. Default false. */
  guest?: boolean;
  /**
   * A service thread that may wait forever for requests (a server loop): the machine may
   * stop while it is blocked, and that is no deadlock. Default false.
   */
  daemon?: boolean;
}

export class Thread {
  state = ThreadState.Ready;
  /** A guest (user-program) thread: stricter about blocking inside object calls (mayBlockInsideObject). */
  readonly guest: boolean;
  /** A service thread whose endless wait is no deadlock (SpawnOptions.daemon). */
  readonly daemon: boolean;
  block: Block | undefined;
  /** Value handed to the body when it resumes (a reply, or undefined). */
  resume: unknown;
  /** Depth of clustered-object calls this thread is inside (generation counting). */
  coDepth = 0;
  /** The generation this thread activated in while coDepth > 0. */
  gen = 0;
  result: unknown;
  error: unknown;
  /** Virtual/real time the thread was last dispatched. */
  dispatchedAt = 0;
  /** When the thread last became ready (for the scheduler's starvation guard). */
  readyAt = 0;
  /** Threads of this processor joined on this one. */
  joiners: Thread[] | undefined;
  /** Domains this thread acts for inside same-processor PPC handoffs (innermost last). */
  acting: number[] | undefined;
  /** Objects this thread entered through a hot-swap mediator and has not left (innermost last). */
  mediated: number[] | undefined;
  /**
   * Objects the call chain this thread serves was inside when it crossed processors (a remote
   * PPC's caller): a call into one of them is a recursion, which a mediator must let pass.
   */
  inherited: readonly number[] | undefined;

  /** Objects this thread's call chain is inside through mediators (sent along with remote calls). */
  chainInside(): number[] {
    const out = [...(this.inherited ?? [])];
    for (const id of this.mediated ?? []) if (!out.includes(id)) out.push(id);
    return out;
  }

  constructor(
    /** Unique in the machine: cpu << 20 | sequence. */
    readonly id: number,
    /** The protection domain (process) the thread belongs to. */
    readonly domain: number,
    readonly name: string,
    readonly body: ThreadBody,
    opts: SpawnOptions = {},
  ) {
    this.guest = opts.guest ?? false;
    this.daemon = opts.daemon ?? false;
  }
}
