// Guest threads on other processors than their process's home. A thread runs its user code
// on the processor it was placed on (its state block, the address space's page tables and
// code are in shared memory, so any processor's engine can run it); everything that needs the
// process's own state — system calls, signals from faults, its end — is shipped to the home
// processor, where the personality keeps the process (function shipping, over the kernel's
// request/reply messages). The thread waits for the answer as an explicit `reply` record.
//
//   home → runner   Run     start a thread (its tid, pid, state block, address space)
//   runner → home   Call    a system call or an exception: run it there; the answer is the
//                           thread's end (if it ended) and the address space it runs in now
//                           (execve replaces it)
//   runner → home   Ended   the thread's guest code ended (a limit reached, told to die)
//   home → runner   Doom    the thread must end at its next return to user mode
//   home → runner   Poke    a signal came: at its next return to user mode, ask home to deliver
//   home → runner   Move    the thread must leave at its next return to user mode (its
//                           affinity, or the balancer: balance.ts); the home then starts it
//                           where it goes, with Run
//   runner → home   Left    it left (not running guest code, its registers in its state block)
//
// Messages carry plain values only (they cross workers in the parallel mode). The runner half
// is installed on every processor; the home half by the home's LinuxSystem.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { Space } from "../../kernel/mem/space.js";
import type { ObjRef } from "../../kernel/cos/manager.js";
import type { Process } from "../../kernel/mem/process.js";
import { guestThread, ThreadClock, type GuestThreadSpec, type SyscallResult, type ThreadEnd } from "../../kernel/exec/guest-thread.js";
import type { GuestTime } from "./guest-time.js";
import { OutOfMemoryError } from "../../machine/memory.js";

/** The personality's message kinds (the kernel leaves 100 and up to its users). */
export const enum LinuxMsg {
  Run = 110,
  Call = 111,
  Ended = 112,
  Doom = 113,
  /** A signal came for a thread running here: at its next return to user mode it asks home to deliver. */
  Poke = 114,
  /** The thread must leave this processor at its next return to user mode (a migration). */
  Move = 115,
  /** The thread left its runner for a migration (its accounts so far). */
  Left = 116,
}

export interface RunMsg {
  readonly home: number;
  readonly tid: number;
  readonly domain: number;
  readonly state: number;
  readonly proc: number;
  readonly name: string;
  readonly maxInstructions?: number;
  /** A migrated thread's accounts so far (a new thread starts from zero). */
  readonly counts?: Counts;
  /** Look for signals at once (a migrated thread: a Poke may have gone to where it was). */
  readonly poke?: true;
}

/** The accounts a runner reports with every message (the home keeps the process's totals). */
export interface Counts {
  readonly instructions: number;
  readonly kernelCycles: number;
  readonly faults: number;
}

export interface CallMsg {
  readonly tid: number;
  /** "syscall", or a synchronous exception's signal, code and address. */
  readonly exception?: { readonly signal: number; readonly code: number; readonly addr: number; readonly describe: string };
  /** Neither: only the way back to user mode (signal delivery) after a Poke. */
  readonly deliver?: true;
  readonly counts: Counts;
}

export interface CallReply {
  readonly end?: ThreadEnd;
  /** The address space the thread runs in after the call (execve gives it a new one). */
  readonly proc: number;
}

export interface LeftMsg {
  readonly tid: number;
  readonly counts: Counts;
}

export interface EndedMsg {
  readonly tid: number;
  readonly end: ThreadEnd;
  readonly counts: Counts;
}

export const countsOf = (c: ThreadClock): Counts => ({ instructions: c.instructions, kernelCycles: c.kernelCycles, faults: c.faults });

/** The runner half, on every processor: runs the threads placed here. */
export class RemoteRunner {
  private readonly doomed = new Set<number>();
  private readonly poked = new Set<number>();
  /** Threads running here now, and those told to leave (Move). */
  private readonly running = new Set<number>();
  private readonly leaving = new Set<number>();
  /** The end a thread's loop reports when it leaves for another processor (compared by identity). */
  private readonly left: ThreadEnd = Object.freeze({ exitCode: 0 });

  constructor(
    private readonly k: Kernel,
    private readonly time: GuestTime,
    private readonly emulate: (c: import("../../machine/power/cpu.js").Cpu) => boolean,
  ) {
    k.msg.on(LinuxMsg.Run, (_from, b) => this.run(b as RunMsg));
    k.msg.on(LinuxMsg.Doom, (_from, b) => this.doom(b as number));
    k.msg.on(LinuxMsg.Poke, (_from, b) => this.poked.add(b as number));
    k.msg.on(LinuxMsg.Move, (_from, b) => {
      // A Move for a thread that ended or left already is stale: nothing to do.
      if (this.running.has(b as number)) this.leaving.add(b as number);
    });
  }

  private doom(tid: number): void {
    this.doomed.add(tid);
  }

  private run(m: RunMsg): void {
    const k = this.k, runner = this;
    let space = new Space(k, m.proc as ObjRef<Process>);
    const clock = new ThreadClock();
    if (m.counts !== undefined) {
      clock.instructions = m.counts.instructions;
      clock.kernelCycles = m.counts.kernelCycles;
      clock.faults = m.counts.faults;
    }
    // A new stay here: what was noted for an earlier one (or an earlier thread of this tid) is stale.
    this.doomed.delete(m.tid);
    this.poked.delete(m.tid);
    this.leaving.delete(m.tid);
    if (m.poke === true) this.poked.add(m.tid);
    this.running.add(m.tid);
    /** A call shipped home: the answer, and the space to run in afterwards. */
    const ship = (msg: Omit<CallMsg, "counts">): SyscallResult => ({
      what: `${msg.exception === undefined ? "a system call" : "an exception"} of thread ${m.tid}, on processor ${m.home}`,
      *run(): Generator<Block, ThreadEnd | undefined, unknown> {
        const [r] = (yield* k.ask([m.home], LinuxMsg.Call, { ...msg, counts: countsOf(clock) } satisfies CallMsg)) as [CallReply];
        if (r.proc !== space.proc) space = new Space(k, r.proc as ObjRef<Process>);
        return r.end;
      },
    });
    const spec: GuestThreadSpec = {
      name: m.name,
      get space() {
        return space;
      },
      state: m.state,
      timeBase: () => runner.time.timeBase(),
      ...(m.maxInstructions !== undefined ? { maxInstructions: m.maxInstructions } : {}),
      // The thread's memory policy is the home's: faults here take the default (this processor's node).
      choice: () => undefined,
      syscall: () => ship({ tid: m.tid }),
      exception: (c, signal, code, addr) => ship({ tid: m.tid, exception: { signal, code, addr, describe: c.describeExit() } }),
      emulate: this.emulate,
      returnToUser: () => {
        if (runner.doomed.has(m.tid)) return { exitCode: 0 };
        if (runner.poked.delete(m.tid)) return ship({ tid: m.tid, deliver: true }); // a signal came: home delivers it
        // Told to move: the loop ends here, between two kernel entries, its state all in its block.
        if (runner.leaving.delete(m.tid)) return runner.left;
        return undefined;
      },
    };
    const body = function* (): Generator<Block, void, unknown> {
      let end: ThreadEnd = { exitCode: 0 };
      try {
        yield* guestThread(k, spec, clock, (e) => { end = e; });
      } catch (e) {
        // Physical memory ran out while populating a page: Linux's OOM killer sends SIGKILL.
        if (!(e instanceof OutOfMemoryError)) throw e;
        end = { exitCode: 128 + 9, signal: 9, error: `out of memory (${e.message})` };
      }
      runner.doomed.delete(m.tid);
      runner.running.delete(m.tid);
      runner.leaving.delete(m.tid);
      if (end === runner.left) k.msg.send(m.home, LinuxMsg.Left, { tid: m.tid, counts: countsOf(clock) } satisfies LeftMsg);
      else k.msg.send(m.home, LinuxMsg.Ended, { tid: m.tid, end, counts: countsOf(clock) } satisfies EndedMsg);
    };
    k.sched.spawn(m.name, body(), m.domain, { guest: true });
  }
}
