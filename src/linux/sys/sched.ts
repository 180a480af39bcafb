// The scheduling family: nice values (getpriority, setpriority, nice), policies and static
// priorities (sched_setscheduler and friends), CPU affinity and sched_yield, with Linux 6.1's
// checks (kernel/sys.c, kernel/sched/core.c) on the task's Scheduling record. Raising one's
// priority needs RLIMIT_NICE / RLIMIT_RTPRIO room or CAP_SYS_NICE.
//
// What the record changes: a nice value or policy has no observable effect yet (the kernel's
// scheduler does not weigh them). The affinity mask is a thread's (per thread, as Linux keeps
// it): sched_setaffinity may name any thread of any process the caller may affect, and a
// thread outside its new mask moves into it before it runs guest code again
// (process/balance.ts); placement and rebalancing keep to it. getcpu is in the memory family
// (process/sys-mm.ts).

import { E } from "../errno.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { Cap } from "../task/credentials.js";
import type { LinuxThread } from "../process/lprocess.js";
import { Rlimit } from "../task/resource-limits.js";
import { RT_PRIO_MAX, Policy, SCHED_RESET_ON_FORK, isRealtime, niceToRlimit, validPolicy } from "../task/scheduling.js";
import { argInt, argPtr, argU32, newStruct, putI32, readStruct, writeStruct, wordOf } from "./user.js";

const PRIO_PROCESS = 0, PRIO_PGRP = 1, PRIO_USER = 2;
const MIN_NICE = -20, MAX_NICE = 19;

/** can_nice: the nice value is within RLIMIT_NICE's room, or CAP_SYS_NICE. */
function canNice(ctx: SysContext, nice: number): boolean {
  return BigInt(niceToRlimit(nice)) <= ctx.task.limits.cur(Rlimit.NICE) || ctx.task.creds.capable(Cap.SYS_NICE);
}

/** Does (which, who) name this process? undefined: which is invalid. */
function names(ctx: SysContext, which: number, who: number): boolean | undefined {
  const t = ctx.task;
  switch (which) {
    case PRIO_PROCESS: return who === 0 || who === t.pid;
    case PRIO_PGRP: return who === 0 || who === t.pgid;
    case PRIO_USER: return who === 0 || who >>> 0 === t.creds.uid;
    default: return undefined;
  }
}

/** getpriority(which, who): 20 - nice (1..40), as the raw call answers. */
const getpriority: Handler = (ctx) => {
  const hit = names(ctx, argInt(ctx, 0), argInt(ctx, 1));
  if (hit === undefined) return -E.EINVAL;
  return hit ? niceToRlimit(ctx.task.sched.nice) : -E.ESRCH;
};

/** setpriority(which, who, nice): the value is clamped; lowering it past RLIMIT_NICE is EACCES. */
const setpriority: Handler = (ctx) => {
  const hit = names(ctx, argInt(ctx, 0), argInt(ctx, 1));
  if (hit === undefined) return -E.EINVAL;
  if (!hit) return -E.ESRCH;
  const nice = Math.min(MAX_NICE, Math.max(MIN_NICE, argInt(ctx, 2)));
  if (nice < ctx.task.sched.nice && !canNice(ctx, nice)) return -E.EACCES;
  ctx.task.sched.nice = nice;
  return 0;
};

/** nice(inc): the same rule, but EPERM. */
const nice: Handler = (ctx) => {
  const inc = Math.min(40, Math.max(-40, argInt(ctx, 0)));
  const n = Math.min(MAX_NICE, Math.max(MIN_NICE, ctx.task.sched.nice + inc));
  if (inc < 0 && !canNice(ctx, n)) return -E.EPERM;
  ctx.task.sched.nice = n;
  return 0;
};

// ---- policies ----

/** __sched_setscheduler's checks and update for this task; `policy` -1 keeps the policy (sched_setparam). */
function setScheduler(ctx: SysContext, policyArg: number, priority: number): number {
  const s = ctx.task.sched;
  let policy: number, resetOnFork: boolean;
  if (policyArg === -1) {
    policy = s.policy;
    resetOnFork = s.resetOnFork;
  } else {
    resetOnFork = (policyArg & SCHED_RESET_ON_FORK) !== 0;
    policy = policyArg & ~SCHED_RESET_ON_FORK;
    if (!validPolicy(policy) && policy !== Policy.Deadline) return -E.EINVAL;
  }
  // sched_priority is unsigned: 1..99 for the real-time policies, 0 for the others;
  // SCHED_DEADLINE needs sched_setattr's runtime and deadline (EINVAL from here).
  if (priority > RT_PRIO_MAX) return -E.EINVAL;
  if (policy === Policy.Deadline) return -E.EINVAL;
  if (isRealtime(policy as Policy) !== (priority !== 0)) return -E.EINVAL;
  if (!privilegedEnough(ctx, policy as Policy, priority, resetOnFork) && !ctx.task.creds.capable(Cap.SYS_NICE)) return -E.EPERM;
  s.policy = policy as Policy;
  s.priority = priority;
  s.resetOnFork = resetOnFork;
  return 0;
}

/** user_check_sched_setscheduler: what an unprivileged task may do by itself. */
function privilegedEnough(ctx: SysContext, policy: Policy, priority: number, resetOnFork: boolean): boolean {
  const s = ctx.task.sched;
  if (isRealtime(policy)) {
    const rtprio = ctx.task.limits.cur(Rlimit.RTPRIO);
    if (policy !== s.policy && rtprio === 0n) return false;
    if (priority > s.priority && BigInt(priority) > rtprio) return false;
  }
  // Leaving SCHED_IDLE counts as raising nice from 20: RLIMIT_NICE must allow the current nice.
  if (s.policy === Policy.Idle && policy !== Policy.Idle && !canNice(ctx, s.nice)) return false;
  if (s.resetOnFork && !resetOnFork) return false;
  return true;
}

/** sched_setscheduler(pid, policy, param). */
const schedSetscheduler: Handler = (ctx) => {
  const policy = argInt(ctx, 1);
  if (policy < 0) return -E.EINVAL;
  return setWith(ctx, policy);
};

/** sched_setparam(pid, param). */
const schedSetparam: Handler = (ctx) => setWith(ctx, -1);

function setWith(ctx: SysContext, policy: number): number {
  const pid = argInt(ctx, 0), p = argPtr(ctx, policy === -1 ? 1 : 2);
  if (p === 0 || pid < 0) return -E.EINVAL;
  const priority = readStruct(ctx, p, 4).getU32(0);
  if (!ctx.task.isSelf(pid)) return -E.ESRCH;
  return setScheduler(ctx, policy, priority);
}

const schedGetscheduler: Handler = (ctx) => {
  const pid = argInt(ctx, 0);
  if (pid < 0) return -E.EINVAL;
  if (!ctx.task.isSelf(pid)) return -E.ESRCH;
  const s = ctx.task.sched;
  return s.policy | (s.resetOnFork ? SCHED_RESET_ON_FORK : 0);
};

const schedGetparam: Handler = (ctx) => {
  const pid = argInt(ctx, 0), p = argPtr(ctx, 1);
  if (p === 0 || pid < 0) return -E.EINVAL;
  if (!ctx.task.isSelf(pid)) return -E.ESRCH;
  putI32(ctx, p, isRealtime(ctx.task.sched.policy) ? ctx.task.sched.priority : 0);
  return 0;
};

const priorityLimit = (max: boolean): Handler => (ctx) => {
  const p = argInt(ctx, 0);
  if (p === Policy.Fifo || p === Policy.RR) return max ? RT_PRIO_MAX : 1;
  if (p === Policy.Normal || p === Policy.Batch || p === Policy.Idle || p === Policy.Deadline) return 0;
  return -E.EINVAL;
};

// ---- affinity ----

/** cpumask_size(): whole words enough for the machine's processors (nr_cpu_ids). */
const maskBytes = (ctx: SysContext): number => Math.ceil(ctx.k.topology.cpus / (8 * wordOf(ctx))) * wordOf(ctx);

/** The thread `pid` names (0: the caller; any thread of any process by its tid), or undefined (ESRCH). */
function threadOf(ctx: SysContext, pid: number): LinuxThread | undefined {
  if (pid === 0) return ctx.thread;
  if (pid < 0) return undefined;
  return ctx.thread.proc.sys.threadsByTid.get(pid);
}

/** The machine's processors (all online): a mask of nr_cpu_ids bits. */
const online = (ctx: SysContext): bigint => (1n << BigInt(ctx.k.topology.cpus)) - 1n;

/** sched_getaffinity(pid, len, mask): returns the bytes written. */
const schedGetaffinity: Handler = (ctx) => {
  const pid = argInt(ctx, 0), len = argU32(ctx, 1), p = argPtr(ctx, 2), w = wordOf(ctx);
  if (Math.imul(len, 8) >>> 0 < ctx.k.topology.cpus || len % w !== 0) return -E.EINVAL; // unsigned int arithmetic, as in C
  const t = threadOf(ctx, pid);
  if (t === undefined) return -E.ESRCH;
  const n = Math.min(len, maskBytes(ctx));
  writeStruct(ctx, p, maskStruct(ctx, t.affinity & online(ctx), n));
  return n;
};

/** A CPU mask as the kernel's bitmap of longs: bit c of word c / bits-per-word. */
function maskStruct(ctx: SysContext, mask: bigint, bytes: number): ReturnType<typeof newStruct> {
  const w = wordOf(ctx), s = newStruct(ctx, bytes);
  for (let i = 0; i < bytes / w; i++) {
    const word = (mask >> BigInt(i * w * 8)) & ((1n << BigInt(w * 8)) - 1n);
    if (w === 8) s.dv.setBigUint64(i * 8, word, s.le);
    else s.u32(i * 4, Number(word));
  }
  return s;
}

/** sched_setaffinity(pid, len, mask). */
const schedSetaffinity: Handler = (ctx) => {
  const pid = argInt(ctx, 0), len = argU32(ctx, 1), p = argPtr(ctx, 2), w = wordOf(ctx);
  const bytes = maskBytes(ctx);
  let mask = 0n;
  if (len > 0) {
    // get_user_cpu_mask: a short mask is zero-extended, a long one cut to cpumask_size().
    const n = Math.min(len, bytes);
    const s = readStruct(ctx, p, n);
    for (let i = 0; i < n; i++) mask |= BigInt(s.b[wordByteIndex(i, w, s.le)]) << BigInt(8 * i);
  }
  const t = threadOf(ctx, pid);
  if (t === undefined) return -E.ESRCH;
  // check_same_owner: the caller's euid is the target's euid or uid; else CAP_SYS_NICE.
  const me = ctx.task.creds, them = t.proc.task.creds;
  if (me.euid !== them.euid && me.euid !== them.uid && !me.capable(Cap.SYS_NICE)) return -E.EPERM;
  // The mask is cut to the processors there are (cpuset: all of them); none left is EINVAL.
  mask &= online(ctx);
  if (mask === 0n) return -E.EINVAL;
  t.affinity = mask;
  // /proc/PID/status's Cpus_allowed is the process's leader's.
  if (t.tid === t.proc.pid) t.proc.task.sched.affinity = mask;
  const sys = t.proc.sys;
  sys.balance.affinityChanged(t);
  // Another thread running user code on another processor now: like Linux (affine_move_task),
  // the call returns once it has left for its new processor. A thread in a call, or ready on
  // the home, moves before it runs guest code again anyway: no need to wait for it.
  if (t === ctx.thread || t.moveTo === undefined || t.runsOn === ctx.k.cpu || t.kthread !== undefined) return 0;
  return (function* (): Pending {
    while (t.moveTo !== undefined && sys.threadsByTid.get(t.tid) === t && t.kthread === undefined) yield sys.balance.moveWait(t);
    return 0;
  })();
};

/** The guest byte holding bits 8i..8i+7 of a bitmap of `w`-byte words. */
function wordByteIndex(i: number, w: number, le: boolean): number {
  const word = Math.floor(i / w), k = i % w;
  return word * w + (le ? k : w - 1 - k);
}

/** sched_yield: the processor goes to whatever else is ready. */
const schedYield: Handler = () => (function* (): Pending {
  yield { kind: "yield" };
  return 0;
})();

export const SCHED_CALLS: Record<string, Handler> = {
  getpriority, setpriority, nice,
  sched_setscheduler: schedSetscheduler,
  sched_setparam: schedSetparam,
  sched_getscheduler: schedGetscheduler,
  sched_getparam: schedGetparam,
  sched_get_priority_max: priorityLimit(true),
  sched_get_priority_min: priorityLimit(false),
  sched_getaffinity: schedGetaffinity,
  sched_setaffinity: schedSetaffinity,
  sched_yield: schedYield,
};

const RECORDED = "recorded; with one thread per process nothing competes with it yet (the scheduler uses it with threads)";
export const SCHED_PARTIAL: Readonly<Record<string, string>> = {
  setpriority: RECORDED, nice: RECORDED, sched_setscheduler: RECORDED, sched_setparam: RECORDED,
};
