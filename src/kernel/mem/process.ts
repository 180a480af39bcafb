// Process: an address space (K42's Process object, the memory half of it): the region table,
// the HAT, and the operations that change them — map, unmap, protect, move, extend, drop —
// each done under the process's lock and returning what must happen after the shootdown
// (frames to free, objects to destroy). The fault path starts here: a lock-free lookup of the
// region on the faulting processor, then Region → FCM → HAT.
//
// Every operation runs synchronously inside one clustered-object call; the caller (space.ts)
// then shoots down, frees, and destroys, outside every object.

import { PAGE_SIZE } from "../../machine/memory.js";
import type { Prot } from "../../machine/pagetable.js";
import type { Access } from "../../machine/power/mmu.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { FCM } from "./fcm.js";
import type { HAT } from "./hat.js";
import { acquire, release } from "./lock.js";
import type { NodeChoice } from "./page-allocator.js";
import { RegionDefault, RegionKind, type FaultOutcome, type Region, type RegionInfo } from "./region.js";
import { RegionTable, type TableRecord } from "./region-table.js";
import type { MemorySystem } from "./system.js";

/** What an operation leaves to do once the process lock is released. */
export interface Release {
  /** Translations were removed or reduced: shoot down before freeing anything. */
  flush: boolean;
  /** Frames to return to the page allocator after the shootdown. */
  frames: number[];
  /** Clustered objects (regions, FCMs) to destroy (the reclaimer waits for quiescence). */
  objects: number[];
}

export const noRelease = (): Release => ({ flush: false, frames: [], objects: [] });

/** How a new mapping is made. */
export interface MapSpec {
  prot: Prot;
  kind: RegionKind;
  flags: number;
  /** An existing FCM to map (its reference count grows); default a new anonymous one. */
  fcm?: ObjRef<FCM>;
  /** Page number in the FCM of the first page (default 0). */
  offset?: number;
  policyMode?: number;
  policyNodes?: number;
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
  /** Change the protection of [start, end); undefined if part of it is unmapped (ENOMEM). */
  protect(start: number, end: number, prot: Prot): Release | undefined;
  /** Move the mappings of [from, from + len) to [to, to + len) (the target is replaced); pages go along. */
  move(from: number, len: number, to: number): Release;
  /** Grow or shrink the region that ends at `end` in place, to `newEnd` (brk, mremap). */
  resize(end: number, newEnd: number): Release;
  /** Drop the private pages of [start, end) (MADV_DONTNEED): the next touch zero-fills. */
  dropPages(start: number, end: number): Release;
  /**
   * Apply an mbind policy to [start, end) (regions are split at the ends); undefined if part
   * of the range is unmapped, unless `holes` (then the mapped parts get it).
   */
  setPolicy(start: number, end: number, mode: number, nodes: number, holes?: boolean): Release | undefined;
  /** Move the page at `va` to a frame from `choice` (move_pages, mbind MPOL_MF_MOVE); false if it is not the FCM's own page. */
  migrate(va: number, choice: NodeChoice): { moved: boolean; rel: Release };
  /** Is every page of [start, end) in some region? */
  covered(start: number, end: number): boolean;
  isFree(start: number, end: number): boolean;
  /** The frame mapped at `va` now, or -1. */
  resident(va: number): number;
  /** Everything: the address space is going away (after this, only the shootdown and frees). */
  teardown(): Release;
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

  private newRegion(info: RegionInfo): ObjRef<Region> {
    const k = this.ctx.k;
    const id = k.cos.create(RegionDefault);
    k.cos.callNow(id, (r) => r.init(info));
    return id;
  }

  /** Regions die with their FCM reference; an FCM no region maps is torn down. */
  private dropFcm(fcm: ObjRef<FCM>, n: number, rel: Release): void {
    const cos = this.ctx.k.cos;
    let id = fcm;
    let drop = n;
    while (id !== 0) {
      const left = cos.callNow(id, (f) => f.addRef(-drop));
      if (left > 0) return;
      const t = cos.callNow(id, (f) => f.teardown());
      rel.frames.push(...t.frames);
      rel.objects.push(id);
      id = t.parent; // the copy-on-write parent loses a child
      drop = 1;
    }
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
      cos.callNow(rec.id as ObjRef<Region>, (r) => r.kill());
      rel.objects.push(rec.id);
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
      if (cos.callNow(this.hat, (h) => h.unmapRange(s, e)) > 0) rel.flush = true;
      const shared = cos.callNow(fcm, (f) => f.shared);
      if (!keepPages && !shared) {
        rel.frames.push(...cos.callNow(fcm, (f) => f.release(info.offset + (s - rec.start) / PAGE_SIZE, (e - s) / PAGE_SIZE)));
      }
      if (pieces === 0) this.dropFcm(fcm, 1, rel);
      else if (pieces === 2) cos.callNow(fcm, (f) => f.addRef(1));
    }
    out.sort((x, y) => x.start - y.start);
    return out;
  }

  map(start: number, end: number, spec: MapSpec): Release {
    return this.locked((recs, rel) => {
      const out = this.cut(recs, start, end, rel);
      const fcm = spec.fcm ?? this.ms.newAnonymousFcm((spec.flags & 1) !== 0);
      this.ctx.k.cos.callNow(fcm, (f) => f.addRef(1));
      const id = this.newRegion({
        start, end, prot: spec.prot, fcm, offset: spec.offset ?? 0, kind: spec.kind, flags: spec.flags,
        policyMode: spec.policyMode ?? 0, policyNodes: spec.policyNodes ?? 0,
      });
      out.push({ start, end, id });
      return out.sort((x, y) => x.start - y.start);
    }) as Release;
  }

  unmap(start: number, end: number): Release {
    return this.locked((recs, rel) => this.cut(recs, start, end, rel)) as Release;
  }

  protect(start: number, end: number, prot: Prot): Release | undefined {
    return this.reshape(start, end, (info) => ({ ...info, prot }), (rel) => {
      if (this.ctx.k.cos.callNow(this.hat, (h) => h.protectRange(start, end, prot)) > 0) rel.flush = true;
    });
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
      const old = cos.callNow(info.fcm, (f) => f.migrate(page, choice));
      if (old < 0) return recs;
      moved = true;
      r.frames.push(old);
      // The translation goes; the next access maps the new frame.
      if (cos.callNow(this.hat, (h) => h.unmapRange(va - (va % PAGE_SIZE), va - (va % PAGE_SIZE) + PAGE_SIZE)) > 0) r.flush = true;
      return recs;
    }) as Release;
    return { moved, rel };
  }

  /** Replace the regions covering [start, end) by ones changed by `change` (ends split off). */
  private reshape(start: number, end: number, change: (i: RegionInfo) => RegionInfo, after: (rel: Release) => void, holes = false): Release | undefined {
    return this.locked((recs, rel) => {
      if (!holes && !coveredBy(recs, start, end)) return undefined;
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
        cos.callNow(rec.id as ObjRef<Region>, (r) => r.kill());
        rel.objects.push(rec.id);
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
        if (cos.callNow(info.fcm, (f) => f.shared)) continue; // shared memory keeps its contents
        const s = Math.max(start, rec.start), e = Math.min(end, rec.end);
        if (cos.callNow(this.hat, (h) => h.unmapRange(s, e)) > 0) rel.flush = true;
        rel.frames.push(...cos.callNow(info.fcm, (f) => f.release(info.offset + (s - rec.start) / PAGE_SIZE, (e - s) / PAGE_SIZE)));
      }
      return recs;
    }) as Release;
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
