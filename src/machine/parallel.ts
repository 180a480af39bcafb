// Parallel run mode: worker threads in real time, all attached to the same shared physical
// memory; each worker hosts one processor (the default) or several consecutive ones, which it
// runs in turn. Real time (nanoseconds since boot) is the clock; the cost hooks are free,
// because the host's own caches and cores are now the machine. A worker whose processors have
// nothing to do sleeps on its doorbell word (Atomics.wait), rung by a sender only when it takes
// one of the worker's rings from empty to non-empty. The machine stops when a processor halts
// it, or when every processor is idle and no message is in flight (the control block in
// layout.ts counts both in one word, read atomically). A thread waiting for live host input
// (host-input.ts) is work to come: its worker does not go idle, and sleeps on its doorbell for
// at most HOST_POLL_MS at a time, looking at the device between sleeps. When the machine
// stops because everything is idle, the threads still blocked are deadlocked: every worker
// reports its processors' (ProcessorSoftware.blocked) and runParallel makes the one-line report.

import { Worker } from "node:worker_threads";
import { DEFAULT_COST, type CostModel } from "./cost.js";
import { CTL_ACTIVITY, CTL_DOORBELL, CTL_DONE, CTL_HALT, CTL_WORDS, HALT_IDLE, HALT_STOP, IDLE_UNIT, type MachineLayout } from "./layout.js";
import { PhysicalMemory, type MemoryConfig } from "./memory.js";
import { deadlockReport, type ProcessorPort, type ProcessorSoftware } from "./port.js";
import { HostInput, type HostInputShared } from "./host-input.js";
import { Push, Ring, type RingMessage } from "./ring.js";
import { Topology, type TopologyConfig } from "./topology.js";

export const PARALLEL_KERNEL_QUANTUM_NS = 1_000_000;
/**
 * Longest sleep of a worker whose thread waits for host input: the pump cannot ring doorbells,
 * so the worker looks at the device this often (only while such a thread waits).
 */
export const HOST_POLL_MS = 2;

/** Everything a worker needs to attach to the machine (structured-clonable). */
export interface ParallelBoot {
  memory: WebAssembly.Memory;
  memConfig: MemoryConfig;
  topology: TopologyConfig;
  cost: CostModel;
  layout: MachineLayout;
  /** performance.timeOrigin + performance.now() of the machine's boot, in ms. */
  epochMs: number;
  /** This worker's index and the processors it hosts; workerOf[cpu] for every processor. */
  worker: number;
  cpus: number[];
  workerOf: number[];
  /** The host input device. */
  input: HostInputShared;
  /** Boot data of the software above the machine. */
  user: unknown;
}

class ParallelPort implements ProcessorPort {
  readonly clockUnit = "ns";
  readonly selfSendImmediate = true;
  private readonly originOffsetMs: number;

  constructor(
    readonly cpu: number,
    readonly mem: PhysicalMemory,
    readonly topology: Topology,
    readonly cost: CostModel,
    private readonly ctl: Int32Array,
    private readonly rings: Ring[],
    private readonly workerOf: readonly number[],
    epochMs: number,
    readonly input: HostInput,
  ) {
    this.originOffsetMs = performance.timeOrigin - epochMs;
  }

  get ring(): Ring { return this.rings[this.cpu]; }

  now(): number {
    return Math.round((this.originOffsetMs + performance.now()) * 1e6);
  }

  charge(_cycles: number): void {}

  touch(_addr: number, _write: boolean): number { return 0; }

  send(to: number, kind: number, payload?: Uint8Array): boolean {
    Atomics.add(this.ctl, CTL_ACTIVITY, 1);
    const r = this.rings[to].push(this.cpu, kind, 0, payload);
    if (r === Push.Full) {
      Atomics.sub(this.ctl, CTL_ACTIVITY, 1);
      return false;
    }
    if (r === Push.Woke) ring(this.ctl, this.workerOf[to]);
    return true;
  }

  receive(): RingMessage | undefined {
    const m = this.ring.pop();
    if (m !== undefined) Atomics.sub(this.ctl, CTL_ACTIVITY, 1);
    return m;
  }

  pending(): boolean {
    return this.ring.count > 0;
  }

  quietUntil(): number {
    // Now: a thread here is never counted alone, so it keeps its chunks and slice ends as
    // before (the run-ahead is measured and tested in the deterministic mode only).
    return this.now();
  }

  halt(): void {
    stop(this.ctl, HALT_STOP, Math.max(...this.workerOf) + 1);
  }

  halted(): boolean {
    return Atomics.load(this.ctl, CTL_HALT) !== 0;
  }
}

/** Stop the machine (`why`: HALT_STOP or HALT_IDLE; the first reason stays) and wake every worker. */
function stop(ctl: Int32Array, why: number, workers: number): void {
  Atomics.compareExchange(ctl, CTL_HALT, 0, why);
  for (let w = 0; w < workers; w++) ring(ctl, w);
}

/** Ring worker `w`'s doorbell: wake it if it sleeps. */
function ring(ctl: Int32Array, w: number): void {
  Atomics.add(ctl, CTL_DOORBELL + w, 1);
  Atomics.notify(ctl, CTL_DOORBELL + w, 1);
}

/** The processors of one worker, attached to the machine. */
export interface WorkerHost {
  readonly ports: ProcessorPort[];
  /**
   * Run the processors until the machine stops. Returns, per hosted processor, its blocked
   * threads (ProcessorSoftware.blocked) if the machine stopped because nothing could happen
   * any more, empty lists otherwise.
   */
  serve(software: readonly ProcessorSoftware[]): string[][];
}

/** In a worker: attach to the machine described by `boot`; one port per hosted processor. */
export function attachWorker(boot: ParallelBoot): WorkerHost {
  const mem = new PhysicalMemory(boot.memConfig, boot.memory);
  const topo = new Topology(boot.topology);
  // Quanta are real time here: a kernel thread runs up to 1 ms before its next safe point yields.
  const cost: CostModel = { ...boot.cost, kernelQuantum: PARALLEL_KERNEL_QUANTUM_NS };
  const ctl = new Int32Array(mem.buffer, boot.layout.control, CTL_WORDS);
  const rings = boot.layout.rings.map((a) => new Ring(mem.buffer, a, boot.layout.ringCapacity));
  const input = HostInput.attach(boot.input);
  const ports = boot.cpus.map((c) => new ParallelPort(c, mem, topo, cost, ctl, rings, boot.workerOf, boot.epochMs, input));
  const workers = Math.max(...boot.workerOf) + 1;
  return {
    ports,
    serve: (software) => serveWorker(ctl, ports, software, boot.worker, topo.cpus, workers, input),
  };
}

/**
 * The worker's loop: give every hosted processor with work a slice, in turn; when none has
 * any, go idle (all of them at once) and sleep on the doorbell.
 */
function serveWorker(
  ctl: Int32Array, ports: ParallelPort[], sw: readonly ProcessorSoftware[], worker: number, cpus: number, workers: number,
  input: HostInput,
): string[][] {
  const bell = CTL_DOORBELL + worker;
  const k = ports.length;
  while (Atomics.load(ctl, CTL_HALT) === 0) {
    // Read the doorbell before looking for work: a message that arrives after the look rings
    // it, so the wait below returns at once.
    const rung = Atomics.load(ctl, bell);
    let worked = false;
    let timer = Infinity;
    let host = false;
    for (let i = 0; i < k; i++) {
      const t = sw[i].nextTimer();
      if (sw[i].runnable() || ports[i].ring.count > 0 || t <= ports[i].now()) {
        sw[i].slice();
        worked = true;
      } else {
        if (t < timer) timer = t;
        if (sw[i].waitsForHost()) host = true;
      }
    }
    if (worked) continue;
    // Input that may still come from the host is work: never idle while a thread waits for it.
    // (At the input's end the waiting threads are runnable: the next look finds them.)
    if (host && !input.live) continue;
    if (timer !== Infinity || host) {
      let ms = timer === Infinity ? Infinity : (timer - ports[0].now()) / 1e6;
      if (host) ms = Math.min(ms, HOST_POLL_MS);
      if (ms > 0) Atomics.wait(ctl, bell, rung, Math.min(ms, 50));
      continue;
    }
    // Go idle. If this makes every processor idle with no message in flight — both read in
    // one atomic step — nothing can ever happen again: stop the machine.
    const activity = Atomics.add(ctl, CTL_ACTIVITY, k * IDLE_UNIT) + k * IDLE_UNIT;
    if (activity === cpus * IDLE_UNIT) {
      stop(ctl, HALT_IDLE, workers);
      break;
    }
    Atomics.wait(ctl, bell, rung, 50);
    Atomics.sub(ctl, CTL_ACTIVITY, k * IDLE_UNIT);
  }
  Atomics.add(ctl, CTL_DONE, k);
  // Stopped because nothing could happen: whatever is still blocked is deadlocked (every
  // processor is idle, so these lists no longer change).
  const idle = Atomics.load(ctl, CTL_HALT) === HALT_IDLE;
  return sw.map((s) => (idle ? s.blocked() : []));
}

export interface WorkerResult {
  cpu: number;
  result?: unknown;
  error?: string;
  /** The processor's blocked threads when the machine stopped for idleness (WorkerHost.serve). */
  blocked?: string[];
}

export interface ParallelRun {
  /** One per processor, in processor order. */
  results: WorkerResult[];
  /** The deadlock report (port.ts deadlockReport) if the machine stopped with threads blocked. */
  deadlock?: string;
}

/**
 * On the main thread: start `workers` workers (default one per processor) running
 * `workerUrl`, which calls attachWorker(workerData) and posts one WorkerResult per hosted
 * processor; wait for all of them. Worker w hosts a contiguous block of processors. `input`
 * is the host input device (default none); its owner (the caller) closes it.
 */
export async function runParallel(
  workerUrl: URL,
  mem: PhysicalMemory,
  topo: Topology,
  layout: MachineLayout,
  user: unknown,
  cost: CostModel = DEFAULT_COST,
  workers = topo.cpus,
  input: HostInput = HostInput.open({ kind: "none" }),
): Promise<ParallelRun> {
  const nw = Math.max(1, Math.min(workers, topo.cpus, CTL_WORDS - CTL_DOORBELL));
  const workerOf = [...Array(topo.cpus).keys()].map((c) => Math.floor((c * nw) / topo.cpus));
  const epochMs = performance.timeOrigin + performance.now();
  const results: WorkerResult[] = [];
  const done: Promise<void>[] = [];
  const ctl = new Int32Array(mem.buffer, layout.control, CTL_WORDS);
  // A failing worker must not leave the others sleeping forever.
  const haltAll = (): void => stop(ctl, HALT_STOP, nw);
  for (let w = 0; w < nw; w++) {
    const cpus = workerOf.flatMap((x, c) => (x === w ? [c] : []));
    const boot: ParallelBoot = {
      memory: mem.wasm, memConfig: mem.config, topology: { cpus: topo.cpus, nodes: topo.nodes },
      cost, layout, epochMs, worker: w, cpus, workerOf, input: input.shared, user,
    };
    const wk = new Worker(workerUrl, { workerData: boot });
    done.push(new Promise<void>((resolve) => {
      const got = new Set<number>();
      wk.on("message", (m: WorkerResult) => {
        got.add(m.cpu);
        results.push(m);
        if (m.error !== undefined) haltAll();
      });
      wk.on("error", (e) => {
        for (const c of cpus) if (!got.has(c)) results.push({ cpu: c, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        for (const c of cpus) got.add(c);
        haltAll();
      });
      wk.on("exit", (code) => {
        const missing = cpus.filter((c) => !got.has(c));
        for (const c of missing) results.push({ cpu: c, error: `worker ${w} exited (${code}) without a result for cpu ${c}` });
        if (missing.length > 0) haltAll();
        resolve();
      });
    }));
  }
  await Promise.all(done);
  results.sort((a, b) => a.cpu - b.cpu);
  const clean = results.every((r) => r.error === undefined);
  const deadlock = clean && Atomics.load(ctl, CTL_HALT) === HALT_IDLE ? deadlockReport(results.flatMap((r) => r.blocked ?? [])) : undefined;
  return deadlock === undefined ? { results } : { results, deadlock };
}
