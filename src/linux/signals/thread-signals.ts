// One thread's signal state, as Linux keeps it in task_struct: the blocked mask, the signals
// sent to this thread (tkill, tgkill, its own faults) with their siginfo queue, the alternate
// signal stack, the mask sigsuspend and pselect put back once a signal has been handled, the
// restart of an interrupted call (restart_syscall), and what the thread is returning from (a
// system call, a fault, an interrupt) — what delivery needs to save the right registers and to
// restart the right calls. Reached as SysContext `sig`; the process-wide part (actions, the
// shared pending set) is the task's SignalState.
//
// Owned by its thread; changed by the thread's own system calls and kernel entries, and by
// senders on the same processor (which call `interrupt` to wake it from an interruptible wait).

import type { Pending, SysContext } from "../process/syscalls.js";
import type { AltStack } from "../task/signal-state.js";
import { ALL_SIGNALS, SS_DISABLE, UNBLOCKABLE } from "./numbers.js";
import { SigPending } from "./pending.js";

/** What restart_syscall runs (the restart block an interrupted call left). */
export type RestartFn = (ctx: SysContext) => number | Pending;

/** The kernel entry the thread is on its way back from (pt_regs' trap and its fault registers). */
export type Entry =
  /** A system call (trap 0xc00): its first argument, for a restart (orig_gpr3). */
  | { readonly kind: "syscall"; readonly origR3: bigint }
  /** A synchronous exception: its vector (0x300 data, 0x400 instruction, 0x600 alignment, 0x700 program), DAR, DSISR. */
  | { readonly kind: "fault"; readonly trap: number; readonly dar: number; readonly dsisr: number }
  /** An interrupt (the end of a time slice, a timer): nothing to restart. */
  | { readonly kind: "interrupt" };

export const INTERRUPT_ENTRY: Entry = { kind: "interrupt" };

export class ThreadSignals {
  /** The blocked mask: never SIGKILL or SIGSTOP (setBlocked). */
  blocked = 0n;
  /** rt_sigtimedwait's mask before it unblocked the signals it waits for (real_blocked). */
  realBlocked = 0n;
  /** Signals sent to this thread. */
  readonly pending = new SigPending();
  altStack: AltStack = { sp: 0, size: 0, flags: SS_DISABLE };
  /** sigsuspend's (and pselect's) mask to put back after a handler runs (TIF_RESTORE_SIGMASK). */
  savedMask: bigint | undefined;
  /**
   * Set by an interruptible wait (interruptible.ts) while the thread waits in one: a sender that
   * makes a signal deliverable to the thread calls it to wake the thread.
   */
  interrupt: (() => void) | undefined;
  /** What restart_syscall does next (restart_block.fn); undefined: -EINTR. */
  restart: RestartFn | undefined;
  /** What the thread returns from to user mode (set at each kernel entry). */
  entry: Entry = INTERRUPT_ENTRY;
  /**
   * Set by rt_sigreturn: the call restored every register (TIF_RESTOREALL); the dispatcher
   * leaves r3 and CR0 as they are.
   */
  restoreAll = false;

  /** set_current_blocked: SIGKILL and SIGSTOP stay unblocked. */
  setBlocked(mask: bigint): void {
    this.blocked = mask & ~UNBLOCKABLE & ALL_SIGNALS;
  }
}
