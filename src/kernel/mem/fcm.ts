// FCM: the page cache of one memory object (K42's FCM, "file cache manager"): which frame
// holds which page of the object. Regions map offset ranges of an FCM; a fault asks the FCM
// for the page (Region → FCM), and on a miss the FCM takes a frame from the page allocator and
// asks its FR to fill it. Frames belong to the FCM: the HAT only maps them, and they are freed
// when the FCM lets a range go (munmap of private memory, MADV_DONTNEED, truncate) or dies —
// in every case only after the shootdown that removed every translation of them.
//
// The page index lives in shared memory (a radix tree of the page table's format, keyed by
// page number), so a fault on any processor is served on that processor. Copy-on-write tree
// (K42's FCMComputation chains, for fork and private file mappings): an FCM may have a parent
// whose pages it shares until it writes one. A read of a page the FCM lacks maps the parent's
// frame read-only; a write copies it into a frame of the FCM's own. fork() freezes the parent:
// `handOver` moves the FCM's pages into a new parent that both sides then read.
//
// A file's page cache is an FCM in file mode (`initFile`): its FR (FRFile) reads pages from
// the file's pager, which may block, so a miss starts a page-in and answers "wait" — the
// faulting thread waits outside every object for the FCM's event and retries. Index entries
// carry the page's state in their flag bits (Ix below): being read, read again (the file
// changed under the read), failed, dirty. A clean page is mapped without write permission
// even where the region allows writing, so the first write faults and marks it dirty (K42
// tracked change bits logically, by first fault and write-protect, not from the hardware).
// Write-back clears the mark, write-protects every mapping of the page (the attach list: the
// regions mapping the cache, shared or private) and then writes the page out. Pages at or
// beyond the file's end in pages are refused ("bus": SIGBUS, as Linux).
//
// Two implementations, chosen at boot (`--object FCM=…`) and hot-swappable per object:
//   FCMDefault      one representative, one lock for the whole object.
//   FCMPartitioned  one representative per processor, the index guarded by 16 lock stripes
//                   (by page number), so faults on different pages of one object proceed on
//                   different processors at once; each rep counts the faults it served.
// State transfer (format FCM_STATE): the common words of block 0 (COMMON below).
//
// Lock order: the process lock, then an FCM's attach-list lock (LIST), then a region's lock,
// then the FCM's stripe locks; the HAT and the page allocator take none of these.

import { OutOfMemoryError, PAGE_SIZE } from "../../machine/memory.js";
import { PageTable } from "../../machine/pagetable.js";
import { RootKind, type ExportedState, type ObjectType, type RepContext, type TransferTarget } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { FR } from "./fr.js";
import { acquire, release } from "./lock.js";
import type { NodeChoice } from "./page-allocator.js";
import type { Region } from "./region.js";
import { hi32, lo32, loadAddr, storeAddr } from "./va.js";
import type { MemorySystem } from "./system.js";

/** A page of the object, as a fault needs it. */
export interface PageResult {
  readonly pa: number;
  /** Map it without write permission: the COW parent's frame, or a clean page of a file. */
  readonly readOnly: boolean;
  /** A fresh frame was zero-filled / a parent's page copied (the fault is charged for it). */
  readonly zeroed: boolean;
  readonly copied: boolean;
}

/** The page is being brought in by object `wait` (a file's page cache): wait for its event, then retry. */
export interface PageWaitFor {
  readonly wait: number;
}

/** What a fault gets: the page, a wait, or "bus" (beyond the end of the file, or its read failed: SIGBUS). */
export type PageAnswer = PageResult | PageWaitFor | "bus";

/** What an FCM gives a child for `page`: the frame; -1 (no ancestor has it: the child zero-fills); a wait; "bus". */
export type Supply = number | PageWaitFor | "bus";

export interface FCM {
  /** Set up a new FCM: its FR, whether it is shared (MAP_SHARED), and its COW parent (0: none). */
  init(fr: ObjRef<FR>, shared: boolean, parent: ObjRef<FCM>): void;
  /** Set up a new FCM as the page cache of a file of `size` bytes read through `fr` (shared, no parent). */
  initFile(fr: ObjRef<FR>, size: number): void;
  /** The page `page`, bringing it in (zero-fill, FR, or a copy of the parent's) if needed. */
  getPage(page: number, write: boolean, choice?: NodeChoice): PageAnswer;
  /** `page` for a child that lacks it: this FCM's frame or an ancestor's (a file cache brings it in). */
  supply(page: number, choice?: NodeChoice): Supply;
  /** Is `page` held by this FCM itself (not only by an ancestor)? */
  holds(page: number): boolean;
  /**
   * Page migration, step 1 (Process.migrate): mark the FCM's own copy of `page` as moving and
   * return its frame; -1 if the page cannot move here (not held, a file's page, or shared memory
   * that another mapping may reach). A fault on the page from now on waits for the move.
   */
  markMove(page: number): number;
  /**
   * Page migration, step 3 (after the shootdown of the page's translation, Space.settle): if the
   * page is still marked with frame `old`, copy it to a new frame from `choice` and switch the
   * entry. `old` is returned for the caller to free (-1: not moved — the page went meanwhile, or
   * no frame is free there); `wake`: processors with faults waiting for the move.
   */
  move(page: number, old: number, choice: NodeChoice): { old: number; wake: number[] };
  /** Drop pages [first, first + count) from the cache; returns their frames (the caller frees them after shootdown). */
  release(first: number, count: number): number[];
  /** Adjust the count of references (regions, holders, page-ins under way); returns the new count. */
  addRef(n: number): number;
  /** The object is gone (no region maps it): every frame it holds and its index tables, to free after shootdown. */
  teardown(): { frames: number[]; parent: ObjRef<FCM> };
  readonly shared: boolean;
  /** In file mode (a file's page cache)? */
  readonly isFile: boolean;
  readonly fr: ObjRef<FR>;
  /** `joined`: faults that found their page being read and waited for that read (file mode). */
  info(): { pages: number; refs: number; parent: number; root: number; faults: number; joined: number };
  /** Give the index (and parent) to `into` and start afresh with `parent` as the parent (fork). */
  handOver(): { root: number; parent: number; pages: number };
  adopt(state: { root: number; parent: number; pages: number }, refs: number): void;
  setParent(parent: ObjRef<FCM>): void;

  // ---- file mode ----
  /** The file's size in bytes, as the cache knows it. */
  size(): number;
  /**
   * The page-in of `page` into `pa` finished (`ok`: the frame holds the file's bytes). `again`:
   * the file changed while it was read, read it again into the same frame; `freed`: the page
   * was dropped meanwhile (truncate) and the frame went back; `wake`: processors with waiters.
   */
  filled(page: number, pa: number, ok: boolean): { again: boolean; freed: boolean; wake: number[] };
  /** Mark `pages` dirty again if their frames still hold them (writable translations of them went). */
  redirty(pages: readonly { page: number; pa: number }[]): void;
  /** Dirty pages of [first, end), their marks cleared (the caller writes them out). */
  takeDirty(first: number, end: number): { page: number; pa: number }[];
  /** The bytes of `page` (up to the end of the file) if `pa` still holds it; undefined if it went. */
  snapshot(page: number, pa: number): Uint8Array | undefined;
  /** The file's bytes at `offset` changed (write() went to the file): resident pages take them. */
  update(offset: number, bytes: Uint8Array): void;
  /** The file is `size` bytes now: pages past it leave the cache (frames to free after shootdown). */
  truncate(size: number): { frames: number[]; first: number };
  /** Pages marked dirty now. */
  dirtyCount(): number;
  /** The regions mapping this cache (each region attaches once, at creation, and detaches when it dies). */
  attach(region: ObjRef<Region>): void;
  detach(region: ObjRef<Region>): void;
  /** Call `f` on each attached region, with the attach list locked (no region can leave meanwhile). */
  forEachMapper(f: (region: ObjRef<Region>) => void): void;
  /** Take the cache's write-back token (one write-back at a time); false if another has it. */
  beginWriteBack(): boolean;
  /** Give the token back; returns the processors with waiters to wake. */
  endWriteBack(): number[];
  /** This processor has a thread about to wait for the cache's event. */
  wantWake(): void;
}

/** Flag bits of an index entry (the page-table format's protection bits, unused by the index). */
const enum Ix {
  /** A file's page: written since its last write-back. */
  Dirty = 2,
  /** An anonymous object's page (which has no dirty tracking: the same bit): being migrated. */
  Moving = 2,
  /** Being read; the frame is not the page yet. */
  Pending = 4,
  /** With Pending: the file changed under the read (read again). Alone: the read failed. */
  Stale = 8,
  All = 14,
}

/** Words of block 0 (the object's common state); FAULTS is per rep block. */
const STRIPES = 16;
const ROOT = STRIPES, PARENT = STRIPES + 1, REFS = STRIPES + 2, PAGES = STRIPES + 3, DEAD = STRIPES + 4, SHARED = STRIPES + 5, FRID = STRIPES + 6, FAULTS = STRIPES + 7;
/** File mode: FILE (1), SIZE (2 words), MASK (waiting processors, 2 words), HEAD (attach list), LIST (its lock), DIRTYN, WB, JOINS. */
const FILE = STRIPES + 8, SIZE = STRIPES + 9, MASK = STRIPES + 11, HEAD = STRIPES + 13, LIST = STRIPES + 14, DIRTYN = STRIPES + 15, WB = STRIPES + 16, JOINS = STRIPES + 17;
const BLOCK_BYTES = (STRIPES + 18) * 4;

/** State-transfer format: the COMMON words. */
export const FCM_STATE = 1;

const EMPTY = 0;
const frameOf = (e: number): number => e & ~(PAGE_SIZE - 1);

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

  private entry(page: number): number {
    const va = page * PAGE_SIZE;
    return this.idx().lookup(lo32(va), hi32(va));
  }

  private setEntry(page: number, pa: number, flags: number): void {
    const va = page * PAGE_SIZE;
    this.idx().map(lo32(va), hi32(va), pa, flags);
  }

  private clearEntry(page: number): void {
    const va = page * PAGE_SIZE;
    this.idx().unmap(lo32(va), hi32(va));
  }

  get shared(): boolean {
    return this.w.load(SHARED) !== 0;
  }

  get isFile(): boolean {
    return this.w.load(FILE) !== 0;
  }

  get fr(): ObjRef<FR> {
    return this.w.load(FRID) as ObjRef<FR>;
  }

  init(fr: ObjRef<FR>, shared: boolean, parent: ObjRef<FCM>): void {
    this.w.store(ROOT, this.ms.tableFrames.alloc());
    this.w.store(FRID, fr);
    this.w.store(SHARED, shared ? 1 : 0);
    this.w.store(PARENT, parent);
    this.w.store(REFS, 0);
  }

  initFile(fr: ObjRef<FR>, size: number): void {
    this.init(fr, true, 0 as ObjRef<FCM>);
    this.w.store(FILE, 1);
    storeAddr(this.w, SIZE, size);
  }

  private lockOf(page: number): number {
    return this.stripes === 1 ? 0 : page % this.stripes;
  }

  getPage(page: number, write: boolean, choice?: NodeChoice): PageAnswer {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      if (this.w.load(DEAD) !== 0) throw new Error(`FCM ${this.ctx.id} used after teardown`);
      this.own.add(FAULTS, 1);
      if (this.w.load(FILE) !== 0) return this.filePage(page, write, choice);
      const e = this.entry(page);
      if (e !== EMPTY) {
        if ((e & Ix.Moving) === 0) return { pa: frameOf(e), readOnly: false, zeroed: false, copied: false };
        this.wantWake(); // being migrated: wait for the object's event (its move wakes us)
        return { wait: this.ctx.id };
      }
      const parent = this.w.load(PARENT);
      const k = this.ctx.k;
      const from = parent === 0 ? -1 : k.cos.callNow(parent as ObjRef<FCM>, (p) => p.supply(page, choice));
      if (typeof from !== "number") return from; // the parent (a file) is reading it, or it is beyond the file's end
      if (from >= 0 && !write) return { pa: from, readOnly: true, zeroed: false, copied: false };
      const ms = this.ms;
      const pa = ms.allocFrame(choice);
      if (from >= 0) {
        const b = k.port.mem.bytes;
        b.copyWithin(pa, from, from + PAGE_SIZE);
      } else if (k.cos.callNow(this.fr, (f) => f.pageIn(pa, page)) === "in progress") {
        throw new Error(`FCM ${this.ctx.id}: an anonymous object's FR answered "in progress"`);
      }
      this.setEntry(page, pa, 0);
      this.w.add(PAGES, 1);
      return { pa, readOnly: false, zeroed: from < 0, copied: from >= 0 };
    } finally {
      release(this.w, l);
    }
  }

  /** A fault on a file's page (stripe lock held). */
  private filePage(page: number, write: boolean, choice: NodeChoice | undefined): PageAnswer {
    const r = this.resident(page, choice);
    if (typeof r !== "number") return r;
    const e = this.entry(page);
    let dirty = (e & Ix.Dirty) !== 0;
    if (write && !dirty) {
      this.setEntry(page, r, Ix.Dirty);
      this.w.add(DIRTYN, 1);
      dirty = true;
    }
    return { pa: r, readOnly: !dirty, zeroed: false, copied: false };
  }

  /**
   * The frame of a file's `page`, or the reason there is none yet (stripe lock held): beyond
   * the end → "bus"; being read → wait; a failed read → "bus" once (the next fault reads
   * again); not resident → a page-in starts (a frame, an entry marked Pending, a reference held
   * by the page-in until it finishes) and the fault waits.
   */
  private resident(page: number, choice: NodeChoice | undefined): number | PageWaitFor | "bus" {
    if (page * PAGE_SIZE >= loadAddr(this.w, SIZE)) return "bus";
    const e = this.entry(page);
    if (e !== EMPTY) {
      if ((e & Ix.Pending) !== 0) {
        this.wantWake();
        this.w.add(JOINS, 1);
        return { wait: this.ctx.id };
      }
      if ((e & Ix.Stale) !== 0) {
        this.clearEntry(page); // never mapped: the frame goes back at once
        this.ms.freeFrame(frameOf(e));
        return "bus";
      }
      return frameOf(e);
    }
    const pa = this.ms.allocFrame(choice);
    this.setEntry(page, pa, Ix.Pending);
    this.w.add(REFS, 1);
    this.wantWake();
    const k = this.ctx.k;
    if (k.cos.callNow(this.fr, (f) => f.pageIn(pa, page)) !== "in progress") {
      throw new Error(`FCM ${this.ctx.id}: a file's FR filled a page synchronously`);
    }
    return { wait: this.ctx.id };
  }

  supply(page: number, choice?: NodeChoice): Supply {
    if (this.w.load(FILE) !== 0) {
      const l = this.lockOf(page);
      acquire(this.w, l);
      try {
        return this.resident(page, choice);
      } finally {
        release(this.w, l);
      }
    }
    const e = this.entry(page);
    if (e !== EMPTY) return frameOf(e);
    const parent = this.w.load(PARENT);
    return parent === 0 ? -1 : this.ctx.k.cos.callNow(parent as ObjRef<FCM>, (p) => p.supply(page, choice));
  }

  wantWake(): void {
    const c = this.ctx.k.cpu;
    this.w.or(MASK + (c >> 5), 1 << (c & 31));
  }

  /** The processors in the waiter mask, which is emptied. */
  private takeWaiters(): number[] {
    const out: number[] = [];
    for (let i = 0; i < 2; i++) {
      let m = this.w.load(MASK + i);
      while (m !== 0) {
        const was = this.w.cas(MASK + i, m, 0);
        if (was === m) break;
        m = was;
      }
      for (let b = 0; b < 32; b++) if ((m & (1 << b)) !== 0) out.push(i * 32 + b);
    }
    return out;
  }

  filled(page: number, pa: number, ok: boolean): { again: boolean; freed: boolean; wake: number[] } {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      const e = this.entry(page);
      if (e === EMPTY || frameOf(e) !== pa || (e & Ix.Pending) === 0) {
        // Truncated while it was read: the frame was never mapped, it goes back now.
        this.ms.freeFrame(pa);
        return { again: false, freed: true, wake: this.takeWaiters() };
      }
      if ((e & Ix.Stale) !== 0 && ok) {
        this.setEntry(page, pa, Ix.Pending); // written meanwhile: read it again
        return { again: true, freed: false, wake: [] };
      }
      if (ok) {
        this.setEntry(page, pa, 0);
        this.w.add(PAGES, 1);
      } else {
        this.setEntry(page, pa, Ix.Stale); // the next fault reports it (SIGBUS) and forgets it
      }
      return { again: false, freed: false, wake: this.takeWaiters() };
    } finally {
      release(this.w, l);
    }
  }

  // Page migration, Linux's order (migration entries): the page is made unreachable first —
  // marked, its translation removed and shot down — and copied only then, so that no store made
  // through a translation another processor still held can land in the old frame after the copy
  // (it would be lost). A fault on a marked page waits for the move, as one on a page being read
  // waits for the read. A file's pages, and shared memory that another region (another address
  // space's) may map, stay where they are: only the caller's own translation is removed.

  markMove(page: number): number {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      const e = this.entry(page);
      if (e === EMPTY || this.w.load(FILE) !== 0 || (this.w.load(SHARED) !== 0 && this.w.load(REFS) > 1)) return -1;
      this.setEntry(page, frameOf(e), Ix.Moving);
      return frameOf(e);
    } finally {
      release(this.w, l);
    }
  }

  move(page: number, old: number, choice: NodeChoice): { old: number; wake: number[] } {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      const e = this.entry(page);
      // Gone meanwhile (munmap, MADV_DONTNEED, fork handed the page to a new parent): nothing to move.
      if (e === EMPTY || frameOf(e) !== old || (e & Ix.Moving) === 0) return { old: -1, wake: this.takeWaiters() };
      let pa: number;
      try {
        pa = this.ms.allocFrame(choice);
      } catch (err) {
        if (!(err instanceof OutOfMemoryError)) throw err;
        this.setEntry(page, old, 0); // no frame on the nodes asked for: the page stays
        return { old: -1, wake: this.takeWaiters() };
      }
      this.ctx.k.port.mem.bytes.copyWithin(pa, old, old + PAGE_SIZE);
      this.setEntry(page, pa, 0);
      return { old, wake: this.takeWaiters() };
    } finally {
      release(this.w, l);
    }
  }

  holds(page: number): boolean {
    const e = this.entry(page);
    return e !== EMPTY && (e & Ix.Pending) === 0;
  }

  release(first: number, count: number): number[] {
    const out: number[] = [];
    this.lockAll();
    try {
      this.dropRange(first, first + count, out);
    } finally {
      this.unlockAll();
    }
    return out;
  }

  /**
   * Drop the entries of [first, end) (all stripes locked): frames of resident pages go to
   * `out`; a page being read loses its entry and its page-in frees the frame when it ends.
   */
  private dropRange(first: number, end: number, out: number[]): void {
    let dirty = 0, pages = 0;
    const file = this.w.load(FILE) !== 0;
    forEachLeaf(this.ctx.k.port.mem.i32, this.w.load(ROOT), first, end, (page, e) => {
      this.clearEntry(page);
      if ((e & Ix.Pending) !== 0) return;
      if (file && (e & Ix.Dirty) !== 0) dirty++;
      if ((e & Ix.Stale) === 0) pages++;
      out.push(frameOf(e));
    });
    this.w.add(PAGES, -pages);
    if (dirty > 0) this.w.add(DIRTYN, -dirty);
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
      forEachLeaf(this.ctx.k.port.mem.i32, ix.root, 0, Infinity, (_page, e) => {
        if ((e & Ix.Pending) !== 0) throw new Error(`FCM ${this.ctx.id} torn down with a page-in under way`);
        frames.push(frameOf(e));
      });
      return { frames: [...frames, ...tables], parent: this.w.load(PARENT) as ObjRef<FCM> };
    } finally {
      this.unlockAll();
    }
  }

  info(): { pages: number; refs: number; parent: number; root: number; faults: number; joined: number } {
    return { pages: this.w.load(PAGES), refs: this.w.load(REFS), parent: this.w.load(PARENT), root: this.w.load(ROOT), faults: this.own.load(FAULTS), joined: this.w.load(JOINS) };
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

  // ---- file mode ----

  size(): number {
    return loadAddr(this.w, SIZE);
  }

  redirty(pages: readonly { page: number; pa: number }[]): void {
    this.lockAll();
    try {
      for (const { page, pa } of pages) {
        const e = this.entry(page);
        if (e === EMPTY || frameOf(e) !== pa || (e & (Ix.Pending | Ix.Stale | Ix.Dirty)) !== 0) continue;
        this.setEntry(page, pa, Ix.Dirty);
        this.w.add(DIRTYN, 1);
      }
    } finally {
      this.unlockAll();
    }
  }

  takeDirty(first: number, end: number): { page: number; pa: number }[] {
    const out: { page: number; pa: number }[] = [];
    this.lockAll();
    try {
      forEachLeaf(this.ctx.k.port.mem.i32, this.w.load(ROOT), first, end, (page, e) => {
        if ((e & Ix.Dirty) === 0) return;
        this.setEntry(page, frameOf(e), e & Ix.All & ~Ix.Dirty);
        out.push({ page, pa: frameOf(e) });
      });
      if (out.length > 0) this.w.add(DIRTYN, -out.length);
    } finally {
      this.unlockAll();
    }
    return out;
  }

  snapshot(page: number, pa: number): Uint8Array | undefined {
    const l = this.lockOf(page);
    acquire(this.w, l);
    try {
      const e = this.entry(page);
      if (e === EMPTY || frameOf(e) !== pa || (e & (Ix.Pending | Ix.Stale)) !== 0) return undefined;
      const n = Math.min(PAGE_SIZE, loadAddr(this.w, SIZE) - page * PAGE_SIZE);
      if (n <= 0) return undefined;
      return this.ctx.k.port.mem.bytes.slice(pa, pa + n);
    } finally {
      release(this.w, l);
    }
  }

  update(offset: number, bytes: Uint8Array): void {
    const mem = this.ctx.k.port.mem.bytes;
    this.lockAll();
    try {
      const end = offset + bytes.length;
      if (end > loadAddr(this.w, SIZE)) storeAddr(this.w, SIZE, end);
      for (let page = Math.floor(offset / PAGE_SIZE); page * PAGE_SIZE < end; page++) {
        const e = this.entry(page);
        if (e === EMPTY || ((e & Ix.Stale) !== 0 && (e & Ix.Pending) === 0)) continue;
        if ((e & Ix.Pending) !== 0) {
          this.setEntry(page, frameOf(e), Ix.Pending | Ix.Stale); // the read may have missed these bytes
          continue;
        }
        const from = Math.max(offset, page * PAGE_SIZE), to = Math.min(end, (page + 1) * PAGE_SIZE);
        mem.set(bytes.subarray(from - offset, to - offset), frameOf(e) + (from - page * PAGE_SIZE));
      }
    } finally {
      this.unlockAll();
    }
  }

  truncate(size: number): { frames: number[]; first: number } {
    const frames: number[] = [];
    this.lockAll();
    try {
      storeAddr(this.w, SIZE, size);
      const first = Math.ceil(size / PAGE_SIZE);
      this.dropRange(first, Infinity, frames);
      // The part of the last page past the end reads as zeros from now on (Linux zeroes it).
      const tail = size % PAGE_SIZE;
      if (tail !== 0) {
        const e = this.entry(first - 1);
        if (e !== EMPTY && (e & (Ix.Pending | Ix.Stale)) === 0) this.ctx.k.port.mem.bytes.fill(0, frameOf(e) + tail, frameOf(e) + PAGE_SIZE);
        else if ((e & Ix.Pending) !== 0) this.setEntry(first - 1, frameOf(e), Ix.Pending | Ix.Stale);
      }
      return { frames, first };
    } finally {
      this.unlockAll();
    }
  }

  dirtyCount(): number {
    return this.w.load(DIRTYN);
  }

  attach(region: ObjRef<Region>): void {
    acquire(this.w, LIST);
    try {
      const head = this.w.load(HEAD) as ObjRef<Region>;
      this.ctx.k.cos.callNow(region, (r) => r.setNext(head));
      this.w.store(HEAD, region);
    } finally {
      release(this.w, LIST);
    }
  }

  detach(region: ObjRef<Region>): void {
    const cos = this.ctx.k.cos;
    acquire(this.w, LIST);
    try {
      let prev = 0 as ObjRef<Region>, cur = this.w.load(HEAD) as ObjRef<Region>;
      while (cur !== 0 && cur !== region) {
        prev = cur;
        cur = cos.callNow(cur, (r) => r.next);
      }
      if (cur === 0) throw new Error(`region ${region} is not attached to FCM ${this.ctx.id}`);
      const next = cos.callNow(cur, (r) => r.next);
      if (prev === 0) this.w.store(HEAD, next);
      else cos.callNow(prev, (r) => r.setNext(next));
      cos.callNow(cur, (r) => r.setNext(0 as ObjRef<Region>));
    } finally {
      release(this.w, LIST);
    }
  }

  forEachMapper(f: (region: ObjRef<Region>) => void): void {
    const cos = this.ctx.k.cos;
    acquire(this.w, LIST);
    try {
      for (let cur = this.w.load(HEAD) as ObjRef<Region>; cur !== 0; cur = cos.callNow(cur, (r) => r.next)) f(cur);
    } finally {
      release(this.w, LIST);
    }
  }

  beginWriteBack(): boolean {
    return this.w.cas(WB, 0, 1) === 0;
  }

  endWriteBack(): number[] {
    this.w.store(WB, 0);
    return this.takeWaiters();
  }
}

/**
 * Call `f(page, entry)` for each entry of the index rooted at `root` whose page is in
 * [first, end), in page order. The index is keyed like a page table by page * PAGE_SIZE, so a
 * level-`l` table spans 512^(3 - l) pages; subtrees outside the range are skipped.
 */
function forEachLeaf(i32: Int32Array, root: number, first: number, end: number, f: (page: number, entry: number) => void): void {
  const walk = (table: number, level: number, base: number): void => {
    const span = 512 ** (3 - level);
    for (let i = 0; i < 512; i++) {
      const lo = base + i * span;
      if (lo + span <= first) continue;
      if (lo >= end) return;
      const e = i32[(table + i * 8) >> 2];
      if ((e & 1) === 0) continue;
      if (level === 3) f(lo, e);
      else walk(frameOf(e), level + 1, lo);
    }
  };
  walk(root, 0, 0);
}

const COMMON = [ROOT, PARENT, REFS, PAGES, DEAD, SHARED, FRID, FILE, SIZE, SIZE + 1, MASK, MASK + 1, HEAD, DIRTYN, WB, JOINS] as const;

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
