// Running a Linux program: one PowerPC Linux process (static or dynamic) as one guest thread,
// scheduled by the microkernel on one processor (processor 0 unless told otherwise) of the
// machine. On every processor it installs the memory system and starts the file servers and
// procfs/sysfs (PPC servers with a dispatcher on each); it creates the process's address space
// (kernel/mem), loads the program and its dynamic linker into it (linux/exec), gives it its
// files (linux/vfs) and task state (linux/task), and runs the thread (kernel/exec) with the
// personality's system calls until the program exits or dies; then the address space is torn
// down and the servers stopped (the --overlay layer written).

import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { hostWrite } from "../../machine/host-output.js";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DEADLOCK_EXIT_STATUS } from "../../machine/port.js";
import type { EngineKind, EngineStats } from "../../machine/power/engine.js";
import { boot, deterministicKernels, prepare, type Finisher } from "../../kernel/boot.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { TraceEvent } from "../../kernel/trace/drain.js";
import { Linux, Major } from "../../kernel/trace/events.js";
import { MemorySystem, type MemoryChoices } from "../../kernel/mem/system.js";
import { Space } from "../../kernel/mem/space.js";
import { loadExec, prepareExec, type ExecPlan, type OpenInterp } from "../exec/load.js";
import { E as Errno } from "../errno.js";
import { signalName } from "../strace/names.js";
import { appendFileSync } from "node:fs";
import { FileServers, fileServerCpus, type BindMount } from "../../servers/fs/start.js";
import type { Time } from "../../servers/fs/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { Console, type ConsoleSink, type ConsoleTty } from "../vfs/console.js";
import { Vfs } from "../vfs/vfs.js";
import { credOf } from "../sys/fs-common.js";
import { Task } from "../task/task.js";
import { rootInterp } from "./root-interp.js";
import { linuxPlacement } from "./sys-numa.js";
import { INITIAL_TASK_POLICY } from "../numa/mempolicy.js";
import { GuestTime, hostSeed } from "./guest-time.js";
import type { HostInputSource } from "../../machine/host-input.js";
import { MS_NODEV, MS_NOEXEC, MS_NOSUID, MS_RELATIME } from "../../servers/fs/ops.js";
import { startProcServers } from "../proc-servers.js";
import { ProcessTable } from "../proc-source.js";
import { startProcessServer, PidSpace } from "../../servers/process/start.js";
import { domainOfPid } from "../../servers/process/iface.js";
import { emulatePrivileged, LinuxSystem } from "./system.js";
import { RemoteRunner } from "./remote.js";
import { PipeServers, pipeServerCpus } from "../../servers/pipe/start.js";
import { LinuxProcess } from "./lprocess.js";
import { RELEASE, VERSION } from "../task/uts.js";

export interface RunOptions {
  /** argv[0] is the program name. */
  argv: string[];
  env?: string[];
  /**
   * Where the console's output goes (default: the host's standard output and error, written
   * synchronously). A sink returns false when its host end is closed: the guest's write gets
   * EPIPE (and SIGPIPE).
   */
  stdout?: ConsoleSink;
  stderr?: ConsoleSink;
  /** Which host streams are terminals (default: none — the console is then not a terminal). */
  tty?: ConsoleTty;
  /**
   * The host descriptors the console writes to when no sink is given (default [1, 2]); the
   * parallel mode's workers write to them directly.
   */
  outputFds?: readonly [number, number];
  /**
   * Host directory of the guest root (seen through a copy-on-write layer: the host tree is
   * never changed). Default: an empty temporary directory, removed after the run. PROGRAM is
   * still a host file (qemu-user style); its interpreter comes from the root.
   */
  root?: string;
  /** A host directory that keeps the root's upper layer across runs (`--overlay DIR`). */
  overlay?: string;
  /** The guest's working directory at start (a guest path; default "/"). */
  cwd?: string;
  /**
   * Host directories mounted in the guest (`-v HOST:GUEST[:ro]`): read-write ones change the
   * host directory, read-only ones refuse every change.
   */
  volumes?: readonly BindMount[];
  maxInstructions?: number;
  /** Host path of the executable (what /proc/self/exe reads). */
  exePath?: string;
  /** Verbose log (unimplemented system calls and the like). */
  log?: (msg: string) => void;
  /** Physical memory in bytes (default 1 GiB). */
  memBytes?: number;
  /** The machine's cap on processes and threads, for every user (default 4096). */
  maxProcs?: number;
  /** Machine shape (default 1 processor, 1 NUMA node). */
  cpus?: number;
  nodes?: number;
  /** The processor the program's thread runs on (default 0). */
  cpu?: number;
  /** Implementations chosen per customisable object type (`--object TYPE=IMPL`). */
  objects?: MemoryChoices;
  /**
   * The execution engine of every processor (default "block"; "step" is the reference
   * interpreter; "wasm" translates hot code to WebAssembly).
   */
  engine?: EngineKind;
  /** Parallel mode: worker threads (default one per processor). */
  workers?: number;
  /**
   * The console's input (what the guest reads from descriptor 0): default none (end of input
   * at once); `k42 run` passes the host's standard input, which the machine waits for in real
   * time while it is a terminal or a pipe that is still open.
   */
  stdin?: HostInputSource;
  /** Seed of the guest's random generator (AT_RANDOM, getrandom); default: from the host. */
  seed?: number;
  /** CLOCK_REALTIME at boot, in seconds since 1970; default: the host's clock at boot. */
  epoch?: number;
  /** Collect the kernel trace (all classes) into this array. */
  trace?: TraceEvent[];
  /** --strace: each system call decoded as strace prints it, one line (without a newline) per call. */
  strace?: (line: string) => void;
  /** Parallel mode, with `strace`: the file the workers append the lines to (default: stderr). */
  straceFile?: string;
  /**
   * The dynamic linker a PT_INTERP names: its contents or a negated errno (default: read from
   * the root, resolving links inside it; -ENOENT without a root). In the parallel mode it is
   * called once, before the run.
   */
  openInterp?: OpenInterp;
  /**
   * The user and group the guest runs as (`k42 run --user UID[:GID]`); default: the host
   * user's, as qemu-user does. Root (uid 0) has every capability.
   */
  uid?: number;
  gid?: number;
  /** Supplementary groups; default: the host user's when uid and gid are the host's, else none. */
  groups?: number[];
  /** Address-space layout randomisation from the seeded generator (default on). */
  randomize?: boolean;
}

/** The interpreter lookup without a root: there is nothing to look in. */
const noInterp: OpenInterp = () => -Errno.ENOENT;

export interface RunResult {
  exitCode: number;
  instructions: number;
  /** Set when the guest died on a signal-like exit (fault, illegal instruction, trap). */
  error?: string;
  /** The signal Linux would have delivered (SIGSEGV 11, SIGBUS 7, SIGILL 4, SIGTRAP 5). */
  signal?: number;
  /** Virtual cycles the machine ran. */
  cycles: number;
  /** Frames the page allocator handed out and took back, per NUMA node, over the whole run. */
  frames?: { allocated: number[]; freed: number[] };
  /** The execution engines' counters (wasm: regions translated...), summed over processors. */
  engine?: Record<string, number>;
  /**
   * [idle/deadlock] Set when the machine stopped deadlocked (machine/port.ts deadlockReport):
   * one line naming each blocked thread; exitCode is then DEADLOCK_EXIT_STATUS (125).
   */
  deadlock?: string;
}

/** The domain of the ProcessLinux server (after ProcInfo, procfs and sysfs). */
const PROCESS_SERVER_DOMAIN = 0x20003;

/**
 * The domains of the personality's ProcInfo server, procfs and sysfs (after the file servers'
 * FS_DOMAIN_BASE range).
 */
const PROC_DOMAINS = { procInfo: 0x20000, procfs: 0x20001, sysfs: 0x20002 } as const;
/** /proc and /sys are mounted as a Linux system mounts them: nosuid, nodev, noexec, relatime. */
const PSEUDO_FLAGS = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;

/**
 * Register ProcInfo (a dispatcher on the processes' processor only: their records live there),
 * procfs and sysfs on processor `k`, and mount them at /proc and /sys; then ProcessLinux (its
 * pid space on the same processor). Call on every processor after `fs.start`, in the same order.
 */
function startProc(k: Kernel, fs: FileServers, ns: Handle, table: ProcessTable, home: number, pt: ProcessTime, maxProcs: number | undefined): { pidServer: Handle; pids: PidSpace | undefined } {
  const s = startProcServers(k, {
    table, domains: PROC_DOMAINS, procInfoCpus: [home], nameSpace: ns,
    bootEpoch: Number(pt.time.epochNs / 1_000_000_000n), hostname: "k42", release: RELEASE, version: VERSION,
  });
  fs.addMounts([
    { path: "/proc", fstype: "proc", source: "proc", flags: PSEUDO_FLAGS, root: s.proc },
    { path: "/sys", fstype: "sysfs", source: "sysfs", flags: PSEUDO_FLAGS, root: s.sys },
  ]);
  const pids = k.cpu === home ? initialPidSpace(maxProcs ?? DEFAULT_MAX_TASKS) : undefined;
  return { pidServer: startProcessServer(k.ppc, { domain: PROCESS_SERVER_DOMAIN, cpus: [home], space: pids }), pids };
}

/** The pid space at boot: init (pid 1, root's) alone. */
function initialPidSpace(maxTasks: number): PidSpace {
  const s = new PidSpace({ maxTasks });
  s.addInit(1, 0);
  return s;
}

/** The machine's cap on processes and threads (all users): a fork bomb meets EAGAIN. */
const DEFAULT_MAX_TASKS = 4096;

/** A run's Linux personality: its processes (on the home processor), and how to tell its outcome. */
interface Personality {
  readonly sys: LinuxSystem;
}

/** Check the program and find its interpreter (ExecError when it cannot be run). */
function planOf(image: Uint8Array, opts: Pick<RunOptions, "argv" | "exePath" | "openInterp" | "root" | "volumes">): ExecPlan {
  const open = opts.openInterp ?? (opts.root !== undefined || opts.volumes !== undefined ? rootInterp(opts.root ?? "/nonexistent", opts.volumes ?? []) : noInterp);
  return prepareExec(image, opts.exePath ?? opts.argv[0] ?? "a.out", open);
}

/** The machine's guest time, made before the file servers (they stamp times with it). */
interface ProcessTime {
  readonly time: GuestTime;
  /** Set once the personality exists: the running thread's instructions not yet charged. */
  pending: () => number;
}

function processTime(k: Kernel, opts: RunOptions): ProcessTime {
  const cost = k.port.cost;
  const pt: ProcessTime = {
    time: undefined as unknown as GuestTime,
    pending: () => 0,
  };
  // The machine's clock, advanced within a slice by the instructions not yet charged.
  const now = (): number => k.port.now() + (k.port.clockUnit === "cycles" ? pt.pending() * cost.instruction : 0);
  (pt as { time: GuestTime }).time = new GuestTime(now, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.epoch !== undefined ? { epoch: opts.epoch } : {}) });
  return pt;
}

/** The guest's realtime clock as the file servers stamp times. */
const realtime = (time: GuestTime) => (): Time => {
  const ns = time.realtimeNs();
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
};

/** The guest root: the given host directory, or an empty temporary one (removed by `cleanup`). */
function rootOf(opts: Pick<RunOptions, "root">): { root: string; cleanup: () => void } {
  if (opts.root !== undefined) return { root: opts.root, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), "k42-root-"));
  // mkdtemp makes it 0700; Linux's / is 0755, and a guest run as another user (--user) must
  // be able to enter its own root (a dynamic program's ld.so opens libc.so.6 through /lib).
  chmodSync(dir, 0o755);
  return { root: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A host descriptor as a console sink: synchronous writes, false once the reader is gone (EPIPE). */
function hostSink(fd: number): ConsoleSink {
  return (b) => {
    // Any host failure (EPIPE: the reader went away; EBADF: k42 was started with the stream
    // closed) is the guest's EPIPE: its output has nowhere to go.
    return hostWrite(fd, b).ok;
  };
}

/** The guest's user, group and supplementary groups: the options', else the host user's (as qemu-user runs as it). */
function identityOf(opts: RunOptions): { uid: number; gid: number; groups: number[] } {
  const hostUid = process.getuid?.() ?? 0, hostGid = process.getgid?.() ?? 0;
  const uid = opts.uid ?? hostUid, gid = opts.gid ?? hostGid;
  const host = uid === hostUid && gid === hostGid;
  return { uid, gid, groups: opts.groups ?? (host ? hostGroups() : []) };
}

/**
 * The host process's supplementary groups, as getgroups(2) gives them (/proc/self/status:
 * Node's process.getgroups() adds the effective group, which getgroups does not); none where
 * that file does not exist.
 */
function hostGroups(): number[] {
  let status: string;
  try {
    status = readFileSync("/proc/self/status", "utf8");
  } catch {
    return [];
  }
  const line = /^Groups:[ \t]*(.*)$/m.exec(status);
  return line === null ? [] : line[1].split(/\s+/).filter((x) => x !== "").map(Number);
}

/**
 * Start the personality on the home processor `k`: k42's init (pid 1), whose child is the
 * program (`plan`, with the options' arguments, identity and files).
 */
function startPersonality(k: Kernel, plan: ExecPlan, opts: RunOptions, pt: ProcessTime, ns: Handle, pidServer: Handle, table: ProcessTable, pids: PidSpace, pipes: Handle): Personality {
  const ms = k.memory;
  if (ms === undefined) throw new Error("memory system not installed");
  const { time } = pt;
  const log = opts.log ?? (() => {});
  log(`guest time: seed ${time.seed}, epoch ${time.epochNs / 1_000_000_000n} (k42 run --seed ${time.seed} --epoch ${time.epochNs / 1_000_000_000n} repeats this run)`);
  k.trace.ev2(Major.Linux, Linux.GuestTime, time.seed, Number(time.epochNs / 1_000_000_000n));
  const console = new Console({
    stdout: opts.stdout ?? hostSink(opts.outputFds?.[0] ?? 1), stderr: opts.stderr ?? hostSink(opts.outputFds?.[1] ?? 2),
    ...(opts.tty !== undefined ? { tty: opts.tty } : {}),
  });
  const sys = new LinuxSystem(k, time, {
    log, strace: opts.strace, maxInstructions: opts.maxInstructions, randomize: opts.randomize !== false, nodes: k.topology.nodes, pipes,
  }, ns, pidServer, console, table);
  pt.pending = () => sys.pendingInstructions();
  const argv = opts.argv.length > 0 ? opts.argv : ["a.out"];
  const ident = identityOf(opts);
  const env = opts.env ?? [];
  // The program: init's first child, loaded now (a program the loader refuses fails the run here).
  const pid = pids.addFirstChild(ident.uid);
  {
    const space = new Space(k, ms.newSpace());
    const state = ms.allocFrame();
    const cpu = ms.attach(space.hat);
    cpu.attachState(state);
    const execfn = opts.exePath ?? argv[0];
    const img = loadExec(space, cpu, plan, {
      argv, envp: env, execfn, cred: { uid: ident.uid, euid: ident.uid, gid: ident.gid, egid: ident.gid },
      random: (b) => time.fill(b), ...(opts.randomize !== undefined ? { randomize: opts.randomize } : {}),
    });
    const startStack = cpu.r[1];
    const task = new Task({
      ...ident, path: argv[0], cpus: k.topology.cpus, memBytes: k.port.mem.size,
      accounts: sys.accountsOf(pid),
    });
    task.pid = pid;
    task.ppid = 1;
    const vfs = new Vfs(sys.vfsOptions(task, pid));
    const p = new LinuxProcess(sys, pid, domainOfPid(pid), space, img, resolve(opts.exePath ?? argv[0]), plan.program.path, vfs, task, argv, env, img.mmapTop);
    const t = sys.newThread(p, pid, state, { mode: 0, nodes: 0, task: INITIAL_TASK_POLICY });
    sys.addProcess(p, startStack);
    // The process's files: root and working directory, the console on descriptors 0, 1, 2.
    sys.spawn(t, function* () {
      yield* vfs.start(k, credOf(t.ctx), opts.cwd ?? "/");
      // A host terminal on stdin: descriptors 0-2 become the console terminal (linux/tty).
      yield* sys.ttys.adoptConsole(k, vfs, p);
    });
  }
  sys.startInit(pid);
  return { sys };
}

/** A host bug in a kernel thread (init, a guest thread's kernel work) surfaces, naming the thread. */
function hostBugs(p: Personality): void {
  const errs = p.sys.k.threadErrors;
  if (errs.length > 0) throw new Error(`k42 failed in a kernel thread:\n${errs.map((e) => `${e.thread}: ${e.error}`).join("\n")}`);
}

/** What the run's program came to, once the machine stopped. */
function outcomeOf(p: Personality, cycles: number): RunResult {
  const { sys } = p;
  const m = sys.main;
  hostBugs(p);
  if (m === undefined) throw new Error("the machine stopped before the program ended");
  const sig = m.status & 0x7f;
  const base = { instructions: sys.instructions(), cycles };
  if (sig === 0) return { exitCode: (m.status >> 8) & 0xff, ...base };
  return { exitCode: 128 + sig, signal: sig, error: m.error ?? `killed by ${signalName(sig)}`, ...base };
}

/** Run a program on a deterministic machine (the default of `k42 run`). */
export function runProgram(image: Uint8Array, opts: RunOptions): RunResult {
  const plan = planOf(image, opts);
  const booted = prepare({
    mode: "deterministic", cpus: opts.cpus ?? 1, nodes: opts.nodes ?? 1, memBytes: opts.memBytes ?? 1 << 30,
    traceMask: opts.trace === undefined ? 0 : 0xffffffff, input: opts.stdin ?? { kind: "none" },
  });
  const { machine, kernels } = deterministicKernels(booted);
  let stats;
  let p: Personality | undefined;
  const home = kernels[placement(opts.cpu, kernels.length)];
  const pt = processTime(home, opts);
  const { root, cleanup } = rootOf(opts);
  let servers: FileServers | undefined;
  try {
    servers = new FileServers({
      root, now: realtime(pt.time), seed: pt.time.seed,
      ...(opts.volumes !== undefined ? { binds: opts.volumes } : {}), ...(opts.overlay !== undefined ? { overlay: opts.overlay } : {}),
    });
    for (const k of kernels) installMemory(k, opts.objects, opts.engine);
    // The file servers on every processor, in the same order (their numbers are the order).
    const fs = servers;
    const started = kernels.map((k) => fs.start(k.ppc));
    const table = new ProcessTable();
    const procs = kernels.map((k) => startProc(k, fs, started[k.cpu].namespace, table, home.cpu, pt, opts.maxProcs));
    for (const k of kernels) new RemoteRunner(k, pt.time, emulatePrivileged);
    // The pipe server after them, on every processor (each dispatcher notifies through its own processor's wait channels).
    const pipes = new PipeServers();
    const pipeRoots = kernels.map((k) => pipes.start(k.ppc, k.waits.notifier()));
    const pids = procs[home.cpu].pids;
    if (pids === undefined) throw new Error("no pid space on the home processor");
    p = startPersonality(home, plan, opts, pt, started[home.cpu].namespace, procs[home.cpu].pidServer, table, pids, pipeRoots[home.cpu]);
    stats = machine.run(kernels, Infinity, opts.trace === undefined ? undefined : () => { opts.trace?.push(...booted.drain.drain()); });
  } finally {
    booted.input.close();
    servers?.stop();
    cleanup();
  }
  if (opts.trace !== undefined) opts.trace.push(...booted.drain.drain());
  const frames = kernels[0].memory?.allocatorTotals();
  const engine = engineTotals(kernels.map((k) => k.memory?.engineStats()));
  // [idle/deadlock] the machine stopped with threads blocked forever.
  hostBugs(p);
  if (stats.deadlock !== undefined) return { exitCode: DEADLOCK_EXIT_STATUS, instructions: p.sys.instructions(), cycles: stats.cycles, deadlock: stats.deadlock, ...(frames ? { frames } : {}) };
  return { ...outcomeOf(p, stats.cycles), ...(frames ? { frames } : {}), ...(engine ? { engine } : {}) };
}

/** Sum of the processors' engine counters, or undefined when no engine keeps any. */
function engineTotals(all: readonly (EngineStats | undefined)[]): Record<string, number> | undefined {
  let sum: Record<string, number> | undefined;
  for (const s of all) {
    if (s === undefined) continue;
    sum ??= {};
    for (const [k, v] of Object.entries(s)) sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}

interface ParallelArgs {
  /** The checked program and its interpreter (plain data, structured-cloned to the worker). */
  plan: ExecPlan;
  /** The guest root (the main thread makes the temporary one). */
  root: string;
  cwd?: string;
  overlay?: string;
  volumes?: readonly BindMount[];
  tty?: { stdin: boolean; stdout: boolean; stderr: boolean; rows?: number; cols?: number };
  outputFds?: readonly [number, number];
  uid?: number;
  gid?: number;
  groups?: number[];
  randomize?: boolean;
  exePath: string;
  argv: string[];
  env: string[];
  maxInstructions?: number;
  verbose: boolean;
  /** --strace: a file to append the lines to, "" for stderr. */
  strace?: string;
  /** Chosen once by the main thread, so every worker's clock and devices agree. */
  seed: number;
  epoch: number;
  cpu: number;
  objects: MemoryChoices;
  engine?: EngineKind;
  maxProcs?: number;
}

/** The memory system on processor `k`, with memory policies placed by Linux's rules. */
function installMemory(k: Kernel, objects: MemoryChoices | undefined, engine: EngineKind | undefined): void {
  const ms = MemorySystem.install(k, objects, engine);
  ms.placement = linuxPlacement(Array.from({ length: k.topology.nodes }, (_, i) => i));
}

/** The processor a program runs on: `cpu` if given (checked), else 0. */
function placement(cpu: number | undefined, cpus: number): number {
  const c = cpu ?? 0;
  if (!Number.isInteger(c) || c < 0 || c >= cpus) throw new RangeError(`processor ${c} does not exist (the machine has ${cpus})`);
  return c;
}

/**
 * The boot program of `runProgramParallel`: processor 0 starts the process; the others run
 * the kernel only.
 */
export function guestProgram(k: Kernel, a: unknown): Finisher | void {
  const args = a as ParallelArgs;
  installMemory(k, args.objects, args.engine);
  const opts: RunOptions = {
    argv: args.argv, env: args.env, exePath: args.exePath, root: args.root, seed: args.seed, epoch: args.epoch,
    ...(args.cwd !== undefined ? { cwd: args.cwd } : {}), ...(args.tty !== undefined ? { tty: staticTty(args.tty) } : {}),
    ...(args.outputFds !== undefined ? { outputFds: args.outputFds } : {}),
    ...(args.randomize !== undefined ? { randomize: args.randomize } : {}),
    ...(args.uid !== undefined ? { uid: args.uid } : {}), ...(args.gid !== undefined ? { gid: args.gid } : {}),
    ...(args.groups !== undefined ? { groups: args.groups } : {}),
    ...(args.maxInstructions !== undefined ? { maxInstructions: args.maxInstructions } : {}),
    ...(args.verbose ? { log: (m: string) => process.stderr.write(`k42: ${m}\n`) } : {}),
    ...(args.strace !== undefined ? { strace: straceWriter(args.strace) } : {}),
  };
  // Every processor registers the file servers in the same order; only processor 0's worker
  // holds their state and dispatchers (fileServerCpus), so each processor's object is its own.
  const pt = processTime(k, opts);
  const servers = new FileServers({
    root: args.root, now: realtime(pt.time), seed: pt.time.seed, cpus: fileServerCpus("parallel") ?? [0],
    ...(args.volumes !== undefined ? { binds: args.volumes } : {}), ...(args.overlay !== undefined ? { overlay: args.overlay } : {}),
  });
  const started = servers.start(k.ppc);
  // This worker's process records: only the process's own processor holds one.
  const table = new ProcessTable();
  const { pidServer, pids } = startProc(k, servers, started.namespace, table, args.cpu, pt, args.maxProcs);
  new RemoteRunner(k, pt.time, emulatePrivileged);
  // The pipe server: its pipes in processor 0's worker (pipeServerCpus), as the file servers' state.
  const pipeRoot = new PipeServers({ cpus: pipeServerCpus("parallel") ?? [0] }).start(k.ppc, k.waits.notifier());
  if (k.cpu !== args.cpu || pids === undefined) return () => {
    servers.stop();
    return undefined;
  };
  const p = startPersonality(k, args.plan, opts, pt, started.namespace, pidServer, table, pids, pipeRoot);
  return () => {
    servers.stop();
    try {
      const frames = k.memory?.allocatorTotals();
      const engine = engineTotals([k.memory?.engineStats()]);
      return { ok: { ...outcomeOf(p, k.port.now()), ...(frames ? { frames } : {}), ...(engine ? { engine } : {}) } };
    } catch (e) {
      return { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  };
}

/**
 * Run a program on a parallel machine: one worker per processor, the program's thread on
 * processor 0, its output written by that worker. `cycles` of the result are nanoseconds of
 * real time.
 */
export async function runProgramParallel(image: Uint8Array, opts: Omit<RunOptions, "stdout" | "stderr">): Promise<RunResult> {
  // A malformed ELF or a missing interpreter fails here, with its ExecError, not in a worker.
  const plan = planOf(image, opts);
  const { root, cleanup } = rootOf(opts);
  try {
    return await runParallel(opts, plan, root);
  } finally {
    cleanup();
  }
}

/** A terminal description passed to a worker (its size as it was at start). */
function staticTty(t: NonNullable<ParallelArgs["tty"]>): ConsoleTty {
  const size = t.rows !== undefined && t.cols !== undefined ? { rows: t.rows, cols: t.cols } : undefined;
  return { stdin: t.stdin, stdout: t.stdout, stderr: t.stderr, winsize: () => size };
}

async function runParallel(opts: Omit<RunOptions, "stdout" | "stderr">, plan: ExecPlan, root: string): Promise<RunResult> {
  const t = opts.tty;
  const w = t?.winsize?.();
  const args: ParallelArgs = {
    plan, root, ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), ...(opts.volumes !== undefined ? { volumes: opts.volumes } : {}),
    ...(opts.overlay !== undefined ? { overlay: opts.overlay } : {}), ...(opts.outputFds !== undefined ? { outputFds: opts.outputFds } : {}),
    ...(t !== undefined ? { tty: { stdin: t.stdin, stdout: t.stdout, stderr: t.stderr, ...(w !== undefined ? { rows: w.rows, cols: w.cols } : {}) } } : {}),
    exePath: opts.exePath ?? opts.argv[0] ?? "a.out", argv: opts.argv, env: opts.env ?? [], verbose: opts.log !== undefined,
    ...(opts.randomize !== undefined ? { randomize: opts.randomize } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}), ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    ...(opts.groups !== undefined ? { groups: opts.groups } : {}),
    cpu: placement(opts.cpu, opts.cpus ?? 1), objects: opts.objects ?? {}, ...(opts.maxProcs !== undefined ? { maxProcs: opts.maxProcs } : {}), ...(opts.engine !== undefined ? { engine: opts.engine } : {}),
    ...(opts.maxInstructions !== undefined ? { maxInstructions: opts.maxInstructions } : {}),
    seed: opts.seed ?? hostSeed(), epoch: opts.epoch ?? Math.ceil(Date.now() / 1000),
    ...(opts.strace !== undefined ? { strace: opts.straceFile ?? "" } : {}),
  };
  const r = await boot(
    {
      mode: "parallel", cpus: opts.cpus ?? 1, nodes: opts.nodes ?? 1, memBytes: opts.memBytes ?? 1 << 30,
      traceMask: opts.trace === undefined ? 0 : 0xffffffff, input: opts.stdin ?? { kind: "none" }, ...(opts.workers !== undefined ? { workers: opts.workers } : {}),
    },
    { module: import.meta.url, name: "guestProgram", args },
  );
  if (opts.trace !== undefined) opts.trace.push(...r.events);
  if (r.errors.length > 0) throw new Error(r.errors.join("\n"));
  // [idle/deadlock] the machine stopped with threads blocked forever.
  if (r.deadlock !== undefined) return { exitCode: DEADLOCK_EXIT_STATUS, instructions: 0, cycles: r.cpus[0]?.stats.now ?? 0, deadlock: r.deadlock };
  const p0 = r.cpus.find((c) => c.cpu === args.cpu)?.result as { ok?: RunResult; error?: string } | undefined;
  if (p0?.ok === undefined) throw new Error(p0?.error ?? `processor ${args.cpu} reported no result`);
  return p0.ok;
}

/** Where a worker writes --strace lines: appended to `file`, or stderr when it is "". */
function straceWriter(file: string): (line: string) => void {
  if (file === "") return (line) => process.stderr.write(`${line}\n`);
  return (line) => appendFileSync(file, `${line}\n`);
}

