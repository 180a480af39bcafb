// Signals a process queues with its own siginfo (kernel/signal.c): rt_sigqueueinfo to a process
// and rt_tgsigqueueinfo to one thread, of this process or any other (kill, tkill and tgkill are
// the processes family's, process/sys-proc.ts). The rules, in Linux's order:
//   1. the siginfo is copied in (EFAULT) and its si_signo becomes the signal;
//   2. a caller may not pretend to be the kernel or kill/tgkill — si_code >= 0 or SI_TKILL is
//      EPERM — unless it sends to itself (its own thread id);
//   3. the target must exist (ESRCH; the sigqueue calls know no process groups, so pid <= 0 is
//      ESRCH too), then the signal must be valid (EINVAL) and the caller allowed to signal the
//      target as kill is (EPERM);
//   4. signal 0 sends nothing; a real-time signal past RLIMIT_SIGPENDING is EAGAIN.
// The siginfo reaches the target's handler, sigwaitinfo or signalfd as it was given (si_value,
// si_pid, si_uid), in the target's own layout (siginfo.ts keeps it as fields).

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { guestMem } from "../process/syscalls.js";
import { mayKill } from "../process/sys-proc.js";
import type { LinuxProcess } from "../process/lprocess.js";
import { INIT_PID } from "../../servers/process/iface.js";
import { E } from "../errno.js";
import { readGuest, SysError } from "../sys/guest-mem.js";
import { fsc } from "../vfs/fs-call.js";
import { argInt, argPtr } from "../sys/user.js";
import { NSIG } from "./numbers.js";
import { SI, SIGINFO_SIZE, parseSiginfo, type SigInfo } from "./siginfo.js";
import type { Sent } from "./send.js";

/** The caller's siginfo for `sig` (the kernel sets its si_signo). */
const callerInfo = (ctx: SysContext, sig: number, va: number): SigInfo =>
  parseSiginfo(readGuest(guestMem(ctx), va, SIGINFO_SIZE), sig, ctx.image.is64, ctx.image.le);

/** Only the kernel, kill and tgkill make si_code >= 0 or SI_TKILL — except to oneself (task_pid_vnr(current): the thread id). */
const impersonates = (ctx: SysContext, info: SigInfo, pid: number): boolean =>
  (info.code >= 0 || info.code === SI.TKILL) && pid !== ctx.thread.tid;

/** A PPC to ProcessLinux: its answer, or the errno it refused with. */
function* ask<T>(call: Generator<import("../../kernel/sched/thread.js").Block, unknown, unknown>): Generator<import("../../kernel/sched/thread.js").Block, T | number, unknown> {
  try {
    return (yield* fsc(call)) as T;
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
}

/** check_kill_permission then the send: EINVAL, EPERM, EAGAIN or 0 (signal 0 only checks). */
function send(ctx: SysContext, target: LinuxProcess, info: SigInfo, go: (info: SigInfo) => Sent): number {
  const sig = info.signo;
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  // Signals from the kernel (si_code > 0) skip the credential check; only oneself may send those.
  if (info.code <= 0 && !mayKill(ctx, target)) return -E.EPERM;
  if (sig === 0) return 0;
  return go(info) === "overflow" ? -E.EAGAIN : 0;
}

/** rt_sigqueueinfo(pid, sig, info): to a process (its leader first, then any thread that takes it). */
const rtSigqueueinfo: Handler = (ctx) => {
  const pid = argInt(ctx, 0), sig = argInt(ctx, 1);
  const info = callerInfo(ctx, sig, argPtr(ctx, 2));
  if (impersonates(ctx, info, pid)) return -E.EPERM;
  if (pid <= 0) return -E.ESRCH;
  return (function* (): Pending {
    const sys = ctx.thread.proc.sys;
    const pids = yield* ask<number[]>(sys.pids.targets(pid));
    if (typeof pids === "number") return pids;
    const n = pids[0];
    // k42's init passes signals on to the program, as kill does (process/sys-proc.ts).
    const p = sys.procs.get(n === INIT_PID ? sys.mainPid : n);
    if (p === undefined) return sig < 0 || sig > NSIG ? -E.EINVAL : 0; // a zombie takes it and nothing happens
    return send(ctx, p, info, (i) => sys.signal(p, sig, i));
  })();
};

/** rt_tgsigqueueinfo(tgid, tid, sig, info): to one thread of process tgid (do_send_specific). */
const rtTgsigqueueinfo: Handler = (ctx) => {
  const tgid = argInt(ctx, 0), tid = argInt(ctx, 1), sig = argInt(ctx, 2);
  const info = callerInfo(ctx, sig, argPtr(ctx, 3));
  if (tid <= 0 || tgid <= 0) return -E.EINVAL;
  if (impersonates(ctx, info, tid)) return -E.EPERM;
  return (function* (): Pending {
    const sys = ctx.thread.proc.sys;
    const group = yield* ask<number>(sys.pids.groupOf(tid));
    if (group < 0) return group;
    if (group !== tgid) return -E.ESRCH;
    const p = sys.procs.get(group);
    const th = p?.threads.get(tid);
    if (p === undefined || th === undefined) return -E.ESRCH;
    return send(ctx, p, info, (i) => sys.signalThread(th, i));
  })();
};

/** kill, tkill and tgkill are the processes family's (process/sys-proc.ts: routed over the pid space). */
export const KILL_CALLS: Record<string, Handler> = {
  rt_sigqueueinfo: rtSigqueueinfo, rt_tgsigqueueinfo: rtTgsigqueueinfo,
};
