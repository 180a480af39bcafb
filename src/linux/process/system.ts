// The Linux personality on one processor: its processes and threads, the k42 init (pid 1),
// and the paths every process takes — start, fork, thread creation, exit, death by a signal,
// and the notices to parents and waiters. Relations between processes (pids, parents, groups,
// sessions, wait) are the ProcessLinux server's (servers/process), reached by PPC and stamped
// with the calling process's domain; the rest — memory, files, task state — is the process's.
//
// Each guest thread is a kernel thread (kernel/sched) in its process's protection domain,
// running guestThread (kernel/exec) with the system calls of its ThreadCtx. A thread told to
// die (exit_group, execve, a fatal signal) is woken from an interruptible wait and ends at its
// next return to user mode.
//
// Every process of a run lives on the processor the program started on (its "home"): its
// system calls run there. Its threads' user code runs wherever the Balancer (balance.ts)
// places and moves it: on the home itself, or on another processor through remote.ts.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import { ThreadState } from "../../kernel/sched/thread.js";
import { guestThread, BusCode, ThreadClock, type GuestThreadSpec, type SyscallResult, type ThreadEnd } from "../../kernel/exec/guest-thread.js";
import { Linux, Major } from "../../kernel/trace/events.js";
import { Exit, type Cpu } from "../../machine/power/cpu.js";
import { ProcessIface, INIT_PID, P_ALL, WEXITED, __WALL, domainOfPid, type ExitNotice, type ProcessStub, type WaitFound } from "../../servers/process/iface.js";
import type { ConsoleTty } from "../vfs/console.js";
import type { Console } from "../vfs/console.js";
import { Vfs } from "../vfs/vfs.js";
import type { Space } from "../../kernel/mem/space.js";
import { LockManager } from "../vfs/locks.js";
import { SocketSpace } from "../net/unix.js";
import { fsc } from "../vfs/fs-call.js";
import { mapSource } from "../vfs/map-source.js";
import { SysError } from "../sys/guest-mem.js";
import { Rlimit } from "../task/resource-limits.js";
import { defaultAction, DefaultAction, SIG, SIG_IGN } from "../task/signal-state.js";
import { SA } from "../signals/numbers.js";
import type { Task, TaskAccounts } from "../task/task.js";
import { OutOfMemoryError } from "../../machine/memory.js";
import { SyscallDispatcher } from "../syscalls/dispatch.js";
import { syscallTable } from "../syscalls/registry.js";
import type { Arch } from "../syscalls/status.js";
import { signalName } from "../strace/names.js";
import { processSource, type ProcessTable } from "../proc-source.js";
import type { MapSource } from "../sys/map-source.js";
import { choiceOf } from "./syscalls.js";
import type { GuestTime } from "./guest-time.js";
import { FutexTable } from "../sys/futex-table.js";
import { exitRobustList } from "../sys/robust.js";
import { IpcNamespace } from "../ipc/namespace.js";
import { LinuxProcess, LinuxThread, type ThreadCtx } from "./lprocess.js";
import { INTERRUPTED, interruptible } from "../signals/interruptible.js";
import { returnToUser } from "../signals/deliver.js";
import { synchronousSignal } from "../signals/faults.js";
import { stopTimers } from "../signals/itimers.js";
import { getReg } from "../signals/regs.js";
import { sendSignal, type Receiver } from "../signals/send.js";
import { STOPPED_WHAT } from "../signals/job-stop.js";
import { TtyTable } from "../tty/table.js";
import { fromProcess, SI, type SigInfo } from "../signals/siginfo.js";
import { waitOn } from "../sys/wait.js";
import { LinuxMsg, countsOf, type CallMsg, type CallReply, type Counts, type EndedMsg, type LeftMsg, type RunMsg } from "./remote.js";
import { Balancer } from "./balance.js";

/** A child's resource use as wait4 reports it. */
export interface ChildUsage {
  readonly userNs: number;
  readonly systemNs: number;
  readonly minflt: number;
  readonly maxrssKb: number;
}

/** The token a wait is woken with when its thread must stop waiting (told to die, a signal). */
export { INTERRUPTED };

export interface SystemOptions {
  log: (msg: string) => void;
  strace: ((line: string) => void) | undefined;
  maxInstructions: number | undefined;
  /** Address-space layout randomisation (default on). */
  randomize: boolean;
  nodes: number;
  /** The pipe server's root handle (pipes and FIFOs; without it they are ENOSYS). */
  pipes?: Handle;
}

/** How the run's program ended (the main process, init's child). */
export interface MainEnd {
  readonly status: number;
  readonly error?: string;
}

/** The wait of a thread for the state of its process's children to change (wait4, init). */
export const childWait = (pid: number): Block => ({ kind: "event", what: `a child of process ${pid} to change state` });

export class LinuxSystem {
  readonly procs = new Map<number, LinuxProcess>();
  readonly futexes = new FutexTable();
  /** System V IPC's segments, semaphore sets and message queues (linux/ipc). */
  readonly ipc = new IpcNamespace();
  /** Record, OFD and flock locks of every process (they conflict between processes). */
  readonly locks = new LockManager();
  /** Unix-domain sockets' names and numbering (linux/net), with the calling process's credentials. */
  readonly sockets = new SocketSpace((effective) => {
    const t = this.current();
    if (t === undefined) throw new Error("a socket call outside a guest thread's call");
    const c = t.ctx.task.creds;
    return { pid: t.proc.pid, uid: effective ? c.euid : c.uid, gid: effective ? c.egid : c.gid };
  });
  private readonly dispatchers = new Map<Arch, SyscallDispatcher>();
  /** Counts changes of each process's children (a wait that found nothing blocks only if none came since). */
  private readonly childSeq = new Map<number, number>();
  /** The program init started, and how it ended. */
  mainPid = 0;
  main: MainEnd | undefined;
  /** Instructions of every guest thread that ended (the run's total with the live ones). */
  private retired = 0;
  private readonly clocks = new Set<ThreadClock>();

  readonly pids: ProcessStub;
  /** The terminals: ptys, the console terminal, controlling terminals (linux/tty). */
  readonly ttys: TtyTable;
  /** Every live thread, by tid. */
  readonly threadsByTid = new Map<number, LinuxThread>();
  /** Where threads run and when they move (placement, affinity, rebalancing). */
  readonly balance: Balancer;
  /** The end a home thread's loop reports when it leaves for another processor (compared by identity). */
  private readonly moved: ThreadEnd = Object.freeze({ exitCode: 0 });

  constructor(
    readonly k: Kernel,
    readonly time: GuestTime,
    readonly opts: SystemOptions,
    /** The name space's root handle (every process's Vfs starts from it). */
    readonly ns: Handle,
    pidServer: Handle,
    readonly console: Console,
    readonly table: ProcessTable,
  ) {
    this.pids = k.ppc.stub(ProcessIface, pidServer);
    this.ttys = new TtyTable(this);
    this.balance = new Balancer(this);
    this.installHome();
  }

  // ---- threads on other processors (remote.ts) ----

  private installHome(): void {
    const k = this.k, sys = this;
    k.onRequest(LinuxMsg.Call, (_from, b, reply) => {
      const m = b as CallMsg;
      const t = this.threadsByTid.get(m.tid);
      if (t === undefined) throw new Error(`a call from thread ${m.tid}, which this processor does not know`);
      this.takeCounts(t, m.counts);
      const body = function* (): Generator<Block, void, unknown> {
        t.kthread = k.sched.current;
        // A sched_setaffinity waiting for it to leave its processor need not: it runs no guest code now.
        if (t.moveTo !== undefined) sys.balance.left(t);
        let r: SyscallResult;
        if (m.deliver === true) r = undefined;
        else if (m.exception === undefined) r = sys.syscall(t, t.ctx.cpu);
        else r = sys.exception(t, m.exception.signal, m.exception.code, m.exception.addr, m.exception.describe);
        let end = r !== undefined && "run" in r ? yield* r.run() : r;
        // The way back to user mode passes here: signals are delivered at home (the state block is shared).
        while (end === undefined && !t.doomed) {
          const d = returnToUser(t.ctx, t.ctx.cpu);
          if (d === undefined) break;
          if ("run" in d) {
            end = yield* d.run();
            continue;
          }
          end = d;
        }
        if (end === undefined && t.doomed) end = sys.doomEnd(t);
        t.kthread = undefined;
        reply({ ...(end !== undefined ? { end } : {}), proc: t.proc.space.proc } satisfies CallReply);
      };
      k.sched.spawn(`${t.proc.argv[0] ?? "a.out"} (thread ${t.tid}'s call)`, body(), t.proc.domain);
    });
    k.msg.on(LinuxMsg.Ended, (_from, b) => {
      const m = b as EndedMsg;
      const t = this.threadsByTid.get(m.tid);
      if (t === undefined) throw new Error(`the end of thread ${m.tid}, which this processor does not know`);
      this.takeCounts(t, m.counts);
      k.sched.spawn(`${t.proc.argv[0] ?? "a.out"} (thread ${t.tid}'s end)`, sys.threadEnded(t, m.end), t.proc.domain);
    });
    k.msg.on(LinuxMsg.Left, (_from, b) => {
      const m = b as LeftMsg;
      const t = this.threadsByTid.get(m.tid);
      if (t === undefined) throw new Error(`thread ${m.tid} left its processor, but this processor does not know it`);
      this.takeCounts(t, m.counts);
      this.arrive(t);
    });
  }

  private takeCounts(t: LinuxThread, c: Counts): void {
    t.clock.instructions = c.instructions;
    t.clock.kernelCycles = c.kernelCycles;
    t.clock.faults = c.faults;
  }

  /** The processor for a new thread allowed `mask`: the fewest live guest threads (the lowest such). */
  place(mask: bigint): number {
    return this.balance.place(mask);
  }

  /** Run thread `t` on processor `cpu` (the home's own, or another's runner). */
  spawnOn(t: LinuxThread, cpu: number): void {
    if (cpu === this.k.cpu) {
      this.spawn(t);
      return;
    }
    this.k.trace.ev2(Major.Linux, Linux.ThreadPlaced, t.tid, cpu);
    this.runOn(t, cpu, false);
  }

  /** Start `t`'s user code on another processor's runner (a new thread, or one that moved: its accounts go along). */
  private runOn(t: LinuxThread, cpu: number, moved: boolean): void {
    this.balance.started(t, cpu);
    this.k.msg.send(cpu, LinuxMsg.Run, {
      home: this.k.cpu, tid: t.tid, domain: t.proc.domain, state: t.state, proc: t.proc.space.proc, name: t.proc.argv[0] ?? "a.out",
      ...(this.opts.maxInstructions !== undefined ? { maxInstructions: this.opts.maxInstructions } : {}),
      ...(moved ? { counts: countsOf(t.clock), poke: true } : {}),
    } satisfies RunMsg);
  }

  /**
   * Thread `t` left the processor it ran on (at a return to user mode, its registers in its
   * state block): it starts again where it was told to go — or, told to die meanwhile, on the
   * home, where its return to user mode ends it.
   */
  private arrive(t: LinuxThread): void {
    const from = t.runsOn;
    const to = t.doomed ? this.k.cpu : t.moveTo ?? from;
    t.moveTo = undefined;
    this.balance.left(t);
    this.balance.stopped(t);
    if (to !== from) this.k.trace.ev3(Major.Linux, Linux.ThreadMoved, t.tid, from, to);
    if (to === this.k.cpu) this.spawn(t);
    else this.runOn(t, to, true);
  }

  log(msg: string): void {
    this.opts.log(msg);
  }

  dispatcher(arch: Arch): SyscallDispatcher {
    let d = this.dispatchers.get(arch);
    if (d === undefined) {
      d = new SyscallDispatcher(syscallTable(arch));
      this.dispatchers.set(arch, d);
    }
    return d;
  }

  mapSourceOf(ctx: ThreadCtx, fd: number): Generator<Block, MapSource | number, unknown> {
    return mapSource(ctx.vfs, ctx.k, fd);
  }

  /** Guest instructions retired by every thread so far. */
  instructions(): number {
    let n = this.retired;
    for (const c of this.clocks) n += c.instructions;
    return n;
  }

  /** Instructions the thread running now has retired but not yet charged to the clock. */
  pendingInstructions(): number {
    for (const c of this.clocks) if (c.cpu !== undefined) return c.pending();
    return 0;
  }

  /** A process's CPU accounts: its live threads' and its ended threads'. */
  accountsOf(pid: number): TaskAccounts {
    const cost = this.k.port.cost;
    const sum = (f: (c: { instructions: number; kernelCycles: number; faults: number }) => number): number => {
      const p = this.procs.get(pid);
      if (p === undefined) return 0;
      let n = f(p.retired);
      for (const t of p.threads.values()) n += f(t.clock);
      return n;
    };
    return {
      userNs: () => BigInt(sum((c) => c.instructions)) * BigInt(cost.instruction),
      systemNs: () => BigInt(sum((c) => c.kernelCycles)),
      minorFaults: () => sum((c) => c.faults),
    };
  }

  /** The thread whose system call runs now on this processor (its own kernel thread or a call's server). */
  current(): LinuxThread | undefined {
    const kt = this.k.sched.current;
    if (kt === undefined) return undefined;
    for (const t of this.threadsByTid.values()) if (t.kthread === kt) return t;
    return undefined;
  }

  /** A process's Vfs options (its pid, its descriptor limit). */
  vfsOptions(task: Task, pid: number): ConstructorParameters<typeof Vfs>[0] {
    return {
      // Waits a signal may interrupt (a read of the console), for the thread making the call.
      interruptible: (b) => {
        const t = this.current();
        if (t === undefined) throw new Error("an interruptible wait outside a guest thread's call");
        return interruptible(t.ctx, b);
      },
      ns: this.ns, console: this.console, locks: this.locks, devices: this.ttys,
      nofile: () => Number(task.limits.get(Rlimit.NOFILE)?.cur ?? 1024n), pid: () => pid, epoch: () => this.k.port.now(),
      ...(this.opts.pipes !== undefined ? { pipes: this.opts.pipes } : {}),
      // The file layer's waits (pipes, eventfds, FIFO opens): the calling thread's (sys/wait.ts).
      wait: (w, until) => {
        const t = this.current();
        if (t === undefined) throw new Error("a wait for an object outside a guest thread's call");
        return waitOn(t.ctx, w, until);
      },
    };
  }

  // ---- processes ----

  /** Make a process record and list it in /proc. */
  addProcess(p: LinuxProcess, startStack: number): void {
    this.procs.set(p.pid, p);
    this.publish(p, startStack);
  }

  /** (Re)describe `p` to /proc (at its start and after execve). */
  publish(p: LinuxProcess, startStack: number): void {
    const leader = p.leader();
    const ctx = leader?.ctx ?? [...p.threads.values()][0]?.ctx;
    if (ctx === undefined) return;
    this.table.add(processSource(ctx, {
      domain: p.domain, startNs: this.k.port.now(), argv: p.argv, env: p.env, programPath: p.programPath, exe: p.exePath,
      startStack, cpu: () => runsOn(p.leader()) ?? this.k.cpu, nodes: this.opts.nodes, randomized: this.opts.randomize, ended: () => p.ended,
    }));
  }

  /** A new thread of `proc` with state block `state` (registers already set); not yet running. */
  newThread(proc: LinuxProcess, tid: number, state: number, policy: LinuxThread["policy"]): LinuxThread {
    const clock = new ThreadClock();
    const t = new LinuxThread(proc, tid, state, clock, this.k, policy);
    t.affinity = proc.task.sched.affinity; // the process's first thread: its task's mask (a creator sets its own)
    proc.threads.set(tid, t);
    this.threadsByTid.set(tid, t);
    this.clocks.add(clock);
    return t;
  }

  /**
   * Run thread `t`: a kernel thread in its process's domain. `first` runs before its guest code
   * (the first process's file state).
   */
  spawn(t: LinuxThread, first?: () => Generator<Block, void, unknown>): void {
    const sys = this;
    this.balance.started(t, this.k.cpu);
    const spec = this.spec(t);
    const body = function* (): Generator<Block, void, unknown> {
      let end: ThreadEnd | undefined;
      if (first !== undefined) yield* first();
      try {
        yield* guestThread(sys.k, spec, t.clock, (e) => { end = e; });
      } catch (e) {
        // Physical memory ran out while populating a page: Linux's OOM killer sends SIGKILL.
        if (!(e instanceof OutOfMemoryError)) throw e;
        end = { exitCode: 128 + 9, signal: 9, error: `out of memory (${e.message})` };
      }
      if (end === sys.moved) {
        t.kthread = undefined; // its calls are served by a kernel thread of theirs from now (remote.ts)
        sys.arrive(t);
        return;
      }
      yield* sys.threadEnded(t, end ?? { exitCode: 0 });
    };
    t.kthread = this.k.sched.spawn(t.proc.argv[0] ?? "a.out", body(), t.proc.domain, { guest: true });
  }

  private spec(t: LinuxThread): GuestThreadSpec {
    const sys = this;
    const timeBase = (): number => sys.time.timeBase();
    return {
      name: t.proc.argv[0] ?? "a.out",
      get space() {
        return t.proc.space;
      },
      state: t.state, timeBase,
      ...(this.opts.maxInstructions !== undefined ? { maxInstructions: this.opts.maxInstructions } : {}),
      choice: (va) => choiceOf(t.ctx, Math.floor(va / 4096)),
      syscall: (c: Cpu): SyscallResult => sys.syscall(t, c),
      exception: (c, signal, code, addr) => sys.exception(t, signal, code, addr, c.describeExit()),
      emulate: emulatePrivileged,
      // Told to die first; else signal delivery (and the restart of interrupted calls); then a
      // move to another processor (its frame, if a signal was delivered, is in its state already).
      returnToUser: (c) => {
        if (t.doomed) return this.doomEnd(t);
        const r = returnToUser(t.ctx, c);
        if (r !== undefined) return r;
        return this.balance.leaving(t) ? this.moved : undefined;
      },
    };
  }

  /** The end a doomed thread reports (its group's). */
  doomEnd(t: LinuxThread): ThreadEnd {
    const g = t.proc.groupExit ?? 0;
    return (g & 0x7f) === 0 ? { exitCode: (g >> 8) & 0xff } : { exitCode: 128 + (g & 0x7f), signal: g & 0x7f };
  }

  /** A synchronous exception of thread `t` (`describe`: the engine's words for it): its outcome. */
  exception(t: LinuxThread, signal: number, code: number, addr: number, describe: string): SyscallResult {
    // The processor saw a page-table miss; the kernel knows better: the page is past the end of its file.
    const why = signal === 7 && code === BusCode.AdrErr ? `bus error at 0x${addr.toString(16)}, past the end of a mapped file (${describe})` : describe;
    // The signal goes to the thread's handler at the return to user mode, or kills with the fault described.
    return synchronousSignal(t.ctx, t.ctx.cpu, signal, code, addr, why);
  }

  private syscall(t: LinuxThread, c: Cpu): SyscallResult {
    const k = this.k;
    const nr = c.r[0];
    this.balance.changed();
    // A system call's first argument, for its restart after a signal (orig_gpr3).
    t.sig.entry = { kind: "syscall", origR3: getReg(c, 3) };
    k.trace.ev4(Major.Linux, Linux.SyscallEnter, nr, c.r[6], c.r[8], c.r[10]);
    const r = this.dispatcher(t.proc.image.is64 ? "ppc64" : "ppc32").dispatch(t.ctx);
    if (r === undefined || !("run" in r)) {
      k.trace.ev2(Major.Linux, Linux.SyscallExit, nr, c.r[6]);
      return r;
    }
    return {
      what: r.what,
      *run() {
        const end = yield* r.run();
        k.trace.ev2(Major.Linux, Linux.SyscallExit, nr, t.ctx.cpu.r[6]);
        return end;
      },
    };
  }

  /** Processes using each address space and each file table (vfork and CLONE_FILES share them). */
  private readonly spaceUsers = new Map<Space, number>();
  private readonly vfsUsers = new Map<Vfs, number>();
  /** What reaped children used (wait4's rusage), by pid, until reaped. */
  private readonly usage = new Map<number, ChildUsage>();

  /** `child` shares what it shares with `parent` (space and file table counted). */
  share(child: LinuxProcess, parent: LinuxProcess): void {
    if (child.space === parent.space) this.spaceUsers.set(child.space, (this.spaceUsers.get(child.space) ?? 1) + 1);
    if (child.vfs === parent.vfs) this.vfsUsers.set(child.vfs, (this.vfsUsers.get(child.vfs) ?? 1) + 1);
  }

  /** One process less on `space`; true if it was the last (the space may go). */
  leaveSpace(space: Space): boolean {
    const n = this.spaceUsers.get(space) ?? 1;
    if (n <= 1) {
      this.spaceUsers.delete(space);
      return true;
    }
    this.spaceUsers.set(space, n - 1);
    return false;
  }

  private leaveVfs(vfs: Vfs): boolean {
    const n = this.vfsUsers.get(vfs) ?? 1;
    if (n <= 1) {
      this.vfsUsers.delete(vfs);
      return true;
    }
    this.vfsUsers.set(vfs, n - 1);
    return false;
  }

  /** A wait reaped (or looked at, WNOWAIT) child `found`: /proc forgets a reaped one. */
  reaped(found: { pid: number }): void {
    if (!this.procs.has(found.pid)) this.table.remove(found.pid);
  }

  /** A waited-for child's CPU times and faults (wait4's rusage). */
  childUsage(pid: number): ChildUsage | undefined {
    const u = this.usage.get(pid);
    this.usage.delete(pid);
    return u;
  }

  // ---- ends ----

  /**
   * A thread's guest code ended (`end`): a fatal signal takes its whole group; exit() only the
   * thread; the last thread's end is the process's.
   */
  private *threadEnded(t: LinuxThread, end: ThreadEnd): Generator<Block, void, unknown> {
    const p = t.proc;
    // The thread that met the fatal signal says why (a fault's description), even when the
    // group's end was decided already (delivery marks it before the thread returns here).
    if (end.signal !== undefined && end.error !== undefined && p.deathNote === undefined) p.deathNote = end.error;
    if (p.groupExit === undefined) {
      if (end.signal !== undefined) this.kill(p, end.signal, end.error);
      else if (t.exitCode === undefined) p.groupExit = (end.exitCode & 0xff) << 8; // a limit or the like
    }
    p.threads.delete(t.tid);
    this.threadsByTid.delete(t.tid);
    this.balance.stopped(t);
    this.balance.wakeIfIdle();
    this.balance.left(t);
    this.k.sched.wakeWhere((b) => b.kind === "event" && b.what === this.threadsGone(p.pid).what);
    this.retired += t.clock.instructions;
    p.retired.instructions += t.clock.instructions;
    p.retired.kernelCycles += t.clock.kernelCycles;
    p.retired.faults += t.clock.faults;
    this.clocks.delete(t.clock);
    // Robust mutexes it still holds are marked OWNER_DIED and a waiter woken (mm_release walks
    // the robust list before it clears the child tid), the last thread's too: a process-shared
    // mutex in shared memory outlives the process.
    if (t.robustList !== 0) {
      t.ctx.cpu; // attach
      exitRobustList(t.ctx, this.futexes, t.robustList, t.tid);
    }
    // CLONE_CHILD_CLEARTID: the word is zeroed and one waiter woken (pthread_join), while the memory lives.
    if (t.clearChildTid !== 0 && p.threads.size > 0) {
      try {
        t.ctx.cpu; // attach
        this.futexes.clearTid(t.ctx, t.clearChildTid);
      } catch (e) {
        if (!(e instanceof SysError)) throw e;
      }
    }
    if (t.tid !== p.pid) yield* fsc(this.pids.threadExit(t.tid));
    if (p.threads.size > 0) {
      this.k.memory?.freeFrame(t.state);
      return;
    }
    const status = p.groupExit ?? ((t.exitCode ?? 0) & 0xff) << 8;
    p.groupExit = status;
    stopTimers(t.ctx);
    yield* this.processEnded(p, status);
    this.k.memory?.freeFrame(t.state);
  }

  /** The last thread of `p` ended: files closed, memory gone, a zombie for its parent. */
  private *processEnded(p: LinuxProcess, status: number): Generator<Block, void, unknown> {
    p.ended = true;
    const a = this.accountsOf(p.pid);
    this.usage.set(p.pid, {
      userNs: Number(a.userNs()), systemNs: Number(a.systemNs()), minflt: a.minorFaults(), maxrssKb: p.task.hiwaterRss * 4,
    });
    if (this.leaveVfs(p.vfs)) yield* p.vfs.closeAll(this.k);
    if (this.leaveSpace(p.space)) yield* p.space.teardown();
    // System V IPC: SEM_UNDO adjustments applied; removed segments whose last attach went, gone.
    yield* this.ipc.processEnded(this.k, p.pid, Number(this.time.realtimeNs() / 1_000_000_000n));
    this.releaseVfork(p);
    this.ttys.processEnded(p);
    const notice = (yield* fsc(this.pids.exit(status, this.reaperOf(p)))) as unknown as ExitNotice;
    this.noteMain(p);
    this.procs.delete(p.pid);
    // The children go to the nearest child subreaper, else init; a child that asked for a
    // parent-death signal gets it (forget_original_parent), from the ended parent.
    for (const o of notice.orphans) {
      const c = this.procs.get(o);
      if (c === undefined) continue;
      c.task.ppid = notice.reaper;
      const sig = c.task.attrs.pdeathsig;
      if (sig !== 0) this.signal(c, sig, fromProcess(sig, SI.USER, p.pid, p.task.creds.uid));
    }
    if (notice.orphans.length > 0) this.childChanged(notice.reaper);
    // Groups this exit orphaned with stopped members: SIGHUP, then SIGCONT (kill_orphaned_pgrp).
    for (const sig of [SIG.HUP, SIG.CONT]) {
      for (const n of notice.hangup) {
        const o = this.procs.get(n);
        if (o !== undefined) this.signal(o, sig);
      }
    }
    if (notice.parent !== 0) {
      const parent = this.procs.get(notice.parent);
      let sig = notice.signal;
      // do_notify_parent: a parent that ignores SIGCHLD or set SA_NOCLDWAIT keeps no zombie
      // (the child is released at once); only SIG_IGN also drops the signal itself.
      if (parent !== undefined && sig === SIG.CHLD) {
        const act = parent.task.signals.action(SIG.CHLD);
        if (act.handler === SIG_IGN || (act.flags & SA.NOCLDWAIT) !== 0) {
          yield* fsc(this.pids.release());
          if (act.handler === SIG_IGN) sig = 0;
        }
      }
      if (parent !== undefined && sig !== 0) {
        // do_notify_parent: the child's pid and uid, how it ended, its CPU times in clock ticks (USER_HZ 100).
        const u = this.usage.get(p.pid);
        const info: SigInfo = {
          ...fromProcess(sig, childCode(status), p.pid, p.task.creds.uid),
          status: (status & 0x7f) === 0 ? (status >> 8) & 0xff : status & 0x7f,
          utime: Math.floor((u?.userNs ?? 0) / 1e7), stime: Math.floor((u?.systemNs ?? 0) / 1e7),
        };
        this.signal(parent, sig, info);
      }
      this.childChanged(notice.parent);
    }
    for (const ch of p.exitWatch) this.k.waits.notify(ch); // its process descriptors poll readable
  }

  /**
   * find_new_reaper: where `p`'s children go at its end — the nearest live ancestor that set
   * PR_SET_CHILD_SUBREAPER, else init.
   */
  private reaperOf(p: LinuxProcess): number {
    const seen = new Set<number>();
    for (let a = this.procs.get(p.task.ppid); a !== undefined && !seen.has(a.pid); a = this.procs.get(a.task.ppid)) {
      seen.add(a.pid);
      if (a.task.attrs.childSubreaper && !a.ended) return a.pid;
    }
    return INIT_PID;
  }

  /** The wait of an execve for the other threads of process `pid` to end. */
  threadsGone(pid: number): { kind: "event"; what: string } {
    return { kind: "event", what: `the other threads of process ${pid} to end (execve)` };
  }

  /** execve by a thread that is not the leader: it takes the leader's place (and tid). */
  becomeLeader(t: LinuxThread): void {
    const p = t.proc;
    p.threads.delete(t.tid);
    t.tid = p.pid;
    p.threads.set(p.pid, t);
  }

  /** vfork's parent waits no longer (its child exec'd or ended). */
  releaseVfork(p: LinuxProcess): void {
    const w = p.vforkParent;
    if (w === undefined) return;
    p.vforkParent = undefined;
    const kt = w.kthread;
    if (kt !== undefined) this.k.sched.wakeWhere((b) => b.kind === "event" && b.what === vforkWait(p.pid).what);
  }

  /** Process `pid`'s children changed: its waits look again. */
  childChanged(pid: number): void {
    this.childSeq.set(pid, (this.childSeq.get(pid) ?? 0) + 1);
    const what = (childWait(pid) as { what: string }).what;
    this.k.sched.wakeWhere((b) => b.kind === "event" && b.what === what);
  }

  seq(pid: number): number {
    return this.childSeq.get(pid) ?? 0;
  }

  // ---- signals between processes ----

  /**
   * Send `sig` to process `p` (kill, SIGCHLD, SIGPIPE of another process): its default action
   * may end it (every thread told to die).
   */
  signal(p: LinuxProcess, sig: number, info?: SigInfo): "queued" | "dropped" | "overflow" {
    const t = p.leader() ?? [...p.threads.values()][0];
    if (p.ended || t === undefined) return "dropped";
    const sent = sendSignal(this.receiver(p, t), info ?? fromProcess(sig, SI.KERNEL, 0, 0), "process");
    // SIGCONT wakes every stopped thread of the process (send.ts woke the one it chose).
    if (sig === SIG.CONT) for (const o of p.threads.values()) if (o.kthread?.block?.kind === "event" && o.kthread.block.what === STOPPED_WHAT) o.sig.interrupt?.();
    this.settle(p);
    return sent;
  }

  /** Send `info` to thread `t` of `p` alone (tkill, tgkill). */
  signalThread(t: LinuxThread, info: SigInfo): "queued" | "dropped" | "overflow" {
    if (t.proc.ended) return "dropped";
    const sent = sendSignal(this.receiver(t.proc, t), info, "thread");
    this.settle(t.proc);
    return sent;
  }

  /** Thread `t` of process `p` as a signal's receiver. */
  receiver(p: LinuxProcess, t: LinuxThread): Receiver {
    return {
      proc: p.task.signals, thread: t.sig, sigpendingLimit: () => Number(p.task.limits.get(Rlimit.SIGPENDING)?.cur ?? 0n),
      threads: () => [...p.threads.values()].filter((o) => !o.doomed).map((o) => o.sig),
    };
  }

  /** A send that made the process's death certain (a fatal signal): every thread is told. */
  settle(p: LinuxProcess): void {
    const g = p.task.signals.groupExit;
    if (g !== undefined && p.groupExit === undefined) {
      p.groupExit = g;
      this.doom(p, undefined);
    } else {
      // A thread blocked in an interruptible wait takes the signal (or sleeps on if it blocks it: the hook decides).
      for (const t of p.threads.values()) if (t.runsOn !== this.k.cpu) this.k.msg.send(t.runsOn, LinuxMsg.Poke, t.tid);
    }
  }

  /** `p` dies of `sig` (status: the signal, with the core flag for a core action). */
  kill(p: LinuxProcess, sig: number, note?: string, quiet = false): void {
    if (p.groupExit !== undefined) return;
    // No core file is written, so the wait status has no core flag (Linux sets it only for a dump).
    p.groupExit = sig;
    if (note !== undefined) p.deathNote = note;
    else if (!quiet) this.log(`process ${p.pid}: ${signalName(sig)}: default action ${defaultAction(sig) === DefaultAction.Core ? "core dump (no core file is written)" : "terminate"}`);
    this.doom(p, undefined);
  }

  /** Tell every thread of `p` but `except` to end, waking those in interruptible waits. */
  doom(p: LinuxProcess, except: LinuxThread | undefined): void {
    for (const t of p.threads.values()) {
      if (t === except || t.doomed) continue;
      t.doomed = true;
      if (t.runsOn !== this.k.cpu) this.k.msg.send(t.runsOn, LinuxMsg.Doom, t.tid);
      this.interrupt(t);
    }
  }

  /** Wake `t` from a wait that may be cut short (events and sleeps; never a PPC reply). */
  interrupt(t: LinuxThread): void {
    if (t.sig.interrupt !== undefined) {
      t.sig.interrupt(); // an interruptible wait (signals/interruptible.ts)
      return;
    }
    const kt = t.kthread;
    if (kt === undefined || kt.state !== ThreadState.Blocked) return;
    const kind = kt.block?.kind;
    if (kind === "event" || kind === "sleep" || kind === "host" || kind === "channel") t.k.sched.wake(kt, INTERRUPTED);
  }

  // ---- init ----

  /**
   * Start k42's init (pid 1, a kernel thread in process 1's domain), whose child `pid` (the
   * program, made at boot) is already running: it reaps every child and orphan, and when the
   * program has ended it kills what is left (SIGKILL, as a container's end does) and reaps it;
   * then it ends.
   */
  startInit(pid: number): void {
    const sys = this;
    sys.mainPid = pid;
    const body = function* (): Generator<Block, void, unknown> {
      for (;;) {
        const seq = sys.seq(INIT_PID);
        let found: WaitFound;
        try {
          found = (yield* fsc(sys.pids.wait(P_ALL, 0, WEXITED | __WALL))) as unknown as WaitFound;
        } catch (e) {
          if (e instanceof SysError && e.errno === 10) { // ECHILD: nobody left
            sys.ttys.shutdown();
            return;
          }
          throw e;
        }
        if ("none" in found) {
          if (sys.seq(INIT_PID) === seq) yield childWait(INIT_PID);
          continue;
        }
        if (found.pid === pid) {
          sys.main = { status: found.status, ...(sys.mainNote !== undefined ? { error: sys.mainNote } : {}) };
          for (const p of sys.procs.values()) sys.kill(p, SIG.KILL, "killed at the end of the run (its program ended)");
        }
      }
    };
    this.k.sched.spawn("init", body(), domainOfPid(INIT_PID));
  }

  /** The main program's death note (a fault's description), kept when its process goes. */
  mainNote: string | undefined;

  /** Remember the main program's note before its record goes. */
  noteMain(p: LinuxProcess): void {
    if (p.pid === this.mainPid && p.deathNote !== undefined) this.mainNote = p.deathNote;
  }
}

/** The processor a thread's user code runs on (undefined: none yet, or no thread). */
function runsOn(t: LinuxThread | undefined): number | undefined {
  return t !== undefined && t.runsOn >= 0 ? t.runsOn : undefined;
}

/** SIGCHLD's si_code for a child's wait status: CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3. */
function childCode(status: number): number {
  return (status & 0x7f) === 0 ? 1 : (status & 0x80) !== 0 ? 3 : 2;
}

/** The wait of a vfork parent for its child `pid` to exec or exit. */
export const vforkWait = (pid: number): { kind: "event"; what: string } => ({ kind: "event", what: `vfork child ${pid} to exec or exit` });

/** Processor Version Register of the machine: POWER8 (DD2.0). */
const PVR = 0x004d0200;

/**
 * What Linux emulates on a privileged-instruction interrupt from user mode
 * (arch/powerpc/kernel/traps.c): `mfspr rD, PVR` reads the processor version.
 */
export function emulatePrivileged(cpu: Cpu): boolean {
  const w = cpu.exitWord >>> 0;
  if ((w & 0xfc1fffff) === ((31 << 26) | (((287 & 31) << 16) | ((287 >> 5) << 11)) | (339 << 1)) >>> 0) {
    cpu.setGpr((w >>> 21) & 31, PVR, 0);
    cpu.exit = Exit.None; // the PC already points past the instruction
    return true;
  }
  return false;
}

export type { ConsoleTty };
