// A task's signal state as Linux keeps it: the action of each signal 1..64 (handler, flags,
// mask, restorer: struct k_sigaction), the blocked mask, the pending set and the alternate
// signal stack. Sets are 64-bit masks, bit (sig - 1) for signal sig, as sigset_t is.
//
// What happens to a signal is decided here (kernel/signal.c): one that is ignored is dropped
// when it is sent, unless it is blocked; a blocked one waits in the pending set; an unblocked
// one is "delivered": its default action applies (terminate, core, ignore, stop, continue) or,
// with a handler installed, the handler would run. Handlers and signal frames come with the
// next issue; until then a caught signal stays pending (see SignalState.deliverable), where
// that delivery will find it at the next return to user mode.
//
// Real-time signals (32..64) are not queued more than once each here: the pending set has
// one bit per signal, like the standard signals (siginfo queues come with delivery).
// Owned by the one task; changed only by its system calls and by raise().

export const NSIG = 64;

export const SIG = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20,
  TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29,
  PWR: 30, SYS: 31,
} as const;

/** Signal names as strace prints them (SIGPIPE, SIGRTMIN, SIGRT_2). */
export { signalName } from "../strace/names.js";

export const SIG_DFL = 0, SIG_IGN = 1;

/** sa_flags bits (powerpc's asm/signal.h). */
export const SA = {
  NOCLDSTOP: 0x00000001, NOCLDWAIT: 0x00000002, SIGINFO: 0x00000004, UNSUPPORTED: 0x00000400,
  EXPOSE_TAGBITS: 0x00000800, RESTORER: 0x04000000, ONSTACK: 0x08000000, RESTART: 0x10000000,
  NODEFER: 0x40000000, RESETHAND: 0x80000000,
} as const;

/** The flags a program can set and read back (UAPI_SA_FLAGS with powerpc's SA_RESTORER). */
export const UAPI_SA_FLAGS = (SA.NOCLDSTOP | SA.NOCLDWAIT | SA.SIGINFO | SA.ONSTACK | SA.RESTART | SA.NODEFER | SA.RESETHAND | SA.EXPOSE_TAGBITS | SA.RESTORER) >>> 0;

export const enum DefaultAction {
  Terminate,
  Core,
  Ignore,
  Stop,
  Continue,
}

/** The default action of a signal (the table in kernel/signal.c's comment; RT signals terminate). */
export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIG.QUIT: case SIG.ILL: case SIG.TRAP: case SIG.ABRT: case SIG.BUS: case SIG.FPE:
    case SIG.SEGV: case SIG.XCPU: case SIG.XFSZ: case SIG.SYS:
      return DefaultAction.Core;
    case SIG.CHLD: case SIG.URG: case SIG.WINCH:
      return DefaultAction.Ignore;
    case SIG.STOP: case SIG.TSTP: case SIG.TTIN: case SIG.TTOU:
      return DefaultAction.Stop;
    case SIG.CONT:
      return DefaultAction.Continue;
    default:
      return DefaultAction.Terminate;
  }
}

/** One signal's action (struct sigaction as the kernel keeps it). */
export interface SigAction {
  /** SIG_DFL, SIG_IGN or the handler's guest address (an ELFv1 function descriptor on ppc64 BE). */
  handler: number;
  flags: number;
  mask: bigint;
  restorer: number;
}

/** The alternate signal stack (stack_t): ss_flags keeps only SS_AUTODISARM besides the mode. */
export interface AltStack {
  sp: number;
  size: number;
  flags: number;
}

export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;

export const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** SIGKILL and SIGSTOP can never be blocked, caught or ignored. */
export const UNBLOCKABLE = bit(SIG.KILL) | bit(SIG.STOP);

const STOP_SIGNALS = bit(SIG.STOP) | bit(SIG.TSTP) | bit(SIG.TTIN) | bit(SIG.TTOU);

/** What sending a signal came to. */
export type Outcome =
  /** Dropped: ignored (by action or by default). */
  | { readonly kind: "ignored" }
  /** Waiting in the pending set (blocked, or caught before handlers exist). */
  | { readonly kind: "pending" }
  /** The process ends: default action terminate or core. */
  | { readonly kind: "fatal"; readonly sig: number; readonly core: boolean };

export const validSignal = (sig: number): boolean => Number.isInteger(sig) && sig >= 1 && sig <= NSIG;

export class SignalState {
  private readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, mask: 0n, restorer: 0 }));
  blocked = 0n;
  pending = 0n;
  altStack: AltStack = { sp: 0, size: 0, flags: SS_DISABLE };

  action(sig: number): SigAction {
    return { ...this.actions[sig] };
  }

  /** Is the signal ignored now (SIG_IGN, or SIG_DFL with an ignore default)? (sig_handler_ignored) */
  ignored(sig: number): boolean {
    const h = this.actions[sig].handler;
    return h === SIG_IGN || (h === SIG_DFL && defaultAction(sig) === DefaultAction.Ignore);
  }

  /**
   * do_sigaction: install `act` for `sig` (the caller has checked sig and refused SIGKILL and
   * SIGSTOP). Unknown flags are dropped, SIGKILL and SIGSTOP leave the mask, and a signal that
   * becomes ignored leaves the pending set.
   */
  setAction(sig: number, act: SigAction): void {
    this.actions[sig] = { handler: act.handler, flags: (act.flags & UAPI_SA_FLAGS) >>> 0, mask: act.mask & ~UNBLOCKABLE & ALL_SIGNALS, restorer: act.restorer };
    if (this.ignored(sig)) this.pending &= ~bit(sig);
  }

  /** The new blocked mask (set_current_blocked: SIGKILL and SIGSTOP stay unblocked). */
  setBlocked(mask: bigint): void {
    this.blocked = mask & ~UNBLOCKABLE & ALL_SIGNALS;
  }

  /**
   * Send `sig` to the task (__send_signal after its prepare_signal checks): an ignored signal
   * that is not blocked is dropped; any other becomes pending, and then what is deliverable is
   * delivered (deliverable()).
   */
  send(sig: number): Outcome {
    // prepare_signal: a stop signal cancels a pending SIGCONT, and SIGCONT the pending stops.
    if (defaultAction(sig) === DefaultAction.Stop) this.pending &= ~bit(SIG.CONT);
    if (sig === SIG.CONT) this.pending &= ~STOP_SIGNALS;
    if (this.ignored(sig) && (this.blocked & bit(sig)) === 0n) return { kind: "ignored" };
    this.pending |= bit(sig);
    return this.deliverable() ?? { kind: "pending" };
  }

  /**
   * Deliver what is pending and not blocked, as the return to user mode does: ignored signals
   * are discarded (also by default: SIGCHLD, SIGURG, SIGWINCH, SIGCONT); a signal whose default
   * action is terminate or core ends the task (synchronous signals first, then by number, as
   * next_signal picks them). Caught signals, and the stop signals, stay pending: delivery to
   * handlers and job control come with the next issue. Returns the fatal outcome, if any.
   */
  deliverable(): Outcome | undefined {
    const ready = this.pending & ~this.blocked;
    if (ready === 0n) return undefined;
    let fatal: number | undefined;
    for (const sig of deliveryOrder(ready)) {
      const h = this.actions[sig].handler;
      if (this.ignored(sig) || (h === SIG_DFL && defaultAction(sig) === DefaultAction.Continue)) {
        this.pending &= ~bit(sig);
        continue;
      }
      if (h !== SIG_DFL) continue; // caught: stays pending until handlers exist
      const d = defaultAction(sig);
      if ((d === DefaultAction.Terminate || d === DefaultAction.Core) && fatal === undefined) fatal = sig;
    }
    if (fatal === undefined) return undefined;
    this.pending &= ~bit(fatal);
    return { kind: "fatal", sig: fatal, core: defaultAction(fatal) === DefaultAction.Core };
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

  /** Signals pending, unblocked and caught: delivery to their handlers is what is missing. */
  caughtReady(): number[] {
    return deliveryOrder(this.pending & ~this.blocked).filter((s) => this.actions[s].handler > SIG_IGN);
  }
}

/** The synchronous signals, which next_signal takes first. */
const SYNCHRONOUS = [SIG.SEGV, SIG.BUS, SIG.ILL, SIG.TRAP, SIG.FPE, SIG.SYS];

/** The signals of `set` in next_signal's order. */
function deliveryOrder(set: bigint): number[] {
  const out: number[] = [];
  for (const s of SYNCHRONOUS) if ((set & bit(s)) !== 0n) out.push(s);
  for (let s = 1; s <= NSIG; s++) if ((set & bit(s)) !== 0n && !SYNCHRONOUS.includes(s as (typeof SYNCHRONOUS)[number])) out.push(s);
  return out;
}
