// A Linux process and its threads as the personality keeps them (K42: the process's Linux
// state lived with the process, over the kernel's memory objects and the servers' objects).
//
//   LinuxProcess  what the threads of one thread group share: the address space (kernel/mem
//                 Space), the program image, the files (Vfs), the task (credentials, limits,
//                 signal actions), the pid and protection domain, how it ended.
//   LinuxThread   one guest thread: its architectural state block, its clock, its tid, its
//                 set_tid_address and robust-list records, whether it was told to die.
//   ThreadCtx     the SysContext a thread's system calls run with: the thread's own fields,
//                 and the process's reached through it (so that every thread sees the same
//                 mmap placement, image and files, and execve's new image at once).
//
// A thread's engine is the processor's: after any wait, another thread may have run on it, so
// the context's `cpu` re-attaches the thread's state block and address space before handing
// the engine out (both are no-ops when nothing changed).

import type { Cpu } from "../../machine/power/cpu.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Space } from "../../kernel/mem/space.js";
import type { Thread } from "../../kernel/sched/thread.js";
import type { ThreadClock } from "../../kernel/exec/guest-thread.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { ProcessImage } from "../exec/load.js";
import type { Vfs } from "../vfs/vfs.js";
import type { Task } from "../task/task.js";
import type { TaskPolicy } from "../numa/mempolicy.js";
import type { MapSource } from "../sys/map-source.js";
import type { GuestTime } from "./guest-time.js";
import type { SysContext } from "./syscalls.js";
import { ThreadSignals } from "../signals/thread-signals.js";
import type { LinuxSystem } from "./system.js";

export class LinuxProcess {
  /** Threads alive, by tid (the leader's tid is the pid). */
  readonly threads = new Map<number, LinuxThread>();
  /**
   * How the group ends, once decided: exit_group's status or a fatal signal (the wait status:
   * code << 8, or the signal with 0x80 for a core). The other threads are then told to die.
   */
  groupExit: number | undefined;
  /** One line on why it died (a fault's description), for the run's report. */
  deathNote: string | undefined;
  /** The process has ended (its memory is gone, /proc shows a zombie). */
  ended = false;
  /** Wait channels notified when it ends (its process descriptors': signals/pidfd.ts). */
  readonly exitWatch = new Set<number>();
  /** The accounts of its threads that ended (getrusage, /proc). */
  readonly retired = { instructions: 0, kernelCycles: 0, faults: 0 };
  /** vfork: the parent's thread waiting for this child to exec or exit. */
  vforkParent: LinuxThread | undefined;

  constructor(
    readonly sys: LinuxSystem,
    readonly pid: number,
    readonly domain: number,
    public space: Space,
    public image: ProcessImage,
    /** /proc/PID/exe's target (a host path for host-file programs, else the guest path). */
    public exePath: string,
    /** The path the loader read the program from (its segments carry it in /proc/PID/maps). */
    public programPath: string,
    public vfs: Vfs,
    readonly task: Task,
    /** The arguments and environment the image was started with (procfs). */
    public argv: readonly string[],
    public env: readonly string[],
    public mmapTop: number,
  ) {}

  get time(): GuestTime {
    return this.sys.time;
  }

  /** The thread whose tid is the pid (while it lives). */
  leader(): LinuxThread | undefined {
    return this.threads.get(this.pid);
  }
}

export class LinuxThread {
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken when the thread ends. */
  clearChildTid = 0;
  /** set_robust_list's head and length. */
  robustList = 0;
  robustLen = 0;
  /** Told to end (another thread's exit_group, execve, a fatal signal): the end it will report. */
  doomed = false;
  /**
   * The kernel thread running its system calls on the home processor: its own, or (for a thread
   * placed on another processor) the one serving its call now.
   */
  kthread: Thread | undefined;
  /** The processor its user code runs on (the home's, or another: remote.ts). */
  runsOn = -1;
  /** The processors it may run on (sched_setaffinity; a bit per processor). Set by its creator. */
  affinity = 0n;
  /**
   * Where it is to move (its affinity, or the balancer decided): it goes at its next return to
   * user mode, on the processor it runs on now (balance.ts).
   */
  moveTo: number | undefined;
  /** When the balancer last moved it (machine time; its hysteresis), or -Infinity. */
  movedAt = -Infinity;
  /** exit(): this thread alone ends, with this code. */
  exitCode: number | undefined;
  /** The thread's memory policy (set_mempolicy). */
  policy: { mode: number; nodes: number; task: TaskPolicy };
  /** The thread's signal state (blocked mask, its own pending signals, alternate stack). */
  readonly sig = new ThreadSignals();
  readonly ctx: ThreadCtx;

  constructor(
    public proc: LinuxProcess,
    /** The thread id (execve by another thread gives it the leader's). */
    public tid: number,
    /** Physical address of the architectural state block. */
    readonly state: number,
    readonly clock: ThreadClock,
    /** The kernel of the processor the thread runs on. */
    public k: Kernel,
    policy: { mode: number; nodes: number; task: TaskPolicy },
  ) {
    this.policy = { ...policy };
    this.ctx = new ThreadCtx(this);
  }

  /** The processor's engine, pointed at this thread's state and address space. */
  engine(): Cpu {
    const ms = this.k.memory;
    if (ms === undefined) throw new Error("memory system not installed");
    const c = ms.attach(this.proc.space.hat);
    c.attachState(this.state);
    return c;
  }
}

/** The SysContext of one thread: its own fields, and its process's through it. */
export class ThreadCtx implements SysContext {
  strace: ((line: string) => void) | undefined;

  constructor(readonly thread: LinuxThread) {
    this.strace = thread.proc.sys.opts.strace;
  }

  get cpu(): Cpu {
    return this.thread.engine();
  }
  set cpu(_c: Cpu) {
    // The engine is the processor's; the thread's state is attached whenever it is asked for.
  }
  get k(): Kernel {
    return this.thread.k;
  }
  get sig(): ThreadSignals {
    return this.thread.sig;
  }
  get proc(): LinuxProcess {
    return this.thread.proc;
  }
  get sys(): LinuxSystem {
    return this.thread.proc.sys;
  }
  get space(): Space {
    return this.thread.proc.space;
  }
  get policy(): { mode: number; nodes: number; task: TaskPolicy } {
    return this.thread.policy;
  }
  set policy(v: { mode: number; nodes: number; task: TaskPolicy }) {
    this.thread.policy = v;
  }
  get image(): ProcessImage {
    return this.thread.proc.image;
  }
  get exePath(): string {
    return this.thread.proc.exePath;
  }
  get mmapTop(): number {
    return this.thread.proc.mmapTop;
  }
  set mmapTop(v: number) {
    this.thread.proc.mmapTop = v;
  }
  get vfs(): Vfs {
    return this.thread.proc.vfs;
  }
  get time(): GuestTime {
    return this.thread.proc.sys.time;
  }
  get task(): Task {
    return this.thread.proc.task;
  }
  /** exit's code for this thread, or the group's exit code once exit_group decided it. */
  get exitCode(): number | undefined {
    const t = this.thread;
    if (t.exitCode !== undefined) return t.exitCode;
    const g = t.proc.groupExit;
    return g !== undefined && (g & 0x7f) === 0 ? (g >> 8) & 0xff : undefined;
  }
  set exitCode(v: number | undefined) {
    this.thread.exitCode = v;
  }
  /** The signal that kills the process (its group's fate, once decided). */
  get killedBy(): number | undefined {
    const g = this.thread.proc.groupExit;
    return g !== undefined && (g & 0x7f) !== 0 ? g & 0x7f : undefined;
  }
  set killedBy(sig: number | undefined) {
    if (sig !== undefined) this.thread.proc.sys.kill(this.thread.proc, sig, undefined, true); // raise() logged it
  }
  readonly log = (msg: string): void => this.thread.proc.sys.log(msg);
  /** (A property, not a method: callers take it off the context.) */
  readonly mapSource = (fd: number): Generator<Block, MapSource | number, unknown> => this.thread.proc.sys.mapSourceOf(this, fd);
}
