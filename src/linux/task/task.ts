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
  /** The process id, which is also the thread id of its only thread. */
  readonly pid = 1;
  readonly tid = 1;
  /** No parent in the machine (getppid of a namespace's first process). */
  readonly ppid = 0;
  readonly pgid = 1;
  readonly sid = 1;
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

  /** Is `pid` this process (0 meaning the caller, as most calls take it)? */
  isSelf(pid: number): boolean {
    return pid === 0 || pid === this.pid;
  }
}
