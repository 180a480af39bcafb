// The process-information interface: what procfs asks the Linux personality about its processes
// (K42's ProcessLinux server held the pid space; here the personality serves it). One server
// answers for every process it knows, by pid: procfs never holds a process object, only pids,
// and every answer is a copy made at the time of the call.
//
// The root handle is made for procfs's domain alone (Rights.Read): process details (environment,
// descriptors, memory map) reach no other domain through this server. Errors are errnos: ESRCH
// when no process has the pid. Records travel as json; 64-bit quantities that can exceed 2^53
// (signal masks, resource limits) travel as strings.

import { defineInterface, method, Rights, type Stub } from "../../kernel/ppc/iface.js";
import { bytes, json, string, u32 } from "../../kernel/ppc/values.js";

/** Linux task states as /proc shows them ("R (running)", …). */
export type ProcState = "R" | "S" | "D" | "T" | "t" | "X" | "Z" | "P" | "I";

/** [real, effective, saved, filesystem] */
export type IdQuad = [number, number, number, number];

/** Memory sizes in kB, as /proc/PID/status names them. */
export interface VmSizes {
  VmPeak: number;
  VmSize: number;
  VmLck: number;
  VmPin: number;
  VmHWM: number;
  VmRSS: number;
  RssAnon: number;
  RssFile: number;
  RssShmem: number;
  VmData: number;
  VmStk: number;
  VmExe: number;
  VmLib: number;
  VmPTE: number;
  VmSwap: number;
}

/** Addresses of the process image (mm->start_code …), 0 when unknown. */
export interface MmLayout {
  startCode: number;
  endCode: number;
  startData: number;
  endData: number;
  startBrk: number;
  startStack: number;
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
}

/** Everything /proc/PID/{stat,statm,status,comm} and the links need about one process. */
export interface ProcStatus {
  pid: number;
  /** A thread's view (/proc/PID/task/TID): the thread's id; absent for the process's own files. */
  tid?: number;
  comm: string;
  state: ProcState;
  ppid: number;
  pgrp: number;
  sid: number;
  /** Controlling terminal as a device number (major << 8 | minor … Linux's new_encode_dev), 0 for none. */
  tty: number;
  /** Foreground process group of the terminal, -1 without one. */
  tpgid: number;
  /** PF_* flags (Linux's task->flags as /proc/PID/stat shows them). */
  flags: number;
  uid: IdQuad;
  gid: IdQuad;
  groups: number[];
  umask: number;
  /** Size of the descriptor table (FDSize). */
  fdSize: number;
  /** Symlink texts; null when the process has none (exe of a zombie, or not permitted). */
  exe: string | null;
  cwd: string;
  root: string;
  /** Thread ids, the main thread first. */
  tids: number[];
  /** Nanoseconds: CPU time in user and system mode, of the process and of its waited-for children. */
  utimeNs: number;
  stimeNs: number;
  cutimeNs: number;
  cstimeNs: number;
  minflt: number;
  majflt: number;
  cminflt: number;
  cmajflt: number;
  /** Start time in nanoseconds since boot. */
  startNs: number;
  nice: number;
  policy: number;
  rtPriority: number;
  /** The processor the process's main thread last ran on. */
  processor: number;
  exitSignal: number;
  exitCode: number;
  vm: VmSizes;
  layout: MmLayout;
  /** Pages (statm): resident pages backed by files or shared memory. */
  sharedPages: number;
  /** Signal sets as 16 hex digits (bit n-1 = signal n): pending (thread), shared pending, blocked, ignored, caught. */
  sigPnd: string;
  shdPnd: string;
  sigBlk: string;
  sigIgn: string;
  sigCgt: string;
  /** Queued signals and their limit (SigQ; the limit as an unsigned decimal, RLIMIT_SIGPENDING's soft value). */
  sigQueued: number;
  sigQueueLimit: string;
  cpusAllowed: number[];
  memsAllowed: number[];
  voluntaryCtxtSwitches: number;
  nonvoluntaryCtxtSwitches: number;
  noNewPrivs: boolean;
  /** Pointer size of the process (8 for ppc64 and ppc64le, 4 for ppc32). */
  pointerBytes: number;
}

/** Who a process is, when it started and where it is: what /proc/PID's nodes and links need. */
export interface ProcIdent {
  pid: number;
  uid: IdQuad;
  gid: IdQuad;
  groups: number[];
  startNs: number;
  exe: string | null;
  cwd: string;
  root: string;
}

/** One open descriptor: /proc/PID/fd/N's link text, fdinfo's fields. */
export interface FdEntry {
  fd: number;
  /** "/tmp/x", "pipe:[N]", "socket:[N]", "/dev/pts/0", "anon_inode:[eventfd]" … */
  link: string;
  /** Open flags (O_* of the description, with O_CLOEXEC when the descriptor has FD_CLOEXEC). */
  flags: number;
  pos: number;
  /** st_dev and st_ino of the open file (fdinfo's mnt_id is found from the device). */
  dev: number;
  ino: number;
}

/** RLIMIT_* in Linux's order; soft and hard as decimal strings or "unlimited". */
export type Limit = [soft: string, hard: string];

/** The process table at a glance: pids in ascending order, and what /proc/stat and loadavg count. */
export interface ProcList {
  pids: number[];
  /** Threads able to run now (procs_running) and blocked in uninterruptible waits (procs_blocked). */
  running: number;
  blocked: number;
  threads: number;
  /** The pid handed out last. */
  lastPid: number;
  /** Processes created since boot (/proc/stat "processes"). */
  forks: number;
}

export const ProcInfoIface = defineInterface("ProcInfo", {
  /** The pid of the process whose system calls run in protection domain `domain`; 0 for none. */
  pidOf: method([u32], u32, Rights.Read),
  /** ProcList */
  list: method([], json, Rights.Read),
  /** ProcIdent of a pid (cheap: no memory accounting). */
  ident: method([u32], json, Rights.Read),
  /** ProcStatus of a pid. */
  status: method([u32], json, Rights.Read),
  /** ProcStatus of thread `tid` of process `pid` (its state, its CPU time; ESRCH when it is gone). */
  thread: method([u32, u32], json, Rights.Read),
  /** The argument area: NUL-terminated strings, as /proc/PID/cmdline. */
  cmdline: method([u32], bytes, Rights.Read),
  /** The environment area, as /proc/PID/environ. */
  environ: method([u32], bytes, Rights.Read),
  /** FdEntry[] in descriptor order. */
  fds: method([u32], json, Rights.Read),
  /** /proc/PID/maps, made by the kernel's memory objects (kernel/mem/maps.ts). */
  maps: method([u32], string, Rights.Read),
  /** Limit[] indexed by RLIMIT_* (16 entries). */
  limits: method([u32], json, Rights.Read),
});

export type ProcInfoStub = Stub<typeof ProcInfoIface>;

/** Resource names and units of /proc/PID/limits, in RLIMIT_* order (PowerPC uses the generic numbers). */
export const RLIMITS: readonly (readonly [name: string, unit: string])[] = [
  ["Max cpu time", "seconds"],
  ["Max file size", "bytes"],
  ["Max data size", "bytes"],
  ["Max stack size", "bytes"],
  ["Max core file size", "bytes"],
  ["Max resident set", "bytes"],
  ["Max processes", "processes"],
  ["Max open files", "files"],
  ["Max locked memory", "bytes"],
  ["Max address space", "bytes"],
  ["Max file locks", "locks"],
  ["Max pending signals", "signals"],
  ["Max msgqueue size", "bytes"],
  ["Max nice priority", ""],
  ["Max realtime priority", ""],
  ["Max realtime timeout", "us"],
];
