// Parallel run mode: one worker thread per processor, all attached to the same shared physical
// memory. Real time (nanoseconds since boot) is the clock; the cost hooks are free, because the
// host's own caches and cores are now the machine. A processor with nothing to do sleeps on its
// ring (Atomics.wait on the ring's count, woken only on empty → non-empty). The machine stops
// when a processor halts it, or when every processor is idle and no message is in flight
// (the control block in layout.ts counts both in one word, read atomically).

import { Worker } from "node:worker_threads";
import { DEFAULT_COST, type CostModel } from "./cost.js";
import { CTL_ACTIVITY, CTL_DONE, CTL_HALT, IDLE_UNIT, type MachineLayout } from "./layout.js";
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
  cpu: number;
  /** Boot data of the software above the machine. */
  user: unknown;
}

class ParallelPort implements ProcessorPort {
  readonly clockUnit = "ns";
  private readonly ctl: Int32Array;
  private readonly rings: Ring[];
  private readonly originOffsetMs: number;

  constructor(
    readonly cpu: number,
    readonly mem: PhysicalMemory,
    readonly topology: Topology,
    readonly cost: CostModel,
    layout: MachineLayout,
    epochMs: number,
  ) {
    this.ctl = new Int32Array(mem.buffer, layout.control, 16);
    this.rings = layout.rings.map((a) => new Ring(mem.buffer, a, layout.ringCapacity));
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
    if (r === Push.Woke) this.rings[to].wake();
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
    for (const r of this.rings) r.wake();
  }

  halted(): boolean {
    return Atomics.load(this.ctl, CTL_HALT) !== 0;
  }

  /** The worker's run loop: slices while there is work, sleeps on the ring when idle. */
  serve(sw: ProcessorSoftware): void {
    const n = this.topology.cpus;
    while (!this.halted()) {
      const timer = sw.nextTimer();
      if (sw.runnable() || this.ring.count > 0 || timer <= this.now()) {
        sw.slice();
        continue;
      }
      if (timer !== Infinity) {
        const ms = (timer - this.now()) / 1e6;
        if (ms > 0) this.ring.wait(Math.min(ms, 50));
        continue;
      }
      // Go idle. If this makes every processor idle with no message in flight — both read in
      // one atomic step — nothing can ever happen again: stop the machine.
      const activity = Atomics.add(this.ctl, CTL_ACTIVITY, IDLE_UNIT) + IDLE_UNIT;
      if (activity === n * IDLE_UNIT) {
        this.halt();
        break;
      }
      this.ring.wait(50);
      Atomics.sub(this.ctl, CTL_ACTIVITY, IDLE_UNIT);
    }
    Atomics.add(this.ctl, CTL_DONE, 1);
  }
}

/** In a worker: attach to the machine described by `boot` and return this processor's port. */
export function attachProcessor(boot: ParallelBoot): ProcessorPort & { serve(sw: ProcessorSoftware): void } {
  const mem = new PhysicalMemory(boot.memConfig, boot.memory);
  // Quanta are real time here: a kernel thread runs up to 1 ms before its next safe point yields.
  const cost: CostModel = { ...boot.cost, kernelQuantum: PARALLEL_KERNEL_QUANTUM_NS };
  return new ParallelPort(boot.cpu, mem, new Topology(boot.topology), cost, boot.layout, boot.epochMs);
}

export interface WorkerResult {
  cpu: number;
  result?: unknown;
  error?: string;
}

/**
 * On the main thread: start one worker per processor running `workerUrl` (which calls
 * attachProcessor(workerData) and eventually posts one WorkerResult), wait for all of them.
 */
export async function runParallel(
  workerUrl: URL,
  mem: PhysicalMemory,
  topo: Topology,
  layout: MachineLayout,
  user: unknown,
  cost: CostModel = DEFAULT_COST,
): Promise<WorkerResult[]> {
  const epochMs = performance.timeOrigin + performance.now();
  const results: WorkerResult[] = [];
  const done: Promise<void>[] = [];
  const ctl = new Int32Array(mem.buffer, layout.control, 16);
  // A failing worker must not leave the others sleeping forever.
  const haltAll = (): void => {
    Atomics.store(ctl, CTL_HALT, 1);
    for (const a of layout.rings) new Ring(mem.buffer, a, layout.ringCapacity).wake();
  };
  for (let cpu = 0; cpu < topo.cpus; cpu++) {
    const boot: ParallelBoot = {
      memory: mem.wasm, memConfig: mem.config, topology: { cpus: topo.cpus, nodes: topo.nodes },
      cost, layout, epochMs, cpu, user,
    };
    const w = new Worker(workerUrl, { workerData: boot });
    done.push(new Promise<void>((resolve) => {
      let got = false;
      w.on("message", (m: WorkerResult) => {
        got = true;
        results.push(m);
        if (m.error !== undefined) haltAll();
      });
      w.on("error", (e) => {
        got = true;
        results.push({ cpu, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        haltAll();
      });
      w.on("exit", (code) => {
        if (!got) {
          results.push({ cpu, error: `worker for cpu ${cpu} exited (${code}) without a result` });
          haltAll();
        }
        resolve();
      });
    }));
  }
  await Promise.all(done);
  results.sort((a, b) => a.cpu - b.cpu);
  return results;
}
