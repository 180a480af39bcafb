// Signal numbers, action flags and default actions as Linux defines them for powerpc
// (asm/signal.h, kernel/signal.c). Sets of signals are 64-bit masks, bit (sig - 1) for signal
// sig, as sigset_t is. Immutable data only.

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

export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;

/** MINSIGSTKSZ of each ABI (powerpc's asm/signal.h). */
export const MINSIGSTKSZ = { ppc64: 8192, ppc32: 2048 } as const;

export const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** SIGKILL and SIGSTOP can never be blocked, caught or ignored. */
export const UNBLOCKABLE = bit(SIG.KILL) | bit(SIG.STOP);
/** The signals whose default action stops the process (SIG_KERNEL_STOP_MASK). */
export const STOP_SIGNALS = bit(SIG.STOP) | bit(SIG.TSTP) | bit(SIG.TTIN) | bit(SIG.TTOU);

export const validSignal = (sig: number): boolean => Number.isInteger(sig) && sig >= 1 && sig <= NSIG;
