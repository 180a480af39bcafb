// The small per-task attributes that prctl and personality set and read (kernel/sys.c,
// kernel/exec_domain.c): the command name (comm), the dumpable flag, the parent-death signal,
// no_new_privs, the child-subreaper flag, the timer slack, the THP-disable flag and the
// execution domain (personality). Each is Linux's record; what acts on it is named where it
// matters (pdeathsig and the subreaper flag need a parent and children: the process issue).
// Owned by the one task; changed only by its system calls.

/** TASK_COMM_LEN: the name's bytes, NUL included. */
export const TASK_COMM_LEN = 16;

/** SUID_DUMP_DISABLE, SUID_DUMP_USER, SUID_DUMP_ROOT. */
export const enum Dumpable {
  Disable = 0,
  User = 1,
  Root = 2,
}

/** PER_LINUX, PER_LINUX32 and the mask of the execution domain in a personality value. */
export const PER_LINUX = 0, PER_LINUX32 = 0x0008, PER_MASK = 0x00ff;

/** The timer slack of a fresh task (50 µs). */
export const DEFAULT_TIMER_SLACK_NS = 50_000;

export class TaskAttributes {
  /** The command name, at most 15 bytes (no NUL). */
  comm: Uint8Array;
  dumpable: Dumpable = Dumpable.User;
  pdeathsig = 0;
  noNewPrivs = false;
  childSubreaper = false;
  timerSlackNs = DEFAULT_TIMER_SLACK_NS;
  thpDisable = false;
  personality = PER_LINUX;
  /** PR_SET_IO_FLUSHER: the task writes back pages for others (a flag for the memory reclaimer). */
  ioFlusher = false;

  /** A task started from the program at `path`: its name is the last component, cut to 15 bytes (as exec sets it). */
  constructor(path: string) {
    this.comm = commOf(new TextEncoder().encode(path.slice(path.lastIndexOf("/") + 1)));
  }
}

/** A name as comm keeps it: up to the first NUL, at most TASK_COMM_LEN - 1 bytes. */
export function commOf(bytes: Uint8Array): Uint8Array {
  const z = bytes.indexOf(0);
  const end = Math.min(z < 0 ? bytes.length : z, TASK_COMM_LEN - 1);
  return bytes.slice(0, end);
}
