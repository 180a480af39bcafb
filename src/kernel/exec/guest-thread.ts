// A guest thread: user-mode PowerPC code of an address space, run by the execution engine of
// whichever processor the thread is on (the engine — TLBs, translated code, dispatch loop —
// belongs to the processor; the thread is only its state block, so running a thread anywhere
// is pointing an engine at its block). The thread runs in time slices of the quantum's
// instructions; between slices the scheduler may run others. System calls go to the
// personality (the Linux layer), which answers at once or hands back a wait — an explicit,
// inspectable record run outside every clustered object. Faults go down K42's path, Process →
// Region → FCM → HAT. Kernel work is charged to the slice and to the processor's clock.

import type { Cpu, TimeBase } from "../../machine/power/cpu.js";
import { Exit } from "../../machine/power/cpu.js";
import { AlignmentFault } from "../../machine/power/ops/ea.js";
import { ObjectBusy } from "../cos/manager.js";
import type { Kernel } from "../kernel.js";
import type { Block } from "../sched/thread.js";
import { Exception, Major } from "../trace/events.js";
import { shootdown } from "../mem/hat.js";
import type { NodeChoice } from "../mem/page-allocator.js";
import { pageWait } from "../mem/region.js";
import type { Space } from "../mem/space.js";
import { TWO32 } from "../mem/va.js";

/**
 * Guest instructions run between two looks for messages to this processor: a shootdown waits
 * at most this long for a processor running guest code (a real processor takes the interrupt
 * at once; checking in the engine's dispatch loop instead is left to the translator).
 */
const CHUNK = 4096;
/**
 * Most guest instructions one engine run takes while the thread is alone on its processor and
 * nothing elsewhere can need it sooner (Kernel.aloneFor): each run and each slice end costs
 * microseconds of host time, so a thread that has the machine to itself runs long stretches.
 */
const RUN_AHEAD = 1 << 22;

/** How a thread ended. */
export interface ThreadEnd {
  readonly exitCode: number;
  /** The signal that killed it (Linux's number), if any. */
  readonly signal?: number;
  /** One line on why, for a death. */
  readonly error?: string;
}

/** A system call that must wait: what for (for reports), and the wait itself. */
export interface Wait {
  readonly what: string;
  run(): Generator<Block, ThreadEnd | undefined, unknown>;
}

export type SyscallResult = undefined | ThreadEnd | Wait;

/** Why the memory system could not resolve a fault (SIGSEGV's si_code). */
export const enum SegvCode {
  MapErr = 1,
  AccErr = 2,
}

/** SIGBUS's si_code: BUS_ADRALN (misaligned), BUS_ADRERR (a file page beyond its end, or unreadable). */
export const enum BusCode {
  AdrAln = 1,
  AdrErr = 2,
}

export interface GuestThreadSpec {
  readonly name: string;
  readonly space: Space;
  /** Physical address of the thread's architectural state block. */
  readonly state: number;
  readonly timeBase?: TimeBase;
  /** Stop the thread (SIGKILL) after this many instructions. */
  readonly maxInstructions?: number;
  /** The thread's memory policy (set_mempolicy) for the page at `va` its fault brings in. */
  choice(va: number): NodeChoice | undefined;
  /** A system call; the arguments are in the engine's registers. */
  syscall(cpu: Cpu): SyscallResult;
  /**
   * A synchronous exception the kernel does not resolve: the signal's outcome (undefined:
   * continue), or a wait that produces it (the personality may handle it on another processor).
   */
  exception(cpu: Cpu, signal: number, code: number, addr: number): SyscallResult;
  /** A privileged instruction the kernel emulates (mfspr PVR); true if handled. */
  emulate?(cpu: Cpu): boolean;
  /**
   * The personality's work on every return to user mode (signal delivery), called before the
   * engine runs the thread again after any kernel entry — a system call, an exception, the end
   * of a time slice: a thread end, a wait (after which it is called again), or undefined to
   * run on.
   */
  returnToUser?(cpu: Cpu): ThreadEnd | Wait | undefined;
}

/** The thread's accounts, readable by the personality while it runs (clocks, CPU time). */
export class ThreadClock {
  /** Guest instructions this thread retired. */
  instructions = 0;
  /** The engine's instruction count when the current slice's instructions were last charged. */
  charged = 0;
  /** Kernel work charged to the thread (system-call entries, page faults), in cycles: its system time. */
  kernelCycles = 0;
  /** Page faults the memory system resolved for the thread (Linux's minor faults). */
  faults = 0;
  /** The engine the thread runs on now (undefined between slices on no processor). */
  cpu: Cpu | undefined;
  /** Instructions run but not yet charged to the processor's clock. */
  pending(): number {
    return this.cpu === undefined ? 0 : this.cpu.icount - this.charged;
  }
}

/**
 * The body of a guest thread (spawn it with `{ guest: true }`). `done` receives how it ended.
 */
export function* guestThread(k: Kernel, spec: GuestThreadSpec, clock: ThreadClock, done: (end: ThreadEnd) => void): Generator<Block, void, unknown> {
  const ms = k.memory;
  if (ms === undefined) throw new Error("memory system not installed");
  const cost = k.port.cost;
  const quantum = cost.guestQuantum;
  const node = k.topology.nodeOf(k.cpu);
  const max = spec.maxInstructions ?? Infinity;
  let left = quantum;
  let cpu = ms.attach(spec.space.hat);
  const account = (): void => {
    const n = cpu.icount - clock.charged;
    k.port.charge(n * cost.instruction + cpu.fills[0] * cost.tlbFill[0] + cpu.fills[1] * cost.tlbFill[1]);
    left -= n;
    clock.instructions += n;
    clock.charged = cpu.icount;
    cpu.fills[0] = cpu.fills[1] = 0;
  };
  /** Kernel work done for the thread counts against its slice too (a syscall loop is preempted). */
  const kernelWork = (cycles: number): void => {
    k.port.charge(cycles);
    clock.kernelCycles += cycles;
    left -= Math.ceil(cycles / cost.instruction);
  };
  const memWork = (cycles: number, pa: number): number => (k.port.mem.frameNode(pa >>> 12) === node ? cycles : cycles * cost.remoteMemoryFactor);
  const finish = (end: ThreadEnd): void => {
    clock.cpu = undefined;
    done(end);
  };
  for (;;) {
    if (clock.instructions >= max) return finish({ exitCode: 128 + 9, error: `instruction limit ${max} reached`, signal: 9 });
    if (left <= 0) {
      left = quantum;
      // End of the time slice — unless giving the processor back would change nothing: nothing
      // else waits for it, here or (deterministic mode) on any processor before this one's time.
      if (k.aloneFor() < 0) {
        clock.cpu = undefined;
        yield { kind: "yield" };
      }
    }
    // (Re)attach: another thread may have run on this processor's engine meanwhile.
    cpu = ms.attach(spec.space.hat);
    cpu.attachState(spec.state);
    if (spec.timeBase !== undefined) cpu.timeBase = spec.timeBase;
    clock.cpu = cpu;
    clock.charged = cpu.icount;
    cpu.fills[0] = cpu.fills[1] = 0;
    if (spec.returnToUser !== undefined) {
      const r = spec.returnToUser(cpu);
      if (r !== undefined && "run" in r) {
        clock.cpu = undefined;
        const end = yield* r.run();
        if (end !== undefined) return finish(end);
        continue; // attach again and look again
      }
      if (r !== undefined) return finish(r);
    }
    // A chunk of the slice; alone, a longer stretch: up to the next event anywhere (the
    // deterministic driver would run this processor until then anyway; the parallel port never
    // counts a thread alone).
    let n = Math.min(left, CHUNK);
    const ahead = k.aloneFor();
    if (ahead > 0) n = Math.max(n, Math.min(Math.floor(ahead / cost.instruction), RUN_AHEAD));
    const exit = cpu.run(Math.min(n, max - clock.instructions));
    account();
    switch (exit) {
      case Exit.None:
        // Between chunks: a message for this processor (a shootdown, a cross-processor call)
        // is served now rather than at the end of the slice — the thread steps aside with the
        // rest of its slice kept, the kernel handles the message, and the thread goes on.
        if (left > 0 && k.port.pending()) {
          clock.cpu = undefined;
          yield { kind: "yield" };
        }
        continue;
      case Exit.Syscall: {
        kernelWork(cost.syscall);
        let r = spec.syscall(cpu);
        if (r !== undefined && "run" in r) {
          const w = r;
          clock.cpu = undefined;
          r = yield* w.run();
        }
        if (spec.space.pendingShootdown) yield* spec.space.flushPending();
        if (r !== undefined) return finish(r);
        continue;
      }
      case Exit.Fault: {
        const f = cpu.fault;
        const va = f === undefined ? 0 : (f.eaHi >>> 0) * TWO32 + (f.eaLo >>> 0);
        k.trace.ev3(Major.Exception, Exception.Fault, cpu.exitPc >>> 0, va, f?.access ?? 0);
        if (f === undefined || f instanceof AlignmentFault) {
          let end = spec.exception(cpu, 7, BusCode.AdrAln, va);
          if (end !== undefined && "run" in end) {
            clock.cpu = undefined;
            end = yield* end.run();
          }
          if (end !== undefined) return finish(end);
          continue;
        }
        let r;
        try {
          // A synchronous call (the whole fault path runs without yielding): the guest thread
          // is always past its kernel quantum here, and the general call path would yield first.
          r = k.cos.callNow(spec.space.proc, (p) => p.fault(va, f.access, spec.choice(va)));
        } catch (e) {
          if (!(e instanceof ObjectBusy)) throw e;
          clock.cpu = undefined;
          yield { kind: "swap", obj: e.obj }; // a memory object is being hot-swapped: retry after
          continue;
        }
        if (r.kind === "mapped") {
          clock.faults++;
          kernelWork(cost.pageFault + (r.zeroed ? memWork(cost.pageZero, r.pa) : 0) + (r.copied ? memWork(cost.pageCopy, r.pa) : 0));
          if (r.replaced) {
            clock.cpu = undefined;
            yield* shootdown(k, spec.space.hat); // a copy-on-write break: the old frame's translations go
          }
          continue;
        }
        if (r.kind === "in progress") {
          // A file's page is being read (by a kernel thread of its pager's processor): wait,
          // then run the instruction again. The fault's kernel work is charged as for any other.
          kernelWork(cost.pageFault);
          clock.cpu = undefined;
          yield pageWait(r.obj);
          continue;
        }
        if (r.kind === "bus") {
          let end = spec.exception(cpu, 7, BusCode.AdrErr, va); // SIGBUS: past the end of the mapped file
          if (end !== undefined && "run" in end) {
            clock.cpu = undefined;
            end = yield* end.run();
          }
          if (end !== undefined) return finish(end);
          continue;
        }
        let end = spec.exception(cpu, 11, r.kind === "denied" ? SegvCode.AccErr : SegvCode.MapErr, va);
        if (end !== undefined && "run" in end) {
          clock.cpu = undefined;
          end = yield* end.run();
        }
        if (end !== undefined) return finish(end);
        continue;
      }
      case Exit.Privileged: {
        if (spec.emulate?.(cpu) === true) continue;
        let end = spec.exception(cpu, 4, 0, cpu.exitPc >>> 0);
        if (end !== undefined && "run" in end) {
          clock.cpu = undefined;
          end = yield* end.run();
        }
        if (end !== undefined) return finish(end);
        continue;
      }
      case Exit.Illegal: {
        let end = spec.exception(cpu, 4, 0, cpu.exitPc >>> 0);
        if (end !== undefined && "run" in end) {
          clock.cpu = undefined;
          end = yield* end.run();
        }
        if (end !== undefined) return finish(end);
        continue;
      }
      case Exit.FpEnabled: {
        // A floating-point enabled exception (program interrupt): SIGFPE, at the instruction
        // (the PC is on it, as after a fault); the personality reads the FPSCR for the code.
        let end = spec.exception(cpu, 8, 0, cpu.exitPc >>> 0);
        if (end !== undefined && "run" in end) {
          clock.cpu = undefined;
          end = yield* end.run();
        }
        if (end !== undefined) return finish(end);
        continue;
      }
      case Exit.Trap: {
        k.trace.ev2(Major.Exception, Exception.Trap, cpu.exitPc >>> 0, 0);
        let end = spec.exception(cpu, 5, 0, cpu.exitPc >>> 0);
        if (end !== undefined && "run" in end) {
          clock.cpu = undefined;
          end = yield* end.run();
        }
        if (end !== undefined) return finish(end);
        continue;
      }
    }
  }
}
