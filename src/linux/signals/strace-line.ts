// The line strace writes when a signal is delivered to a traced process (its signal-delivery
// stop): `--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---`, the siginfo's
// fields by its layout, as strace prints them.

import { signalName } from "./numbers.js";
import { SI, layoutOf, type SigInfo } from "./siginfo.js";

const USER_CODES: Readonly<Record<number, string>> = {
  [SI.USER]: "SI_USER", [SI.KERNEL]: "SI_KERNEL", [SI.QUEUE]: "SI_QUEUE", [SI.TIMER]: "SI_TIMER",
  [SI.MESGQ]: "SI_MESGQ", [SI.ASYNCIO]: "SI_ASYNCIO", [SI.SIGIO]: "SI_SIGIO", [SI.TKILL]: "SI_TKILL",
};

/** The si_code names of the faults, per signal (asm-generic/siginfo.h). */
const FAULT_CODES: Readonly<Record<number, readonly string[]>> = {
  4: ["ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"],
  8: ["FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB", "FPE_DECOVF", "FPE_DECDIV", "FPE_DECERR", "FPE_INVASC", "FPE_INVDEC", "FPE_FLTUNK", "FPE_CONDTRAP"],
  11: ["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
  7: ["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
  5: ["TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"],
};

function codeName(info: SigInfo): string {
  const user = USER_CODES[info.code];
  if (user !== undefined) return user;
  const fault = FAULT_CODES[info.signo]?.[info.code - 1];
  return fault ?? String(info.code);
}

const ptr = (v: number | bigint): string => (BigInt(v) === 0n ? "NULL" : `0x${BigInt(v).toString(16)}`);

/** The `--- SIG... {...} ---` line of a delivered signal. */
export function deliveryLine(info: SigInfo): string {
  const f = [`si_signo=${signalName(info.signo)}`, `si_code=${codeName(info)}`];
  if (info.errno !== 0) f.push(`si_errno=${info.errno}`);
  switch (layoutOf(info.signo, info.code)) {
    case "kill":
      if (info.code !== SI.KERNEL) f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
      break;
    case "rt": {
      // strace shows si_value for the codes that carry one (sigqueue, message queues, AIO).
      f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
      const v = info.value ?? 0n;
      if (info.code === SI.QUEUE || info.code === SI.MESGQ || info.code === SI.ASYNCIO) f.push(`si_int=${Number(BigInt.asIntN(32, v))}`, `si_ptr=${ptr(v)}`);
      break;
    }
    case "timer":
      f.push(`si_timerid=${info.tid ?? 0}`, `si_overrun=${info.overrun ?? 0}`);
      break;
    case "fault":
      f.push(`si_addr=${ptr(info.addr ?? 0)}`);
      break;
    case "chld":
      f.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`, `si_status=${info.status ?? 0}`, `si_utime=${info.utime ?? 0}`, `si_stime=${info.stime ?? 0}`);
      break;
    case "poll":
      f.push(`si_band=${info.band ?? 0}`, `si_fd=${info.fd ?? 0}`);
      break;
    case "sys":
      f.push(`si_call_addr=${ptr(info.addr ?? 0)}`, `si_syscall=${info.syscall ?? 0}`, `si_arch=${info.arch ?? 0}`);
      break;
  }
  return `--- ${signalName(info.signo)} {${f.join(", ")}} ---`;
}
