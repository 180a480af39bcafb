// The microkernel of one processor. Everything it owns hangs off this object (K42's
// per-processor exception-level data and COSMgr rep): the scheduler, the messenger, the
// clustered-object manager with its translation table, quiescence, destruction, hot-swap, the
// trace writer. A Kernel never holds a JS reference to another processor's Kernel: processors
// meet only in shared memory and through messages, so the same code runs with every processor
// on one thread (deterministic mode) or one per worker (parallel mode).

import type { ProcessorPort, ProcessorSoftware } from "../machine/port.js";
import type { Topology } from "../machine/topology.js";
import { COSManager } from "./cos/manager.js";
import { Gtt } from "./cos/gtt.js";
import { Quiescence } from "./cos/quiesce.js";
import { Reclaimer } from "./cos/destroy.js";
import { HotSwapper } from "./hotswap/swap.js";
import { PPCManager } from "./ppc/ppc.js";
import { Messenger, MsgKind } from "./messenger.js";
import { Scheduler } from "./sched/scheduler.js";
import { ThreadState, describeBlock, type Block } from "./sched/thread.js";
import { WaitChannels } from "./sched/wait-channel.js";
import { SharedHeap, SharedWords } from "./shared.js";
import { TraceArea } from "./trace/area.js";
import { TraceWriter } from "./trace/writer.js";
import type { KernelLayout } from "./layout.js";
import type { MemorySystem } from "./mem/system.js";

export type ReplyFn = (value: unknown) => void;
export type RequestHandler = (from: number, body: unknown, reply: ReplyFn) => void;

interface Request { t: number; i: number; b: unknown }
interface Reply { t: number; i: number; v?: unknown; e?: string }

interface Waiting {
  thread: number;
  results: unknown[];
  remaining: number;
  error: string | undefined;
}

export class RemoteError extends Error {}

export class Kernel implements ProcessorSoftware {
  readonly cpu: number;
  readonly topology: Topology;
  readonly trace: TraceWriter;
  readonly sched: Scheduler;
  readonly msg: Messenger;
  readonly heap: SharedHeap;
  /** The kernel control block in shared memory (quiesce.ts lists its words). */
  readonly ctl: SharedWords;
  readonly gtt: Gtt;
  readonly cos: COSManager;
  readonly quiesce: Quiescence;
  readonly reclaim: Reclaimer;
  readonly swap: HotSwapper;
  /** Wait channels: block until an object changes, notified from any processor (sched/wait-channel.ts). */
  readonly waits: WaitChannels;
  readonly ppc: PPCManager = new PPCManager(this);
  /** The memory system (kernel/mem), once a program installs it (MemorySystem.install). */
  memory: MemorySystem | undefined = undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextToken = 1;
  /** Errors of kernel threads (a thread's exception never takes the processor down). */
  readonly threadErrors: { thread: string; error: string }[] = [];

  constructor(readonly port: ProcessorPort, readonly layout: KernelLayout) {
    this.cpu = port.cpu;
    this.topology = port.topology;
    const area = new TraceArea(port.mem.buffer, layout.trace.addr, port.topology.cpus, layout.trace.wordsPerCpu);
    this.trace = new TraceWriter(area, port.cpu, () => port.now());
    this.msg = new Messenger(port, this.trace);
    this.sched = new Scheduler(port, this.trace, { afterStep: () => this.quiescentPoint() });
    this.sched.onThreadError = (t) => {
      const e = t.error;
      this.threadErrors.push({ thread: t.name, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    };
    this.heap = new SharedHeap(port);
    this.ctl = new SharedWords(port, this.trace, layout.control);
    this.gtt = new Gtt(port, layout.gtt, layout.gttEntries);
    this.quiesce = new Quiescence(port, this.msg, this.ctl);
    this.cos = new COSManager(this);
    this.msg.on(MsgKind.Reply, (_from, b) => this.onReply(b as Reply));
    this.onRequest(MsgKind.Gather, (_from, b, reply) => reply(this.cos.runGather(b as { id: number; op: string })));
    this.reclaim = new Reclaimer(this);
    this.swap = new HotSwapper(this);
    this.waits = new WaitChannels(this);
  }

  // ---- requests and replies between processors ----

  /**
   * Handle requests of `kind`: the handler answers through `reply`, now or later (it may
   * spawn a thread that replies when it is done). An exception becomes an error reply.
   */
  onRequest(kind: number, h: RequestHandler): void {
    this.msg.on(kind, (from, body) => {
      const r = body as Request;
      let replied = false;
      const reply: ReplyFn = (v) => {
        if (replied) throw new Error(`request ${kind} from cpu ${from} answered twice`);
        replied = true;
        this.msg.send(from, MsgKind.Reply, { t: r.t, i: r.i, v } satisfies Reply);
      };
      try {
        h(from, r.b, reply);
      } catch (e) {
        if (!replied) {
          replied = true;
          this.msg.send(from, MsgKind.Reply, { t: r.t, i: r.i, e: e instanceof Error ? e.message : String(e) } satisfies Reply);
        }
      }
    });
  }

  /**
   * Send request `kind` with `body` to each processor of `targets` and wait (blocked, an
   * explicit {reply} record) for all answers; they come back in the order of `targets`.
   * A handler's exception is rethrown here as RemoteError.
   */
  *ask(targets: readonly number[], kind: number, body?: unknown): Generator<Block, unknown[], unknown> {
    const t = this.sched.current;
    if (t === undefined) throw new Error("ask() outside a thread");
    if (targets.length === 0) return [];
    const token = this.nextToken++;
    const w: Waiting = { thread: t.id, results: new Array(targets.length), remaining: targets.length, error: undefined };
    this.waiting.set(token, w);
    targets.forEach((to, i) => this.msg.send(to, kind, { t: token, i, b: body } satisfies Request));
    try {
      yield { kind: "reply", token };
    } finally {
      this.waiting.delete(token); // a thread unwound at its wait: a late answer wakes nobody
    }
    if (w.error !== undefined) throw new RemoteError(w.error);
    return w.results;
  }

  private onReply(r: Reply): void {
    const w = this.waiting.get(r.t);
    if (w === undefined) return; // a late answer to a request that already failed
    if (r.e !== undefined && w.error === undefined) w.error = r.e;
    w.results[r.i] = r.v;
    if (--w.remaining === 0) {
      this.waiting.delete(r.t);
      const th = this.sched.get(w.thread);
      if (th !== undefined) this.sched.wake(th);
    }
  }

  // ---- host input ----

  /**
   * Read up to `max` bytes (max >= 1) of the machine's host input (k42's stdin): blocks the
   * thread (an explicit `{ kind: "host" }` record) while none is available; an empty array at
   * end of input. Not inside a clustered-object call (mayBlockInsideObject).
   */
  *hostRead(max: number): Generator<Block, Uint8Array, unknown> {
    if (this.sched.current === undefined) throw new Error("hostRead() outside a thread");
    const input = this.port.input;
    for (;;) {
      const b = input.tryRead(max);
      if (b !== undefined) return b;
      yield { kind: "host", what: input.name };
    }
  }

  /** Between slices: wake the threads waiting for host input once it is readable. */
  private pollHost(): void {
    if (this.sched.hostWaiters.size > 0 && this.port.input.readable()) {
      for (const t of [...this.sched.hostWaiters]) this.sched.wake(t);
    }
  }

  waitsForHost(): boolean {
    return this.sched.hostWaiters.size > 0;
  }

  blocked(): string[] {
    const name = (id: number): string | undefined => this.sched.get(id)?.name;
    return this.sched.threads()
      .filter((t) => t.state === ThreadState.Blocked && !t.daemon && t.block !== undefined)
      .map((t) => `thread ${JSON.stringify(t.name)} on cpu ${this.cpu} waits for ${describeBlock(t.block as Block, name)}`);
  }

  // ---- the processor's loop (driven by the run mode) ----

  runnable(): boolean {
    return this.sched.runnable() || this.msg.pendingOverflow > 0 || this.genWaitersCanProgress() || this.quiesce.tokenCanMove ||
      (this.sched.hostWaiters.size > 0 && this.port.input.readable());
  }

  nextTimer(): number {
    return this.sched.nextTimer();
  }

  /**
   * For the running thread: how long (now()'s unit) it may go on without giving the processor
   * back changing anything — nothing else is ready here, no message, generation, host input or
   * token waits, and no timer here or event elsewhere comes sooner (port.quietUntil). -1 when
   * something else is waiting: the thread keeps to its quantum and chunks.
   */
  aloneFor(): number {
    const s = this.sched;
    if (s.runnable() || this.msg.pendingOverflow > 0 || s.genWaiters.size > 0 || this.quiesce.tokenCanMove || s.hostWaiters.size > 0 || this.port.pending()) return -1;
    const now = this.port.now();
    const until = Math.min(s.nextTimer(), this.port.quietUntil());
    return until > now ? until - now : -1;
  }

  slice(): void {
    this.msg.poll();
    this.quiescentPoint();
    this.sched.checkSleepers();
    this.pollHost();
    if (this.sched.runnable()) this.sched.runOne(this.port.cost.kernelQuantum);
    else this.port.charge(this.port.cost.dispatch); // idle pass: generations advance
  }

  private genWaiters = 0;

  /** Between thread steps: advance the generation, wake threads whose markers elapsed. */
  private quiescentPoint(): void {
    this.quiesce.advance();
    this.genWaiters = 0;
    if (this.sched.genWaiters.size === 0) return;
    for (const t of [...this.sched.genWaiters]) {
      const b = t.block;
      if (t.state !== ThreadState.Blocked || b === undefined) continue;
      if (b.kind === "localGen") {
        if (this.quiesce.localElapsed(b.marker)) this.sched.wake(t);
        else this.genWaiters++;
      } else if (b.kind === "globalGen") {
        if (this.quiesce.globalElapsed(b.marker)) this.sched.wake(t);
      }
    }
  }

  private genWaitersCanProgress(): boolean {
    return this.genWaiters > 0 && this.quiesce.activeThreads === 0;
  }
}
