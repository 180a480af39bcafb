// Where guest threads run, and when they move (K42's resource manager placed dispatchers on
// idle processors and moved work when the processors' runnable counts drifted apart).
//
// Every thread of every process is the home processor's to place (the personality lives
// there), so one Balancer on the home decides for all of them:
//
//   placement    a new thread goes to the processor with the fewest live guest threads among
//                those its affinity allows (the lowest such on a tie);
//   affinity     sched_setaffinity with a mask that leaves out where the thread runs moves it
//                into the mask (to the least loaded processor of the mask);
//   rebalancing  a periodic check on the home (every PERIOD_NS of machine time: virtual time in
//                the deterministic mode, so the same run moves the same threads at the same
//                instants) counts each processor's runnable threads and, while the busiest and
//                the idlest differ by two or more, moves a runnable thread the idlest may take
//                (its affinity) from the busiest to it. A thread the balancer moved is left
//                where it is for HYSTERESIS_NS (no ping-pong), and a move of one thread narrows
//                the gap by two, so it is never undone by the next check.
//
// A move is only a decision here (`moveTo`): the thread leaves at its next return to user
// mode, where it is not running guest code and its registers are all in its state block —
// at the end of a time slice, after a system call, after a wait — on the processor it runs on
// (system.ts for the home's own threads, remote.ts's runner for the others, told by a Move
// message); the home then starts it on the new processor (LinuxSystem.arrive).
//
// The check runs only while there is something to balance: two or more live guest threads on
// a machine of two or more processors, and something changed since the last look (a thread
// started, moved or ended, a system call was made, a thread waits with a deadline, or a
// candidate was held back by its hysteresis). Otherwise its thread ends, and the next change
// starts it again (`kick`).

import type { Block, Thread } from "../../kernel/sched/thread.js";
import { ThreadState, deadlineOf } from "../../kernel/sched/thread.js";
import { Linux, Major } from "../../kernel/trace/events.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { LinuxThread } from "./lprocess.js";
import { LinuxMsg } from "./remote.js";

/** How often the balancer looks (K42's resource manager looked once a second; threads here are short-lived). */
export const PERIOD_NS = 10_000_000;
/** How long a thread the balancer moved stays where it went. */
export const HYSTERESIS_NS = 3 * PERIOD_NS;

/** What the balancer needs of the personality: its threads and the home's kernel. */
export interface BalancerHost {
  readonly k: Kernel;
  /** Every live guest thread, by tid. */
  readonly threadsByTid: ReadonlyMap<number, LinuxThread>;
}

export class Balancer {
  /** Live guest threads per processor (placement counts a blocked thread too: it comes back). */
  readonly load: number[];
  /** The check's kernel thread, while it runs. */
  private thread: Thread | undefined;
  /** Changes since boot (threads started, moved, ended; system calls): the check's "anything new?". */
  private changes = 0;

  constructor(private readonly host: BalancerHost) {
    this.load = new Array<number>(host.k.topology.cpus).fill(0);
  }

  private get cpus(): number {
    return this.load.length;
  }

  /** Every processor of the machine, as an affinity mask. */
  online(): bigint {
    return (1n << BigInt(this.cpus)) - 1n;
  }

  /** The processor for a new thread allowed `mask`: the fewest live guest threads, the lowest such. */
  place(mask: bigint): number {
    let best = -1;
    for (let c = 0; c < this.cpus; c++) {
      if (((mask >> BigInt(c)) & 1n) === 0n) continue;
      if (best < 0 || this.load[c] < this.load[best]) best = c;
    }
    if (best < 0) throw new Error(`an affinity mask with no processor of the machine (0x${mask.toString(16)})`);
    return best;
  }

  /** Thread `t`'s user code runs on `cpu` from now. */
  started(t: LinuxThread, cpu: number): void {
    t.runsOn = cpu;
    this.load[cpu]++;
    this.changed();
  }

  /** Thread `t` left its processor (it ended, or moves). */
  stopped(t: LinuxThread): void {
    if (t.runsOn >= 0) this.load[t.runsOn]--;
    this.changed();
  }

  /** Something the balancer counts may have changed: look again (starting the check if it sleeps). */
  changed(): void {
    this.changes++;
    this.kick();
  }

  /**
   * Thread `t` must run on `to`: it moves at its next return to user mode (`to` its processor
   * now: it stays, or stops moving).
   */
  moveTo(t: LinuxThread, to: number): void {
    if (to === t.runsOn) {
      t.moveTo = undefined; // a move asked before goes back where it started (arrive restarts it there)
      return;
    }
    const told = t.moveTo !== undefined;
    t.moveTo = to;
    const k = this.host.k;
    // A thread on another processor is told there (once: a later decision only changes the target).
    if (!told && t.runsOn !== k.cpu && t.runsOn >= 0) k.msg.send(t.runsOn, LinuxMsg.Move, t.tid);
    this.changed();
  }

  /** `t`'s affinity changed: if it leaves out where the thread runs (or is going), it moves into it. */
  affinityChanged(t: LinuxThread): void {
    const at = t.moveTo ?? t.runsOn;
    if (at < 0 || ((t.affinity >> BigInt(at)) & 1n) !== 0n) return;
    this.moveTo(t, this.place(t.affinity));
  }

  /** The wait of a sched_setaffinity for thread `t` to leave the processor it runs on. */
  moveWait(t: LinuxThread): Block {
    return { kind: "event", what: `thread ${t.tid} to leave processor ${t.runsOn}` };
  }

  /** Thread `t` left its processor (it moves, or ended): a sched_setaffinity waiting for that goes on. */
  left(t: LinuxThread): void {
    const what = (this.moveWait(t) as { what: string }).what;
    this.host.k.sched.wakeWhere((b) => b.kind === "event" && b.what === what);
  }

  /** Is `t` due to leave its processor now (its next return to user mode)? */
  leaving(t: LinuxThread): boolean {
    if (t.moveTo === undefined) return false;
    if (t.moveTo !== t.runsOn) return true;
    t.moveTo = undefined;
    return false;
  }

  /** Does `t` want a processor (running its user code, or ready to)? Blocked in a call, it does not. */
  private runnable(t: LinuxThread): boolean {
    if (t.moveTo !== undefined) return true; // on its way: counted where it goes
    const kt = t.kthread; // its own kernel thread (on the home), or the one serving its call now
    return kt === undefined || kt.state !== ThreadState.Blocked;
  }

  /** Does `t` wait with a deadline (it will be runnable again without anyone's call)? */
  private timed(t: LinuxThread): boolean {
    const kt = t.kthread;
    return kt !== undefined && kt.state === ThreadState.Blocked && kt.block !== undefined && deadlineOf(kt.block) !== undefined;
  }

  /** Start the periodic check if there is something to balance and it is not running. */
  kick(): void {
    if (this.thread !== undefined || this.cpus < 2 || this.host.threadsByTid.size < 2) return;
    this.thread = this.host.k.sched.spawn("balancer", this.loop());
  }

  private *loop(): Generator<Block, void, unknown> {
    const k = this.host.k;
    let seen = this.changes;
    for (;;) {
      yield { kind: "sleep", until: k.port.now() + PERIOD_NS };
      if (this.host.threadsByTid.size < 2) break;
      const r = this.check();
      let timed = false;
      for (const t of this.host.threadsByTid.values()) if (this.timed(t)) timed = true;
      // Nothing changed since the last look and nothing is held back: the next change restarts the check.
      if (this.changes === seen && r.moves === 0 && !r.held && !timed) break;
      seen = this.changes;
    }
    this.thread = undefined;
  }

  /** One look: runnable counts per processor, and moves from the busiest to the idlest while they differ by 2 or more. */
  private check(): { moves: number; held: boolean } {
    const k = this.host.k, now = k.port.now();
    const runnable = new Array<number>(this.cpus).fill(0);
    const where = new Map<LinuxThread, number>();
    for (const t of this.host.threadsByTid.values()) {
      const at = t.moveTo ?? t.runsOn;
      if (at < 0 || !this.runnable(t)) continue;
      runnable[at]++;
      where.set(t, at);
    }
    let moves = 0, held = false;
    const moved = new Set<LinuxThread>();
    for (;;) {
      // Pairs from the widest gap down: the first with a thread that may go is taken.
      let done = true;
      const order = [...runnable.keys()].sort((a, b) => runnable[b] - runnable[a] || a - b);
      search: for (const from of order) {
        for (const to of [...order].reverse()) {
          if (runnable[from] - runnable[to] < 2) continue;
          const t = this.candidate(where, moved, from, to, now);
          if (t === "held") {
            held = true;
            continue;
          }
          if (t === undefined) continue;
          t.movedAt = now;
          this.moveTo(t, to);
          moved.add(t);
          runnable[from]--;
          runnable[to]++;
          moves++;
          done = false;
          break search;
        }
      }
      if (done) break;
    }
    if (moves > 0) k.trace.ev3(Major.Linux, Linux.Rebalanced, Math.max(...runnable), Math.min(...runnable), moves);
    return { moves, held };
  }

  /**
   * The thread to move from `from` to `to`: runnable there, not moving already, allowed on `to`,
   * not moved by the balancer within its hysteresis; the newest (highest tid) of those. "held":
   * only hysteresis kept one back.
   */
  private candidate(where: Map<LinuxThread, number>, moved: Set<LinuxThread>, from: number, to: number, now: number): LinuxThread | "held" | undefined {
    let best: LinuxThread | undefined, held = false;
    for (const [t, at] of where) {
      if (at !== from || t.moveTo !== undefined || moved.has(t) || ((t.affinity >> BigInt(to)) & 1n) === 0n) continue;
      if (now - t.movedAt < HYSTERESIS_NS) {
        held = true;
        continue;
      }
      if (best === undefined || t.tid > best.tid) best = t;
    }
    return best ?? (held ? "held" : undefined);
  }

  /** The check's thread may sleep past the last thread's end: wake it to see there is nothing left. */
  wakeIfIdle(): void {
    if (this.thread === undefined || this.host.threadsByTid.size >= 2) return;
    this.host.k.sched.wake(this.thread); // (only a sleeping thread is woken)
  }
}
