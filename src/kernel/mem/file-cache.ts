// Files' page caches: the registry that makes one cache per file, the page-in and write-back
// protocols, and the end of a cache. The objects are FCMs in file mode (fcm.ts) with an FRFile
// each (fr-file.ts); this module runs the parts that wait — the pager's reads and writes,
// shootdowns — in kernel threads and generators outside every object, K42's way: no lock is
// held across a wait, and a faulting thread never waits inside the fault path.
//
// Page-in, as numbered steps:
//   1. A fault misses in the cache (under the page's stripe lock): a frame is taken, the index
//      entry marked Pending, a reference taken for the page-in, the faulting processor put in
//      the cache's waiter mask, and the FR asked to fill the frame; the fault answers "wait".
//      A second fault on the page finds Pending and only joins the waiter mask: one page-in.
//   2. The FR starts a kernel thread on the pager's processor (a PageIn message if that is
//      another processor), which reads the page through the pager and copies it into the frame.
//   3. The thread tells the cache (`filled`): the entry becomes the page, or — if a write()
//      changed the file during the read — the read is made again; if the page was truncated
//      meanwhile the frame goes back. The waiter mask is taken.
//   4. Every processor in the mask wakes its threads waiting for the cache's event (a PageWake
//      message to the others); they retry their faults. The page-in's reference is dropped.
//
// Write-back (msync, flush before read()/fsync, the end of the cache), one at a time per cache:
//   1. Take the dirty pages of the range, clearing their marks (under the stripe locks).
//   2. Write-protect every writable translation of them (the cache's attach list, each region
//      under its lock), and shoot down the address spaces that had one: from now on a write
//      faults and marks the page dirty again.
//   3. On the pager's processor, copy each page (up to the end of the file) and write it out.
//
// The end: every reference (a region, a holder, a page-in) counts. The one who drops the last
// runs `close`: write back, then — under the registry lock — if nobody took a reference
// meanwhile (a new mmap of the file finds the cache in the registry and revives it), take the
// cache out of the registry and free it. Its frames have no translation left: each region's
// reference was dropped only after its own shootdown.

import { PAGE_SIZE } from "../../machine/memory.js";
import { ObjectBusy, type ObjRef } from "../cos/manager.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import type { SharedWords } from "../shared.js";
import type { Block } from "../sched/thread.js";
import { Major, Mem } from "../trace/events.js";
import type { FCM } from "./fcm.js";
import { FRFile, type FRFileOps } from "./fr-file.js";
import { shootdown, type HAT } from "./hat.js";
import { acquire, release } from "./lock.js";
import type { FileKey, FileLabel, FileSource, Pager } from "./pager.js";
import { pageWait, type Region } from "./region.js";
import type { MemorySystem } from "./system.js";

type Gen<T> = Generator<Block, T, unknown>;

/** The well-known slot of the page-cache registry. */
export const FILE_REGISTRY = 3;

// ---- the registry: key → FR, in hash buckets (a frame of FR ids), chained through the FRs ----

interface Registry {
  /** The cache of `key` with a reference taken, made by `create` (under the lock) if there is none. */
  acquire(key: FileKey, create: () => ObjRef<FRFileOps>): ObjRef<FCM>;
  /** The cache of `key` with a reference taken, or 0. */
  lookup(key: FileKey): ObjRef<FCM>;
  /** The closer's last step: if `cache` has no reference, take it out (true); else end the close (false). */
  removeIfUnused(fr: ObjRef<FRFileOps>, cache: ObjRef<FCM>): boolean;
  /** Files cached now (a lock-free hint: 0 means no lookup is needed). */
  count(): number;
}

const LOCK = 0, COUNT = 1, BUCKETS = 2;
const NBUCKETS = PAGE_SIZE / 4;

const bucketOf = (key: FileKey): number =>
  (Math.imul(key[0] | 0, 0x9e3779b1) ^ Math.imul(key[1] % 4294967296 | 0, 0x85ebca6b) ^ Math.floor(key[1] / 4294967296)) & (NBUCKETS - 1);

class RegistryRep implements Registry {
  constructor(private readonly ctx: RepContext, private readonly w: SharedWords) {}

  private get ms(): MemorySystem {
    const m = this.ctx.k.memory;
    if (m === undefined) throw new Error("memory system not installed");
    return m;
  }

  private locked<T>(f: () => T): T {
    acquire(this.w, LOCK);
    try {
      return f();
    } finally {
      release(this.w, LOCK);
    }
  }

  /** The FR of `key` (lock held), or 0. */
  private find(key: FileKey): ObjRef<FRFileOps> {
    const b = this.w.load(BUCKETS);
    if (b === 0) return 0 as ObjRef<FRFileOps>;
    const cos = this.ctx.k.cos, i32 = this.ctx.k.port.mem.i32;
    let fr = Atomics.load(i32, (b >> 2) + bucketOf(key)) as ObjRef<FRFileOps>;
    while (fr !== 0) {
      const k = cos.callNow(fr, (f) => f.key());
      if (k[0] === key[0] >>> 0 && k[1] === key[1]) return fr;
      fr = cos.callNow(fr, (f) => f.next);
    }
    return fr;
  }

  acquire(key: FileKey, create: () => ObjRef<FRFileOps>): ObjRef<FCM> {
    return this.locked(() => {
      const cos = this.ctx.k.cos;
      const found = this.find(key);
      if (found !== 0) {
        const fcm = cos.callNow(found, (f) => f.fcm);
        cos.callNow(fcm, (c) => c.addRef(1));
        return fcm;
      }
      let b = this.w.load(BUCKETS);
      if (b === 0) {
        b = this.ms.allocFrame();
        this.w.store(BUCKETS, b);
      }
      const fr = create();
      const fcm = cos.callNow(fr, (f) => f.fcm);
      cos.callNow(fcm, (c) => c.addRef(1));
      const slot = (b >> 2) + bucketOf(key), i32 = this.ctx.k.port.mem.i32;
      cos.callNow(fr, (f) => f.setNext(Atomics.load(i32, slot) as ObjRef<FRFileOps>));
      Atomics.store(i32, slot, fr);
      this.w.add(COUNT, 1);
      return fcm;
    });
  }

  lookup(key: FileKey): ObjRef<FCM> {
    return this.locked(() => {
      const cos = this.ctx.k.cos;
      const fr = this.find(key);
      if (fr === 0) return 0 as ObjRef<FCM>;
      const fcm = cos.callNow(fr, (f) => f.fcm);
      cos.callNow(fcm, (c) => c.addRef(1));
      return fcm;
    });
  }

  removeIfUnused(fr: ObjRef<FRFileOps>, cache: ObjRef<FCM>): boolean {
    return this.locked(() => {
      const cos = this.ctx.k.cos, i32 = this.ctx.k.port.mem.i32;
      if (cos.callNow(cache, (c) => c.info().refs) > 0) {
        cos.callNow(fr, (f) => f.endClose());
        return false;
      }
      const b = this.w.load(BUCKETS), key = cos.callNow(fr, (f) => f.key());
      const slot = (b >> 2) + bucketOf(key), next = cos.callNow(fr, (f) => f.next);
      let prev = 0 as ObjRef<FRFileOps>, cur = Atomics.load(i32, slot) as ObjRef<FRFileOps>;
      while (cur !== fr) {
        if (cur === 0) throw new Error(`FR ${fr} is not in the page-cache registry`);
        prev = cur;
        cur = cos.callNow(cur, (f) => f.next);
      }
      if (prev === 0) Atomics.store(i32, slot, next);
      else cos.callNow(prev, (f) => f.setNext(next));
      if (this.w.add(COUNT, -1) === 1) {
        this.w.store(BUCKETS, 0); // no file cached: the bucket frame goes back
        this.ms.freeFrame(b);
      }
      return true;
    });
  }

  count(): number {
    return this.w.load(COUNT);
  }
}

export const FileRegistry: ObjectType<Registry> = {
  id: 0x261,
  name: "FileRegistry",
  kind: RootKind.Shared,
  sharedBytes: 3 * 4,
  create: (ctx) => new RegistryRep(ctx, ctx.shared as SharedWords),
};

/** A page-in request to the pager's processor. */
interface PageInMsg {
  fr: number;
  fcm: number;
  page: number;
  pa: number;
}

/** A write-back request to the pager's processor: the pages (and the frames they were in). */
interface PageOutMsg {
  fcm: number;
  pages: { page: number; pa: number }[];
}

/** A cache's counts, for tests and statistics. */
export interface FileCacheStats {
  size: number;
  pages: number;
  refs: number;
  dirty: number;
  pageIns: number;
  pageOuts: number;
  failures: number;
  /** Faults that found their page being read and waited for that read instead of reading it again. */
  joined: number;
}

/**
 * A file's page cache as the layer above holds it: a reference (taken by `acquire` or `find`,
 * given back by `release`). The id is the cache's clustered-object id: it can be passed to
 * another processor, whose `FileCaches.handle(id)` makes a handle there, and to
 * `Space.mapFile`. Every method may wait (a hot-swap of the cache, the pager, a shootdown).
 */
export class FileCache {
  constructor(private readonly files: FileCaches, readonly id: ObjRef<FCM>) {}

  /** write() put `bytes` at `offset` in the file: resident pages take them (the file may grow). */
  *update(offset: number, bytes: Uint8Array): Gen<void> {
    yield* this.files.call(this.id, (c) => c.update(offset, bytes));
  }

  /** Write the pages shared mappings dirtied back to the file (before read(), fsync, close); the failed writes. */
  *flushDirty(): Gen<number> {
    if ((yield* this.files.call(this.id, (c) => c.dirtyCount())) === 0) return 0;
    return yield* this.files.writeBack(this.id, 0, Infinity);
  }

  /** fsync: everything dirty reaches the pager; the failed writes. */
  *flush(): Gen<number> {
    return yield* this.files.writeBack(this.id, 0, Infinity);
  }

  /** The file is `size` bytes now (truncate, ftruncate): pages past it leave every mapping. */
  *truncate(size: number): Gen<void> {
    yield* this.files.truncate(this.id, size);
  }

  *size(): Gen<number> {
    return yield* this.files.call(this.id, (c) => c.size());
  }

  *stats(): Gen<FileCacheStats> {
    const files = this.files;
    const c = yield* files.call(this.id, (f) => ({ size: f.size(), info: f.info(), dirty: f.dirtyCount(), fr: f.fr }));
    const s = yield* files.call(c.fr as ObjRef<FRFileOps>, (f) => f.stats());
    return { size: c.size, pages: c.info.pages, refs: c.info.refs, dirty: c.dirty, joined: c.info.joined, ...s };
  }

  /** Give the reference back (the last one ends the cache, after writing it back). */
  *release(): Gen<void> {
    yield* this.files.drop(this.id);
  }
}

/** The memory system's file caches on one processor (installed by MemorySystem). */
export class FileCaches {
  readonly registry: ObjRef<Registry>;

  constructor(private readonly k: Kernel, private readonly ms: MemorySystem) {
    k.cos.registerType(FRFile as ObjectType<unknown>);
    this.registry = k.cos.wellKnown(FILE_REGISTRY, FileRegistry);
    k.msg.on(MsgKind.PageIn, (_from, b) => {
      const m = b as PageInMsg;
      this.spawnFill(m.fr as ObjRef<FRFileOps>, m.fcm as ObjRef<FCM>, m.page, m.pa);
    });
    k.msg.on(MsgKind.PageWake, (_from, b) => this.wakeHere(b as number));
    k.onRequest(MsgKind.PageOut, (_from, b, reply) => {
      const m = b as PageOutMsg;
      const files = this;
      k.sched.spawn(`page-out of object ${m.fcm}`, (function* (): Gen<void> {
        reply(yield* files.pageOutHere(m.fcm as ObjRef<FCM>, m.pages));
      })());
    });
  }

  /** Call a method of object `id` now; while it is being hot-swapped, wait and call again. */
  *call<R, T>(id: ObjRef<R>, f: (rep: R) => T): Gen<T> {
    for (;;) {
      try {
        return this.k.cos.callNow(id, f);
      } catch (e) {
        if (!(e instanceof ObjectBusy)) throw e;
        yield { kind: "swap", obj: e.obj };
      }
    }
  }

  handle(id: ObjRef<FCM>): FileCache {
    return new FileCache(this, id);
  }

  /** The cache of `src.key`, made if the file is not cached (its pager made here: this processor runs it). */
  *acquire(src: FileSource): Gen<FileCache> {
    const k = this.k, ms = this.ms;
    const create = (): ObjRef<FRFileOps> => {
      const fr = k.cos.create(FRFile);
      const fcm = k.cos.create(ms.fcmType);
      k.cos.callNow(fcm, (c) => c.initFile(fr, src.size));
      const labelFrame = ms.allocFrame();
      k.cos.callNow(fr, (f) => f.init(fcm, src.key, src.label, labelFrame, src.pager()));
      return fr;
    };
    const id = yield* this.call(this.registry, (r) => r.acquire(src.key, create));
    return this.handle(id);
  }

  /** The cache of `key` with a reference taken, if the file is cached (write() and read() ask). */
  *find(key: FileKey): Gen<FileCache | undefined> {
    if ((yield* this.call(this.registry, (r) => r.count())) === 0) return undefined;
    const id = yield* this.call(this.registry, (r) => r.lookup(key));
    return id === 0 ? undefined : this.handle(id);
  }

  /** The label of a file cache (for /proc/PID/maps). */
  *label(cache: ObjRef<FCM>): Gen<FileLabel> {
    return yield* this.call(cache, () => this.labelNow(cache));
  }

  /** The same, now (ObjectBusy while the cache is being hot-swapped). */
  labelNow(cache: ObjRef<FCM>): FileLabel {
    const cos = this.k.cos;
    const fr = cos.callNow(cache, (c) => c.fr) as ObjRef<FRFileOps>;
    return cos.callNow(fr, (f) => f.label());
  }

  // ---- references ----

  /**
   * Drop a reference of FCM `id` (a region that died, after its space's shootdown; a holder; a
   * page-in). At zero an anonymous FCM is torn down at once (and its copy-on-write parent loses
   * a reference); a file's cache is closed. `hat`/`seq` name the shootdown for the trace.
   */
  *drop(id: ObjRef<FCM>, hat = 0, seq = 0): Gen<void> {
    let cur = id;
    while (cur !== 0) {
      const c = cur;
      const left = yield* this.call(c, (f) => f.addRef(-1));
      if (left > 0) return;
      if (left < 0) throw new Error(`FCM ${c}: more references dropped than taken`);
      if (yield* this.call(c, (f) => f.isFile)) {
        yield* this.close(c);
        return;
      }
      const t = yield* this.call(c, (f) => f.teardown());
      this.free(t.frames, hat, seq);
      this.k.reclaim.destroy(c);
      cur = t.parent; // the copy-on-write parent loses a child
    }
  }

  private free(frames: readonly number[], hat: number, seq: number): void {
    if (frames.length === 0) return;
    for (const pa of frames) this.ms.freeFrame(pa);
    this.k.trace.ev3(Major.Mem, Mem.FramesFreed, hat, seq, frames.length);
  }

  /** The end of a file's cache (its count reached zero): write back, then free unless revived. */
  private *close(cache: ObjRef<FCM>): Gen<void> {
    const fr = (yield* this.call(cache, (c) => c.fr)) as ObjRef<FRFileOps>;
    for (;;) {
      if (!(yield* this.call(fr, (f) => f.tryClose()))) return; // another closer runs; it rechecks
      yield* this.writeBack(cache, 0, Infinity);
      if (yield* this.call(this.registry, (r) => r.removeIfUnused(fr, cache))) {
        const t = yield* this.call(cache, (c) => c.teardown());
        const label = yield* this.call(fr, (f) => f.labelFrame);
        this.free([...t.frames, label], 0, 0);
        this.k.reclaim.destroyAll([cache, fr]); // the FR's home rep lets the pager go
        return;
      }
      // Revived (a new mapping found it): it lives on — unless the count fell to zero again
      // while this closer still held the close (that dropper left the closing to us).
      if ((yield* this.call(cache, (c) => c.info().refs)) > 0) return;
    }
  }

  // ---- page-in ----

  /** Step 2: run the page-in on the pager's processor (called inside the fault path: never waits). */
  startPageIn(fr: ObjRef<FRFileOps>, home: number, fcm: ObjRef<FCM>, page: number, pa: number): void {
    if (home === this.k.cpu) this.spawnFill(fr, fcm, page, pa);
    else this.k.msg.send(home, MsgKind.PageIn, { fr, fcm, page, pa } satisfies PageInMsg);
  }

  private spawnFill(fr: ObjRef<FRFileOps>, fcm: ObjRef<FCM>, page: number, pa: number): void {
    this.k.sched.spawn(`page-in of object ${fcm} page ${page}`, this.fill(fr, fcm, page, pa));
  }

  /** Steps 2–4, in a kernel thread of the pager's processor. */
  private *fill(fr: ObjRef<FRFileOps>, fcm: ObjRef<FCM>, page: number, pa: number): Gen<void> {
    const k = this.k, mem = k.port.mem;
    try {
      const pager = yield* this.pagerOf(fr);
      for (;;) {
        k.trace.ev3(Major.Mem, Mem.PageIn, fcm, page, pa);
        const got = yield* pager.pageIn(page * PAGE_SIZE, PAGE_SIZE);
        const ok = typeof got !== "number";
        if (ok) {
          const n = Math.min(got.length, PAGE_SIZE);
          mem.bytes.set(got.subarray(0, n), pa);
          mem.bytes.fill(0, pa + n, pa + PAGE_SIZE);
          // The copy into the frame (the pager's own work — a PPC, the server — is charged where it runs).
          k.port.charge(mem.frameNode(pa >>> 12) === k.topology.nodeOf(k.cpu) ? k.port.cost.pageCopy : k.port.cost.pageCopy * k.port.cost.remoteMemoryFactor);
        }
        yield* this.call(fr, (f) => f.count(ok ? "in" : "failed"));
        const r = yield* this.call(fcm, (c) => c.filled(page, pa, ok));
        k.trace.ev3(Major.Mem, Mem.PageInDone, fcm, page, r.again ? 2 : ok ? 1 : 0);
        this.wake(fcm, r.wake);
        if (!r.again) break;
      }
    } finally {
      yield* this.drop(fcm); // the page-in's reference (step 1 took it)
    }
  }

  private *pagerOf(fr: ObjRef<FRFileOps>): Gen<Pager> {
    const p = yield* this.call(fr, (f) => f.pager);
    if (p === undefined) throw new Error(`FR ${fr}: no pager on processor ${this.k.cpu}`);
    return p;
  }

  /** Wake the faults waiting for `fcm`'s event on the processors `cpus` (an anonymous page's migration ended). */
  wakeFaults(fcm: ObjRef<FCM>, cpus: readonly number[]): void {
    this.wake(fcm, cpus);
  }

  /** Step 4: wake the threads waiting for `fcm`'s event on each processor of `cpus`. */
  private wake(fcm: ObjRef<FCM>, cpus: readonly number[]): void {
    for (const c of cpus) {
      if (c === this.k.cpu) this.wakeHere(fcm);
      else this.k.msg.send(c, MsgKind.PageWake, fcm);
    }
  }

  private wakeHere(fcm: number): void {
    const what = pageWait(fcm).what;
    this.k.sched.wakeWhere((b) => b.kind === "event" && b.what === what);
  }

  // ---- write-back ----

  /** Write back the dirty pages of [first, end) of `cache`; returns how many writes failed. */
  *writeBack(cache: ObjRef<FCM>, first: number, end: number): Gen<number> {
    // One write-back at a time: a later one must not overtake an earlier one's older copy.
    while (!(yield* this.call(cache, (c) => {
      if (c.beginWriteBack()) return true;
      c.wantWake();
      return c.beginWriteBack(); // the holder may have ended before it could see this processor's mark
    }))) yield pageWait(cache);
    try {
      const dirty = yield* this.call(cache, (c) => c.takeDirty(first, end));
      if (dirty.length === 0) return 0;
      // Step 2: no writable translation may survive the marks' clearing.
      const cos = this.k.cos, hats = new Set<ObjRef<HAT>>();
      yield* this.call(cache, (c) => c.forEachMapper((r: ObjRef<Region>) => {
        if (cos.callNow(r, (x) => x.writeProtect(dirty)) > 0) hats.add(cos.callNow(r, (x) => x.hat));
      }));
      for (const h of hats) yield* shootdown(this.k, h);
      // Step 3, on the pager's processor.
      const fr = (yield* this.call(cache, (c) => c.fr)) as ObjRef<FRFileOps>;
      const home = yield* this.call(fr, (f) => f.home);
      if (home === this.k.cpu) return yield* this.pageOutHere(cache, dirty);
      const [failed] = yield* this.k.ask([home], MsgKind.PageOut, { fcm: cache, pages: dirty } satisfies PageOutMsg);
      return failed as number;
    } finally {
      this.wake(cache, yield* this.call(cache, (c) => c.endWriteBack()));
    }
  }

  /** Copy each page (if its frame still holds it) and write it through the pager; the failed writes. */
  private *pageOutHere(cache: ObjRef<FCM>, pages: readonly { page: number; pa: number }[]): Gen<number> {
    const fr = (yield* this.call(cache, (c) => c.fr)) as ObjRef<FRFileOps>;
    const pager = yield* this.pagerOf(fr);
    let failed = 0;
    for (const { page, pa } of pages) {
      const bytes = yield* this.call(cache, (c) => c.snapshot(page, pa));
      if (bytes === undefined) continue; // truncated meanwhile
      this.k.port.charge(this.k.port.cost.pageCopy);
      const err = yield* pager.pageOut(page * PAGE_SIZE, bytes);
      this.k.trace.ev3(Major.Mem, Mem.PageOut, cache, page, err);
      yield* this.call(fr, (f) => f.count(err === 0 ? "out" : "failed"));
      if (err !== 0) failed++;
    }
    return failed;
  }

  // ---- truncate ----

  /** The file is `size` bytes now: pages past it leave the cache and every mapping (after a shootdown). */
  *truncate(cache: ObjRef<FCM>, size: number): Gen<void> {
    const t = yield* this.call(cache, (c) => c.truncate(size));
    const cos = this.k.cos, hats = new Set<ObjRef<HAT>>(), frames = [...t.frames];
    yield* this.call(cache, (c) => c.forEachMapper((r: ObjRef<Region>) => {
      const z = cos.callNow(r, (x) => x.zap(t.first, Infinity));
      if (z.unmapped > 0) hats.add(z.hat);
      frames.push(...z.frames);
    }));
    let seq = 0;
    for (const h of hats) seq = yield* shootdown(this.k, h);
    this.free(frames, 0, seq);
  }
}
