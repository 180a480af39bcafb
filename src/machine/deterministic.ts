// Deterministic run mode: every processor on this one JS thread, each with a virtual clock in
// cycles. The driver always runs the processor whose next event is earliest (ties: lowest id),
// one slice at a time, so a run is a pure function of its input. Messages are stamped with
// their arrival time (send time + latency by NUMA distance) and taken in arrival order; a
// processor busy in a slice takes them only when the slice ends, which is how messages queue
// at a busy processor. Shared lines are charged by the coherence model (coherence.ts).
//
// Idle time: when no processor is runnable and no message is in flight, the machine skips
// ahead to its next timer — unless a thread waits for host input and the input is live (a
// pipe or terminal still open): then the driver waits in real time, until input arrives or
// until the real time the next timer is away, and the virtual clocks of the waiting processors
// follow the host's (1 cycle = 1 ns, the 1 GHz model). So a run is a pure function of its
// input when all the input is available up front, and follows the host's pace when it is not.
// With nothing runnable, no message, no timer and no live host input, nothing can ever happen:
// the run ends, with a deadlock report if threads are still blocked.

import { Coherence } from "./coherence.js";
import type { CostModel } from "./cost.js";
import type { PhysicalMemory } from "./memory.js";
import { deadlockReport, type ProcessorPort, type ProcessorSoftware } from "./port.js";
import { HostInput } from "./host-input.js";
import { Push, Ring, type RingMessage } from "./ring.js";
import type { Topology } from "./topology.js";
import type { MachineLayout } from "./layout.js";

interface Pending {
  msg: RingMessage;
  seq: number;
}

class DeterministicPort implements ProcessorPort {
  readonly clockUnit = "cycles";
  readonly selfSendImmediate = false;
  clock = 0;
  /** Messages taken off the ring, ordered by (arrival, sequence): a binary heap. */
  private readonly heap: Pending[] = [];
  private seq = 0;
  messages = 0;
  queuedCycles = 0;

  constructor(
    readonly cpu: number,
    private readonly m: DeterministicMachine,
    readonly ring: Ring,
  ) {}

  get topology(): Topology { return this.m.topology; }
  get mem(): PhysicalMemory { return this.m.mem; }
  get cost(): CostModel { return this.m.cost; }
  get input(): HostInput { return this.m.input; }

  now(): number { return this.clock; }

  charge(cycles: number): void { this.clock += cycles; }

  touch(addr: number, write: boolean): number {
    const r = this.m.coherence.access(this.cpu, this.clock, addr, write);
    this.clock += r.cycles;
    return r.waited;
  }

  send(to: number, kind: number, payload?: Uint8Array): boolean {
    const lat = this.m.cost.messageLatency[this.m.topology.distance(this.cpu, to)];
    const r = this.m.ports[to].ring.push(this.cpu, kind, this.clock + lat, payload);
    return r !== Push.Full;
  }

  receive(): RingMessage | undefined {
    this.pull();
    const h = this.heap;
    if (h.length === 0 || h[0].msg.stamp > this.clock) return undefined;
    const top = this.popHeap();
    this.queuedCycles += this.clock - top.msg.stamp;
    this.clock += this.m.cost.messageService;
    this.messages++;
    return top.msg;
  }

  pending(): boolean {
    if (this.ring.count > 0) this.pull();
    return this.heap.length > 0 && this.heap[0].msg.stamp <= this.clock;
  }

  halt(): void { this.m.stopped = true; }
  halted(): boolean { return this.m.stopped; }

  quietUntil(): number {
    return Math.min(this.nextArrival(), this.m.othersNextEvent(this.cpu));
  }

  /** Earliest arrival among messages not yet received, or Infinity. */
  nextArrival(): number {
    this.pull();
    return this.heap.length === 0 ? Infinity : this.heap[0].msg.stamp;
  }

  private pull(): void {
    for (let m = this.ring.pop(); m !== undefined; m = this.ring.pop()) this.pushHeap({ msg: m, seq: this.seq++ });
  }

  private less(a: Pending, b: Pending): boolean {
    return a.msg.stamp < b.msg.stamp || (a.msg.stamp === b.msg.stamp && a.seq < b.seq);
  }

  private pushHeap(p: Pending): void {
    const h = this.heap;
    let i = h.length;
    h.push(p);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private popHeap(): Pending {
    const h = this.heap;
    const top = h[0];
    const last = h.pop() as Pending;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let s = i;
        if (l < h.length && this.less(h[l], h[s])) s = l;
        if (r < h.length && this.less(h[r], h[s])) s = r;
        if (s === i) break;
        [h[i], h[s]] = [h[s], h[i]];
        i = s;
      }
    }
    return top;
  }
}

export interface DeterministicRunStats {
  /** Virtual cycles at which the last processor finished. */
  cycles: number;
  slices: number;
  perCpu: { cycles: number; messages: number; queuedCycles: number }[];
  lineTransfers: number;
  contendedCycles: number;
  /** Virtual cycles the machine spent idle following the host's clock (waiting for host input). */
  hostWaitCycles: number;
  /**
   * Set when the run ended because nothing could happen any more while threads were blocked
   * (no runnable thread, no message, no timer, no live host input): one line naming each
   * blocked thread and what it waits for (port.ts deadlockReport).
   */
  deadlock?: string;
}

/** Virtual cycles per nanosecond of host time while the machine follows the host's clock (1 GHz). */
export const CYCLES_PER_NS = 1;
/** Longest single Atomics.wait while waiting for host input (the wait repeats). */
const HOST_WAIT_SLICE_MS = 1000;

export class DeterministicMachine {
  readonly ports: DeterministicPort[];
  readonly coherence: Coherence;
  stopped = false;
  /** The software being run (set by run()): what quietUntil asks about the other processors. */
  private software: readonly ProcessorSoftware[] = [];

  constructor(
    readonly mem: PhysicalMemory,
    readonly topology: Topology,
    readonly cost: CostModel,
    layout: MachineLayout,
    /** The host input device (default: none). Its owner closes it. */
    readonly input: HostInput = HostInput.open({ kind: "none" }),
  ) {
    this.coherence = new Coherence(topology, cost);
    this.ports = [];
    for (let c = 0; c < topology.cpus; c++) {
      this.ports.push(new DeterministicPort(c, this, new Ring(mem.buffer, layout.rings[c], layout.ringCapacity)));
    }
  }

  port(cpu: number): ProcessorPort {
    return this.ports[cpu];
  }

  /** When processor c's next event is (the driver's choice rule): now if it is runnable, else its next message or timer. */
  private nextEvent(c: number): number {
    const p = this.ports[c];
    const sw = this.software[c];
    if (sw === undefined) return Infinity;
    if (sw.runnable()) return p.clock;
    return Math.max(p.clock, Math.min(p.nextArrival(), sw.nextTimer()));
  }

  /** The earliest next event of every processor but `me` (Infinity: none has any). */
  othersNextEvent(me: number): number {
    let t = Infinity;
    for (let c = 0; c < this.ports.length; c++) if (c !== me) t = Math.min(t, this.nextEvent(c));
    return t;
  }

  /**
   * Run until every processor is idle (nothing runnable, no message in flight, no timer, no
   * thread waiting for live host input) or a processor halts the machine, or `maxCycles` of
   * virtual time pass.
   */
  run(software: readonly ProcessorSoftware[], maxCycles = Infinity, every4k?: () => void): DeterministicRunStats {
    let slices = 0;
    let hostWaitCycles = 0;
    let deadlock: string | undefined;
    const n = this.ports.length;
    this.software = software;
    while (!this.stopped) {
      let best = -1;
      let bestT = Infinity;
      let busy = false;
      let frontier = 0;
      for (let c = 0; c < n; c++) {
        const p = this.ports[c];
        const sw = software[c];
        const runnable = sw.runnable();
        const arrival = runnable ? Infinity : p.nextArrival();
        if (runnable || arrival !== Infinity) busy = true;
        const t = runnable ? p.clock : Math.max(p.clock, Math.min(arrival, sw.nextTimer()));
        if (t < bestT) {
          bestT = t;
          best = c;
        }
        if (p.clock > frontier) frontier = p.clock;
      }
      // Idle until bestT (a timer, or never): wait for the host instead if it may still send input.
      if (!busy && bestT > frontier && this.input.live && software.some((sw) => sw.waitsForHost())) {
        const limit = Math.min(bestT, maxCycles);
        const at = this.waitForHost(frontier, limit);
        hostWaitCycles += (at ?? limit) - frontier;
        if (at !== undefined) {
          for (let c = 0; c < n; c++) {
            if (software[c].waitsForHost() && this.ports[c].clock < at) this.ports[c].clock = at;
          }
          continue;
        }
        if (bestT > maxCycles) break;
      }
      if (best < 0) {
        deadlock = deadlockReport(software.flatMap((sw) => sw.blocked()));
        break;
      }
      if (bestT > maxCycles) break;
      const p = this.ports[best];
      if (p.clock < bestT) p.clock = bestT;
      software[best].slice();
      if ((++slices & 4095) === 0 && every4k !== undefined) every4k();
    }
    return {
      cycles: Math.max(...this.ports.map((p) => p.clock)),
      slices,
      perCpu: this.ports.map((p) => ({ cycles: p.clock, messages: p.messages, queuedCycles: p.queuedCycles })),
      lineTransfers: this.coherence.transfers,
      contendedCycles: this.coherence.contendedCycles,
      hostWaitCycles,
      ...(deadlock !== undefined ? { deadlock } : {}),
    };
  }

  /**
   * Wait in real time for host input, the virtual clock running from `from` at 1 cycle per ns,
   * until input is readable (returns the virtual time it arrived, at most `limit`) or the clock
   * reaches `limit` (returns undefined: the next timer is due, or maxCycles passed).
   */
  private waitForHost(from: number, limit: number): number | undefined {
    const t0 = performance.now();
    for (;;) {
      const v = from + Math.round((performance.now() - t0) * 1e6 * CYCLES_PER_NS);
      if (this.input.readable()) return Math.min(v, limit);
      if (v >= limit) return undefined;
      this.input.waitForInput(Math.min((limit - v) / CYCLES_PER_NS / 1e6, HOST_WAIT_SLICE_MS));
    }
  }
}
