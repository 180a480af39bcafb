// The ProcessLinux server's implementation: one table of process records (pid, parent, group,
// session, state, wait status) and thread ids, on the processors given a dispatcher. The table
// is made outside the implementation object and handed to it, so a restart after a fault keeps
// the pid space (a lost parent/child relation would leave zombies nobody can reap).
//
// Pids and thread ids come from one space, as Linux's: the next unused number after the last
// one given, wrapping at PID_MAX to PID_RESERVED (Linux's pid_max default 32768 and
// RESERVED_PIDS 300).

import { ServerErrno } from "../../kernel/ppc/errors.js";
import type { CallContext, Impl } from "../../kernel/ppc/iface.js";
import type { Json } from "../../kernel/ppc/values.js";

const asJson = <T>(v: T): Json => v as unknown as Json;
import {
  INIT_PID, P_ALL, P_PGID, P_PID, ProcessIface, WCONTINUED, WEXITED, WNOWAIT, WSTOPPED, __WALL, __WCLONE,
  pidOfDomain, type ExitNotice, type ProcessIds, type WaitFound,
} from "./iface.js";

const ESRCH = 3, EAGAIN = 11, EACCES = 13, EINVAL = 22, EPERM = 1, ECHILD = 10;
const SIGCHLD = 17, SIGCONT = 18;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
const CLONE_PARENT = 1;

export const PID_MAX = 32768;
const PID_RESERVED = 300;

interface Rec {
  readonly pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  readonly uid: number;
  /** The signal the parent gets at exit (SIGCHLD, or clone's choice). */
  readonly exitSignal: number;
  zombie: boolean;
  /** The wait status once a zombie. */
  status: number;
  /** A stop or a continue not yet reported to a wait (WUNTRACED / WCONTINUED). */
  stop: number | undefined;
  continued: boolean;
  /** Stopped now (between a stop and its continue), whether reported or not: orphaned groups' hangup. */
  halted: boolean;
  /** execve happened (setpgid by the parent is EACCES afterwards). */
  execed: boolean;
  /** Thread ids of the group other than the leader's (its pid). */
  readonly threads: Set<number>;
}

export interface ProcessTableOptions {
  /** The machine's cap on processes and threads (all users, root too): EAGAIN past it. */
  readonly maxTasks: number;
}

/** The pid space: records by pid, thread ids by tid. Survives server restarts. */
export class PidSpace {
  readonly procs = new Map<number, Rec>();
  /** Thread id → its group's pid (leaders are not listed). */
  readonly tids = new Map<number, number>();
  private last = 0;

  constructor(readonly opts: ProcessTableOptions) {}

  /** The next free id (pids and tids share the space). */
  alloc(): number {
    for (let n = 0; n < PID_MAX; n++) {
      let c = this.last + 1;
      if (c >= PID_MAX) c = this.last === 0 ? 1 : PID_RESERVED;
      this.last = c;
      if (!this.procs.has(c) && !this.tids.has(c) && !this.pgidUsed(c)) return c;
    }
    throw new ServerErrno(EAGAIN, "no free pid");
  }

  /** A number that names a live group or session may not be reused as a pid (Linux keeps it busy). */
  private pgidUsed(n: number): boolean {
    for (const r of this.procs.values()) if (r.pgid === n || r.sid === n) return true;
    return false;
  }

  tasks(): number {
    return this.procs.size + this.tids.size;
  }

  /** The program the machine starts (init's first child, made at boot): its pid. */
  addFirstChild(uid: number): number {
    const init = this.procs.get(INIT_PID);
    if (init === undefined) throw new Error("addFirstChild before addInit");
    const pid = this.alloc();
    this.procs.set(pid, record(pid, INIT_PID, init.pgid, init.sid, uid, SIGCHLD));
    return pid;
  }

  /** Make the first process (init): its own group and session, no parent. */
  addInit(pid: number, uid: number): void {
    this.procs.set(pid, record(pid, 0, pid, pid, uid, 0));
    this.last = Math.max(this.last, pid);
  }
}

function record(pid: number, ppid: number, pgid: number, sid: number, uid: number, exitSignal: number): Rec {
  return { pid, ppid, pgid, sid, uid, exitSignal, zombie: false, status: 0, stop: undefined, continued: false, halted: false, execed: false, threads: new Set() };
}

const idsOf = (r: Rec): ProcessIds => ({ pid: r.pid, ppid: r.ppid, pgid: r.pgid, sid: r.sid });

export class ProcessServer implements Impl<typeof ProcessIface> {
  constructor(private readonly space: PidSpace) {}

  private self(ctx: CallContext): Rec {
    const r = this.space.procs.get(pidOfDomain(ctx.caller));
    if (r === undefined) throw new ServerErrno(ESRCH, `domain ${ctx.caller} is no process`);
    return r;
  }

  fork(flags: number, uid: number, nprocLimit: number, ctx: CallContext): number {
    const me = this.self(ctx);
    const s = this.space;
    if (s.tasks() >= s.opts.maxTasks) throw new ServerErrno(EAGAIN, `the machine's cap of ${s.opts.maxTasks} processes and threads`);
    if (uid !== 0 && nprocLimit >= 0) {
      let n = 0;
      for (const r of s.procs.values()) if (r.uid === uid && !r.zombie) n += 1 + r.threads.size;
      if (n >= nprocLimit) throw new ServerErrno(EAGAIN, `RLIMIT_NPROC ${nprocLimit} of uid ${uid}`);
    }
    const pid = s.alloc();
    const parent = (flags & CLONE_PARENT) !== 0 ? me.ppid : me.pid;
    s.procs.set(pid, record(pid, parent, me.pgid, me.sid, uid, (flags >>> 8) & 0xff));
    return pid;
  }

  thread(ctx: CallContext): number {
    const me = this.self(ctx);
    const s = this.space;
    if (s.tasks() >= s.opts.maxTasks) throw new ServerErrno(EAGAIN, `the machine's cap of ${s.opts.maxTasks} processes and threads`);
    const tid = s.alloc();
    me.threads.add(tid);
    s.tids.set(tid, me.pid);
    return tid;
  }

  threadExit(tid: number, ctx: CallContext): void {
    const me = this.self(ctx);
    if (me.threads.delete(tid)) this.space.tids.delete(tid);
  }

  exit(status: number, reaper: number, ctx: CallContext): Json {
    const me = this.self(ctx);
    const s = this.space;
    for (const t of me.threads) s.tids.delete(t);
    me.threads.clear();
    me.zombie = true;
    me.status = status;
    me.stop = undefined;
    me.continued = false;
    me.halted = false;
    const newParent = this.reaperFor(me, reaper);
    const orphans: number[] = [];
    for (const r of s.procs.values()) {
      if (r.ppid === me.pid) {
        r.ppid = newParent;
        orphans.push(r.pid);
      }
    }
    const parent = s.procs.get(me.ppid);
    const notice: ExitNotice = { parent: parent === undefined ? 0 : parent.pid, signal: me.exitSignal, orphans, reaper: newParent, hangup: this.hangups(me, parent, orphans) };
    return asJson(notice);
  }

  /** The reaper the personality named, if it is a live ancestor of `me`; else init. */
  private reaperFor(me: Rec, named: number): number {
    const seen = new Set<number>();
    for (let r = this.space.procs.get(me.ppid); r !== undefined && r.pid !== INIT_PID && !seen.has(r.pid); r = this.space.procs.get(r.ppid)) {
      seen.add(r.pid);
      if (r.pid === named && !r.zombie) return r.pid;
    }
    return INIT_PID;
  }

  release(ctx: CallContext): void {
    const me = this.self(ctx);
    if (!me.zombie) throw new ServerErrno(EINVAL);
    this.space.procs.delete(me.pid);
  }

  /**
   * kill_orphaned_pgrp at `me`'s exit: its own group, when its parent linked it to the session,
   * and each child's group in the same session, if the exit orphaned the group and a member is
   * stopped: the live members of those groups (they get SIGHUP, then SIGCONT).
   */
  private hangups(me: Rec, parent: Rec | undefined, children: readonly number[]): number[] {
    const groups = new Set<number>();
    const consider = (pgid: number): void => {
      if (!groups.has(pgid) && this.isOrphaned(pgid) && this.hasHalted(pgid)) groups.add(pgid);
    };
    if (parent !== undefined && parent.pgid !== me.pgid && parent.sid === me.sid) consider(me.pgid);
    for (const c of children) {
      const r = this.space.procs.get(c);
      if (r !== undefined && r.pgid !== me.pgid && r.sid === me.sid) consider(r.pgid);
    }
    const out: number[] = [];
    for (const r of this.space.procs.values()) if (groups.has(r.pgid) && !r.zombie) out.push(r.pid);
    return out;
  }

  /** will_become_orphaned_pgrp: no live member has a parent (other than init) in another group of its session. */
  private isOrphaned(pgid: number): boolean {
    for (const r of this.space.procs.values()) {
      if (r.pgid !== pgid || r.zombie || r.ppid === INIT_PID) continue;
      const p = this.space.procs.get(r.ppid);
      if (p !== undefined && p.pgid !== pgid && p.sid === r.sid) return false;
    }
    return true;
  }

  private hasHalted(pgid: number): boolean {
    for (const r of this.space.procs.values()) if (r.pgid === pgid && r.halted && !r.zombie) return true;
    return false;
  }

  orphaned(pgid: number, ctx: CallContext): number {
    const g = pgid === 0 ? this.self(ctx).pgid : pgid;
    return this.isOrphaned(g) ? 1 : 0;
  }

  exec(ctx: CallContext): void {
    const me = this.self(ctx);
    me.execed = true;
    for (const t of me.threads) this.space.tids.delete(t);
    me.threads.clear();
  }

  wait(idtype: number, id: number, options: number, ctx: CallContext): Json {
    const me = this.self(ctx);
    if (idtype !== P_ALL && idtype !== P_PID && idtype !== P_PGID) throw new ServerErrno(EINVAL);
    let eligible = false;
    for (const r of this.space.procs.values()) {
      if (r.ppid !== me.pid) continue;
      if (idtype === P_PID && r.pid !== id) continue;
      if (idtype === P_PGID && r.pgid !== (id === 0 ? me.pgid : id)) continue;
      // A "clone" child (exit signal other than SIGCHLD) is waited for only with __WCLONE; __WALL takes both.
      if ((options & __WALL) === 0 && (r.exitSignal !== SIGCHLD) !== ((options & __WCLONE) !== 0)) continue;
      eligible = true;
      const found = this.report(r, options);
      if (found !== undefined) return asJson(found);
    }
    if (!eligible) throw new ServerErrno(ECHILD);
    const none: WaitFound = { none: true };
    return asJson(none);
  }

  /** What a wait with `options` takes from child `r`, if anything (reaping it unless WNOWAIT). */
  private report(r: Rec, options: number): WaitFound | undefined {
    const keep = (options & WNOWAIT) !== 0;
    if (r.zombie && (options & WEXITED) !== 0) {
      const sig = r.status & 0x7f;
      const code = sig === 0 ? CLD_EXITED : (r.status & 0x80) !== 0 ? CLD_DUMPED : CLD_KILLED;
      if (!keep) this.space.procs.delete(r.pid);
      return { pid: r.pid, status: r.status, code, value: sig === 0 ? (r.status >> 8) & 0xff : sig, uid: r.uid };
    }
    if (r.stop !== undefined && (options & WSTOPPED) !== 0) {
      const sig = r.stop;
      if (!keep) r.stop = undefined;
      return { pid: r.pid, status: (sig << 8) | 0x7f, code: CLD_STOPPED, value: sig, uid: r.uid };
    }
    if (r.continued && (options & WCONTINUED) !== 0) {
      if (!keep) r.continued = false;
      return { pid: r.pid, status: 0xffff, code: CLD_CONTINUED, value: SIGCONT, uid: r.uid };
    }
    return undefined;
  }

  ids(pid: number, ctx: CallContext): Json {
    const r = pid === 0 ? this.self(ctx) : this.space.procs.get(pid) ?? this.leaderOf(pid);
    if (r === undefined) throw new ServerErrno(ESRCH);
    return asJson(idsOf(r));
  }

  /** The group of thread `tid` (a thread's ids are its process's). */
  private leaderOf(tid: number): Rec | undefined {
    const p = this.space.tids.get(tid);
    return p === undefined ? undefined : this.space.procs.get(p);
  }

  setpgid(pid: number, pgid: number, ctx: CallContext): void {
    const me = this.self(ctx);
    if (!Number.isInteger(pid) || !Number.isInteger(pgid) || pgid < 0) throw new ServerErrno(EINVAL);
    const target = pid === 0 ? me : this.space.procs.get(pid);
    if (target === undefined || target.zombie && target !== me) throw new ServerErrno(ESRCH);
    const to = pgid === 0 ? target.pid : pgid;
    if (target !== me) {
      if (target.ppid !== me.pid) throw new ServerErrno(ESRCH);
      if (target.sid !== me.sid) throw new ServerErrno(EPERM);
      if (target.execed) throw new ServerErrno(EACCES);
    }
    if (target.sid === target.pid) throw new ServerErrno(EPERM); // a session leader
    if (to !== target.pid) {
      let found = false;
      for (const r of this.space.procs.values()) if (r.pgid === to && r.sid === me.sid) found = true;
      if (!found) throw new ServerErrno(EPERM);
    }
    target.pgid = to;
  }

  setsid(ctx: CallContext): number {
    const me = this.self(ctx);
    for (const r of this.space.procs.values()) if (r.pgid === me.pid) throw new ServerErrno(EPERM); // leads a group
    me.sid = me.pgid = me.pid;
    return me.pid;
  }

  targets(pid: number, ctx: CallContext): Json {
    const me = this.self(ctx);
    const out: number[] = [];
    if (!Number.isInteger(pid)) throw new ServerErrno(EINVAL);
    if (pid > 0) {
      const r = this.space.procs.get(pid) ?? this.leaderOf(pid);
      if (r !== undefined) out.push(r.pid);
    } else if (pid === -1) {
      for (const r of this.space.procs.values()) if (r.pid !== INIT_PID && r.pid !== me.pid) out.push(r.pid);
    } else {
      const g = pid === 0 ? me.pgid : -pid;
      for (const r of this.space.procs.values()) if (r.pgid === g) out.push(r.pid);
    }
    if (out.length === 0) throw new ServerErrno(ESRCH);
    return asJson(out);
  }

  groupOf(tid: number): number {
    if (this.space.procs.has(tid)) return tid;
    const p = this.space.tids.get(tid);
    if (p === undefined) throw new ServerErrno(ESRCH);
    return p;
  }

  stopped(signal: number, ctx: CallContext): Json {
    const me = this.self(ctx);
    if (signal !== 0) {
      me.stop = signal;
      me.continued = false;
      me.halted = true;
    } else {
      me.stop = undefined;
      me.continued = true;
      me.halted = false;
    }
    return asJson({ parent: me.ppid });
  }

  list(): Json {
    return asJson([...this.space.procs.values()].map((r) => ({ ...idsOf(r), zombie: r.zombie })));
  }
}

export { SIGCHLD };
