// The deterministic mode's model of contended shared memory: each 128-byte line of shared
// kernel data has a holder. A processor that reads a line it shares, or writes one it holds
// exclusively, pays a hit; otherwise the line must move to it, which takes lineTransfer cycles
// by distance and is serialised: a line in transit cannot move again until it has arrived.
// This is what makes a shared counter stop scaling while per-processor counters scale.
// One instance per machine (owned by the deterministic driver; never module-level).

import type { CostModel } from "./cost.js";
import type { Topology } from "./topology.js";

export const LINE_SHIFT = 7;

interface Line {
  /** Processor holding the line exclusively (after a write), or -1 if only shared. */
  owner: number;
  /** Bit mask of processors holding a copy (cpus < 32 in lo, >= 32 in hi). */
  lo: number;
  hi: number;
  /** Virtual time at which the line's last transfer completes. */
  freeAt: number;
  /** Last processor to touch it (source of the next transfer). */
  last: number;
}

export interface AccessCost {
  /** Total cycles the access costs the processor (waiting + transfer or hit). */
  cycles: number;
  /** Cycles of that spent waiting for the line to be free (contention). */
  waited: number;
}

export class Coherence {
  private readonly lines = new Map<number, Line>();
  readonly result: AccessCost = { cycles: 0, waited: 0 };
  transfers = 0;
  contendedCycles = 0;

  constructor(private readonly topo: Topology, private readonly cost: CostModel) {}

  /** Cost of an access by `cpu` at virtual time `now` to byte address `addr`. The result object is reused. */
  access(cpu: number, now: number, addr: number, write: boolean): AccessCost {
    const key = addr >>> LINE_SHIFT;
    let l = this.lines.get(key);
    if (l === undefined) {
      l = { owner: -1, lo: 0, hi: 0, freeAt: 0, last: -1 };
      this.lines.set(key, l);
    }
    const r = this.result;
    const has = cpu < 32 ? (l.lo >>> cpu) & 1 : (l.hi >>> (cpu - 32)) & 1;
    const hit = write ? l.owner === cpu : has === 1;
    if (hit) {
      r.cycles = this.cost.lineHit;
      r.waited = 0;
      return r;
    }
    const start = Math.max(now, l.freeAt);
    const dist = l.last < 0 ? 0 : this.topo.distance(l.last, cpu) === 2 ? 2 : 1;
    const transfer = this.cost.lineTransfer[dist];
    l.freeAt = start + transfer;
    l.last = cpu;
    if (write) {
      l.owner = cpu;
      l.lo = 0;
      l.hi = 0;
    } else if (l.owner !== -1 && l.owner !== cpu) {
      l.owner = -1; // the writer keeps a shared copy
    }
    if (cpu < 32) l.lo |= 1 << cpu;
    else l.hi |= 1 << (cpu - 32);
    this.transfers++;
    r.waited = start - now;
    r.cycles = r.waited + transfer;
    this.contendedCycles += r.waited;
    return r;
  }
}
