// The page allocator (K42's PageAllocatorKern): where every frame of guest memory and of page
// tables comes from. Two implementations of one interface, chosen per machine at boot
// (`k42 run --object PageAllocator=…`) and hot-swappable while the machine runs:
//
//   PageAllocatorNuma    one representative per NUMA node (a cluster of the node's processors;
//                        one per processor if the processors do not split evenly into nodes),
//                        taking frames from its node first and falling back to the others
//                        (every other node is one hop away on this machine); its counters
//                        live in the rep's own cache lines, so allocation on different nodes
//                        shares no line. K42's clustered allocator.
//   PageAllocatorShared  one representative for the whole machine behind one lock word, with
//                        no notion of locality: frames come from the lowest node that has one.
//                        The contrast the scalability study measures.
//
// Both follow a memory policy when the caller passes one (set_mempolicy/mbind): the nodes to
// try in order and whether falling back outside them is allowed. The frame lists themselves
// are the machine's (memory.ts, per node, in shared memory); the allocator decides the node.
// State transfer (format ALLOC_COUNTS): frames allocated and freed per node.

import { OutOfMemoryError, type PhysicalMemory } from "../../machine/memory.js";
import { RootKind, type ExportedState, type ObjectType, type RepContext, type TransferTarget } from "../cos/types.js";
import type { SharedWords } from "../shared.js";
import { acquire, release } from "./lock.js";
import { Major, Mem } from "../trace/events.js";

/** Nodes to take a frame from, in order; `strict`: never fall back to other nodes (MPOL_BIND). */
export interface NodeChoice {
  readonly nodes: readonly number[];
  readonly strict: boolean;
}

export interface PageAllocator {
  /** The node this rep serves (the node of its processor; 0 for the shared allocator). */
  readonly node: number;
  /** A zeroed frame (physical address); OutOfMemoryError when none is left where allowed. */
  alloc(choice?: NodeChoice): number;
  free(pa: number): void;
  /** Frames allocated and freed per node through this rep (since boot or the last import). */
  counts(): { allocated: number[]; freed: number[] };
}

/** Nodes counted per rep (machines have at most 64 processors, so at most 64 nodes). */
const MAX_NODES = 64;
/** Words of a rep's block: lock, then allocated[MAX_NODES], freed[MAX_NODES]. */
const LOCK = 0, ALLOCATED = 1, FREED = 1 + MAX_NODES;
const BLOCK_BYTES = (1 + 2 * MAX_NODES) * 4;

/** State-transfer format: { allocated: number[], freed: number[] } totals per node. */
export const ALLOC_COUNTS = 1;

abstract class AllocatorRep implements PageAllocator {
  protected readonly mem: PhysicalMemory;
  protected readonly nodes: number;
  constructor(protected readonly ctx: RepContext, protected readonly w: SharedWords, readonly node: number) {
    this.mem = ctx.k.port.mem;
    this.nodes = this.mem.nodes.length;
  }

  /** Nodes to try when no policy says otherwise. */
  protected abstract order(): readonly number[];

  alloc(choice?: NodeChoice): number {
    const tryNodes = choice?.nodes ?? this.order();
    for (const n of tryNodes) {
      const pa = this.take(n);
      if (pa >= 0) return pa;
    }
    if (choice !== undefined && !choice.strict) {
      for (const n of this.order()) {
        const pa = this.take(n);
        if (pa >= 0) return pa;
      }
    }
    throw new OutOfMemoryError(tryNodes[0] ?? this.node);
  }

  protected take(n: number): number {
    if (n < 0 || n >= this.nodes) return -1;
    const pa = this.mem.allocFrameOn(n);
    if (pa >= 0) {
      if (n < MAX_NODES) this.w.add(ALLOCATED + n, 1);
      this.ctx.k.trace.ev2(Major.Mem, Mem.FrameAlloc, pa, n);
    }
    return pa;
  }

  free(pa: number): void {
    const n = this.mem.nodeOfFrame(pa >>> 12).id;
    this.ctx.k.trace.ev2(Major.Mem, Mem.FrameFree, pa, n);
    this.mem.freeFrame(pa);
    if (n < MAX_NODES) this.w.add(FREED + n, 1);
  }

  counts(): { allocated: number[]; freed: number[] } {
    return countsOf({ clusters: 1, block: () => this.w }, this.nodes);
  }
}

class NumaRep extends AllocatorRep {
  private readonly fallback: readonly number[];
  constructor(ctx: RepContext) {
    super(ctx, ctx.shared as SharedWords, ctx.k.topology.nodeOf(ctx.cpu));
    // Own node first, then the others (all one hop away), nearest id first.
    const n = this.nodes;
    this.fallback = Array.from({ length: n }, (_, i) => (this.node + i) % n);
  }
  protected order(): readonly number[] {
    return this.fallback;
  }
}

class SharedRep extends AllocatorRep {
  private readonly all: readonly number[];
  constructor(ctx: RepContext) {
    super(ctx, ctx.shared as SharedWords, 0);
    this.all = Array.from({ length: this.nodes }, (_, i) => i);
  }
  protected order(): readonly number[] {
    return this.all;
  }
  // One lock for the machine: every allocation and free takes the same line.
  override alloc(choice?: NodeChoice): number {
    acquire(this.w, LOCK);
    try {
      return super.alloc(choice);
    } finally {
      release(this.w, LOCK);
    }
  }
  override free(pa: number): void {
    acquire(this.w, LOCK);
    try {
      super.free(pa);
    } finally {
      release(this.w, LOCK);
    }
  }
}

/** Totals per node over the blocks of `src`. */
function countsOf(src: { clusters: number; block(c: number): SharedWords }, nodes: number): { allocated: number[]; freed: number[] } {
  const allocated = new Array<number>(nodes).fill(0), freed = new Array<number>(nodes).fill(0);
  for (let c = 0; c < src.clusters; c++) {
    const b = src.block(c);
    for (let n = 0; n < Math.min(nodes, MAX_NODES); n++) {
      allocated[n] += b.load(ALLOCATED + n);
      freed[n] += b.load(FREED + n);
    }
  }
  return { allocated, freed };
}

const transfer = {
  exports: [ALLOC_COUNTS],
  imports: [ALLOC_COUNTS],
  exportShared: (_fmt: number, src: TransferTarget) => countsOf(src, MAX_NODES),
  importState: (_fmt: number, from: ExportedState, into: TransferTarget): undefined => {
    const c = from.shared as { allocated: number[]; freed: number[] };
    const b = into.block(0);
    for (let n = 0; n < MAX_NODES; n++) {
      b.store(ALLOCATED + n, c.allocated[n] ?? 0);
      b.store(FREED + n, c.freed[n] ?? 0);
    }
    return undefined;
  },
} as const;

/**
 * The clustered allocator for a machine whose NUMA nodes have `cpusPerNode` processors each
 * (one rep per node), or undefined when they do not split evenly (one rep per processor).
 * One type object per processor's registry; every processor of a machine builds the same one.
 */
export function pageAllocatorNuma(cpusPerNode: number | undefined): ObjectType<PageAllocator> {
  return {
    id: 0x201,
    name: "PageAllocatorNuma",
    ...(cpusPerNode === undefined ? { kind: RootKind.PerProcessor } : { kind: RootKind.PerCluster, clusterSize: cpusPerNode }),
    sharedBytes: BLOCK_BYTES,
    create: (ctx) => new NumaRep(ctx),
    ...transfer,
    gatherOps: { counts: (r) => r.counts() },
  };
}

export const PageAllocatorShared: ObjectType<PageAllocator> = {
  id: 0x202,
  name: "PageAllocatorShared",
  kind: RootKind.Shared,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new SharedRep(ctx),
  ...transfer,
  gatherOps: { counts: (r) => r.counts() },
};

/** Machine-wide totals of an allocator object, read from its shared blocks directly. */
export function allocatorTotals(blocks: { clusters: number; block(c: number): SharedWords }, nodes: number): { allocated: number[]; freed: number[] } {
  return countsOf(blocks, nodes);
}
