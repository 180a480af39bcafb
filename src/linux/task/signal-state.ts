// A process's signal state as Linux keeps it in its sighand and signal structures: the action
// of each signal 1..64 (handler, flags, mask, restorer: struct k_sigaction), the signals sent to
// the process as a whole (kill, timers) with their siginfo queue, the group stop, the group
// exit, the interval timers and the page of signal trampolines. What belongs to each thread
// (the blocked mask, the signals sent to the thread, the alternate stack, sigsuspend's saved
// mask) is in linux/signals/thread-signals.ts; sending and delivery are in linux/signals/.
//
// Shared by the threads of the process; changed only on the processor that runs its system
// calls (the process's home).

import {
  ALL_SIGNALS, DefaultAction, SIG_DFL, SIG_IGN, UAPI_SA_FLAGS, UNBLOCKABLE, bit, defaultAction, NSIG,
} from "../signals/numbers.js";
import { SigPending } from "../signals/pending.js";
import { ITimerState } from "../signals/itimer-state.js";
import type { ThreadSignals } from "../signals/thread-signals.js";

export * from "../signals/numbers.js";

/** One signal's action (struct sigaction as the kernel keeps it). */
export interface SigAction {
  /** SIG_DFL, SIG_IGN or the handler's guest address (an ELFv1 function descriptor on ppc64 BE). */
  handler: number;
  flags: number;
  mask: bigint;
  /** Kept and reported back; powerpc never returns through it (the trampoline page does). */
  restorer: number;
}

/** The alternate signal stack (stack_t): `flags` as sigaltstack last set them (SS_AUTODISARM, a mode). */
export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

export class SignalState {
  private readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 }));
  /** Signals sent to the process (shared_pending): any thread that does not block one takes it. */
  readonly shared = new SigPending();
  /** The process is stopped by a stop signal (SIGNAL_STOP_STOPPED) until SIGCONT or SIGKILL. */
  stopped = false;
  /** SIGCONT continued the stopped process: its parent is still to be told (SIGNAL_CLD_CONTINUED). */
  continuedNotice = false;
  /** The signal whose default action is taking the whole process down (SIGNAL_GROUP_EXIT). */
  groupExit: number | undefined;
  /** ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF (setitimer, alarm). */
  readonly itimers = new ITimerState();
  /**
   * The page holding the signal trampolines in the address space `space` (identity only), at
   * `va`: mapped at the first delivery to a handler (signals/trampoline.ts).
   */
  trampoline: { readonly space: object; readonly va: number } | undefined;
  /**
   * The wait channel the process's signal descriptors wait and poll on (timers/signalfd.ts),
   * made at the first use: `notify` is called whenever a signal is queued to the process or
   * one of its threads (signalfd_notify).
   */
  signalfd: { readonly channel: number; readonly notify: () => void } | undefined;
  /** The thread the last process-directed signal went to (signal->curr_target; send.ts starts its search there). */
  currTarget: ThreadSignals | undefined;

  /** fork: the child's state — the same actions; nothing pending, no timers, no exit under way. */
  forked(): SignalState {
    const s = new SignalState();
    for (let i = 1; i <= NSIG; i++) s.actions[i] = { ...this.actions[i] };
    return s;
  }

  action(sig: number): SigAction {
    return { ...this.actions[sig] };
  }

  /** The handler of `sig` now. */
  handler(sig: number): number {
    return this.actions[sig].handler;
  }

  /** Is the signal ignored now (SIG_IGN, or SIG_DFL with an ignore default)? (sig_handler_ignored) */
  ignored(sig: number): boolean {
    const h = this.actions[sig].handler;
    return h === SIG_IGN || (h === SIG_DFL && defaultAction(sig) === DefaultAction.Ignore);
  }

  /**
   * do_sigaction: install `act` for `sig` (the caller has checked sig and refused SIGKILL and
   * SIGSTOP). Unknown flags are dropped and SIGKILL and SIGSTOP leave the mask. Returns true when
   * the signal became ignored: the caller drops it from every pending set (the threads' too).
   */
  setAction(sig: number, act: SigAction): boolean {
    this.actions[sig] = { handler: act.handler, flags: (act.flags & UAPI_SA_FLAGS) >>> 0, mask: act.mask & ~UNBLOCKABLE & ALL_SIGNALS, restorer: act.restorer };
    if (!this.ignored(sig)) return false;
    this.shared.drop(bit(sig));
    return true;
  }

  /** SA_RESETHAND at delivery: the action goes back to SIG_DFL (and the flag with it, as Linux's sa_handler store leaves flags). */
  resetHandler(sig: number): void {
    this.actions[sig] = { ...this.actions[sig], handler: SIG_DFL };
  }

  /** The signals whose action is SIG_IGN, and those with a handler (/proc/PID/status SigIgn, SigCgt). */
  ignoredMask(): bigint {
    let m = 0n;
    for (let s = 1; s <= NSIG; s++) if (this.actions[s].handler === SIG_IGN) m |= bit(s);
    return m;
  }

  caughtMask(): bigint {
    let m = 0n;
    for (let s = 1; s <= NSIG; s++) if (this.actions[s].handler > SIG_IGN) m |= bit(s);
    return m;
  }
}
