// Signals a process sends (kernel/signal.c): kill, tkill, tgkill, rt_sigqueueinfo and
// rt_tgsigqueueinfo, each with the siginfo Linux attaches — SI_USER and the sender's pid and
// real uid for kill, SI_TKILL for tkill and tgkill, the caller's own siginfo for the sigqueue
// calls (which may not pretend to be the kernel or kill/tgkill: si_code >= 0 or SI_TKILL is
// EPERM unless sent to oneself). Signal 0 sends nothing and only checks the target.
//
// The targets found are this process and its thread; any other pid is ESRCH for now (and says
// so in the verbose log): the process table, with other processes to reach, comes with the
// integrator's process work, which will route these calls through it.

import type { Handler, SysContext } from "../process/syscalls.js";
import { guestMem } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readGuest } from "../sys/guest-mem.js";
import { argInt, argPtr } from "../sys/user.js";
import { NSIG } from "./numbers.js";
import { SI, SIGINFO_SIZE, fromProcess, parseSiginfo, type SigInfo } from "./siginfo.js";
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

/** The sender's siginfo of kill (SI_USER) or tkill/tgkill (SI_TKILL). */
const userInfo = (ctx: SysContext, sig: number, code: number): SigInfo => fromProcess(sig, code, ctx.task.pid, ctx.task.creds.uid);

/** kill(pid, sig): this process by its pid, or by its process group (0, or -pgid); -1 (all but init and oneself) finds no one. */
const kill: Handler = (ctx) => {
  const pid = argInt(ctx, 0), sig = argInt(ctx, 1), t = ctx.task;
  const found = pid > 0 ? pid === t.pid : pid === 0 ? true : pid === -1 ? false : pid !== -2147483648 && -pid === t.pgid;
  if (!found) {
    if (pid === -1) return -E.ESRCH; // every process but init and the caller: none exists
    return elsewhere(ctx, "kill", pid > 0 ? `pid ${pid}` : `process group ${-pid}`);
  }
  return deliverTo(ctx, userInfo(ctx, sig, SI.USER), "process");
};

/** tkill(tid, sig). */
const tkill: Handler = (ctx) => {
  const tid = argInt(ctx, 0);
  if (tid <= 0) return -E.EINVAL;
  if (tid !== ctx.task.tid) return elsewhere(ctx, "tkill", `thread ${tid}`);
  return deliverTo(ctx, userInfo(ctx, argInt(ctx, 1), SI.TKILL), "thread");
};

/** tgkill(tgid, tid, sig). */
const tgkill: Handler = (ctx) => {
  const tgid = argInt(ctx, 0), tid = argInt(ctx, 1);
  if (tgid <= 0 || tid <= 0) return -E.EINVAL;
  if (tid !== ctx.task.tid || tgid !== ctx.task.pid) return elsewhere(ctx, "tgkill", `thread ${tid} of ${tgid}`);
  return deliverTo(ctx, userInfo(ctx, argInt(ctx, 2), SI.TKILL), "thread");
};

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
void kill, void tkill, void tgkill;
