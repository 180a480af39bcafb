// ProcessLinux: the Linux process server (K42's ProcessLinux, reference: the pid space, process
// groups, sessions and the parent/child relation with wait). It holds no process's memory,
// files or threads — those are the personality's, per process — only the relations between
// processes, as plain records, so that any processor's personality can ask.
//
// Every method acts for its caller: the kernel stamps the caller's protection domain, and the
// server turns it into a pid (a process's domain is PID_DOMAIN_BASE + pid), never taking the
// pid from an argument where it would give authority. Errors are errnos (ESRCH, ECHILD, EPERM,
// EINVAL, EAGAIN) as Linux returns them for the call they serve.

import { defineInterface, method, type Stub } from "../../kernel/ppc/iface.js";
import { f64, json, none, u32 } from "../../kernel/ppc/values.js";

/** The protection domain of process `pid`: PID_DOMAIN_BASE + pid. */
export const PID_DOMAIN_BASE = 0x100000;
export const domainOfPid = (pid: number): number => PID_DOMAIN_BASE + pid;
export const pidOfDomain = (domain: number): number => (domain > PID_DOMAIN_BASE ? domain - PID_DOMAIN_BASE : 0);

/** The first process of the machine (k42's init): orphans are given to it. */
export const INIT_PID = 1;

/** wait's idtype (waitid's P_*; wait4 is translated into these). */
export const P_ALL = 0, P_PID = 1, P_PGID = 2;

/** wait options (Linux's values). */
export const WNOHANG = 1, WUNTRACED = 2, WSTOPPED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
export const __WNOTHREAD = 0x20000000, __WALL = 0x40000000, __WCLONE = 0x80000000;

/** What a wait found: a child whose state changed, or nothing yet (children exist: wait on). */
export type WaitFound =
  | {
    readonly pid: number;
    /** The status word as wait4 gives it (exit code << 8 | signal | core flag; 0x7f stopped; 0xffff continued). */
    readonly status: number;
    /** waitid's si_code: CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3, CLD_STOPPED 5, CLD_CONTINUED 6. */
    readonly code: number;
    /** waitid's si_status: the exit code or the signal. */
    readonly value: number;
    readonly uid: number;
  }
  | { readonly none: true };

/** A process's place in the pid space. */
export interface ProcessIds {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
}

/** What exit tells the exiting process's side: whom to notify. */
export interface ExitNotice {
  /** The parent (to send the exit signal and wake its waits); 0 if none. */
  readonly parent: number;
  /** The exit signal the parent is sent (SIGCHLD unless clone said otherwise; 0: none). */
  readonly signal: number;
  /** Children given to a new parent by this exit (it may now reap them). */
  readonly orphans: readonly number[];
  /** Their new parent: the nearest child subreaper among the ancestors, else init. */
  readonly reaper: number;
  /**
   * Process groups this exit orphaned that have stopped members: POSIX sends them SIGHUP then
   * SIGCONT (the personality does, to these pids).
   */
  readonly hangup: readonly number[];
}

export const ProcessIface = defineInterface("ProcessLinux", {
  /**
   * fork/clone of a new process by the caller: its pid. `flags` bit 0: CLONE_PARENT (the new
   * process's parent is the caller's parent); bits 8..15: the exit signal; uid: the real uid
   * (RLIMIT_NPROC is counted per uid); nprocLimit: the caller's RLIMIT_NPROC (-1: none).
   */
  fork: method([u32, u32, f64], u32),
  /** A new thread id in the caller's thread group. */
  thread: method([], u32),
  /** Thread `tid` of the caller's group ended. */
  threadExit: method([u32], none),
  /**
   * The caller's process ended with wait status `status` (exit code << 8, or the signal | 0x80
   * for a core): it becomes a zombie until its parent reaps it; its children go to
   * `reaper` (the nearest child subreaper among its ancestors, which the personality knows, or
   * init; anything else that is not a live process of the caller's ancestry is taken as init).
   */
  exit: method([u32, u32], json),
  /**
   * The caller ended and its parent does not keep zombies (SIGCHLD ignored or SA_NOCLDWAIT, which
   * the parent's personality knows): its record goes now, and no wait will report it.
   */
  release: method([], none),
  /** execve replaced the caller's image: a thread group leader's pid stays, the others' tids go. */
  exec: method([], none),
  /** wait4/waitid by the caller: idtype, id, options. WaitFound, or ECHILD. */
  wait: method([u32, f64, u32], json),
  /** The ids of process `pid` (0: the caller). ESRCH if it does not exist. */
  ids: method([f64], json),
  /** setpgid(pid, pgid) with Linux's checks. */
  setpgid: method([f64, f64], none),
  /** setsid(): the new session's id. */
  setsid: method([], u32),
  /**
   * The processes kill(pid, …) reaches (kill's rules: pid > 0 that one, 0 the caller's group,
   * -1 every process but init and the caller, < -1 the group -pid). ESRCH if none.
   */
  targets: method([f64], json),
  /** The thread group (process) of thread `tid`, or ESRCH. */
  groupOf: method([f64], u32),
  /** The caller stopped (`signal`) or continued (signal 0): its parent's waits see it. */
  stopped: method([u32], json),
  /** Every live process (for /proc and the end of the machine). */
  list: method([], json),
  /**
   * Is process group `pgid` (0: the caller's) orphaned — no live member has a parent in another
   * group of the same session (will_become_orphaned_pgrp)? 1 or 0. Job control asks it: stop
   * signals from the terminal are dropped for such a group, and its reads from the terminal in
   * the background are EIO.
   */
  orphaned: method([f64], u32),
});

export type ProcessStub = Stub<typeof ProcessIface>;
