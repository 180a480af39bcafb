// The bring-up runner: one static PowerPC Linux program as one guest thread, scheduled by the
// microkernel on processor 0 of a deterministic machine. It loads the executable, and the
// thread's body runs the processor in time slices (instruction budgets), serves its system
// calls and maps its exits to signals until the program exits or dies.

import { resolve } from "node:path";
import { OutOfMemoryError } from "../../machine/memory.js";
import { DEADLOCK_EXIT_STATUS } from "../../machine/port.js";
import { Cpu, Exit } from "../../machine/power/cpu.js";
import { boot, deterministicKernels, prepare, type Finisher } from "../../kernel/boot.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block, Thread } from "../../kernel/sched/thread.js";
import type { TraceEvent } from "../../kernel/trace/drain.js";
import { Exception, Linux, Major } from "../../kernel/trace/events.js";
import { AlignmentFault } from "../../machine/power/ops/ea.js";
import { AddressSpace } from "./mm.js";
import { checkExecutable, loadExecutable, stackTop } from "./exec.js";
import { BringupSyscalls, E, type SysContext } from "./syscalls.js";
import { FileTable } from "./files.js";
import { GuestTime } from "./guest-time.js";
import type { HostInputSource } from "../../machine/host-input.js";

export interface RunOptions {
  /** argv[0] is the program name. */
  argv: string[];
  env?: string[];
  stdout?: (b: Uint8Array) => void;
  stderr?: (b: Uint8Array) => void;
  maxInstructions?: number;
  /** Host path of the executable (what /proc/self/exe reads). */
  exePath?: string;
  /** Verbose log (unimplemented system calls and the like). */
  log?: (msg: string) => void;
  /** Physical memory in bytes (default 1 GiB). */
  memBytes?: number;
  /** Machine shape (default 1 processor, 1 NUMA node); the program runs on processor 0. */
  cpus?: number;
  nodes?: number;
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
}

export interface RunResult {
  exitCode: number;
  instructions: number;
  /** Set when the guest died on a signal-like exit (fault, illegal instruction, trap). */
  error?: string;
  /** The signal Linux would have delivered (SIGSEGV 11, SIGBUS 7, SIGILL 4, SIGTRAP 5). */
  signal?: number;
  /** Virtual cycles the machine ran. */
  cycles: number;
  /**
   * [idle/deadlock] Set when the machine stopped deadlocked (machine/port.ts deadlockReport):
   * one line naming each blocked thread; exitCode is then DEADLOCK_EXIT_STATUS (125).
   */
  deadlock?: string;
}

/** The protection domain of the (single) Linux process of the bring-up runner. */
const PROCESS_DOMAIN = 1;

/** A Linux process of the bring-up runner, started as a guest thread on one processor's kernel. */
interface Process {
  readonly cpu: Cpu;
  readonly thread: Thread;
  /** The program's end: set when the guest thread finished its program (exit or death). */
  readonly outcome: () => Omit<RunResult, "cycles"> | undefined;
  /** Release the process's files and memory. */
  readonly close: () => void;
}

function startProcess(k: Kernel, image: Uint8Array, opts: RunOptions): Process {
  const mem = k.port.mem;
  const cpu = new Cpu(mem);
  // Frames are released only after every translation of them is gone (one processor here).
  const as = new AddressSpace(mem, () => cpu.flushTlb());
  cpu.pt = as.pt;
  cpu.node = as.node = k.topology.nodeOf(k.cpu);
  // The machine's clock, advanced within a slice by the instructions not yet charged.
  const clock = { charged: 0 };
  const now = (): number => k.port.now() + (k.port.clockUnit === "cycles" ? (cpu.icount - clock.charged) * k.port.cost.instruction : 0);
  const time = new GuestTime(now, { ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.epoch !== undefined ? { epoch: opts.epoch } : {}) });
  (opts.log ?? (() => {}))(`guest time: seed ${time.seed}, epoch ${time.epochNs / 1_000_000_000n} (k42 run --seed ${time.seed} --epoch ${time.epochNs / 1_000_000_000n} repeats this run)`);
  k.trace.ev2(Major.Linux, Linux.GuestTime, time.seed, Number(time.epochNs / 1_000_000_000n));
  cpu.timeBase = () => time.timeBase();
  const argv = opts.argv.length > 0 ? opts.argv : ["a.out"];
  const img = loadExecutable(as, cpu, image, argv, opts.env ?? [], opts.exePath ?? argv[0], (b) => time.fill(b));
  const ctx: SysContext = {
    cpu, as, image: img, exePath: resolve(opts.exePath ?? argv[0]), exitCode: undefined, killedBy: undefined,
    mmapTop: stackTop(img.is64) - (16 << 20),
    files: new FileTable(img.is64),
    log: opts.log ?? (() => {}),
    write: (fd, data) => {
      if (fd === 1) (opts.stdout ?? ((b) => process.stdout.write(b)))(data);
      else if (fd === 2) (opts.stderr ?? ((b) => process.stderr.write(b)))(data);
      else return -E.EBADF; // every other descriptor is a read-only file
      return data.length;
    },
    time, cpuTimeNs: () => BigInt(cpu.icount) * BigInt(k.port.cost.instruction), sleepUntil: undefined, consoleRead: undefined,
    cpuId: k.cpu, nodeId: cpu.node,
  };
  const sys = new BringupSyscalls(img.is64);
  let result: Omit<RunResult, "cycles"> | undefined;
  const thread = k.sched.spawn(argv[0], guestThread(k, cpu, as, ctx, sys, clock, opts.maxInstructions ?? Infinity, (r) => { result = r; }), PROCESS_DOMAIN, { guest: true });
  return {
    cpu, thread, outcome: () => result,
    close: () => {
      ctx.files.closeAll();
      as.destroy();
    },
  };
}

/** What the process came to, once the machine stopped. */
function outcomeOf(p: Process, cycles: number): RunResult {
  const e = p.thread.error;
  if (e instanceof OutOfMemoryError) {
    // Physical memory exhausted while populating a page: Linux's OOM killer sends SIGKILL.
    return { exitCode: 128 + 9, instructions: p.cpu.icount, error: `out of memory (${e.message})`, signal: 9, cycles };
  }
  if (e !== undefined) throw e;
  const r = p.outcome();
  if (r === undefined) throw new Error("guest thread ended without a result");
  return { ...r, cycles };
}

/** Run a program on a deterministic machine (the default of `k42 run`). */
export function runProgram(image: Uint8Array, opts: RunOptions): RunResult {
  const booted = prepare({
    mode: "deterministic", cpus: opts.cpus ?? 1, nodes: opts.nodes ?? 1, memBytes: opts.memBytes ?? 1 << 30,
    traceMask: opts.trace === undefined ? 0 : 0xffffffff, input: opts.stdin ?? { kind: "none" },
  });
  const { machine, kernels } = deterministicKernels(booted);
  let stats;
  let p: Process | undefined;
  try {
    p = startProcess(kernels[0], image, opts);
    stats = machine.run(kernels, Infinity, opts.trace === undefined ? undefined : () => { opts.trace?.push(...booted.drain.drain()); });
  } finally {
    p?.close();
    booted.input.close();
  }
  if (opts.trace !== undefined) opts.trace.push(...booted.drain.drain());
  // [idle/deadlock] the machine stopped with threads blocked forever.
  if (stats.deadlock !== undefined) return { exitCode: DEADLOCK_EXIT_STATUS, instructions: p.cpu.icount, cycles: stats.cycles, deadlock: stats.deadlock };
  return outcomeOf(p, stats.cycles);
}

interface ParallelArgs {
  /** The executable's bytes (structured-cloned to the worker). */
  image: Uint8Array;
  exePath: string;
  argv: string[];
  env: string[];
  maxInstructions?: number;
  verbose: boolean;
  seed?: number;
  epoch?: number;
}

/**
 * The boot program of `runProgramParallel`: processor 0 starts the process; the others run
 * the kernel only.
 */
export function guestProgram(k: Kernel, a: unknown): Finisher | void {
  const args = a as ParallelArgs;
  if (k.cpu !== 0) return;
  const p = startProcess(k, args.image, {
    argv: args.argv, env: args.env, exePath: args.exePath,
    ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.epoch !== undefined ? { epoch: args.epoch } : {}),
    ...(args.maxInstructions !== undefined ? { maxInstructions: args.maxInstructions } : {}),
    ...(args.verbose ? { log: (m: string) => process.stderr.write(`k42: ${m}\n`) } : {}),
  });
  return () => {
    p.close();
    try {
      return { ok: outcomeOf(p, k.port.now()) };
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
  checkExecutable(image); // a malformed ELF fails here, with its ElfError, not in a worker
  const args: ParallelArgs = {
    image, exePath: opts.exePath ?? opts.argv[0] ?? "a.out", argv: opts.argv, env: opts.env ?? [], verbose: opts.log !== undefined,
    ...(opts.maxInstructions !== undefined ? { maxInstructions: opts.maxInstructions } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}), ...(opts.epoch !== undefined ? { epoch: opts.epoch } : {}),
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
  const p0 = r.cpus.find((c) => c.cpu === 0)?.result as { ok?: RunResult; error?: string } | undefined;
  if (p0?.ok === undefined) throw new Error(p0?.error ?? "processor 0 reported no result");
  return p0.ok;
}

/**
 * The guest thread's body: run the processor one time slice at a time (the kernel preempts
 * between slices), serve system calls, resolve faults, until the program exits or dies.
 */
function* guestThread(
  k: Kernel, cpu: Cpu, as: AddressSpace, ctx: SysContext, sys: BringupSyscalls, clock: { charged: number }, max: number,
  done: (r: Omit<RunResult, "cycles">) => void,
): Generator<Block, void, unknown> {
  const cost = k.port.cost;
  const quantum = cost.guestQuantum;
  /** Instructions (and their equivalent in kernel work) left in this time slice. */
  let left = quantum;
  /** Charge what the processor did since the last charge: instructions and TLB fills. */
  const account = (): void => {
    k.port.charge((cpu.icount - clock.charged) * cost.instruction + cpu.fills[0] * cost.tlbFill[0] + cpu.fills[1] * cost.tlbFill[1]);
    left -= cpu.icount - clock.charged;
    clock.charged = cpu.icount;
    cpu.fills[0] = cpu.fills[1] = 0;
  };
  /** Kernel work done on the thread's behalf counts against its slice too (a syscall loop is preempted). */
  const kernelWork = (cycles: number): void => {
    k.port.charge(cycles);
    left -= Math.ceil(cycles / cost.instruction);
  };
  for (;;) {
    if (cpu.icount >= max) return done({ exitCode: 128 + 9, instructions: cpu.icount, error: `instruction limit ${max} reached`, signal: 9 });
    if (left <= 0) {
      left = quantum;
      yield { kind: "yield" }; // end of the time slice
    }
    const exit = cpu.run(Math.min(left, max - cpu.icount));
    account();
    switch (exit) {
      case Exit.None:
        continue; // the slice is used up (or the instruction limit reached)
      case Exit.Syscall: {
        const nr = cpu.r[0];
        k.trace.ev4(Major.Linux, Linux.SyscallEnter, nr, cpu.r[6], cpu.r[8], cpu.r[10]);
        kernelWork(cost.syscall);
        sys.dispatch(ctx);
        k.trace.ev2(Major.Linux, Linux.SyscallExit, nr, cpu.r[6]);
        if (ctx.exitCode !== undefined) return done({ exitCode: ctx.exitCode, instructions: cpu.icount });
        if (ctx.killedBy !== undefined) {
          return done({ exitCode: 128 + ctx.killedBy, instructions: cpu.icount, error: `killed by signal ${ctx.killedBy}`, signal: ctx.killedBy });
        }
        if (ctx.consoleRead !== undefined) {
          sys.finishConsoleRead(ctx, yield* k.hostRead(ctx.consoleRead.max));
          left = quantum;
        }
        if (ctx.sleepUntil !== undefined) {
          const until = ctx.sleepUntil;
          ctx.sleepUntil = undefined;
          left = quantum;
          if (until > k.port.now()) yield { kind: "sleep", until };
        }
        continue;
      }
      case Exit.Fault: {
        k.trace.ev3(Major.Exception, Exception.Fault, cpu.exitPc >>> 0, cpu.fault === undefined ? 0 : (cpu.fault.eaHi >>> 0) * 2 ** 32 + (cpu.fault.eaLo >>> 0), cpu.fault?.access ?? 0);
        const zeroed = as.zeroed;
        if (cpu.fault !== undefined && as.handleFault(cpu.fault)) {
          kernelWork(cost.pageFault + (as.zeroed - zeroed) * cost.pageZero);
          continue;
        }
        return done(died(cpu, cpu.fault instanceof AlignmentFault ? 7 : 11)); // SIGBUS, SIGSEGV
      }
      case Exit.Privileged:
        if (emulatePrivileged(cpu)) continue;
        return done(died(cpu, 4));
      case Exit.Illegal:
        return done(died(cpu, 4));
      case Exit.Trap:
        k.trace.ev2(Major.Exception, Exception.Trap, cpu.exitPc >>> 0, 0);
        return done(died(cpu, 5));
    }
  }
}

/** Processor Version Register of the machine: POWER8 (DD2.0). */
const PVR = 0x004d0200;

/**
 * What Linux emulates on a privileged-instruction interrupt from user mode
 * (arch/powerpc/kernel/traps.c): `mfspr rD, PVR` reads the processor version.
 */
function emulatePrivileged(cpu: Cpu): boolean {
  const w = cpu.exitWord >>> 0;
  if ((w & 0xfc1fffff) === ((31 << 26) | (((287 & 31) << 16) | ((287 >> 5) << 11)) | (339 << 1)) >>> 0) {
    cpu.setGpr((w >>> 21) & 31, PVR, 0);
    cpu.exit = Exit.None; // the PC already points past the instruction
    return true;
  }
  return false;
}

function died(cpu: Cpu, signal: number): Omit<RunResult, "cycles"> {
  return { exitCode: 128 + signal, instructions: cpu.icount, error: cpu.describeExit(), signal };
}
