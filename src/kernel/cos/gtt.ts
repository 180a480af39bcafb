// The global translation table (GTT): one entry per clustered-object id, in shared memory, the
// same index space on every processor. Each processor allocates ids from its own partition
// (K42's per-VP partitions, without K42's global lock), so creating an object needs no
// cross-processor coordination.
//
// Entry layout (8 int32 words = 32 bytes), changed only with Atomics:
//   0 state    bits 0..15 misses in progress (mhcount), then the flags below
//   1 type     the object type's numeric id (the per-processor type registry maps it to code)
//   2 kind     RootKind | clusterSize << 8
//   3 shared   byte address of the object's shared state (0 = none)
//   4 seq      incremented each time the id is freed (stale-reference detection)
//   5 reps lo  processors (0..31) whose translation table maps the object (K42's transSet)
//   6 reps hi  processors 32..63
//   7 home     processor that created the object (it owns the id's partition)

import type { ProcessorPort } from "../../machine/port.js";

export const ENTRY_WORDS = 8;
/** Ids per processor partition. Id = cpu * PARTITION + index; index 0 is never used. */
export const PARTITION = 16384;
/** Ids 1..WELL_KNOWN-1 of partition 0 are well-known objects, created identically by every processor. */
export const WELL_KNOWN = 256;

export const enum Gte {
  State = 0, Type = 1, Kind = 2, Shared = 3, Seq = 4, RepsLo = 5, RepsHi = 6, Home = 7,
}

export const enum GteFlag {
  MissMask = 0xffff,
  Allocated = 1 << 16,
  /** A hot-swap is in progress (K42 `switching`). */
  Switching = 1 << 17,
  /** Destruction requested: no new misses succeed (K42 `destroying`). */
  Destroying = 1 << 18,
  /** Per-processor cleanup done; the id waits for a last quiescence before reuse. */
  Cleaned = 1 << 19,
  /** The entry is being written (initialisation by a well-known creator). */
  Writing = 1 << 20,
}

export class Gtt {
  readonly i32: Int32Array;
  private readonly base: number;

  constructor(private readonly port: ProcessorPort, readonly addr: number, readonly entries: number) {
    this.i32 = port.mem.i32;
    this.base = addr >>> 2;
  }

  static bytesFor(cpus: number): number {
    return cpus * PARTITION * ENTRY_WORDS * 4;
  }

  /** Word index of field `f` of entry `id` (charged to the coherence model as one access). */
  w(id: number, f: Gte, write = false): number {
    this.port.touch(this.addr + (id * ENTRY_WORDS + f) * 4, write);
    return this.base + id * ENTRY_WORDS + f;
  }

  get(id: number, f: Gte): number {
    return Atomics.load(this.i32, this.w(id, f));
  }

  set(id: number, f: Gte, v: number): void {
    Atomics.store(this.i32, this.w(id, f, true), v);
  }

  cas(id: number, f: Gte, expected: number, v: number): number {
    return Atomics.compareExchange(this.i32, this.w(id, f, true), expected, v);
  }

  valid(id: number): boolean {
    return Number.isInteger(id) && id > 0 && id < this.entries;
  }

  /** Record that processor `cpu` maps the object. */
  addRep(id: number, cpu: number): void {
    if (cpu < 32) Atomics.or(this.i32, this.w(id, Gte.RepsLo, true), 1 << cpu);
    else Atomics.or(this.i32, this.w(id, Gte.RepsHi, true), 1 << (cpu - 32));
  }

  removeRep(id: number, cpu: number): void {
    if (cpu < 32) Atomics.and(this.i32, this.w(id, Gte.RepsLo, true), ~(1 << cpu));
    else Atomics.and(this.i32, this.w(id, Gte.RepsHi, true), ~(1 << (cpu - 32)));
  }

  /** Processors whose translation tables map the object. */
  reps(id: number): number[] {
    const lo = this.get(id, Gte.RepsLo), hi = this.get(id, Gte.RepsHi);
    const out: number[] = [];
    for (let c = 0; c < 32; c++) if ((lo >>> c) & 1) out.push(c);
    for (let c = 0; c < 32; c++) if ((hi >>> c) & 1) out.push(c + 32);
    return out;
  }
}
