// Process: an address space (K42's Process object, the memory half of it): the region table,
// the HAT, and the operations that change them — map, unmap, protect, move, extend, drop —
// each done under the process's lock and returning what must happen after the shootdown
// (frames to free, objects to destroy). The fault path starts here: a lock-free lookup of the
// region on the faulting processor, then Region → FCM → HAT.
//
// Every operation runs synchronously inside one clustered-object call; the caller (space.ts)
// then shoots down, frees, drops the references of the regions that died, and destroys,
// outside every object. References are dropped only after the shootdown: an FCM whose count
// reaches zero frees its frames at once, so no address space may still hold a translation of
// them — which the dropper's own completed shootdown guarantees for its space, and every
// other space's earlier drop for its own.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte, type Prot } from "../../machine/pagetable.js";
import type { Access } from "../../machine/power/mmu.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import { ObjectBusy, type ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { FCM } from "./fcm.js";
import type { HAT } from "./hat.js";
import { acquire, release } from "./lock.js";
import type { NodeChoice } from "./page-allocator.js";
import { RegionDefault, RegionFlag, RegionKind, type FaultOutcome, type Region, type RegionInfo } from "./region.js";
import { RegionTable, type TableRecord } from "./region-table.js";
import type { MemorySystem } from "./system.js";

/** What an operation leaves to do once the process lock is released. */
export interface Release {
  /** Translations were removed or reduced: shoot down before freeing anything. */
  flush: boolean;
  /** Frames to return to the page allocator after the shootdown. */
  frames: number[];
  /** Clustered objects (regions) to destroy (the reclaimer waits for quiescence). */
  objects: number[];
  /** FCMs that lost a region: a reference each to drop after the shootdown (FileCaches.drop). */
  drops: number[];
  /**
   * File pages whose writable translations went: marked dirty again after the shootdown (a
   * store through a stale TLB entry before it completed must not be lost to a write-back that
   * cleared the mark meanwhile).
   */
  redirty?: { cache: ObjRef<FCM>; pages: { page: number; pa: number }[] }[];
  /**
   * Pages marked for migration whose translation went (Process.migrate): after the shootdown
   * each is copied to its new frame (FCM.move), its old frame freed and the faults that waited
   * for it woken; `done` says whether it moved (the page may have gone meanwhile). Each holds a
   * reference to its FCM, in `drops`.
   */
  moves?: PageMove[];
}

/** A page migration between its two steps (Release.moves). */
export interface PageMove {
  readonly fcm: ObjRef<FCM>;
  readonly page: number;
  readonly old: number;
  readonly choice: NodeChoice;
  done: boolean;
}

export const noRelease = (): Release => ({ flush: false, frames: [], objects: [], drops: [] });

/** How a new mapping is made. */
export interface MapSpec {
  prot: Prot;
  kind: RegionKind;
  flags: number;
  /** An existing FCM to map (its reference count grows); default a new anonymous one. */
  fcm?: ObjRef<FCM>;
  /** The file page cache the FCM is (shared mapping) or reads through (private mapping); default none. */
  cache?: ObjRef<FCM>;
  /** Page number in the FCM of the first page (default 0). */
  offset?: number;
  policyMode?: number;
  policyNodes?: number;
}

/** What msync writes back: cache page ranges, each with a reference held; `busy`: stopped at `at` by a hot-swap of `obj`. */
export interface FileRanges {
  ranges: { cache: ObjRef<FCM>; first: number; end: number }[];
  busy?: { obj: number; at: number };
}

export interface RegionView extends RegionInfo {
  readonly id: ObjRef<Region>;
}

export interface Process {
  init(hat: ObjRef<HAT>): void;
  readonly hat: ObjRef<HAT>;
  /** The region containing `va` (0 if none), without a lock. */
  lookup(va: number): ObjRef<Region>;
  regions(): RegionView[];
  /** The ranges of the regions (start, end, id), without asking each region for its details. */
  ranges(): { start: number; end: number; id: number }[];
  find(va: number): RegionView | undefined;
  /** Resolve a fault at `va` (Process → Region → FCM → HAT). */
  fault(va: number, access: Access, choice: NodeChoice | undefined, force?: boolean): FaultOutcome;
  /** Map [start, end) anew, replacing whatever was there (MAP_FIXED semantics). */
  map(start: number, end: number, spec: MapSpec): Release;
  unmap(start: number, end: number): Release;
  /**
   * Change the protection of [start, end); undefined if part of it is unmapped (ENOMEM),
   * "denied" if a region may not get `prot` (write to a shared mapping of a file not open for
   * writing: EACCES). Nothing changes in either case.
   */
  protect(start: number, end: number, prot: Prot): Release | undefined | "denied";
  /** Move the mappings of [from, from + len) to [to, to + len) (the target is replaced); pages go along. */
  move(from: number, len: number, to: number): Release;
  /** Grow or shrink the region that ends at `end` in place, to `newEnd` (brk, mremap). */
  resize(end: number, newEnd: number): Release;
  /**
   * MADV_DONTNEED on [start, end): private pages are dropped (the next touch zero-fills, or
   * reads the file again); shared ones keep their contents, only the translations go.
   */
  dropPages(start: number, end: number): Release;
  /**
   * The file pages shared mappings of [start, end) map (msync): per mapping, the cache and the
   * cache's page range, each with a reference taken (the caller drops it); undefined if part of
   * the range is unmapped.
   */
  fileRanges(start: number, end: number): FileRanges | undefined;
  /**
   * Apply an mbind policy to [start, end) (regions are split at the ends); undefined if part
   * of the range is unmapped, unless `holes` (then the mapped parts get it).
   */
  setPolicy(start: number, end: number, mode: number, nodes: number, holes?: boolean): Release | undefined;
  /**
   * Start moving the page at `va` to a frame from `choice` (move_pages, mbind MPOL_MF_MOVE):
   * false if it cannot move (not the FCM's own page, a file's, shared). The move completes in
   * Space.settle (Release.moves), after the shootdown; faults on the page wait until then.
   */
  migrate(va: number, choice: NodeChoice): { moved: boolean; rel: Release };
  /** Is every page of [start, end) in some region? */
  covered(start: number, end: number): boolean;
  isFree(start: number, end: number): boolean;
  /** The frame mapped at `va` now, or -1. */
  resident(va: number): number;
  /** Is the page at `va` in memory (mapped here, or held by the region's FCM or file cache: mincore)? */
  incore(va: number): boolean;
  /** Everything: the address space is going away (after this, only the shootdown and frees). */
  teardown(): Release;
  /**
   * fork: give `child` (a new, empty Process) a copy of this address space. Shared memory
   * objects are mapped by both; each private one is frozen (its pages move into a new parent
   * FCM that both sides read until they write, K42's FCMComputation chain), and this space's
   * writable translations of private memory become read-only (Release.flush: shoot down).
   */
  forkTo(child: ObjRef<Process>): Release;
  /** Install `regions` in this (empty) process: fork's other half. References on their FCMs are the caller's. */
  adoptRegions(regions: readonly RegionInfo[]): void;
}

const LOCK = 0, SEQ = 1, DIR = 2, COUNT = 3, HATW = 4;
const BLOCK_BYTES = 5 * 4;

class ProcessRep implements Process {
  private readonly table: RegionTable;
  constructor(private readonly ctx: RepContext, private readonly w: SharedWords) {
    this.table = new RegionTable(ctx.k.port.mem.i32, w, { seq: SEQ, dir: DIR, count: COUNT });
  }

  private get ms(): MemorySystem {
    const m = this.ctx.k.memory;
    if (m === undefined) throw new Error("memory system not installed");
    return m;
  }

  init(hat: ObjRef<HAT>): void {
    this.w.store(HATW, hat);
  }

  get hat(): ObjRef<HAT> {
    return this.w.load(HATW) as ObjRef<HAT>;
  }

  lookup(va: number): ObjRef<Region> {
    return this.table.lookup(va) as ObjRef<Region>;
  }

  private infoOf(id: number): RegionInfo {
    return this.ctx.k.cos.callNow(id as ObjRef<Region>, (r) => r.info());
  }

  regions(): RegionView[] {
    return this.table.all().map((r) => ({ ...this.infoOf(r.id), start: r.start, end: r.end, id: r.id as ObjRef<Region> }));
  }

  ranges(): { start: number; end: number; id: number }[] {
    return this.table.all();
  }

  find(va: number): RegionView | undefined {
    const id = this.lookup(va);
    if (id === 0) return undefined;
    return { ...this.infoOf(id), id };
  }

  fault(va: number, access: Access, choice: NodeChoice | undefined, force = false): FaultOutcome {
    const cos = this.ctx.k.cos, hat = this.hat;
    for (;;) {
      const id = this.lookup(va);
      if (id === 0) return { kind: "unmapped" };
      const r = cos.callNow(id, (reg) => {
        const i = reg.info();
        // Interleave spreads by page number (Linux: the mapping's page offset plus the index,
        // which for anonymous memory is the virtual page number).
        const pc = i.policyMode !== 0 ? this.ms.policyChoice(i.policyMode, i.policyNodes, Math.floor(va / PAGE_SIZE)) : choice;
        return reg.fault(va, access, hat, pc, force);
      });
      if (r !== "retry") return r;
      // The region was replaced (mprotect, munmap) between lookup and lock: look again.
    }
  }

  // ---- changes (under the lock) ----

  private locked(f: (recs: TableRecord[], rel: Release) => TableRecord[] | undefined): Release | undefined {
    acquire(this.w, LOCK);
    try {
      const rel = noRelease();
      const next = f(this.table.all(), rel);
      if (next === undefined) return undefined;
      this.table.write(next, () => this.ms.tableFrames.alloc());
      return rel;
    } finally {
      release(this.w, LOCK);
    }
  }

  /** A new region (on its cache's attach list if it maps a file). */
  private newRegion(info: RegionInfo): ObjRef<Region> {
    const k = this.ctx.k;
    const id = k.cos.create(RegionDefault);
    k.cos.callNow(id, (r) => r.init(info, this.hat));
    if (info.cache !== 0) k.cos.callNow(info.cache, (c) => c.attach(id));
    return id;
  }

  /** Note the pages of [s, e) of shared file mapping `info` that this space maps writable now (Release.redirty). */
  private noteWritable(info: RegionInfo, s: number, e: number, rel: Release): void {
    if (info.cache === 0 || info.cache !== info.fcm) return;
    const pages = this.ctx.k.cos.callNow(this.hat, (h) => {
      const out: { page: number; pa: number }[] = [];
      for (let va = s; va < e; va += PAGE_SIZE) {
        const pte = h.lookup(va);
        if ((pte & Pte.Write) !== 0) out.push({ page: info.offset + (va - info.start) / PAGE_SIZE, pa: pte & ~(PAGE_SIZE - 1) });
      }
      return out;
    });
    if (pages.length > 0) (rel.redirty ??= []).push({ cache: info.cache, pages });
  }

  /** A region leaves: off its cache's list, dead (a fault that found it retries), destroyed later. */
  private retire(id: number, info: RegionInfo, rel: Release): void {
    const cos = this.ctx.k.cos;
    if (info.cache !== 0) cos.callNow(info.cache, (c) => c.detach(id as ObjRef<Region>));
    cos.callNow(id as ObjRef<Region>, (r) => r.kill());
    rel.objects.push(id);
  }

  /**
   * Take [a, b) out of `recs`: regions overlapping it die; the pieces outside survive as new
   * regions on the same FCM. Private pages of the removed part are released unless `keepPages`.
   */
  private cut(recs: TableRecord[], a: number, b: number, rel: Release, keepPages = false): TableRecord[] {
    const cos = this.ctx.k.cos, out: TableRecord[] = [];
    for (const rec of recs) {
      if (rec.end <= a || rec.start >= b) {
        out.push(rec);
        continue;
      }
      const info = this.infoOf(rec.id);
      this.retire(rec.id, info, rel);
      let pieces = 0;
      if (rec.start < a) {
        out.push({ start: rec.start, end: a, id: this.newRegion({ ...info, start: rec.start, end: a }) });
        pieces++;
      }
      if (rec.end > b) {
        out.push({ start: b, end: rec.end, id: this.newRegion({ ...info, start: b, end: rec.end, offset: info.offset + (b - rec.start) / PAGE_SIZE }) });
        pieces++;
      }
      const fcm = info.fcm;
      const s = Math.max(a, rec.start), e = Math.min(b, rec.end);
      this.noteWritable(info, s, e, rel);
      if (cos.callNow(this.hat, (h) => h.unmapRange(s, e)) > 0) rel.flush = true;
      const shared = cos.callNow(fcm, (f) => f.shared);
      if (!keepPages && !shared) {
        rel.frames.push(...cos.callNow(fcm, (f) => f.release(info.offset + (s - rec.start) / PAGE_SIZE, (e - s) / PAGE_SIZE)));
      }
      if (pieces === 0) rel.drops.push(fcm); // after the shootdown
      else if (pieces === 2) cos.callNow(fcm, (f) => f.addRef(1));
    }
    out.sort((x, y) => x.start - y.start);
    return out;
  }

  map(start: number, end: number, spec: MapSpec): Release {
    return this.locked((recs, rel) => {
      const fcm = spec.fcm ?? this.ms.newAnonymousFcm((spec.flags & 1) !== 0);
      this.ctx.k.cos.callNow(fcm, (f) => f.addRef(1)); // before anything changes (a hot-swap throws ObjectBusy here)
      const out = this.cut(recs, start, end, rel);
      const id = this.newRegion({
        start, end, prot: spec.prot, fcm, offset: spec.offset ?? 0, kind: spec.kind, flags: spec.flags,
        policyMode: spec.policyMode ?? 0, policyNodes: spec.policyNodes ?? 0, cache: spec.cache ?? (0 as ObjRef<FCM>),
      });
      out.push({ start, end, id });
      return out.sort((x, y) => x.start - y.start);
    }) as Release;
  }

  unmap(start: number, end: number): Release {
    return this.locked((recs, rel) => this.cut(recs, start, end, rel)) as Release;
  }

  protect(start: number, end: number, prot: Prot): Release | undefined | "denied" {
    let denied = false;
    const rel = this.reshape(start, end, (info) => ({ ...info, prot }), (rel) => {
      if ((prot & Pte.Write) === 0) {
        for (const r of this.table.all()) {
          if (r.end > start && r.start < end) this.noteWritable(this.infoOf(r.id), Math.max(start, r.start), Math.min(end, r.end), rel);
        }
      }
      if (this.ctx.k.cos.callNow(this.hat, (h) => h.protectRange(start, end, prot)) > 0) rel.flush = true;
    }, false, (info) => {
      denied ||= (prot & Pte.Write) !== 0 && (info.flags & RegionFlag.NoWrite) !== 0;
      return denied;
    });
    return denied ? "denied" : rel;
  }

  setPolicy(start: number, end: number, mode: number, nodes: number, holes = false): Release | undefined {
    return this.reshape(start, end, (info) => ({ ...info, policyMode: mode, policyNodes: nodes }), () => {}, holes);
  }

  migrate(va: number, choice: NodeChoice): { moved: boolean; rel: Release } {
    let moved = false;
    const rel = this.locked((recs, r) => {
      const id = this.lookup(va);
      if (id === 0) return recs;
      const cos = this.ctx.k.cos;
      const info = this.infoOf(id);
      const page = info.offset + (va - (va % PAGE_SIZE) - info.start) / PAGE_SIZE;
      const old = cos.callNow(info.fcm, (f) => f.markMove(page));
      if (old < 0) return recs;
      moved = true;
      // The translation goes, and every processor's copy of it with the shootdown (always made:
      // another change may have removed the entry without its shootdown being complete); then
      // the copy (Space.settle). The FCM lives until then: a reference, dropped after.
      cos.callNow(this.hat, (h) => h.unmapRange(va - (va % PAGE_SIZE), va - (va % PAGE_SIZE) + PAGE_SIZE));
      r.flush = true;
      cos.callNow(info.fcm, (f) => f.addRef(1));
      r.drops.push(info.fcm);
      (r.moves ??= []).push({ fcm: info.fcm, page, old, choice, done: false });
      return recs;
    }) as Release;
    return { moved, rel };
  }

  /**
   * Replace the regions covering [start, end) by ones changed by `change` (ends split off);
   * undefined (nothing changed) if part of the range is unmapped and not `holes`, or `refuse`
   * answers true for one of the regions.
   */
  private reshape(start: number, end: number, change: (i: RegionInfo) => RegionInfo, after: (rel: Release) => void, holes = false, refuse?: (i: RegionInfo) => boolean): Release | undefined {
    return this.locked((recs, rel) => {
      if (!holes && !coveredBy(recs, start, end)) return undefined;
      if (refuse !== undefined && recs.some((r) => r.end > start && r.start < end && refuse(this.infoOf(r.id)))) return undefined;
      const cos = this.ctx.k.cos, out: TableRecord[] = [];
      for (const rec of recs) {
        if (rec.end <= start || rec.start >= end) {
          out.push(rec);
          continue;
        }
        const info = this.infoOf(rec.id);
        const s = Math.max(start, rec.start), e = Math.min(end, rec.end);
        if (s === rec.start && e === rec.end) {
          // The whole region changes: in place, under its lock (no new object).
          const c = change(info);
          cos.callNow(rec.id as ObjRef<Region>, (r) => r.reprotect(c.prot, c.policyMode, c.policyNodes));
          out.push(rec);
          continue;
        }
        this.retire(rec.id, info, rel);
        const piece = (ps: number, pe: number, i: RegionInfo): void => {
          out.push({ start: ps, end: pe, id: this.newRegion({ ...i, start: ps, end: pe, offset: info.offset + (ps - rec.start) / PAGE_SIZE }) });
        };
        let pieces = 1;
        if (rec.start < s) { piece(rec.start, s, info); pieces++; }
        piece(s, e, change(info));
        if (rec.end > e) { piece(e, rec.end, info); pieces++; }
        if (pieces > 1) cos.callNow(info.fcm, (f) => f.addRef(pieces - 1));
      }
      after(rel);
      return out.sort((x, y) => x.start - y.start);
    });
  }

  move(from: number, len: number, to: number): Release {
    return this.locked((recs, rel) => {
      const cos = this.ctx.k.cos;
      // The moved parts keep their FCM and offsets: new regions at the target first.
      const moved: TableRecord[] = [];
      for (const rec of recs) {
        if (rec.end <= from || rec.start >= from + len) continue;
        const info = this.infoOf(rec.id);
        const s = Math.max(rec.start, from), e = Math.min(rec.end, from + len);
        cos.callNow(info.fcm, (f) => f.addRef(1));
        const ns = s - from + to, ne = e - from + to;
        moved.push({ start: ns, end: ne, id: this.newRegion({ ...info, start: ns, end: ne, offset: info.offset + (s - rec.start) / PAGE_SIZE }) });
      }
      let out = this.cut(recs, to, to + len, rel);
      out = this.cut(out, from, from + len, rel, true);
      return [...out, ...moved].sort((x, y) => x.start - y.start);
    }) as Release;
  }

  resize(end: number, newEnd: number): Release {
    return this.locked((recs, rel) => {
      const i = recs.findIndex((r) => r.end === end);
      if (i < 0) throw new RangeError(`no region ends at 0x${end.toString(16)}`);
      const rec = recs[i];
      if (newEnd <= rec.start) throw new RangeError("resize would empty the region");
      if (newEnd < end) {
        const out = this.cut(recs, newEnd, end, rel);
        return out;
      }
      const cos = this.ctx.k.cos;
      cos.callNow(rec.id as ObjRef<Region>, (r) => r.setEnd(newEnd));
      const out = recs.slice();
      out[i] = { ...rec, end: newEnd };
      return out;
    }) as Release;
  }

  dropPages(start: number, end: number): Release {
    return this.locked((recs, rel) => {
      const cos = this.ctx.k.cos;
      for (const rec of recs) {
        if (rec.end <= start || rec.start >= end) continue;
        const info = this.infoOf(rec.id);
        const s = Math.max(start, rec.start), e = Math.min(end, rec.end);
        this.noteWritable(info, s, e, rel);
        if (cos.callNow(this.hat, (h) => h.unmapRange(s, e)) > 0) rel.flush = true;
        // Shared memory keeps its contents (only this mapping's translations go); a private
        // mapping's own pages go (anonymous: zeros next time; a file's: read through again).
        if (cos.callNow(info.fcm, (f) => f.shared)) continue;
        rel.frames.push(...cos.callNow(info.fcm, (f) => f.release(info.offset + (s - rec.start) / PAGE_SIZE, (e - s) / PAGE_SIZE)));
      }
      return recs;
    }) as Release;
  }

  fileRanges(start: number, end: number): FileRanges | undefined {
    const out: FileRanges = { ranges: [] };
    const ok = this.locked((recs) => {
      if (!coveredBy(recs, start, end)) return undefined;
      const cos = this.ctx.k.cos;
      for (const rec of recs) {
        if (rec.end <= start || rec.start >= end) continue;
        const info = this.infoOf(rec.id);
        if (info.cache === 0 || info.cache !== info.fcm) continue; // private and anonymous memory write nothing back
        const s = Math.max(start, rec.start), e = Math.min(end, rec.end);
        try {
          cos.callNow(info.cache, (c) => c.addRef(1)); // the region may go while the caller writes back
        } catch (err) {
          if (!(err instanceof ObjectBusy)) throw err;
          // The cache is being hot-swapped: hand back what is held; the caller waits and goes on from here.
          out.busy = { obj: err.obj, at: s };
          break;
        }
        out.ranges.push({ cache: info.cache, first: info.offset + (s - rec.start) / PAGE_SIZE, end: info.offset + (e - rec.start) / PAGE_SIZE });
      }
      return recs;
    });
    return ok === undefined ? undefined : out;
  }

  covered(start: number, end: number): boolean {
    return coveredBy(this.table.all(), start, end);
  }

  isFree(start: number, end: number): boolean {
    return this.table.all().every((r) => r.end <= start || r.start >= end);
  }

  resident(va: number): number {
    const e = this.ctx.k.cos.callNow(this.hat, (h) => h.lookup(va));
    return e === 0 ? -1 : e & ~(PAGE_SIZE - 1);
  }

  incore(va: number): boolean {
    if (this.resident(va) >= 0) return true;
    const r = this.find(va);
    if (r === undefined) return false;
    const cos = this.ctx.k.cos, page = r.offset + (va - (va % PAGE_SIZE) - r.start) / PAGE_SIZE;
    return cos.callNow(r.fcm, (f) => f.holds(page)) || (r.cache !== 0 && r.cache !== r.fcm && cos.callNow(r.cache, (c) => c.holds(page)));
  }

  forkTo(child: ObjRef<Process>): Release {
    const cos = this.ctx.k.cos, ms = this.ms;
    const infos = this.table.all().map((r) => this.infoOf(r.id));
    // Anything being hot-swapped refuses here, before anything changed (the caller retries).
    for (const i of infos) cos.callNow(i.fcm, (f) => f.shared);
    let released: Release = noRelease();
    this.locked((recs, rel) => {
      released = rel;
      const frozen = new Map<number, ObjRef<FCM>>();
      const out: RegionInfo[] = [];
      for (const rec of recs) {
        const info = this.infoOf(rec.id);
        const f = info.fcm;
        let fcm: ObjRef<FCM>;
        if (cos.callNow(f, (x) => x.shared)) {
          fcm = f; // shared memory (anonymous or a file's cache): both spaces map the same object
        } else {
          let c = frozen.get(f);
          if (c === undefined) {
            const st = cos.callNow(f, (x) => x.info());
            if (st.pages === 0 && st.parent === 0) {
              c = ms.newAnonymousFcm(false); // never touched: nothing to share, the child starts empty
            } else {
              const p = ms.newAnonymousFcm(false);
              const state = cos.callNow(f, (x) => x.handOver());
              cos.callNow(p, (x) => x.adopt(state, 2)); // read by this space's FCM and the child's
              cos.callNow(f, (x) => x.setParent(p));
              c = ms.newAnonymousFcm(false);
              cos.callNow(c, (x) => x.setParent(p));
            }
            frozen.set(f, c);
          }
          fcm = c;
          // The frames moved to the frozen parent: this space may keep reading them, not write.
          if ((info.prot & Pte.Write) !== 0 && cos.callNow(this.hat, (h) => h.protectRange(rec.start, rec.end, (info.prot & ~Pte.Write) as Prot)) > 0) rel.flush = true;
        }
        cos.callNow(fcm, (x) => x.addRef(1));
        out.push({ ...info, start: rec.start, end: rec.end, fcm });
      }
      cos.callNow(child, (c) => c.adoptRegions(out));
      return undefined; // this space's regions stay as they are
    });
    return released;
  }

  adoptRegions(regions: readonly RegionInfo[]): void {
    this.locked((recs) => {
      if (recs.length !== 0) throw new Error("adoptRegions: the process is not empty");
      return regions.map((info) => ({ start: info.start, end: info.end, id: this.newRegion(info) }));
    });
  }

  teardown(): Release {
    const rel = this.locked((recs, r) => {
      const out = this.cut(recs, 0, 2 ** 48, r);
      r.flush = true;
      return out;
    }) as Release;
    const cos = this.ctx.k.cos;
    rel.frames.push(...cos.callNow(this.hat, (h) => h.tableFrames()), ...this.table.frames());
    rel.objects.push(this.hat);
    return rel;
  }
}

function coveredBy(recs: readonly TableRecord[], start: number, end: number): boolean {
  let at = start;
  for (const r of recs) {
    if (r.end <= at) continue;
    if (r.start > at) return false;
    at = r.end;
    if (at >= end) return true;
  }
  return at >= end;
}

export const ProcessDefault: ObjectType<Process> = {
  id: 0x251,
  name: "ProcessDefault",
  kind: RootKind.Shared,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new ProcessRep(ctx, ctx.shared as SharedWords),
};
