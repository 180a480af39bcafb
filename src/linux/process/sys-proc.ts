// The process family: creating processes and threads (fork, vfork, clone, clone3), ending them
// (exit, exit_group), waiting for children (wait4, waitid, waitpid), the ids (getpid, gettid,
// getppid, process groups and sessions), set_tid_address and the robust list, and kill,
// tkill and tgkill between processes. Relations go through the ProcessLinux server; the new
// process's memory is a copy-on-write fork of the parent's address space (kernel/mem), its
// files the same open file descriptions (linux/vfs), its task a copy (linux/task).
//
// clone's argument order is powerpc's (CLONE_BACKWARDS): flags, stack, parent_tid, tls,
// child_tid. The thread pointer is r13 on ppc64 and r2 on ppc32.

import { STATE_BYTES, S } from "../../machine/power/state.js";
import { INIT_PID, P_ALL, P_PGID, P_PID, WCONTINUED, WEXITED, WNOHANG, WNOWAIT, WSTOPPED, WUNTRACED, __WALL, __WCLONE, __WNOTHREAD, domainOfPid, type ProcessIds, type WaitFound } from "../../servers/process/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { fsc } from "../vfs/fs-call.js";
import { argInt, argPtr, argULong, getU64, newStruct, putI32, readStruct, writeStruct } from "../sys/user.js";
import { Rlimit } from "../task/resource-limits.js";
import { NSIG, SIG } from "../task/signal-state.js";
import { ERESTARTSYS, INTERRUPTED, interruptible } from "../signals/interruptible.js";
import { fromProcess, SI } from "../signals/siginfo.js";
import { pidfdTarget } from "../signals/pidfd.js";
import type { Handler, Pending, SysContext } from "./syscalls.js";
import { LinuxProcess, type LinuxThread } from "./lprocess.js";
import { childWait, vforkWait } from "./system.js";

export const CLONE = {
  VM: 0x100, FS: 0x200, FILES: 0x400, SIGHAND: 0x800, PIDFD: 0x1000, PTRACE: 0x2000, VFORK: 0x4000,
  PARENT: 0x8000, THREAD: 0x10000, NEWNS: 0x20000, SYSVSEM: 0x40000, SETTLS: 0x80000,
  PARENT_SETTID: 0x100000, CHILD_CLEARTID: 0x200000, DETACHED: 0x400000, UNTRACED: 0x800000,
  CHILD_SETTID: 0x1000000, NEWCGROUP: 0x2000000, NEWUTS: 0x4000000, NEWIPC: 0x8000000,
  NEWUSER: 0x10000000, NEWPID: 0x20000000, NEWNET: 0x40000000, IO: 0x80000000,
} as const;
const CSIGNAL = 0xff;
const NAMESPACES = CLONE.NEWNS | CLONE.NEWCGROUP | CLONE.NEWUTS | CLONE.NEWIPC | CLONE.NEWUSER | CLONE.NEWPID | CLONE.NEWNET;

/** What a clone asks for, from clone's registers or clone3's struct. */
interface CloneArgs {
  flags: number;
  exitSignal: number;
  stack: number;
  tls: number;
  parentTid: number;
  childTid: number;
}

const sys = (ctx: SysContext) => ctx.thread.proc.sys;

/** waitid's idtype for a process descriptor (signals/pidfd.ts). */
const P_PIDFD = 3;

/** A PPC to ProcessLinux whose refusal is the call's errno. */
function* pid<T>(call: Generator<import("../../kernel/sched/thread.js").Block, unknown, unknown>): Generator<import("../../kernel/sched/thread.js").Block, T, unknown> {
  return (yield* fsc(call)) as T;
}

// ---- creation ----

function* cloneWith(ctx: SysContext, a: CloneArgs): Pending {
  const f = a.flags >>> 0;
  // copy_process's checks, in its order.
  if ((f & (CLONE.NEWNS | CLONE.FS)) === (CLONE.NEWNS | CLONE.FS)) return -E.EINVAL;
  if ((f & (CLONE.NEWUSER | CLONE.FS)) === (CLONE.NEWUSER | CLONE.FS)) return -E.EINVAL;
  if ((f & CLONE.THREAD) !== 0 && (f & CLONE.SIGHAND) === 0) return -E.EINVAL;
  if ((f & CLONE.SIGHAND) !== 0 && (f & CLONE.VM) === 0) return -E.EINVAL;
  if ((f & CLONE.PARENT) !== 0 && ctx.thread.proc.pid === INIT_PID) return -E.EINVAL;
  if ((f & NAMESPACES) !== 0) {
    ctx.log(`clone: namespaces (flags 0x${(f & NAMESPACES).toString(16)}) are not built, returning EINVAL`);
    return -E.EINVAL;
  }
  if ((f & CLONE.PIDFD) !== 0) {
    ctx.log("clone: CLONE_PIDFD is not built (pidfd_open is), returning EINVAL");
    return -E.EINVAL;
  }
  if ((f & CLONE.THREAD) !== 0) {
    if ((f & (CLONE.FILES | CLONE.FS)) !== (CLONE.FILES | CLONE.FS)) {
      ctx.log("clone: a thread with its own file table or fs state (CLONE_THREAD without CLONE_FILES|CLONE_FS) is not built, returning EINVAL");
      return -E.EINVAL;
    }
    return yield* newThread(ctx, a);
  }
  if ((f & CLONE.SIGHAND) !== 0 || ((f & CLONE.FS) !== 0)) {
    ctx.log("clone: a process sharing signal handlers or fs state with its parent (CLONE_SIGHAND/CLONE_FS without CLONE_THREAD) is not built, returning EINVAL");
    return -E.EINVAL;
  }
  return yield* newProcess(ctx, a);
}

/** A copy of the caller's registers in a new state block, as the child starts: r3 = 0, its stack and TLS. */
function childState(ctx: SysContext, a: CloneArgs): number {
  const t = ctx.thread;
  const ms = ctx.k.memory;
  if (ms === undefined) throw new Error("memory system not installed");
  const cpu = ctx.cpu; // attaches the parent's state (its registers are in its block)
  const state = ms.allocFrame();
  const bytes = ctx.k.port.mem.bytes;
  bytes.copyWithin(state, t.state, t.state + STATE_BYTES);
  const r = new Int32Array(bytes.buffer, state, STATE_BYTES >> 2);
  const setGpr = (n: number, v: number): void => {
    r[S.GPR + n * 2] = v | 0;
    r[S.GPR + n * 2 + 1] = ctx.image.is64 ? Math.floor(v / 2 ** 32) | 0 : 0;
  };
  setGpr(3, 0);
  r[S.CR] &= ~1; // CR0.SO: success
  if (a.stack !== 0) setGpr(1, a.stack);
  if ((a.flags & CLONE.SETTLS) !== 0) setGpr(ctx.image.is64 ? 13 : 2, a.tls);
  void cpu;
  return state;
}

function* newThread(ctx: SysContext, a: CloneArgs): Pending {
  const t = ctx.thread, p = t.proc, s = sys(ctx);
  const tid = yield* pid<number>(s.pids.thread());
  if ((a.flags & CLONE.PARENT_SETTID) !== 0) putI32(ctx, a.parentTid, tid);
  if ((a.flags & CLONE.CHILD_SETTID) !== 0) putI32(ctx, a.childTid, tid);
  const state = childState(ctx, a);
  const c = s.newThread(p, tid, state, t.policy);
  // A new thread has its creator's blocked mask and no alternate stack (it shares the memory).
  c.sig.setBlocked(t.sig.blocked);
  if ((a.flags & CLONE.CHILD_CLEARTID) !== 0) c.clearChildTid = a.childTid;
  c.robustList = 0;
  c.affinity = t.affinity; // the creator's affinity (per thread)
  s.spawnOn(c, s.place(c.affinity));
  return tid;
}

function* newProcess(ctx: SysContext, a: CloneArgs): Pending {
  const t = ctx.thread, parent = t.proc, s = sys(ctx), k = ctx.k;
  if (a.exitSignal < 0 || a.exitSignal > NSIG) return -E.EINVAL;
  const nproc = parent.task.limits.get(Rlimit.NPROC)?.cur;
  const limit = nproc === undefined || nproc >= 2n ** 53n ? -1 : Number(nproc);
  const cid = yield* pid<number>(s.pids.fork(((a.flags & CLONE.PARENT) !== 0 ? 1 : 0) | (a.exitSignal << 8), parent.task.creds.uids()[0], limit));
  if ((a.flags & CLONE.PARENT_SETTID) !== 0) putI32(ctx, a.parentTid, cid);
  const shareVm = (a.flags & CLONE.VM) !== 0;
  const space = shareVm ? parent.space : yield* parent.space.fork();
  const task = parent.task.fork(cid, (a.flags & CLONE.PARENT) !== 0 ? parent.task.ppid : parent.pid, s.accountsOf(cid));
  const vfs = (a.flags & CLONE.FILES) !== 0 ? parent.vfs : yield* parent.vfs.fork(k, domainOfPid(cid), s.vfsOptions(task, cid));
  const image = shareVm ? parent.image : { ...parent.image, auxv: [...parent.image.auxv], regions: [...parent.image.regions] };
  const child = new LinuxProcess(s, cid, domainOfPid(cid), space, image, parent.exePath, parent.programPath, vfs, task, parent.argv, parent.env, parent.mmapTop);
  s.share(child, parent);
  const state = childState(ctx, a);
  const c = s.newThread(child, cid, state, t.policy);
  // The child's thread: the caller's blocked mask, and its alternate stack unless the memory is shared.
  c.sig.setBlocked(t.sig.blocked);
  if (!shareVm || (a.flags & CLONE.VFORK) !== 0) c.sig.altStack = { ...t.sig.altStack };
  if ((a.flags & CLONE.CHILD_CLEARTID) !== 0) c.clearChildTid = a.childTid;
  s.addProcess(child, parent.image.stackTop);
  // CLONE_CHILD_SETTID writes into the child's memory (a copy of the parent's, after the fork).
  if ((a.flags & CLONE.CHILD_SETTID) !== 0) putI32(c.ctx, a.childTid, cid);
  if ((a.flags & CLONE.VFORK) !== 0) child.vforkParent = t;
  // The forking thread's affinity is the child's; the child starts on the home if that allows it.
  c.affinity = t.affinity;
  child.task.sched.affinity = t.affinity;
  if (((c.affinity >> BigInt(k.cpu)) & 1n) !== 0n) s.spawn(c);
  else s.spawnOn(c, s.place(c.affinity));
  if ((a.flags & CLONE.VFORK) !== 0) {
    // The parent sleeps until the child has exec'd or ended (it may share our memory until then).
    while (child.vforkParent !== undefined) yield vforkWait(cid);
  }
  return cid;
}

const fork: Handler = (ctx) => cloneWith(ctx, { flags: 0, exitSignal: SIG.CHLD, stack: 0, tls: 0, parentTid: 0, childTid: 0 });
const vfork: Handler = (ctx) => cloneWith(ctx, { flags: CLONE.VM | CLONE.VFORK, exitSignal: SIG.CHLD, stack: 0, tls: 0, parentTid: 0, childTid: 0 });

/** clone(flags, stack, parent_tid, tls, child_tid): powerpc's order. */
const clone: Handler = (ctx) => {
  const flags = argInt(ctx, 0) >>> 0;
  return cloneWith(ctx, {
    flags: flags & ~CSIGNAL, exitSignal: flags & CSIGNAL, stack: argPtr(ctx, 1), parentTid: argPtr(ctx, 2), tls: argPtr(ctx, 3), childTid: argPtr(ctx, 4),
  });
};

/** clone3(args, size): struct clone_args (flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup). */
const clone3: Handler = (ctx) => {
  const ua = argPtr(ctx, 0), size = argInt(ctx, 1) >>> 0;
  if (size < 64) return -E.EINVAL; // CLONE_ARGS_SIZE_VER0
  if (size > 4096) return -E.E2BIG;
  const s = readStruct(ctx, ua, size);
  // Bytes past the fields this kernel knows must be zero.
  for (let o = 88; o < size; o++) if (s.dv.getUint8(o) !== 0) return -E.E2BIG;
  const flags = getU64(s, 0), exitSignal = getU64(s, 32), stack = getU64(s, 40), stackSize = getU64(s, 48);
  const setTidSize = size >= 80 ? getU64(s, 72) : 0n;
  if (flags > 0xffffffffn || (flags & BigInt(CSIGNAL)) !== 0n) return -E.EINVAL;
  if (exitSignal > BigInt(NSIG)) return -E.EINVAL;
  if ((stack === 0n) !== (stackSize === 0n)) return -E.EINVAL;
  if (setTidSize !== 0n) {
    ctx.log("clone3: set_tid (choosing the pid) is not built, returning EINVAL");
    return -E.EINVAL;
  }
  if (size >= 88 && getU64(s, 80) !== 0n) {
    ctx.log("clone3: CLONE_INTO_CGROUP is not built, returning EINVAL");
    return -E.EINVAL;
  }
  return cloneWith(ctx, {
    flags: Number(flags), exitSignal: Number(exitSignal),
    // The stack grows down: the child starts at its top.
    stack: Number(stack + stackSize), tls: Number(getU64(s, 56)), parentTid: Number(getU64(s, 24)), childTid: Number(getU64(s, 16)),
  });
};

// ---- ends ----

/** exit(code): this thread ends (the process with its last thread). */
const exit: Handler = (ctx, a) => {
  ctx.exitCode = a[0] & 0xff;
  return 0;
};

/** exit_group(code): every thread of the process ends. */
const exitGroup: Handler = (ctx, a) => {
  const p = ctx.thread.proc;
  if (p.groupExit === undefined) {
    p.groupExit = (a[0] & 0xff) << 8;
    sys(ctx).doom(p, ctx.thread);
  }
  ctx.exitCode = (p.groupExit >> 8) & 0xff;
  return 0;
};

// ---- wait ----

const WAIT_OPTIONS = WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL;

/**
 * Wait for a child as `options` asks: what the server found, undefined (WNOHANG, nothing yet),
 * or -errno (ECHILD; EINTR when the thread was interrupted).
 */
function* waitChild(ctx: SysContext, idtype: number, id: number, options: number): Generator<import("../../kernel/sched/thread.js").Block, WaitFound | undefined | number, unknown> {
  const s = sys(ctx), me = ctx.thread.proc.pid;
  // do_wait looks at the children before it looks at signals: a wait woken by a signal scans
  // once more (a child released by SA_NOCLDWAIT is ECHILD, a child that just ended is taken).
  let interrupted = false;
  for (;;) {
    const seq = s.seq(me);
    let found: WaitFound;
    try {
      found = yield* pid<WaitFound>(s.pids.wait(idtype, id, options));
    } catch (e) {
      if (e instanceof SysError) return -e.errno;
      throw e;
    }
    if (!("none" in found)) {
      // A look with WNOWAIT leaves the zombie (and its /proc/PID) for a later wait.
      if ((options & WNOWAIT) === 0) s.reaped(found);
      return found;
    }
    if ((options & WNOHANG) !== 0) return undefined;
    if (interrupted || ctx.thread.doomed) return -ERESTARTSYS;
    if (s.seq(me) !== seq) continue;
    ctx.task.voluntarySwitches++;
    const got = yield* interruptible(ctx, childWait(me));
    if (got === INTERRUPTED) interrupted = true;
  }
}

/** wait4(pid, status, options, rusage). */
const wait4 = (withRusage: boolean): Handler => function* (ctx) {
  const who = argInt(ctx, 0), statusPtr = argPtr(ctx, 1), options = argInt(ctx, 2) >>> 0, ru = withRusage ? argPtr(ctx, 3) : 0;
  if ((options & ~WAIT_OPTIONS) !== 0) return -E.EINVAL;
  if (who === -2147483648) return -E.ESRCH; // INT_MIN: -pid overflows
  const [idtype, id] = who < -1 ? [P_PGID, -who] : who === -1 ? [P_ALL, 0] : who === 0 ? [P_PGID, 0] : [P_PID, who];
  const r = yield* waitChild(ctx, idtype, id, options | WEXITED);
  if (typeof r === "number") return r;
  if (r === undefined || "none" in r) return 0;
  if (statusPtr !== 0) putI32(ctx, statusPtr, r.status);
  if (ru !== 0) writeStruct(ctx, ru, rusageOf(ctx, sys(ctx).childUsage(r.pid)));
  return r.pid;
};

/** waitid(idtype, id, infop, options, rusage). */
const waitid: Handler = function* (ctx) {
  const idtype = argInt(ctx, 0), id = argInt(ctx, 1), infop = argPtr(ctx, 2), options = argInt(ctx, 3) >>> 0, ru = argPtr(ctx, 4);
  if ((options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL)) !== 0) return -E.EINVAL;
  if ((options & (WEXITED | WSTOPPED | WCONTINUED)) === 0) return -E.EINVAL;
  if (idtype !== P_ALL && idtype !== P_PID && idtype !== P_PGID && idtype !== P_PIDFD) return -E.EINVAL;
  if (idtype === P_PID && id <= 0) return -E.EINVAL;
  if (idtype === P_PGID && id < 0) return -E.EINVAL;
  let [type, who, opts, nonblock] = [idtype, idtype === P_ALL ? 0 : id, options, false];
  if (idtype === P_PIDFD) {
    // The process a descriptor names is waited for as P_PID; an O_NONBLOCK descriptor does not
    // wait, and says EAGAIN where the caller did not ask for WNOHANG itself (kernel_waitid).
    if (id < 0) return -E.EINVAL;
    const t = pidfdTarget(ctx, id);
    [type, who, opts, nonblock] = [P_PID, t.pidfd.pid, t.nonblock ? opts | WNOHANG : opts, t.nonblock && (options & WNOHANG) === 0];
  }
  const r = yield* waitChild(ctx, type, who, opts);
  if (typeof r === "number") return r;
  if (nonblock && (r === undefined || "none" in r)) return -E.EAGAIN;
  const is64 = ctx.image.is64;
  const info = newStruct(ctx, 128);
  if (r !== undefined && !("none" in r)) {
    const u = is64 ? 16 : 12; // the union after si_signo, si_errno, si_code (8-byte aligned on ppc64)
    info.i32(0, SIG.CHLD).i32(8, r.code).i32(u, r.pid).u32(u + 4, r.uid).i32(u + 8, r.value);
    if (ru !== 0) writeStruct(ctx, ru, rusageOf(ctx, sys(ctx).childUsage(r.pid)));
  } else if (ru !== 0) {
    writeStruct(ctx, ru, rusageOf(ctx, undefined));
  }
  if (infop !== 0) writeStruct(ctx, infop, info);
  return 0;
};

/** struct rusage with a reaped child's times and faults (the rest 0). */
function rusageOf(ctx: SysContext, u: { userNs: number; systemNs: number; minflt: number; maxrssKb: number } | undefined): ReturnType<typeof newStruct> {
  const is64 = ctx.image.is64, w = is64 ? 8 : 4;
  const s = newStruct(ctx, 18 * w);
  if (u === undefined) return s;
  const tv = (o: number, ns: number): void => {
    s.long(o, Math.floor(ns / 1e9), is64).long(o + w, Math.floor((ns % 1e9) / 1e3), is64);
  };
  tv(0, u.userNs);
  tv(2 * w, u.systemNs);
  s.long(4 * w, u.maxrssKb, is64); // ru_maxrss
  s.long(8 * w, u.minflt, is64); // ru_minflt
  return s;
}

// ---- ids ----

function* ids(ctx: SysContext, who: number): Generator<import("../../kernel/sched/thread.js").Block, ProcessIds | number, unknown> {
  try {
    return yield* pid<ProcessIds>(sys(ctx).pids.ids(who));
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
}

const idOf = (pick: (i: ProcessIds) => number, arg: boolean): Handler => function* (ctx) {
  const who = arg ? argInt(ctx, 0) : 0;
  if (who < 0) return -E.ESRCH;
  const r = yield* ids(ctx, who);
  return typeof r === "number" ? r : pick(r);
};

const setpgid: Handler = function* (ctx) {
  const who = argInt(ctx, 0), pgid = argInt(ctx, 1);
  if (pgid < 0) return -E.EINVAL;
  try {
    yield* pid<void>(sys(ctx).pids.setpgid(who, pgid));
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
  const target = sys(ctx).procs.get(who === 0 ? ctx.thread.proc.pid : who);
  if (target !== undefined) target.task.pgid = pgid === 0 ? target.pid : pgid;
  return 0;
};

const setsid: Handler = function* (ctx) {
  let sid: number;
  try {
    sid = yield* pid<number>(sys(ctx).pids.setsid());
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
  ctx.task.sid = ctx.task.pgid = sid;
  return sid;
};

/** set_tid_address(ptr): the thread's clear_child_tid; returns its tid. */
const setTidAddress: Handler = (ctx) => {
  ctx.thread.clearChildTid = argPtr(ctx, 0);
  ctx.task.clearChildTid = ctx.thread.clearChildTid; // PR_GET_TID_ADDRESS reads it
  return ctx.thread.tid;
};

/** set_robust_list(head, len): len must be sizeof(struct robust_list_head) (3 words). */
const setRobustList: Handler = (ctx) => {
  const len = argULong(ctx, 1);
  if (len !== BigInt(3 * (ctx.image.is64 ? 8 : 4))) return -E.EINVAL;
  ctx.thread.robustList = argPtr(ctx, 0);
  ctx.thread.robustLen = Number(len);
  return 0;
};

/** get_robust_list(pid, head_ptr, len_ptr): the caller's or another thread's (0: the caller). */
const getRobustList: Handler = (ctx) => {
  const who = argInt(ctx, 0), headPtr = argPtr(ctx, 1), lenPtr = argPtr(ctx, 2);
  let t: LinuxThread | undefined = ctx.thread;
  if (who !== 0) {
    t = undefined;
    for (const p of sys(ctx).procs.values()) t ??= p.threads.get(who);
    if (t === undefined) return -E.ESRCH;
  }
  const w = ctx.image.is64 ? 8 : 4;
  writeStruct(ctx, headPtr, newStruct(ctx, w).long(0, t.robustList, ctx.image.is64));
  writeStruct(ctx, lenPtr, newStruct(ctx, w).long(0, t.robustLen, ctx.image.is64));
  return 0;
};

// ---- kill ----

/** May the caller signal `p` (kill_ok_by_cred: root, or a real or effective uid meeting the target's real or saved)? */
export function mayKill(ctx: SysContext, p: LinuxProcess): boolean {
  const me = ctx.task.creds, them = p.task.creds;
  if (me.capable(5 /* CAP_KILL */)) return true;
  const [uid, euid] = me.uids(), [tuid, , tsuid] = them.uids();
  return euid === tsuid || euid === tuid || uid === tsuid || uid === tuid;
}

/** Deliver `sig` (0: only check) to process `target` with kill's siginfo (SI_USER, the sender's pid and real uid). */
function deliver(ctx: SysContext, target: LinuxProcess, sig: number): void {
  if (sig === 0) return;
  sys(ctx).signal(target, sig, fromProcess(sig, SI.USER, ctx.thread.proc.pid, ctx.task.creds.uid));
}

/** kill(pid, sig): kill's rules over the pid space (ProcessLinux names the targets). */
const kill: Handler = function* (ctx) {
  const who = argInt(ctx, 0), sig = argInt(ctx, 1);
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  if (who === -2147483648) return -E.ESRCH;
  let pids: number[];
  try {
    pids = yield* pid<number[]>(sys(ctx).pids.targets(who));
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
  let sent = 0, denied = 0;
  for (const n of pids) {
    // k42's init passes signals on to the program (as a container's init does); it takes none itself.
    const p = n === INIT_PID ? sys(ctx).procs.get(sys(ctx).mainPid) : sys(ctx).procs.get(n);
    if (p === undefined) {
      if (n !== INIT_PID) sent++; // a zombie: the signal is accepted and goes nowhere
      continue;
    }
    if (!mayKill(ctx, p)) {
      denied++;
      continue;
    }
    deliver(ctx, p, sig);
    sent++;
  }
  return sent > 0 ? 0 : denied > 0 ? -E.EPERM : -E.ESRCH;
};

/** tkill(tid, sig) / tgkill(tgid, tid, sig): a thread (the signal is the process's while threads share one state). */
function* threadKill(ctx: SysContext, tgid: number, tid: number, sig: number): Pending {
  if (tid <= 0 || (tgid !== -1 && tgid <= 0)) return -E.EINVAL;
  if (sig < 0 || sig > NSIG) return -E.EINVAL;
  let group: number;
  try {
    group = yield* pid<number>(sys(ctx).pids.groupOf(tid));
  } catch (e) {
    if (e instanceof SysError) return -e.errno;
    throw e;
  }
  if (tgid !== -1 && group !== tgid) return -E.ESRCH;
  const p = sys(ctx).procs.get(group);
  const th = p?.threads.get(tid);
  if (p === undefined || th === undefined) return -E.ESRCH;
  if (!mayKill(ctx, p)) return -E.EPERM;
  if (sig !== 0) sys(ctx).signalThread(th, fromProcess(sig, SI.TKILL, ctx.thread.proc.pid, ctx.task.creds.uid));
  return 0;
}

const tkill: Handler = (ctx) => threadKill(ctx, -1, argInt(ctx, 0), argInt(ctx, 1));
const tgkill: Handler = (ctx) => threadKill(ctx, argInt(ctx, 0), argInt(ctx, 1), argInt(ctx, 2));

export const PROC_CALLS: Record<string, Handler> = {
  fork, vfork, clone, clone3,
  exit, exit_group: exitGroup,
  wait4: wait4(true), waitpid: wait4(false), waitid,
  getpid: (ctx) => ctx.thread.proc.pid,
  gettid: (ctx) => ctx.thread.tid,
  getppid: idOf((i) => i.ppid, false),
  getpgrp: idOf((i) => i.pgid, false),
  getpgid: idOf((i) => i.pgid, true),
  getsid: idOf((i) => i.sid, true),
  setpgid, setsid,
  set_tid_address: setTidAddress,
  set_robust_list: setRobustList,
  get_robust_list: getRobustList,
  kill, tkill, tgkill,
};

export const PROC_PARTIAL: Readonly<Record<string, string>> = {
  clone: "namespaces, CLONE_PIDFD, and sharing fs state or handlers between processes (not threads) are EINVAL, logged",
  clone3: "as clone; set_tid and CLONE_INTO_CGROUP EINVAL, logged",
  wait4: "rusage gives the child's user and system time, minor faults and peak RSS; the rest 0",
  set_robust_list: "kept; the list is not walked when a thread dies (a dead owner's robust mutexes are not marked)",
};
