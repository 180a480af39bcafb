// Parallel run mode: worker threads in real time, all attached to the same shared physical
// memory; each worker hosts one processor (the default) or several consecutive ones, which it
// runs in turn. Real time (nanoseconds since boot) is the clock; the cost hooks are free,
// because the host's own caches and cores are now the machine. A worker whose processors have
// nothing to do sleeps on its doorbell word (Atomics.wait), rung by a sender only when it takes
// one of the worker's rings from empty to non-empty. The machine stops when a processor halts
// it, or when every processor is idle and no message is in flight (the control block in
// layout.ts counts both in one word, read atomically).

import { Worker } from "node:worker_threads";
import { DEFAULT_COST, type CostModel } from "./cost.js";
import { CTL_ACTIVITY, CTL_DOORBELL, CTL_DONE, CTL_HALT, CTL_WORDS, IDLE_UNIT, type MachineLayout } from "./layout.js";
import { PhysicalMemory, type MemoryConfig } from "./memory.js";
import type { ProcessorPort, ProcessorSoftware } from "./port.js";
import { Push, Ring, type RingMessage } from "./ring.js";
import { Topology, type TopologyConfig } from "./topology.js";

export const PARALLEL_KERNEL_QUANTUM_NS = 1_000_000;

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
  /** Boot data of the software above the machine. */
  user: unknown;
}

class ParallelPort implements ProcessorPort {
  readonly clockUnit = "ns";
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

  halt(): void {
    Atomics.store(this.ctl, CTL_HALT, 1);
    for (let w = 0; w <= Math.max(...this.workerOf); w++) ring(this.ctl, w);
  }

  halted(): boolean {
    return Atomics.load(this.ctl, CTL_HALT) !== 0;
  }
}

/** Ring worker `w`'s doorbell: wake it if it sleeps. */
function ring(ctl: Int32Array, w: number): void {
  Atomics.add(ctl, CTL_DOORBELL + w, 1);
  Atomics.notify(ctl, CTL_DOORBELL + w, 1);
}

/** The processors of one worker, attached to the machine. */
export interface WorkerHost {
  readonly ports: ProcessorPort[];
  /** Run the processors until the machine stops. */
  serve(software: readonly ProcessorSoftware[]): void;
}

/** In a worker: attach to the machine described by `boot`; one port per hosted processor. */
export function attachWorker(boot: ParallelBoot): WorkerHost {
  const mem = new PhysicalMemory(boot.memConfig, boot.memory);
  const topo = new Topology(boot.topology);
  // Quanta are real time here: a kernel thread runs up to 1 ms before its next safe point yields.
  const cost: CostModel = { ...boot.cost, kernelQuantum: PARALLEL_KERNEL_QUANTUM_NS };
  const ctl = new Int32Array(mem.buffer, boot.layout.control, CTL_WORDS);
  const rings = boot.layout.rings.map((a) => new Ring(mem.buffer, a, boot.layout.ringCapacity));
  const ports = boot.cpus.map((c) => new ParallelPort(c, mem, topo, cost, ctl, rings, boot.workerOf, boot.epochMs));
  return {
    ports,
    serve: (software) => serveWorker(ctl, ports, software, boot.worker, topo.cpus),
  };
}

/**
 * The worker's loop: give every hosted processor with work a slice, in turn; when none has
 * any, go idle (all of them at once) and sleep on the doorbell.
 */
function serveWorker(ctl: Int32Array, ports: ParallelPort[], sw: readonly ProcessorSoftware[], worker: number, cpus: number): void {
  const bell = CTL_DOORBELL + worker;
  const k = ports.length;
  while (Atomics.load(ctl, CTL_HALT) === 0) {
    // Read the doorbell before looking for work: a message that arrives after the look rings
    // it, so the wait below returns at once.
    const rung = Atomics.load(ctl, bell);
    let worked = false;
    let timer = Infinity;
    for (let i = 0; i < k; i++) {
      const t = sw[i].nextTimer();
      if (sw[i].runnable() || ports[i].ring.count > 0 || t <= ports[i].now()) {
        sw[i].slice();
        worked = true;
      } else if (t < timer) timer = t;
    }
    if (worked) continue;
    if (timer !== Infinity) {
      const ms = (timer - ports[0].now()) / 1e6;
      if (ms > 0) Atomics.wait(ctl, bell, rung, Math.min(ms, 50));
      continue;
    }
    // Go idle. If this makes every processor idle with no message in flight — both read in
    // one atomic step — nothing can ever happen again: stop the machine.
    const activity = Atomics.add(ctl, CTL_ACTIVITY, k * IDLE_UNIT) + k * IDLE_UNIT;
    if (activity === cpus * IDLE_UNIT) {
      ports[0].halt();
      break;
    }
    Atomics.wait(ctl, bell, rung, 50);
    Atomics.sub(ctl, CTL_ACTIVITY, k * IDLE_UNIT);
  }
  Atomics.add(ctl, CTL_DONE, k);
}

export interface WorkerResult {
  cpu: number;
  result?: unknown;
  error?: string;
}

/**
 * On the main thread: start `workers` workers (default one per processor) running
 * `workerUrl`, which calls attachWorker(workerData) and posts one WorkerResult per hosted
 * processor; wait for all of them. Worker w hosts a contiguous block of processors.
 */
export async function runParallel(
  workerUrl: URL,
  mem: PhysicalMemory,
  topo: Topology,
  layout: MachineLayout,
  user: unknown,
  cost: CostModel = DEFAULT_COST,
  workers = topo.cpus,
): Promise<WorkerResult[]> {
  const nw = Math.max(1, Math.min(workers, topo.cpus, CTL_WORDS - CTL_DOORBELL));
  const workerOf = [...Array(topo.cpus).keys()].map((c) => Math.floor((c * nw) / topo.cpus));
  const epochMs = performance.timeOrigin + performance.now();
  const results: WorkerResult[] = [];
  const done: Promise<void>[] = [];
  const ctl = new Int32Array(mem.buffer, layout.control, CTL_WORDS);
  // A failing worker must not leave the others sleeping forever.
  const haltAll = (): void => {
    Atomics.store(ctl, CTL_HALT, 1);
    for (let w = 0; w < nw; w++) ring(ctl, w);
  };
  for (let w = 0; w < nw; w++) {
    const cpus = workerOf.flatMap((x, c) => (x === w ? [c] : []));
    const boot: ParallelBoot = {
      memory: mem.wasm, memConfig: mem.config, topology: { cpus: topo.cpus, nodes: topo.nodes },
      cost, layout, epochMs, worker: w, cpus, workerOf, user,
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
  return results;
}
