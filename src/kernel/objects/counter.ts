// Integer counters as clustered objects (K42's usr/intctr.C, Tornado's classic example): one
// interface, two implementations that can be hot-swapped into each other.
//   SharedCounter       one rep for all processors; the count is one word of shared memory,
//                       so every increment moves that line to the incrementing processor.
//   PartitionedCounter  one rep per processor, each counting in its own line; value() sums
//                       all reps' lines (a gather over the reps' shared state).
// State transfer: format COUNTER_VALUE (the total), the one both sides speak.

import type { ExportedState, ObjectType, RepContext, TransferTarget } from "../cos/types.js";
import { RootKind } from "../cos/types.js";
import type { SharedWords } from "../shared.js";

export interface Counter {
  inc(): void;
  add(v: number): void;
  value(): number;
}

/** State-transfer format: the counter's total as a number. */
export const COUNTER_VALUE = 1;

class SharedRep implements Counter {
  constructor(private readonly w: SharedWords) {}
  inc(): void { this.w.add(0, 1); }
  add(v: number): void { this.w.add(0, v); }
  value(): number { return this.w.load(0); }
}

class PartitionedRep implements Counter {
  constructor(readonly w: SharedWords, private readonly ctx: RepContext) {}
  inc(): void { this.w.add(0, 1); }
  add(v: number): void { this.w.add(0, v); }
  value(): number {
    return total(this.ctx);
  }
}

function total(src: { clusters: number; block(c: number): SharedWords }): number {
  let s = 0;
  for (let c = 0; c < src.clusters; c++) s += src.block(c).load(0);
  return s;
}

/** State transfer, the same for both: the total, held by cluster 0's line after an import. */
const transfer = {
  exports: [COUNTER_VALUE],
  imports: [COUNTER_VALUE],
  exportShared: (_fmt: number, src: TransferTarget): number => total(src),
  importState: (_fmt: number, from: ExportedState, into: TransferTarget): undefined => {
    into.block(0).store(0, from.shared as number);
    return undefined;
  },
} as const;

export const SharedCounter: ObjectType<Counter> = {
  id: 0x101,
  name: "SharedCounter",
  kind: RootKind.Shared,
  sharedBytes: 8,
  create: (ctx) => new SharedRep(ctx.shared as SharedWords),
  ...transfer,
  gatherOps: { value: (r) => r.value() },
};

export const PartitionedCounter: ObjectType<Counter> = {
  id: 0x102,
  name: "PartitionedCounter",
  kind: RootKind.PerProcessor,
  sharedBytes: 8,
  create: (ctx) => new PartitionedRep(ctx.shared as SharedWords, ctx),
  ...transfer,
  gatherOps: { local: (r) => (r as PartitionedRep).w.load(0) },
};
