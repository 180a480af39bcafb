// The Linux task of a process: its ids and the per-task state the non-file system calls keep
// (credentials, resource limits, signal state, scheduling attributes, prctl attributes, UTS
// names), hung off SysContext as `task`. One process with one thread for now: the program is
// the first process of its machine, like a container's (pid 1, no parent, leader of its
// process group and session); the process issue brings an init, fork and threads.
//
// Other layers use two things from here: `cred()` (the ids file permission checks take) and
// the signal state, through sys/signals.ts raise() (SIGPIPE from the file layer). The signal
// state here is the process's; each thread's is SysContext.sig (linux/signals).

import { Credentials, type FileCred } from "./credentials.js";
import { ResourceLimits } from "./resource-limits.js";
import { SignalState } from "./signal-state.js";
import { TaskAttributes } from "./attributes.js";
import { Scheduling } from "./scheduling.js";
import { Uts } from "./uts.js";

/** CPU time and faults as the kernel's thread accounts give them. */
export interface TaskAccounts {
  /** Time spent running guest instructions (utime), in nanoseconds. */
  userNs(): bigint;
  /** Time the kernel worked for the task (stime): system-call entries, page faults. */
  systemNs(): bigint;
  /** Page faults resolved without I/O (ru_minflt). */
  minorFaults(): number;
}

export interface TaskOptions {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups?: readonly number[];
  /** The program's path (its name becomes comm). */
  path: string;
  /** Processors of the machine (the affinity mask). */
  cpus: number;
  /** The machine's memory in bytes (the default NPROC and SIGPENDING limits). */
  memBytes: number;
  accounts: TaskAccounts;
}

export class Task {
  /** The process id (the thread group's; its first thread's tid). */
  pid = 1;
  /** What /proc shows of the process's place (kept as the process server last said; it decides). */
  ppid = 0;
  pgid = 1;
  sid = 1;
  /** set_tid_address's record (clear_child_tid): cleared and woken at thread exit, with threads. */
  clearChildTid = 0;
  readonly creds: Credentials;
  readonly limits: ResourceLimits;
  readonly signals = new SignalState();
  readonly attrs: TaskAttributes;
  readonly sched: Scheduling;
  readonly uts = new Uts();
  readonly accounts: TaskAccounts;
  /** Voluntary context switches: the times the thread blocked (nanosleep, waits). */
  voluntarySwitches = 0;
  /** The largest resident set seen (pages), for ru_maxrss. */
  hiwaterRss = 0;

  constructor(o: TaskOptions) {
    this.creds = new Credentials(o.uid, o.gid, o.groups ?? []);
    this.limits = new ResourceLimits(o.memBytes);
    this.attrs = new TaskAttributes(o.path);
    this.sched = new Scheduling(o.cpus);
    this.accounts = o.accounts;
  }

  /** The ids the file servers check permissions against: fsuid, fsgid, supplementary groups. */
  cred(): FileCred {
    return this.creds.fileCred();
  }

  /** The thread id of the group's first thread. */
  get tid(): number {
    return this.pid;
  }

  /**
   * fork: the child's task — the same credentials, limits, signal actions and mask, attributes
   * and scheduling; no pending signals; its own accounts.
   */
  fork(pid: number, ppid: number, accounts: TaskAccounts): Task {
    const t = deepCopy({ ...this, signals: undefined }) as unknown as Task;
    Object.setPrototypeOf(t, Task.prototype);
    (t as { signals: SignalState }).signals = this.signals.forked();
    t.pid = pid;
    t.ppid = ppid;
    (t as { accounts: TaskAccounts }).accounts = accounts;
    t.voluntarySwitches = 0;
    t.hiwaterRss = 0;
    t.clearChildTid = 0;
    // copy_process: the parent-death signal and the subreaper flag are not inherited.
    t.attrs.pdeathsig = 0;
    t.attrs.childSubreaper = false;
    return t;
  }

  /** Is `pid` this process (0 meaning the caller, as most calls take it)? */
  isSelf(pid: number): boolean {
    return pid === 0 || pid === this.pid;
  }
}

/** A copy of `v` sharing nothing mutable with it: objects keep their classes; functions are shared. */
function deepCopy<T>(v: T): T {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) return v.map((x: unknown) => deepCopy(x)) as T;
  if (v instanceof Map) return new Map([...v].map(([a, b]) => [a, deepCopy(b)])) as T;
  if (v instanceof Set) return new Set([...v].map((x: unknown) => deepCopy(x))) as T;
  if (v instanceof Uint8Array) return v.slice() as T;
  const o = Object.create(Object.getPrototypeOf(v) as object) as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(v)) o[key] = deepCopy((v as Record<PropertyKey, unknown>)[key]);
  return o as T;
}
