// Kernel data shared between processors lives in physical memory and is reached through these
// views. Every access goes through the processor's port, so the deterministic mode charges it
// to the coherence model (a contended line costs transfers and waiting, and shows in the trace
// as Mem/LineWait); in parallel mode the host's caches do the same for real.

import type { ProcessorPort } from "../machine/port.js";
import { PAGE_SIZE } from "../machine/memory.js";
import type { TraceWriter } from "./trace/writer.js";
import { Major, Mem } from "./trace/events.js";

export const LINE = 128;

/** A block of int32 words at byte address `addr` of shared memory. */
export class SharedWords {
  private readonly i32: Int32Array;
  private readonly base: number;

  constructor(
    private readonly port: ProcessorPort,
    private readonly trace: TraceWriter,
    readonly addr: number,
    /** Object id for trace events (0: none). */
    readonly obj = 0,
  ) {
    this.i32 = port.mem.i32;
    this.base = addr >>> 2;
  }

  private charge(i: number, write: boolean): void {
    const waited = this.port.touch(this.addr + i * 4, write);
    if (waited > 0) this.trace.ev3(Major.Mem, Mem.LineWait, this.addr + i * 4, waited, this.obj);
  }

  load(i: number): number {
    this.charge(i, false);
    return Atomics.load(this.i32, this.base + i);
  }

  store(i: number, v: number): void {
    this.charge(i, true);
    Atomics.store(this.i32, this.base + i, v);
  }

  /** Atomic add; returns the previous value. */
  add(i: number, v: number): number {
    this.charge(i, true);
    return Atomics.add(this.i32, this.base + i, v);
  }

  /** Atomic compare-and-swap; returns the previous value. */
  cas(i: number, expected: number, v: number): number {
    this.charge(i, true);
    return Atomics.compareExchange(this.i32, this.base + i, expected, v);
  }

  or(i: number, v: number): number {
    this.charge(i, true);
    return Atomics.or(this.i32, this.base + i, v);
  }
}

/**
 * Per-processor allocator of cache-line-padded shared blocks (K42's AllocGlobalPadded): carves
 * lines out of frames taken from the processor's NUMA node. Freed blocks go back to this
 * processor's list (the caller defers frees past quiescence).
 */
export class SharedHeap {
  private cur = 0;
  private end = 0;
  private readonly free = new Map<number, number[]>();
  allocated = 0;

  constructor(private readonly port: ProcessorPort) {}

  /** A zeroed block of at least `bytes`, aligned to a 128-byte line. */
  alloc(bytes: number): number {
    const size = Math.max(LINE, Math.ceil(bytes / LINE) * LINE);
    const fl = this.free.get(size);
    if (fl !== undefined && fl.length > 0) {
      const a = fl.pop() as number;
      this.port.mem.bytes.fill(0, a, a + size);
      this.allocated += size;
      return a;
    }
    const node = Math.min(this.port.topology.nodeOf(this.port.cpu), this.port.mem.nodes.length - 1);
    if (size > PAGE_SIZE) {
      this.allocated += size;
      return this.port.mem.allocContiguous(Math.ceil(size / PAGE_SIZE), node);
    }
    if (this.cur + size > this.end) {
      this.cur = this.port.mem.allocContiguous(1, node);
      this.end = this.cur + PAGE_SIZE;
    }
    const a = this.cur;
    this.cur += size;
    this.allocated += size;
    return a;
  }

  release(addr: number, bytes: number): void {
    const size = Math.max(LINE, Math.ceil(bytes / LINE) * LINE);
    if (size > PAGE_SIZE) return; // large blocks are machine structures, kept
    let fl = this.free.get(size);
    if (fl === undefined) this.free.set(size, (fl = []));
    fl.push(addr);
    this.allocated -= size;
  }
}
