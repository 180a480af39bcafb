// An address space as the layers above use it: a handle (no state of its own beyond the ids)
// on a Process object and its HAT, whose changes complete in K42's order — change the regions
// and page tables under the process lock, shoot down every translation of them, only then
// free the frames, then destroy the dead objects (the reclaimer waits for quiescence) and drop
// the references the dead regions held (an FCM left without one goes; a file's cache is
// written back first). Changes are generators: they wait for the shootdown's replies, and for
// a file's pager, outside every object.

import { PAGE_SIZE } from "../../machine/memory.js";
import type { Prot } from "../../machine/pagetable.js";
import { Access } from "../../machine/power/mmu.js";
import { ObjectBusy, type ObjRef } from "../cos/manager.js";
import type { Kernel } from "../kernel.js";
import type { Block } from "../sched/thread.js";
import { Major, Mem } from "../trace/events.js";
import { shootdown, type HAT } from "./hat.js";
import type { NodeChoice } from "./page-allocator.js";
import type { FCM } from "./fcm.js";
import type { FileLabel } from "./pager.js";
import type { MapSpec, Process, RegionView, Release } from "./process.js";
import { RegionFlag, pageWait, PageWait, type FaultOutcome } from "./region.js";
import type { MemorySystem } from "./system.js";
import { pageDown } from "./va.js";

export class Space {
  readonly hat: ObjRef<HAT>;
  /** A copy-on-write break during a synchronous fault replaced a translation: shoot down before returning to the guest. */
  pendingShootdown = false;

  constructor(readonly k: Kernel, readonly proc: ObjRef<Process>) {
    this.hat = this.call((p) => p.hat);
  }

  get ms(): MemorySystem {
    const m = this.k.memory;
    if (m === undefined) throw new Error("memory system not installed");
    return m;
  }

  /** A synchronous call on the Process (ObjectBusy during its hot-swap: the caller waits and retries). */
  call<T>(f: (p: Process) => T): T {
    return this.k.cos.callNow(this.proc, f);
  }

  // ---- queries ----

  find(va: number): RegionView | undefined {
    return this.call((p) => p.find(va));
  }
  regions(): RegionView[] {
    return this.call((p) => p.regions());
  }
  /** Just the ranges (cheaper than regions(): no call on each region). */
  ranges(): { start: number; end: number; id: number }[] {
    return this.call((p) => p.ranges());
  }
  covered(start: number, end: number): boolean {
    return this.call((p) => p.covered(start, end));
  }
  isFree(start: number, end: number): boolean {
    return this.call((p) => p.isFree(start, end));
  }
  /** Frame mapped at `va`, or -1. */
  resident(va: number): number {
    return this.call((p) => p.resident(va));
  }
  /** Is the page at `va` in memory — mapped, or in its object's cache (mincore)? */
  incore(va: number): boolean {
    return this.call((p) => p.incore(va));
  }

  // ---- faults ----

  /** Resolve a fault synchronously (system-call copies, the loader). */
  faultNow(va: number, access: Access, choice?: NodeChoice, force = false): FaultOutcome {
    const r = this.call((p) => p.fault(va, access, choice, force));
    if (r.kind === "mapped" && r.replaced) this.pendingShootdown = true;
    return r;
  }

  /**
   * Resolve a fault, waiting while a file's page is brought in (and for hot-swaps): the outcome
   * is never "in progress". For kernel threads and system calls that may wait (MAP_POPULATE, mlock).
   */
  *faultIn(va: number, access: Access, choice?: NodeChoice, force = false): Generator<Block, FaultOutcome, unknown> {
    for (;;) {
      const r = yield* this.retrying(() => this.faultNow(va, access, choice, force));
      if (r.kind !== "in progress") {
        yield* this.flushPending();
        return r;
      }
      yield pageWait(r.obj);
    }
  }

  /**
   * The frame holding `va`, brought in if needed, whatever the protection (kernel writes;
   * `access` Read for kernel reads, which then may get a copy-on-write parent's frame).
   * A file page being read throws PageWait (a system call waits for it and runs again).
   */
  frameFor(va: number, access: Access = Access.Write): number {
    const r = this.faultNow(pageDown(va), access, undefined, true);
    if (r.kind === "in progress") throw new PageWait(r.obj);
    if (r.kind !== "mapped") throw new RangeError(`no region at 0x${va.toString(16)} (${r.kind})`);
    return r.pa;
  }

  /** Copy bytes into the space regardless of protection (the loader). */
  poke(va: number, data: Uint8Array): void {
    const bytes = this.k.port.mem.bytes;
    let n = 0;
    while (n < data.length) {
      const a = va + n, off = a % PAGE_SIZE;
      const len = Math.min(data.length - n, PAGE_SIZE - off);
      bytes.set(data.subarray(n, n + len), this.frameFor(a) + off);
      n += len;
    }
  }

  /** Read bytes regardless of protection (the loader, /proc). */
  peek(va: number, len: number): Uint8Array {
    const out = new Uint8Array(len), bytes = this.k.port.mem.bytes;
    let n = 0;
    while (n < len) {
      const a = va + n, off = a % PAGE_SIZE;
      const l = Math.min(len - n, PAGE_SIZE - off);
      const pa = this.frameFor(a, Access.Read) + off; // a read: no copy-on-write break, no dirty file page
      out.set(bytes.subarray(pa, pa + l), n);
      n += l;
    }
    return out;
  }

  // ---- changes: under the lock, then shootdown, frees, destruction ----

  /** Map a range known to be empty (the loader, before the space runs): nothing to wait for. */
  mapFresh(start: number, end: number, spec: MapSpec): void {
    const rel = this.call((p) => p.map(start, end, spec));
    if (rel.flush || rel.frames.length > 0 || rel.objects.length > 0 || rel.drops.length > 0) throw new Error(`mapFresh over a mapped range 0x${start.toString(16)}`);
  }

  *map(start: number, end: number, spec: MapSpec): Generator<Block, void, unknown> {
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.map(start, end, spec))));
  }
  /**
   * Map pages of a file's cache (FileCaches.acquire; the caller keeps its own reference) at
   * [start, end): `offset` is the file offset in pages. Shared: the cache itself (every shared
   * mapping of the file, in every space, maps the same frames; writes reach the file); with
   * RegionFlag.NoWrite in `flags` if the file is not open for writing.
   * Private: a copy-on-write child of the cache, which sees the file until it writes a page.
   */
  *mapFile(start: number, end: number, spec: FileMapSpec): Generator<Block, void, unknown> {
    const cache = spec.file;
    const fcm = spec.shared ? cache : yield* this.retrying(() => this.ms.newCowChild(cache));
    const flags = spec.shared ? spec.flags | RegionFlag.Shared : spec.flags & ~(RegionFlag.Shared | RegionFlag.NoWrite);
    yield* this.map(start, end, { ...spec, flags, fcm, cache, offset: spec.offset });
  }

  /**
   * msync: write back what shared file mappings of [start, end) dirtied. Returns the failed
   * writes, or undefined if part of the range is unmapped (ENOMEM; nothing written).
   */
  *msync(start: number, end: number): Generator<Block, number | undefined, unknown> {
    const held: { cache: ObjRef<FCM>; first: number; end: number }[] = [];
    let failed = 0, from = start;
    try {
      for (;;) {
        const got = yield* this.retrying(() => this.call((p) => p.fileRanges(from, end)));
        if (got === undefined) {
          if (from === start) return undefined;
          break; // unmapped meanwhile (another thread): what is left is not ours to write
        }
        held.push(...got.ranges);
        if (got.busy === undefined) break;
        yield { kind: "swap", obj: got.busy.obj };
        from = got.busy.at;
      }
      for (const r of held) failed += yield* this.ms.files.writeBack(r.cache, r.first, r.end);
    } finally {
      for (const r of held) yield* this.ms.files.drop(r.cache);
    }
    return failed;
  }

  /** The regions, each file mapping with its file's label (for /proc/PID/maps: `mapsText(…, regionName)`). */
  *labelled(): Generator<Block, (RegionView & { label?: FileLabel })[], unknown> {
    return yield* this.retrying(() => this.labelledNow());
  }

  /** The same, now (ObjectBusy while an object of it is being hot-swapped: the caller waits and retries). */
  labelledNow(): (RegionView & { label?: FileLabel })[] {
    return this.regions().map((r) => (r.cache === 0 ? r : { ...r, label: this.ms.files.labelNow(r.cache) }));
  }

  /**
   * fork: a new address space with a copy of this one (copy-on-write for private memory,
   * shared memory shared). This space's writable private translations are shot down first.
   */
  *fork(): Generator<Block, Space, unknown> {
    const child = this.ms.newSpace();
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.forkTo(child))));
    return new Space(this.k, child);
  }

  *unmap(start: number, end: number): Generator<Block, void, unknown> {
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.unmap(start, end))));
  }
  /** false: part of the range is unmapped (ENOMEM); "denied": write to a shared mapping of a file not open for writing (EACCES). Nothing changed then. */
  *protect(start: number, end: number, prot: Prot): Generator<Block, boolean | "denied", unknown> {
    const rel = yield* this.retrying(() => this.call((p) => p.protect(start, end, prot)));
    if (rel === undefined) return false;
    if (rel === "denied") return rel;
    yield* this.settle(rel);
    return true;
  }
  *move(from: number, len: number, to: number): Generator<Block, void, unknown> {
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.move(from, len, to))));
  }
  *resize(end: number, newEnd: number): Generator<Block, void, unknown> {
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.resize(end, newEnd))));
  }
  *dropPages(start: number, end: number): Generator<Block, void, unknown> {
    yield* this.settle(yield* this.retrying(() => this.call((p) => p.dropPages(start, end))));
  }
  *setPolicy(start: number, end: number, mode: number, nodes: number, holes = false): Generator<Block, boolean, unknown> {
    const rel = yield* this.retrying(() => this.call((p) => p.setPolicy(start, end, mode, nodes, holes)));
    if (rel === undefined) return false;
    yield* this.settle(rel);
    return true;
  }
  /** Move the pages at `vas` to frames from `choice`; returns how many could not be moved. */
  *migrate(vas: readonly number[], choice: NodeChoice): Generator<Block, number, unknown> {
    let failed = 0;
    const all: Release = { flush: false, frames: [], objects: [], drops: [], moves: [] };
    for (const va of vas) {
      const r = yield* this.retrying(() => this.call((p) => p.migrate(va, choice)));
      if (!r.moved) failed++;
      all.flush ||= r.rel.flush;
      all.frames.push(...r.rel.frames);
      all.drops.push(...r.rel.drops);
      all.moves?.push(...(r.rel.moves ?? []));
    }
    yield* this.settle(all);
    return failed + (all.moves ?? []).filter((m) => !m.done).length;
  }

  /** Shoot down what a synchronous fault replaced (copy-on-write), if anything. */
  *flushPending(): Generator<Block, void, unknown> {
    if (!this.pendingShootdown) return;
    this.pendingShootdown = false;
    yield* shootdown(this.k, this.hat);
  }
  /** Release everything: the address space is gone afterwards. */
  *teardown(): Generator<Block, void, unknown> {
    const rel = yield* this.retrying(() => this.call((p) => p.teardown()));
    yield* this.settle(rel);
    this.ms.leave(this.hat);
    this.k.reclaim.destroy(this.proc);
  }

  /** Run `f`; while an object it needs is being hot-swapped, wait for the swap and run it again. */
  *retrying<T>(f: () => T): Generator<Block, T, unknown> {
    for (;;) {
      try {
        return f();
      } catch (e) {
        if (!(e instanceof ObjectBusy)) throw e;
        yield { kind: "swap", obj: e.obj };
      }
    }
  }

  /**
   * K42's order: every translation gone (shootdown), then the frames, then the objects, then
   * file pages written through the translations that went are marked dirty again, then the references.
   */
  *settle(rel: Release): Generator<Block, void, unknown> {
    let seq = 0;
    if (rel.flush) seq = yield* shootdown(this.k, this.hat);
    // Migrations: no processor holds the pages' translations now; copy them, wake their faults.
    for (const m of rel.moves ?? []) {
      const r = yield* this.ms.files.call(m.fcm, (f) => f.move(m.page, m.old, m.choice));
      m.done = r.old >= 0;
      if (m.done) rel.frames.push(r.old);
      this.ms.files.wakeFaults(m.fcm, r.wake);
    }
    if (rel.frames.length > 0) {
      const ms = this.ms;
      for (const pa of rel.frames) ms.freeFrame(pa);
      this.k.trace.ev3(Major.Mem, Mem.FramesFreed, this.hat, seq, rel.frames.length);
    }
    this.k.reclaim.destroyAll(rel.objects);
    for (const r of rel.redirty ?? []) yield* this.ms.files.call(r.cache, (c) => c.redirty(r.pages));
    for (const id of rel.drops) yield* this.ms.files.drop(id as ObjRef<FCM>, this.hat, seq);
  }
}

/** How a file is mapped (Space.mapFile). */
export interface FileMapSpec extends Omit<MapSpec, "fcm" | "cache" | "offset"> {
  /** The file's page cache (FileCache.id). */
  file: ObjRef<FCM>;
  /** The file offset of the first page, in pages. */
  offset: number;
  /** MAP_SHARED (else MAP_PRIVATE). */
  shared: boolean;
}
