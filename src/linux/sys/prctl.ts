// prctl: the options glibc, Python and container tools use, with Linux 6.1's argument checks
// (kernel/sys.c, security/commoncap.c cap_task_prctl, arch/powerpc/kernel/process.c) on the
// task's attributes and credentials. Options Linux has but that are not built here answer
// EINVAL (what Linux answers for an option it does not know) and say so in the verbose log;
// unknown options answer EINVAL.
//
// Two decisions:
// - PR_SET_FPEXC / PR_GET_FPEXC are set_fpexc_mode / get_fpexc_mode of a processor without
//   SPE: PR_FP_EXC_SW_ENABLE (and so the per-exception DIV/OVF/UND/RES/INV bits, SPE's) is
//   EINVAL, a mode above PR_FP_EXC_PRECISE is EINVAL, and DISABLED (0), NONRECOV (1), ASYNC (2)
//   or PRECISE (3) becomes the calling thread's MSR[FE0 FE1] (FE0 = 2, FE1 = 1). The FPSCR's
//   enable bits are the program's (glibc's feenableexcept sets them with mtfsf) and untouched;
//   if one is already enabled and set (FEX) when traps go from off to on, SIGFPE comes at
//   the return from the call, as the ISA's delayed interrupt on an MSR[FE0 FE1] change.
//   Any nonzero mode runs precise (POWER8 does: the ISA allows the imprecise modes to be); an
//   enabled exception is then SIGFPE at its instruction (signals/faults.ts). The mode is the
//   thread's: fork and clone copy it, exec keeps it (Linux's start_thread leaves
//   thread.fpexc_mode alone; the FPSCR, zeroed, enables nothing).
// - PR_SET_VMA is EINVAL, as on a kernel built without CONFIG_ANON_VMA_NAME.

import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { CAP_LAST_CAP, Cap, SECURE_NO_CAP_AMBIENT_RAISE } from "../task/credentials.js";
import { TASK_COMM_LEN, Dumpable, DEFAULT_TIMER_SLACK_NS, commOf } from "../task/attributes.js";
import { NSIG } from "../task/signal-state.js";
import { PAGE_SIZE } from "../../machine/memory.js";
import { S } from "../../machine/power/state.js";
import { Fp } from "../../machine/power/fpu/fpscr.js";
import { fpeCode } from "../signals/fpe.js";
import { forceSignal, receiverOf } from "../signals/send.js";
import { fault } from "../signals/siginfo.js";
import { SIG } from "../signals/numbers.js";
import { readGuest, writeGuest } from "./guest-mem.js";
import { argInt, argPtr, argULong, mem, putI32, putLong, putU32 } from "./user.js";

export const PR = {
  SET_PDEATHSIG: 1, GET_PDEATHSIG: 2, GET_DUMPABLE: 3, SET_DUMPABLE: 4, GET_UNALIGN: 5, SET_UNALIGN: 6,
  GET_KEEPCAPS: 7, SET_KEEPCAPS: 8, GET_FPEMU: 9, SET_FPEMU: 10, GET_FPEXC: 11, SET_FPEXC: 12,
  GET_TIMING: 13, SET_TIMING: 14, SET_NAME: 15, GET_NAME: 16, GET_ENDIAN: 19, SET_ENDIAN: 20,
  GET_SECCOMP: 21, SET_SECCOMP: 22, CAPBSET_READ: 23, CAPBSET_DROP: 24, GET_TSC: 25, SET_TSC: 26,
  GET_SECUREBITS: 27, SET_SECUREBITS: 28, SET_TIMERSLACK: 29, GET_TIMERSLACK: 30,
  TASK_PERF_EVENTS_DISABLE: 31, TASK_PERF_EVENTS_ENABLE: 32, MCE_KILL: 33, MCE_KILL_GET: 34,
  SET_MM: 35, SET_CHILD_SUBREAPER: 36, GET_CHILD_SUBREAPER: 37, SET_NO_NEW_PRIVS: 38,
  GET_NO_NEW_PRIVS: 39, GET_TID_ADDRESS: 40, SET_THP_DISABLE: 41, GET_THP_DISABLE: 42,
  MPX_ENABLE_MANAGEMENT: 43, MPX_DISABLE_MANAGEMENT: 44, SET_FP_MODE: 45, GET_FP_MODE: 46,
  CAP_AMBIENT: 47, GET_SPECULATION_CTRL: 52, SET_SPECULATION_CTRL: 53, SET_IO_FLUSHER: 57,
  GET_IO_FLUSHER: 58, SET_VMA: 0x53564d41,
} as const;

const PR_FP_EXC_SW_ENABLE = 0x80, PR_FP_EXC_PRECISE = 3;
const PR_TIMING_STATISTICAL = 0;
const PR_ENDIAN_BIG = 0, PR_ENDIAN_LITTLE = 1;
const PR_CAP_AMBIENT_IS_SET = 1n, PR_CAP_AMBIENT_RAISE = 2n, PR_CAP_AMBIENT_LOWER = 3n, PR_CAP_AMBIENT_CLEAR_ALL = 4n;
const PR_SET_MM_AUXV = 12n, PR_SET_MM_MAP = 14n, PR_SET_MM_MAP_SIZE = 15n;

/** Options Linux 6.1 has on powerpc that are not built here (EINVAL, logged). */
const NOT_BUILT = new Set<number>([PR.GET_UNALIGN, PR.SET_UNALIGN, PR.MCE_KILL, PR.MCE_KILL_GET, PR.SET_SECCOMP]);

/** The comm name from a user string: up to 15 bytes or the NUL (strncpy_from_user). */
function readName(ctx: SysContext, va: number): Uint8Array {
  const out: number[] = [];
  let p = va;
  while (out.length < TASK_COMM_LEN - 1) {
    const n = Math.min(TASK_COMM_LEN - 1 - out.length, PAGE_SIZE - (p % PAGE_SIZE));
    const chunk = readGuest(mem(ctx), p, n);
    for (const b of chunk) {
      if (b === 0) return Uint8Array.from(out);
      out.push(b);
    }
    p += n;
  }
  return Uint8Array.from(out);
}

/** prctl(option, arg2, arg3, arg4, arg5). */
const prctl: Handler = (ctx) => {
  const option = argInt(ctx, 0);
  const a2 = argULong(ctx, 1), a3 = argULong(ctx, 2), a4 = argULong(ctx, 3), a5 = argULong(ctx, 4);
  const t = ctx.task, at = t.attrs, cr = t.creds;
  const ptr = (): number => argPtr(ctx, 1);
  switch (option) {
    // ---- commoncap's options (checked first by Linux) ----
    case PR.CAPBSET_READ:
      if (a2 > BigInt(CAP_LAST_CAP)) return -E.EINVAL;
      return (cr.bounding >> a2) & 1n ? 1 : 0;
    case PR.CAPBSET_DROP:
      return cr.dropBounding(a2 > BigInt(CAP_LAST_CAP) ? -1 : Number(a2));
    case PR.GET_SECUREBITS:
      return cr.securebits;
    case PR.SET_SECUREBITS:
      return a2 > 0xffffffffn ? -E.EPERM : cr.setSecurebits(Number(a2));
    case PR.GET_KEEPCAPS:
      return cr.keepCaps ? 1 : 0;
    case PR.SET_KEEPCAPS:
      return cr.setKeepCaps(a2 > 1n ? 2 : Number(a2));
    case PR.CAP_AMBIENT:
      return capAmbient(ctx, a2, a3, a4, a5);
    // ---- kernel/sys.c ----
    case PR.SET_PDEATHSIG:
      if (a2 > BigInt(NSIG)) return -E.EINVAL;
      at.pdeathsig = Number(a2);
      return 0;
    case PR.GET_PDEATHSIG:
      putI32(ctx, ptr(), at.pdeathsig);
      return 0;
    case PR.GET_DUMPABLE:
      return at.dumpable;
    case PR.SET_DUMPABLE:
      if (a2 !== 0n && a2 !== 1n) return -E.EINVAL;
      at.dumpable = a2 === 0n ? Dumpable.Disable : Dumpable.User;
      return 0;
    case PR.GET_FPEXC:
      putU32(ctx, ptr(), ctx.cpu.r[S.FE] & 3);
      return 0;
    case PR.SET_FPEXC: {
      const v = Number(a2 & 0xffffffffn);
      if ((v & PR_FP_EXC_SW_ENABLE) !== 0 || v > PR_FP_EXC_PRECISE) return -E.EINVAL; // no SPE; no such mode
      const c = ctx.cpu;
      const was = c.r[S.FE];
      c.setFpExceptionMode(v);
      const fpscr = c.r[S.FPSCR];
      if (was === 0 && v !== 0 && (fpscr & Fp.FEX) !== 0) {
        // Traps turned on with an enabled exception already set (glibc's feenableexcept writes
        // the FPSCR before this call): the processor interrupts as it returns to user mode
        // with FE0/FE1 nonzero (the ISA's delayed form: SRR0 the address returned to).
        const nip = (c.r[S.PC + 1] >>> 0) * 2 ** 32 + (c.r[S.PC] >>> 0);
        forceSignal(receiverOf(ctx), fault(SIG.FPE, fpeCode(fpscr), ctx.image.is64 ? nip : nip % 2 ** 32, "floating-point enabled exception pending when prctl(PR_SET_FPEXC) enabled traps"));
      }
      return 0;
    }
    case PR.GET_TIMING:
      return PR_TIMING_STATISTICAL;
    case PR.SET_TIMING:
      return a2 === BigInt(PR_TIMING_STATISTICAL) ? 0 : -E.EINVAL;
    case PR.SET_NAME:
      at.comm = commOf(readName(ctx, ptr()));
      return 0;
    case PR.GET_NAME: {
      const b = new Uint8Array(TASK_COMM_LEN);
      b.set(at.comm);
      writeGuest(mem(ctx), ptr(), b);
      return 0;
    }
    case PR.GET_ENDIAN:
      putU32(ctx, ptr(), ctx.image.le ? PR_ENDIAN_LITTLE : PR_ENDIAN_BIG);
      return 0;
    case PR.SET_ENDIAN: {
      const v = Number(a2 & 0xffffffffn);
      if (v !== PR_ENDIAN_BIG && v !== PR_ENDIAN_LITTLE) return -E.EINVAL; // PR_ENDIAN_PPC_LITTLE: POWER8 has true little-endian only
      if ((v === PR_ENDIAN_LITTLE) === ctx.image.le) return 0;
      ctx.log("prctl(PR_SET_ENDIAN): switching a running process's byte order is not built; returning EINVAL");
      return -E.EINVAL;
    }
    case PR.GET_SECCOMP:
      return 0; // SECCOMP_MODE_DISABLED
    case PR.TASK_PERF_EVENTS_DISABLE: case PR.TASK_PERF_EVENTS_ENABLE:
      return 0; // the task has no perf events to switch
    case PR.GET_TIMERSLACK:
      return at.timerSlackNs;
    case PR.SET_TIMERSLACK:
      at.timerSlackNs = a2 === 0n ? DEFAULT_TIMER_SLACK_NS : Number(a2);
      return 0;
    case PR.SET_MM:
      if (a5 !== 0n || (a4 !== 0n && a2 !== PR_SET_MM_AUXV && a2 !== PR_SET_MM_MAP && a2 !== PR_SET_MM_MAP_SIZE)) return -E.EINVAL;
      if (cr.capable(Cap.SYS_RESOURCE)) ctx.log("prctl(PR_SET_MM): changing the address space's recorded layout is not built; returning EPERM");
      return -E.EPERM;
    case PR.GET_TID_ADDRESS:
      putLong(ctx, ptr(), t.clearChildTid);
      return 0;
    case PR.SET_CHILD_SUBREAPER:
      at.childSubreaper = a2 !== 0n;
      return 0;
    case PR.GET_CHILD_SUBREAPER:
      putI32(ctx, ptr(), at.childSubreaper ? 1 : 0);
      return 0;
    case PR.SET_NO_NEW_PRIVS:
      if (a2 !== 1n || a3 !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
      at.noNewPrivs = true;
      return 0;
    case PR.GET_NO_NEW_PRIVS:
      if (a2 !== 0n || a3 !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
      return at.noNewPrivs ? 1 : 0;
    case PR.GET_THP_DISABLE:
      if (a2 !== 0n || a3 !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
      return at.thpDisable ? 1 : 0;
    case PR.SET_THP_DISABLE:
      if (a3 !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
      at.thpDisable = a2 !== 0n; // there are no huge pages to disable: the flag is Linux's record
      return 0;
    case PR.SET_IO_FLUSHER:
      if (!cr.capable(Cap.SYS_RESOURCE)) return -E.EPERM;
      if (a3 !== 0n || a4 !== 0n || a5 !== 0n || a2 > 1n) return -E.EINVAL;
      at.ioFlusher = a2 === 1n;
      return 0;
    case PR.GET_IO_FLUSHER:
      if (!cr.capable(Cap.SYS_RESOURCE)) return -E.EPERM;
      if (a2 !== 0n || a3 !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
      return at.ioFlusher ? 1 : 0;
    case PR.SET_VMA:
      return -E.EINVAL;
    default:
      if (NOT_BUILT.has(option)) ctx.log(`prctl option ${option}: not built; returning EINVAL`);
      return -E.EINVAL;
  }
};

/** PR_CAP_AMBIENT (commoncap): raising needs the capability both permitted and inheritable. */
function capAmbient(ctx: SysContext, op: bigint, cap: bigint, a4: bigint, a5: bigint): number {
  const cr = ctx.task.creds;
  if (op === PR_CAP_AMBIENT_CLEAR_ALL) {
    if (cap !== 0n || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
    cr.ambient = 0n;
    return 0;
  }
  if (cap > BigInt(CAP_LAST_CAP) || a4 !== 0n || a5 !== 0n) return -E.EINVAL;
  const b = 1n << cap;
  if (op === PR_CAP_AMBIENT_IS_SET) return (cr.ambient & b) !== 0n ? 1 : 0;
  if (op !== PR_CAP_AMBIENT_RAISE && op !== PR_CAP_AMBIENT_LOWER) return -E.EINVAL;
  if (op === PR_CAP_AMBIENT_RAISE) {
    if ((cr.permitted & b) === 0n || (cr.inheritable & b) === 0n || (cr.securebits & (1 << SECURE_NO_CAP_AMBIENT_RAISE)) !== 0) return -E.EPERM;
    cr.ambient |= b;
  } else {
    cr.ambient &= ~b;
  }
  return 0;
}

export const PRCTL_CALLS: Record<string, Handler> = { prctl };

export const PRCTL_PARTIAL: Readonly<Record<string, string>> = {
  prctl: "PR_SET_FPEXC: PR_FP_EXC_DISABLED only; PR_SET_ENDIAN: the process's own byte order only; PR_SET_MM: EPERM; PR_GET/SET_UNALIGN, PR_MCE_KILL(_GET), PR_SET_SECCOMP, PR_SET_VMA: EINVAL",
};
