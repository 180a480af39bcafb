// siginfo: what the kernel records with a pending signal and hands to an SA_SIGINFO handler,
// rt_sigtimedwait and waitid. It is kept here as fields (not bytes), so that a signal sent by a
// process of one ABI can be delivered to a process of another; the bytes are made at delivery
// in the receiver's layout (siginfo_t: 128 bytes; si_signo, si_errno, si_code, then a union at
// offset 16 on ppc64, 12 on ppc32). Which members of the union are meaningful is decided by
// the signal and si_code exactly as kernel/signal.c's siginfo_layout decides it.

import { Struct } from "../sys/guest-mem.js";
import { SIG } from "./numbers.js";

export const SIGINFO_SIZE = 128;

/** si_code values of signals sent by processes (asm-generic/siginfo.h). */
export const SI = {
  USER: 0, KERNEL: 0x80, QUEUE: -1, TIMER: -2, MESGQ: -3, ASYNCIO: -4, SIGIO: -5, TKILL: -6,
} as const;

/** si_code values of faults. */
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, SEGV_BNDERR = 3, SEGV_PKUERR = 4;
export const BUS_ADRALN = 1, BUS_ADRERR = 2, BUS_MCEERR_AR = 4, BUS_MCEERR_AO = 5;
export const ILL_ILLOPC = 1, ILL_PRVOPC = 5;
export const TRAP_BRKPT = 1, TRAP_PERF = 6;

/** Which union members a siginfo carries (enum siginfo_layout). */
export type Layout = "kill" | "timer" | "poll" | "fault" | "chld" | "rt" | "sys";

/** The largest si_code of each signal's own codes (sig_sicodes: NSIGILL, NSIGFPE, ...). */
const SIG_CODES: Readonly<Record<number, { limit: number; layout: Layout }>> = {
  [SIG.ILL]: { limit: 11, layout: "fault" },
  [SIG.FPE]: { limit: 15, layout: "fault" },
  [SIG.SEGV]: { limit: 9, layout: "fault" },
  [SIG.BUS]: { limit: 5, layout: "fault" },
  [SIG.TRAP]: { limit: 6, layout: "fault" },
  [SIG.CHLD]: { limit: 6, layout: "chld" },
  [SIG.IO]: { limit: 6, layout: "poll" },
  [SIG.SYS]: { limit: 2, layout: "sys" },
};

/** siginfo_layout(sig, si_code). */
export function layoutOf(sig: number, code: number): Layout {
  if (code > SI.USER && code < SI.KERNEL) {
    const s = SIG_CODES[sig];
    if (s !== undefined && code <= s.limit) return s.layout;
    return code <= 6 ? "poll" : "kill";
  }
  if (code === SI.TIMER) return "timer";
  if (code === SI.SIGIO) return "poll";
  return code < 0 ? "rt" : "kill";
}

/** One signal's information. Numbers are exact to 2^53; `value` (a sigval) is a full word. */
export interface SigInfo {
  readonly signo: number;
  readonly errno: number;
  readonly code: number;
  /** kill, rt, chld: the sender (or child) and its real uid. */
  readonly pid?: number;
  readonly uid?: number;
  /** rt, timer: si_value (sival_ptr: 64 bits on ppc64). */
  readonly value?: bigint;
  /** fault: the address; sys: the call's address. */
  readonly addr?: number;
  /** timer. */
  readonly tid?: number;
  readonly overrun?: number;
  /** chld. */
  readonly status?: number;
  readonly utime?: number;
  readonly stime?: number;
  /** poll. */
  readonly band?: number;
  readonly fd?: number;
  /** sys. */
  readonly syscall?: number;
  readonly arch?: number;
  /**
   * Host-side only (never in the guest's bytes): why a synchronous fault happened, the line
   * the run reports if the signal kills.
   */
  readonly why?: string;
  /**
   * Host-side only: a POSIX timer's signal (timers/posix-timers.ts). Asked when the signal is
   * looked at for delivery or taken, it rearms a periodic timer once (posixtimer_rearm) and
   * gives the siginfo with its si_overrun; later calls give the same answer.
   */
  readonly taken?: () => SigInfo;
}

/** A signal a process sends with kill/tkill (SI_USER, SI_TKILL): its pid and real uid. */
export const fromProcess = (signo: number, code: number, pid: number, uid: number): SigInfo => ({ signo, errno: 0, code, pid, uid });

/** A signal the kernel generates without a sender (SEND_SIG_PRIV): SI_KERNEL, pid and uid 0. */
export const fromKernel = (signo: number): SigInfo => ({ signo, errno: 0, code: SI.KERNEL, pid: 0, uid: 0 });

/** A synchronous fault (force_sig_fault): the signal, its si_code and address. */
export const fault = (signo: number, code: number, addr: number, why?: string): SigInfo => ({ signo, errno: 0, code, addr, ...(why !== undefined ? { why } : {}) });

/** The siginfo_t bytes of `info` in a process's layout. */
export function siginfoBytes(info: SigInfo, is64: boolean, le: boolean): Uint8Array {
  const s = new Struct(SIGINFO_SIZE, le);
  s.i32(0, info.signo).i32(4, info.errno).i32(8, info.code);
  const u = is64 ? 16 : 12, w = is64 ? 8 : 4;
  const ptr = (o: number, v: number | bigint): void => {
    if (is64) s.u64(o, typeof v === "bigint" ? v : BigInt(Math.trunc(v)));
    else s.u32(o, Number(BigInt.asUintN(32, typeof v === "bigint" ? v : BigInt(Math.trunc(v)))));
  };
  switch (layoutOf(info.signo, info.code)) {
    case "kill":
      s.i32(u, info.pid ?? 0).u32(u + 4, info.uid ?? 0);
      break;
    case "rt":
      s.i32(u, info.pid ?? 0).u32(u + 4, info.uid ?? 0);
      ptr(u + 8, info.value ?? 0n);
      break;
    case "timer":
      s.i32(u, info.tid ?? 0).i32(u + 4, info.overrun ?? 0);
      ptr(u + 8, info.value ?? 0n);
      break;
    case "poll":
      s.long(u, info.band ?? 0, is64).i32(u + w, info.fd ?? 0);
      break;
    case "fault":
      ptr(u, info.addr ?? 0);
      break;
    case "chld":
      // clock_t is a long: on ppc64 it follows status at the next 8-byte boundary.
      s.i32(u, info.pid ?? 0).u32(u + 4, info.uid ?? 0).i32(u + 8, info.status ?? 0);
      s.long(is64 ? u + 16 : u + 12, info.utime ?? 0, is64).long(is64 ? u + 24 : u + 16, info.stime ?? 0, is64);
      break;
    case "sys":
      ptr(u, info.addr ?? 0);
      s.i32(u + w, info.syscall ?? 0).u32(u + w + 4, info.arch ?? 0);
      break;
  }
  return s.b;
}

/**
 * A siginfo_t a process gave (rt_sigqueueinfo), read by the layout its signal and si_code
 * select; si_signo is the signal's (the kernel overwrites it).
 */
export function parseSiginfo(b: Uint8Array, signo: number, is64: boolean, le: boolean): SigInfo {
  const s = new Struct(b, le);
  const code = s.getI32(8), errno = s.getI32(4);
  const u = is64 ? 16 : 12, w = is64 ? 8 : 4;
  const ptr = (o: number): bigint => (is64 ? s.dv.getBigUint64(o, le) : BigInt(s.getU32(o)));
  const base = { signo, errno, code };
  switch (layoutOf(signo, code)) {
    case "kill": return { ...base, pid: s.getI32(u), uid: s.getU32(u + 4) };
    case "rt": return { ...base, pid: s.getI32(u), uid: s.getU32(u + 4), value: ptr(u + 8) };
    case "timer": return { ...base, tid: s.getI32(u), overrun: s.getI32(u + 4), value: ptr(u + 8) };
    case "poll": return { ...base, band: s.getLong(u, is64), fd: s.getI32(u + w) };
    case "fault": return { ...base, addr: Number(ptr(u)) };
    case "chld":
      return {
        ...base, pid: s.getI32(u), uid: s.getU32(u + 4), status: s.getI32(u + 8),
        utime: s.getLong(is64 ? u + 16 : u + 12, is64), stime: s.getLong(is64 ? u + 24 : u + 16, is64),
      };
    case "sys": return { ...base, addr: Number(ptr(u)), syscall: s.getI32(u + w), arch: s.getU32(u + w + 4) };
  }
}
