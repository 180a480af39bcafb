// Booting the machine with the microkernel on every processor, in either run mode, and
// running a *program* on it: a function exported by a module, called once on every processor
// at boot (it registers types, creates or finds well-known objects, spawns threads) and
// returning an optional finisher whose value is that processor's result. Programs are named
// by module URL and export name because in parallel mode each worker imports them itself.

import { DEFAULT_COST, type CostModel } from "../machine/cost.js";
import { DeterministicMachine, type DeterministicRunStats } from "../machine/deterministic.js";
import { HostInput, type HostInputSource } from "../machine/host-input.js";
import { allocateLayout, type MachineLayout } from "../machine/layout.js";
import { PhysicalMemory } from "../machine/memory.js";
import { runParallel } from "../machine/parallel.js";
import type { RunMode } from "../machine/port.js";
import { Topology } from "../machine/topology.js";
import { Kernel } from "./kernel.js";
import { allocateKernel, type KernelLayout } from "./layout.js";
import { TraceArea } from "./trace/area.js";
import { TraceDrain } from "./trace/drain.js";
import type { TraceEvent } from "./trace/drain.js";

export interface MachineOptions {
  mode: RunMode;
  cpus: number;
  nodes?: number;
  /** Physical memory (default 256 MiB). */
  memBytes?: number;
  cost?: Partial<CostModel>;
  /** Enabled trace classes (bit per major class); default all. */
  traceMask?: number;
  /** Trace buffer per processor, in 64-bit words (power of two; default 65536). */
  traceWords?: number;
  /** Deterministic mode: stop after this much virtual time. */
  maxCycles?: number;
  /** Parallel mode: worker threads (default one per processor); each hosts consecutive processors. */
  workers?: number;
  /** The machine's host input (Kernel.hostRead); default none (end of input at once). */
  input?: HostInputSource;
}

/** A program: `export function name(k: Kernel, args): Finisher | void` in module `module` (a URL). */
export interface ProgramRef {
  module: string;
  name: string;
  args?: unknown;
}

export type Finisher = () => unknown;
export type ProgramMain = (k: Kernel, args: unknown) => Finisher | void;

export interface CpuReport {
  cpu: number;
  result: unknown;
  threadErrors: { thread: string; error: string }[];
  stats: { dispatches: number; objectCalls: number; misses: number; messagesSent: number; messagesReceived: number; now: number };
}

export interface BootResult {
  mode: RunMode;
  cpus: CpuReport[];
  /** Worker failures (parallel mode) — a kernel bug, never a guest's. */
  errors: string[];
  events: TraceEvent[];
  /** Deterministic mode only. */
  run?: DeterministicRunStats;
  /**
   * Set when the machine stopped because nothing could happen any more while threads were
   * blocked (both modes): one line naming each blocked thread and what it waits for, e.g.
   * `deadlock: thread "a" on cpu 0 waits for event "b done"; thread "b" on cpu 1 waits for event "a done"`.
   */
  deadlock?: string;
  /** Wall-clock milliseconds of the run itself. */
  wallMs: number;
}

/** What a parallel worker needs beyond the machine (structured-clonable). */
export interface KernelBoot {
  kernel: KernelLayout;
  program: ProgramRef;
}

export async function loadProgram(p: ProgramRef): Promise<ProgramMain> {
  const mod = (await import(p.module)) as Record<string, unknown>;
  const f = mod[p.name];
  if (typeof f !== "function") throw new Error(`${p.module} does not export a program ${p.name}`);
  return f as ProgramMain;
}

export function report(k: Kernel, result: unknown): CpuReport {
  return {
    cpu: k.cpu, result, threadErrors: k.threadErrors,
    stats: {
      dispatches: k.sched.dispatches, objectCalls: k.cos.calls, misses: k.cos.misses,
      messagesSent: k.msg.sent, messagesReceived: k.msg.received, now: k.port.now(),
    },
  };
}

/** A booted machine before it runs: memory, layouts, and the trace drain. */
export interface Booted {
  topo: Topology;
  mem: PhysicalMemory;
  cost: CostModel;
  layout: MachineLayout;
  kernel: KernelLayout;
  drain: TraceDrain;
  /** The host input device; whoever runs the machine closes it when the machine stops. */
  input: HostInput;
}

export function prepare(opts: MachineOptions): Booted {
  const topo = new Topology({ cpus: opts.cpus, nodes: opts.nodes ?? 1 });
  const mem = new PhysicalMemory({ bytes: opts.memBytes ?? 256 << 20, nodes: topo.nodes });
  const cost: CostModel = { ...DEFAULT_COST, ...opts.cost };
  const layout: MachineLayout = allocateLayout(mem, topo);
  const kernel = allocateKernel(mem, topo, opts.traceWords ?? 1 << 17);
  const area = new TraceArea(mem.buffer, kernel.trace.addr, topo.cpus, kernel.trace.wordsPerCpu);
  area.setMask(opts.traceMask ?? 0xffffffff);
  const input = HostInput.open(opts.input ?? { kind: "none" });
  return { topo, mem, cost, layout, kernel, drain: new TraceDrain(area), input };
}

/** The deterministic machine with a kernel on every processor, built synchronously. */
export function deterministicKernels(b: Booted): { machine: DeterministicMachine; kernels: Kernel[] } {
  const machine = new DeterministicMachine(b.mem, b.topo, b.cost, b.layout, b.input);
  return { machine, kernels: machine.ports.map((p) => new Kernel(p, b.kernel)) };
}

export async function boot(opts: MachineOptions, program: ProgramRef): Promise<BootResult> {
  const b = prepare(opts);
  try {
    return await bootPrepared(b, opts, program);
  } finally {
    b.input.close();
  }
}

async function bootPrepared(b: Booted, opts: MachineOptions, program: ProgramRef): Promise<BootResult> {
  const { topo, mem, cost, layout, drain } = b;
  const kl = b.kernel;
  const events: TraceEvent[] = [];
  // Only in deterministic mode: in parallel mode the workers import the program, and the main
  // thread need not (from the bundled k42 command it would load a second, unbundled kernel).
  const main = opts.mode === "deterministic" ? await loadProgram(program) : undefined;
  const t0 = performance.now();
  if (main !== undefined) {
    const { machine: m, kernels } = deterministicKernels(b);
    const finishers = kernels.map((k) => main(k, program.args));
    const run = m.run(kernels, opts.maxCycles, () => { for (const e of drain.drain()) events.push(e); });
    for (const e of drain.drain()) events.push(e);
    const cpus = kernels.map((k, i) => report(k, finishers[i]?.()));
    return { mode: opts.mode, cpus, errors: [], events, run, ...deadlockOf(run.deadlock), wallMs: performance.now() - t0 };
  }
  const boot: KernelBoot = { kernel: kl, program };
  // The main thread is free while the workers run: it drains the trace buffers as they fill.
  const drainer = setInterval(() => { for (const e of drain.drain()) events.push(e); }, 2);
  let run;
  try {
    run = await runParallel(new URL("./boot-worker.js", import.meta.url), mem, topo, layout, boot, cost, opts.workers, b.input);
  } finally {
    clearInterval(drainer);
  }
  for (const e of drain.drain()) events.push(e);
  const errors = run.results.filter((r) => r.error !== undefined).map((r) => `cpu ${r.cpu}: ${r.error}`);
  const cpus = run.results.filter((r) => r.error === undefined).map((r) => r.result as CpuReport);
  return { mode: opts.mode, cpus, errors, events, ...deadlockOf(run.deadlock), wallMs: performance.now() - t0 };
}

function deadlockOf(deadlock: string | undefined): { deadlock?: string } {
  return deadlock === undefined ? {} : { deadlock };
}
