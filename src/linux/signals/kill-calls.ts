// Signals a process queues with its own siginfo (kernel/signal.c): rt_sigqueueinfo and
// rt_tgsigqueueinfo (kill, tkill and tgkill are the processes family's, process/sys-proc.ts). The
// sigqueue calls (which may not pretend to be the kernel or kill/tgkill: si_code >= 0 or SI_TKILL is
// EPERM unless sent to oneself). Signal 0 sends nothing and only checks the target.
//
// The sigqueue calls reach this process and its threads; any other pid is ESRCH for now (and
// says so in the verbose log): routing them over the pid space as kill is routed is still to do.

import type { Handler, SysContext } from "../process/syscalls.js";
import { guestMem } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readGuest } from "../sys/guest-mem.js";
import { argInt, argPtr } from "../sys/user.js";
import { NSIG } from "./numbers.js";
import { SI, SIGINFO_SIZE, parseSiginfo, type SigInfo } from "./siginfo.js";
import { receiverOf, sendSignal, type Scope } from "./send.js";

/** check_kill_permission's first check, then the send (nothing for signal 0). */
function deliverTo(ctx: SysContext, info: SigInfo, scope: Scope): number {
  const sig = info.signo;
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  if (sig === 0) return 0;
  return sendSignal(receiverOf(ctx), info, scope) === "overflow" ? -E.EAGAIN : 0;
}

/** A target that is not this process: ESRCH, logged. */
function elsewhere(ctx: SysContext, call: string, who: string): number {
  ctx.log(`${call}: ${who} is not this process; other processes come with the process table (integrator): ESRCH`);
  return -E.ESRCH;
}

/** The caller's siginfo for `sig` (the kernel sets its si_signo). */
const callerInfo = (ctx: SysContext, sig: number, va: number): SigInfo =>
  parseSiginfo(readGuest(guestMem(ctx), va, SIGINFO_SIZE), sig, ctx.image.is64, ctx.image.le);

/** Only the kernel, kill and tgkill make si_code >= 0 or SI_TKILL — except to oneself. */
const impersonates = (ctx: SysContext, info: SigInfo, pid: number): boolean =>
  (info.code >= 0 || info.code === SI.TKILL) && pid !== ctx.thread.tid && pid !== ctx.task.pid;

/** rt_sigqueueinfo(pid, sig, info): to a process. */
const rtSigqueueinfo: Handler = (ctx) => {
  const pid = argInt(ctx, 0), sig = argInt(ctx, 1);
  const info = callerInfo(ctx, sig, argPtr(ctx, 2));
  if (impersonates(ctx, info, pid)) return -E.EPERM;
  if (pid !== ctx.task.pid) return elsewhere(ctx, "rt_sigqueueinfo", `pid ${pid}`);
  return deliverTo(ctx, info, "process");
};

/** rt_tgsigqueueinfo(tgid, tid, sig, info): to one thread. */
const rtTgsigqueueinfo: Handler = (ctx) => {
  const tgid = argInt(ctx, 0), tid = argInt(ctx, 1), sig = argInt(ctx, 2);
  const info = callerInfo(ctx, sig, argPtr(ctx, 3));
  if (tid <= 0 || tgid <= 0) return -E.EINVAL;
  if (impersonates(ctx, info, tid)) return -E.EPERM;
  if (tid !== ctx.thread.tid || tgid !== ctx.task.pid) return elsewhere(ctx, "rt_tgsigqueueinfo", `thread ${tid} of ${tgid}`);
  return deliverTo(ctx, info, "thread");
};

/** kill, tkill and tgkill are the processes family's (process/sys-proc.ts: routed over the pid space). */
export const KILL_CALLS: Record<string, Handler> = {
  rt_sigqueueinfo: rtSigqueueinfo, rt_tgsigqueueinfo: rtTgsigqueueinfo,
};
