// HAT: the hardware address translation of one address space (K42's HAT): its page table in
// shared memory, the record of which processors may hold translations of it (a bit per
// processor, set when a processor starts running a thread of the space), and shootdown — the
// cross-processor request that removes those translations. A change that takes a
// translation away (munmap, mprotect, mremap, MADV_DONTNEED, a copy-on-write break) is complete
// only when the shootdown is: frames and page-table pages are freed after it, never before.

import { PAGE_SIZE } from "../../machine/memory.js";
import { PageTable, Pte, type Prot } from "../../machine/pagetable.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import type { SharedWords } from "../shared.js";
import type { Block } from "../sched/thread.js";
import { Major, Mem } from "../trace/events.js";
import { hi32, lo32 } from "./va.js";

export interface HAT {
  /** Allocate the root table (once, by the creator). */
  init(): void;
  /** This processor's view of the page table. */
  readonly pt: PageTable;
  map(va: number, pa: number, prot: Prot): void;
  /** The leaf entry of `va` (frame | flags), 0 if unmapped. */
  lookup(va: number): number;
  /** Clear the entries of [start, end); returns how many were present. */
  unmapRange(start: number, end: number): number;
  /**
   * Give the entries of [start, end) protection `prot`: entries that would gain a permission
   * are removed instead (the next access faults and the region decides, e.g. copy-on-write).
   * Returns how many entries changed.
   */
  protectRange(start: number, end: number, prot: Prot): number;
  /** Note that processor `cpu` may hold translations from now on. */
  attach(cpu: number): void;
  /** Forget processor `cpu` (it flushed and runs another space). */
  detach(cpu: number): void;
  /** Processors that may hold translations (for a shootdown), after a full fence. */
  holders(): number[];
  /** Number the next shootdown (for the trace). */
  nextSeq(): number;
  /** The page-table frames, to free when the space is gone (after its last shootdown). */
  tableFrames(): number[];
}

const ROOT = 0, MASK_LO = 1, MASK_HI = 2, SEQ = 3;

class HatRep implements HAT {
  private view: PageTable | undefined;
  constructor(private readonly ctx: RepContext, private readonly w: SharedWords) {}

  get pt(): PageTable {
    if (this.view === undefined) {
      const ms = this.ctx.k.memory;
      if (ms === undefined) throw new Error("memory system not installed");
      const root = this.w.load(ROOT);
      if (root === 0) throw new Error(`HAT ${this.ctx.id} used before init`);
      this.view = new PageTable(this.ctx.k.port.mem, root, ms.tableFrames);
    }
    return this.view;
  }

  init(): void {
    const ms = this.ctx.k.memory;
    if (ms === undefined) throw new Error("memory system not installed");
    this.w.store(ROOT, ms.tableFrames.alloc());
  }

  map(va: number, pa: number, prot: Prot): void {
    this.pt.map(lo32(va), hi32(va), pa, prot);
  }

  lookup(va: number): number {
    return this.pt.lookup(lo32(va), hi32(va));
  }

  unmapRange(start: number, end: number): number {
    let n = 0;
    const pt = this.pt;
    for (let va = start; va < end; va += PAGE_SIZE) if (pt.unmap(lo32(va), hi32(va)) >= 0) n++;
    return n;
  }

  protectRange(start: number, end: number, prot: Prot): number {
    let n = 0;
    const pt = this.pt, all = Pte.Read | Pte.Write | Pte.Exec;
    for (let va = start; va < end; va += PAGE_SIZE) {
      const e = pt.lookup(lo32(va), hi32(va));
      if (e === 0) continue;
      const old = e & all;
      if ((prot & ~old & all) !== 0) pt.unmap(lo32(va), hi32(va));
      else if (old !== (prot & all)) pt.map(lo32(va), hi32(va), e & ~(PAGE_SIZE - 1), prot);
      else continue;
      n++;
    }
    return n;
  }

  attach(cpu: number): void {
    this.w.or(cpu < 32 ? MASK_LO : MASK_HI, 1 << (cpu & 31));
  }

  detach(cpu: number): void {
    const i = cpu < 32 ? MASK_LO : MASK_HI, bit = 1 << (cpu & 31);
    for (;;) {
      const m = this.w.load(i);
      if ((m & bit) === 0 || this.w.cas(i, m, m & ~bit) === m) return;
    }
  }

  holders(): number[] {
    // The atomic add orders the page-table stores before it ahead of the mask reads after it:
    // a processor that attaches later sees the new entries; one attached before is in the mask.
    this.w.add(SEQ, 0);
    const out: number[] = [];
    for (const [i, base] of [[MASK_LO, 0], [MASK_HI, 32]] as const) {
      const m = this.w.load(i);
      for (let b = 0; b < 32; b++) if ((m & (1 << b)) !== 0) out.push(base + b);
    }
    return out;
  }

  nextSeq(): number {
    return this.w.add(SEQ, 1) + 1;
  }

  tableFrames(): number[] {
    return this.pt.tableFrames();
  }
}

export const HATDefault: ObjectType<HAT> = {
  id: 0x231,
  name: "HATDefault",
  kind: RootKind.Shared,
  sharedBytes: 16,
  create: (ctx) => new HatRep(ctx, ctx.shared as SharedWords),
};

/**
 * Remove every translation of address space `hat` from every processor that may hold one:
 * this processor flushes at once, the others on request; returns when all have. Called
 * outside every clustered-object call (it waits for replies). Returns the shootdown's number.
 */
export function* shootdown(k: Kernel, hat: ObjRef<HAT>): Generator<Block, number, unknown> {
  const ms = k.memory;
  if (ms === undefined) throw new Error("memory system not installed");
  const { holders, seq } = k.cos.callNow(hat, (h) => ({ holders: h.holders(), seq: h.nextSeq() }));
  k.trace.ev3(Major.Mem, Mem.ShootdownStart, hat, seq, holders.length);
  ms.flushHere(hat);
  const others = holders.filter((c) => c !== k.cpu);
  if (others.length > 0) yield* k.ask(others, MsgKind.Shootdown, hat);
  k.port.charge(k.port.cost.shootdown * others.length);
  k.trace.ev2(Major.Mem, Mem.ShootdownDone, hat, seq);
  return seq;
}
