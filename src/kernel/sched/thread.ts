// Threads, and the explicit records of what a blocked thread waits for. A thread's body is a
// generator: it runs until it yields a Block, so a blocked thread is a value (its Block and its
// suspended body) that a debugger or a migration can inspect — never a hidden host stack.
// Kernel threads and guest threads are the same kind of thing: a guest thread's body runs the
// processor for a time slice and yields at the end of it (linux/ builds those bodies).

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
  | { readonly kind: "event"; readonly what: string };

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
  yield: 0, reply: 1, swap: 2, localGen: 3, globalGen: 4, sleep: 5, join: 6, event: 7,
};

export class Thread {
  state = ThreadState.Ready;
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
  ) {}

}
