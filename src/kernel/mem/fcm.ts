// FCM: the page cache of one memory object (K42's FCM, "file cache manager"): which frame
// holds which page of the object. Regions map offset ranges of an FCM; a fault asks the FCM
// for the page (Region → FCM), and on a miss the FCM takes a frame from the page allocator and
// asks its FR to fill it. Frames belong to the FCM: the HAT only maps them, and they are freed
// when the FCM lets a range go (munmap of private memory, MADV_DONTNEED) or dies — in both
// cases only after the shootdown that removed every translation of them.
//
// The page index lives in shared memory (a radix tree of the page table's format, keyed by
// page number), so a fault on any processor is served on that processor. Copy-on-write tree
// (K42's FCMComputation chains, for fork): an FCM may have a parent whose pages it shares
// until it writes one. A read of a page the FCM lacks maps the parent's frame read-only; a
// write copies it into a frame of the FCM's own. fork() freezes the parent: `fork` below moves
// the FCM's pages into a new parent that both sides then read.
//
// Two implementations, chosen at boot (`--object FCM=…`) and hot-swappable per object:
//   FCMDefault      one representative, one lock for the whole object.
//   FCMPartitioned  one representative per processor, the index guarded by 16 lock stripes
//                   (by page number), so faults on different pages of one object proceed on
//                   different processors at once; each rep counts the faults it served.
// State transfer (format FCM_STATE): the index root, parent, reference and page counts.

import { OutOfMemoryError, PAGE_SIZE } from "../../machine/memory.js";
import { PageTable } from "../../machine/pagetable.js";
import { RootKind, type ExportedState, type ObjectType, type RepContext, type TransferTarget } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { FR } from "./fr.js";
import { acquire, release } from "./lock.js";
import type { NodeChoice } from "./page-allocator.js";
import { hi32, lo32 } from "./va.js";
import type { MemorySystem } from "./system.js";

/** A page of the object, as a fault needs it. */
export interface PageResult {
  readonly pa: number;
  /** The frame is the COW parent's: map it without write permission. */
  readonly readOnly: boolean;
  /** A fresh frame was zero-filled / a parent's page copied (the fault is charged for it). */
  readonly zeroed: boolean;
  readonly copied: boolean;
}

export interface FCM {
  /** Set up a new FCM: its FR, whether it is shared (MAP_SHARED), and its COW parent (0: none). */
  init(fr: ObjRef<FR>, shared: boolean, parent: ObjRef<FCM>): void;
  /** The page `page`, bringing it in (zero-fill, FR, or a copy of the parent's) if needed. */
  getPage(page: number, write: boolean, choice?: NodeChoice): PageResult | "in progress";
  /** The frame of `page` in this FCM or its ancestors, without bringing anything in; -1 if none. */
  peek(page: number): number;
  /** Is `page` held by this FCM itself (not only by an ancestor)? */
  holds(page: number): boolean;
  /**
   * Move the FCM's own copy of `page` to a new frame from `choice` (page migration): returns the
   * old frame (freed by the caller after the shootdown), or -1 if the FCM does not hold the page
   * or no frame is free where `choice` allows.
   */
  migrate(page: number, choice: NodeChoice): number;
  /** Drop pages [first, first + count) from the cache; returns their frames (the caller frees them after shootdown). */
  release(first: number, count: number): number[];
  /** Adjust the count of regions mapping this FCM; returns the new count. */
  addRef(n: number): number;
  /** The object is gone (no region maps it): every frame it holds and its index tables, to free after shootdown. */
  teardown(): { frames: number[]; parent: ObjRef<FCM> };
  readonly shared: boolean;
  info(): { pages: number; refs: number; parent: number; root: number; faults: number };
  /** Give the index (and parent) to `into` and start afresh with `parent` as the parent (fork). */
  handOver(): { root: number; parent: number; pages: number };
  adopt(state: { root: number; parent: number; pages: number }, refs: number): void;
  setParent(parent: ObjRef<FCM>): void;
}

/** Words of block 0 (the object's common state); FAULTS is per rep block. */
const STRIPES = 16;
const ROOT = STRIPES, PARENT = STRIPES + 1, REFS = STRIPES + 2, PAGES = STRIPES + 3, DEAD = STRIPES + 4, SHARED = STRIPES + 5, FRID = STRIPES + 6, FAULTS = STRIPES + 7;
const BLOCK_BYTES = (STRIPES + 8) * 4;

/** State-transfer format: { root, parent, refs, pages, dead, shared, fr }. */
export const FCM_STATE = 1;

const EMPTY = 0;

class FcmRep implements FCM {
  private readonly w: SharedWords;
  private readonly own: SharedWords;
  private index: PageTable | undefined;
  private indexRoot = 0;

  constructor(private readonly ctx: RepContext, private readonly stripes: number) {
    this.w = ctx.block(0);
    this.own = ctx.shared as SharedWords;
  }

  private get ms(): MemorySystem {
    const m = this.ctx.k.memory;
    if (m === undefined) throw new Error(`cpu ${this.ctx.cpu}: memory system not installed`);
    return m;
  }

  /** This processor's view of the index (tables from this processor's allocator). */
  private idx(): PageTable {
    const root = this.w.load(ROOT);
    if (this.index === undefined || this.indexRoot !== root) {
      const ms = this.ms;
      this.index = new PageTable(this.ctx.k.port.mem, root, ms.tableFrames);
      this.indexRoot = root;
    }
    return this.index;
  }

  get shared(): boolean {
    return this.w.load(SHARED) !== 0;
  }

  init(fr: ObjRef<FR>, shared: boolean, parent: ObjRef<FCM>): void {
    this.w.store(ROOT, this.ms.tableFrames.alloc());
    this.w.store(FRID, fr);
    this.w.store(SHARED, shared ? 1 : 0);
    this.w.store(PARENT, parent);
    this.w.store(REFS, 0);
  }

  private lockOf(page: number): number {
    return this.stripes === 1 ? 0 : page % this.stripes;
  }

  getPage(page: number, write: boolean, choice?: NodeChoice): PageResult | "in progress" {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      if (this.w.load(DEAD) !== 0) throw new Error(`FCM ${this.ctx.id} used after teardown`);
      this.own.add(FAULTS, 1);
      const ix = this.idx();
      const va = page * PAGE_SIZE;
      const e = ix.lookup(lo32(va), hi32(va));
      if (e !== EMPTY) return { pa: e & ~(PAGE_SIZE - 1), readOnly: false, zeroed: false, copied: false };
      const parent = this.w.load(PARENT);
      const ms = this.ms, k = this.ctx.k;
      const from = parent === 0 ? -1 : k.cos.callNow(parent as ObjRef<FCM>, (p) => p.peek(page));
      if (from >= 0 && !write) return { pa: from, readOnly: true, zeroed: false, copied: false };
      const pa = ms.allocFrame(choice);
      if (from >= 0) {
        const b = k.port.mem.bytes;
        b.copyWithin(pa, from, from + PAGE_SIZE);
      } else {
        const fr = this.w.load(FRID) as ObjRef<FR>;
        if (k.cos.callNow(fr, (f) => f.pageIn(pa, page)) === "in progress") {
          ms.freeFrame(pa);
          return "in progress";
        }
      }
      ix.map(lo32(va), hi32(va), pa, 2 /* any flag: the index only stores frames */);
      this.w.add(PAGES, 1);
      return { pa, readOnly: false, zeroed: from < 0, copied: from >= 0 };
    } finally {
      release(this.w, l);
    }
  }

  migrate(page: number, choice: NodeChoice): number {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      const ix = this.idx();
      const va = page * PAGE_SIZE;
      const e = ix.lookup(lo32(va), hi32(va));
      if (e === EMPTY) return -1;
      const old = e & ~(PAGE_SIZE - 1);
      let pa: number;
      try {
        pa = this.ms.allocFrame(choice);
      } catch (err) {
        if (err instanceof OutOfMemoryError) return -1; // no frame on the nodes asked for: the page stays
        throw err;
      }
      this.ctx.k.port.mem.bytes.copyWithin(pa, old, old + PAGE_SIZE);
      ix.map(lo32(va), hi32(va), pa, 2);
      return old;
    } finally {
      release(this.w, l);
    }
  }

  peek(page: number): number {
    const va = page * PAGE_SIZE;
    const e = this.idx().lookup(lo32(va), hi32(va));
    if (e !== EMPTY) return e & ~(PAGE_SIZE - 1);
    const parent = this.w.load(PARENT);
    return parent === 0 ? -1 : this.ctx.k.cos.callNow(parent as ObjRef<FCM>, (p) => p.peek(page));
  }

  holds(page: number): boolean {
    const va = page * PAGE_SIZE;
    return this.idx().lookup(lo32(va), hi32(va)) !== EMPTY;
  }

  release(first: number, count: number): number[] {
    const out: number[] = [];
    this.lockAll();
    try {
      const ix = this.idx();
      for (let p = first; p < first + count; p++) {
        const va = p * PAGE_SIZE;
        const pa = ix.unmap(lo32(va), hi32(va));
        if (pa >= 0) out.push(pa);
      }
      this.w.add(PAGES, -out.length);
    } finally {
      this.unlockAll();
    }
    return out;
  }

  private lockAll(): void {
    for (let l = 0; l < this.stripes; l++) acquire(this.w, l);
  }

  private unlockAll(): void {
    for (let l = this.stripes - 1; l >= 0; l--) release(this.w, l);
  }

  addRef(n: number): number {
    return this.w.add(REFS, n) + n;
  }

  teardown(): { frames: number[]; parent: ObjRef<FCM> } {
    this.lockAll();
    try {
      this.w.store(DEAD, 1);
      const ix = this.idx();
      const tables = ix.tableFrames();
      const frames: number[] = [];
      // Leaf entries of the index's last level are the pages.
      const i32 = this.ctx.k.port.mem.i32;
      collectLeaves(i32, ix.root, 0, frames);
      return { frames: [...frames, ...tables], parent: this.w.load(PARENT) as ObjRef<FCM> };
    } finally {
      this.unlockAll();
    }
  }

  info(): { pages: number; refs: number; parent: number; root: number; faults: number } {
    return { pages: this.w.load(PAGES), refs: this.w.load(REFS), parent: this.w.load(PARENT), root: this.w.load(ROOT), faults: this.own.load(FAULTS) };
  }

  handOver(): { root: number; parent: number; pages: number } {
    this.lockAll();
    try {
      const s = { root: this.w.load(ROOT), parent: this.w.load(PARENT), pages: this.w.load(PAGES) };
      this.w.store(ROOT, this.ms.tableFrames.alloc());
      this.w.store(PAGES, 0);
      return s;
    } finally {
      this.unlockAll();
    }
  }

  adopt(state: { root: number; parent: number; pages: number }, refs: number): void {
    const old = this.w.load(ROOT);
    if (old !== 0) this.ms.tableFrames.free(old); // the empty root init() made
    this.w.store(ROOT, state.root);
    this.w.store(PARENT, state.parent);
    this.w.store(PAGES, state.pages);
    this.w.store(REFS, refs);
  }

  setParent(parent: ObjRef<FCM>): void {
    this.w.store(PARENT, parent);
  }
}

/** Frames held by the index: the leaves under the last level of the radix tree. */
function collectLeaves(i32: Int32Array, table: number, level: number, out: number[]): void {
  for (let i = 0; i < 512; i++) {
    const e = i32[(table + i * 8) >> 2];
    if ((e & 1) === 0) continue;
    const next = e & ~(PAGE_SIZE - 1);
    if (level === 3) out.push(next);
    else collectLeaves(i32, next, level + 1, out);
  }
}

const COMMON = [ROOT, PARENT, REFS, PAGES, DEAD, SHARED, FRID] as const;

const transfer = {
  exports: [FCM_STATE],
  imports: [FCM_STATE],
  exportShared: (_fmt: number, src: TransferTarget): number[] => COMMON.map((i) => src.block(0).load(i)),
  importState: (_fmt: number, from: ExportedState, into: TransferTarget): undefined => {
    const v = from.shared as number[];
    COMMON.forEach((i, j) => into.block(0).store(i, v[j]));
    return undefined;
  },
} as const;

export const FCMDefault: ObjectType<FCM> = {
  id: 0x221,
  name: "FCMDefault",
  kind: RootKind.Shared,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new FcmRep(ctx, 1),
  ...transfer,
};

export const FCMPartitioned: ObjectType<FCM> = {
  id: 0x222,
  name: "FCMPartitioned",
  kind: RootKind.PerProcessor,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new FcmRep(ctx, STRIPES),
  ...transfer,
  gatherOps: { faults: (r) => r.info().faults },
};
