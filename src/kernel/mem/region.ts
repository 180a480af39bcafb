// Region: a range of an address space with one protection, mapping an offset range of one
// FCM (K42's Region). The fault path passes through it (Process → Region → FCM → HAT): the
// region checks the access against its protection, asks its FCM for the page, and has the HAT
// map it — all under the region's lock, so that a change that must see every translation of a
// page (unmap, a file's write-back or truncate, which take the region's lock to edit its
// translations) never misses one being made. A change to part of a region (mprotect, munmap)
// replaces it by new ones for the pieces (the old one is marked dead under its lock, so a
// fault that found it just before retries, and destroyed after quiescence, so a processor
// still holding its id can still read it). A change covering a whole region (the common
// mprotect) is made in place under its lock, as is growing or shrinking it at its end (brk,
// mremap): no new object.
//
// A region of a file (shared: its FCM is the file's page cache; private: a copy-on-write child
// of it) is on the cache's attach list while it lives (`next` links the list), so the cache
// can reach every translation of its pages: write-back write-protects them, truncate removes them.

import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte, type Prot } from "../../machine/pagetable.js";
import { Access } from "../../machine/power/mmu.js";
import { RootKind, type ObjectType, type RepContext } from "../cos/types.js";
import type { ObjRef } from "../cos/manager.js";
import type { SharedWords } from "../shared.js";
import type { Block } from "../sched/thread.js";
import type { FCM } from "./fcm.js";
import type { HAT } from "./hat.js";
import { acquire, release } from "./lock.js";
import type { NodeChoice } from "./page-allocator.js";
import { loadAddr, pageDown, storeAddr } from "./va.js";

/** What a region maps, as /proc/PID/maps names it. */
export const enum RegionKind {
  Anonymous = 0,
  Heap = 1,
  Stack = 2,
  /** A segment of the program's or the dynamic linker's file. */
  Image = 3,
  /** A mapping of a file (mmap of a descriptor). */
  File = 4,
}

export const enum RegionFlag {
  /** MAP_SHARED: writes are seen by every mapping of the object. */
  Shared = 1,
  GrowsDown = 2,
  /** A shared mapping of a file not open for writing: mprotect may not add write permission (Linux's missing VM_MAYWRITE). */
  NoWrite = 4,
}

export interface RegionInfo {
  readonly start: number;
  readonly end: number;
  readonly prot: Prot;
  readonly fcm: ObjRef<FCM>;
  /** Page number in the FCM of the region's first page. */
  readonly offset: number;
  readonly kind: RegionKind;
  readonly flags: number;
  /** mbind policy: mode and node mask (mode 0 = the thread's policy). */
  readonly policyMode: number;
  readonly policyNodes: number;
  /** The file page cache the region maps (its FCM, or its FCM's parent for a private mapping); 0: none. */
  readonly cache: ObjRef<FCM>;
}

export type FaultOutcome =
  | { readonly kind: "mapped"; readonly zeroed: boolean; readonly copied: boolean; readonly replaced: boolean; readonly pa: number }
  /** The access is not allowed by the region's protection (SEGV_ACCERR). */
  | { readonly kind: "denied" }
  /** No region maps the address (SEGV_MAPERR). */
  | { readonly kind: "unmapped" }
  /** The memory object `obj` is bringing the page in: wait outside every object for its event (pageWait), then retry. */
  | { readonly kind: "in progress"; readonly obj: number }
  /** A page of a file at or beyond its end, or one whose read failed (SIGBUS, BUS_ADRERR). */
  | { readonly kind: "bus" };

/** The wait of a thread for object `obj` to bring a page in (woken by the object's page-ins and write-backs). */
export function pageWait(obj: number): Block & { readonly kind: "event" } {
  return { kind: "event", what: `page of object ${obj}` };
}

/**
 * A system call's copy met a page that is being brought in: the call waits for `pageWait(obj)`
 * outside every object and runs again (the personality's dispatcher does it).
 */
export class PageWait extends Error {
  constructor(readonly obj: number) {
    super(`a page of object ${obj} is being brought in`);
    this.name = "PageWait";
  }
}

export interface Region {
  /** Set up; `hat` is the address space's (the region edits its translations for the cache). */
  init(info: RegionInfo, hat: ObjRef<HAT>): void;
  info(): RegionInfo;
  readonly hat: ObjRef<HAT>;
  /** Resolve a fault at `va`; "retry" if the region died meanwhile. */
  fault(va: number, access: Access, hat: ObjRef<HAT>, choice: NodeChoice | undefined, force?: boolean): FaultOutcome | "retry";
  /** Mark dead (under the region's lock: no fault of it is in progress afterwards). */
  kill(): void;
  /** Move the end (growing or shrinking in place). */
  setEnd(end: number): void;
  /** Change protection and policy in place (a change covering the whole region). */
  reprotect(prot: number, policyMode: number, policyNodes: number): void;
  readonly dead: boolean;
  /** The next region on the cache's attach list (changed only under the cache's list lock). */
  readonly next: ObjRef<Region>;
  setNext(r: ObjRef<Region>): void;
  /**
   * The cache's pages [first, end) leave this mapping: its translations of them are removed
   * and, in a private mapping, its own copies of them released (Linux discards even privately
   * copied pages past a truncated end). Returns what to shoot down and free.
   */
  zap(first: number, end: number): { hat: ObjRef<HAT>; unmapped: number; frames: number[] };
  /** Write-protect the translations of `pages` (cache page, frame) in this shared mapping; how many changed. */
  writeProtect(pages: readonly { page: number; pa: number }[]): number;
}

const LOCK = 0, DEAD = 1, START = 2, END = 4, PROT = 6, FCMW = 7, OFFSET = 8, KIND = 10, FLAGS = 11, POL_MODE = 12, POL_NODES = 13;
const CACHE = 14, NEXT = 15, HATW = 16;
const BLOCK_BYTES = 17 * 4;

export function accessBit(a: Access): number {
  return a === Access.Read ? Pte.Read : a === Access.Write ? Pte.Write : Pte.Exec;
}

class RegionRep implements Region {
  constructor(private readonly ctx: RepContext, private readonly w: SharedWords) {}

  init(i: RegionInfo, hat: ObjRef<HAT>): void {
    this.w.store(HATW, hat);
    this.w.store(CACHE, i.cache);
    storeAddr(this.w, START, i.start);
    storeAddr(this.w, END, i.end);
    this.w.store(PROT, i.prot);
    this.w.store(FCMW, i.fcm);
    storeAddr(this.w, OFFSET, i.offset);
    this.w.store(KIND, i.kind);
    this.w.store(FLAGS, i.flags);
    this.w.store(POL_MODE, i.policyMode);
    this.w.store(POL_NODES, i.policyNodes);
  }

  info(): RegionInfo {
    const w = this.w;
    return {
      start: loadAddr(w, START), end: loadAddr(w, END), prot: w.load(PROT), fcm: w.load(FCMW) as ObjRef<FCM>,
      offset: loadAddr(w, OFFSET), kind: w.load(KIND) as RegionKind, flags: w.load(FLAGS),
      policyMode: w.load(POL_MODE), policyNodes: w.load(POL_NODES), cache: w.load(CACHE) as ObjRef<FCM>,
    };
  }

  get hat(): ObjRef<HAT> {
    return this.w.load(HATW) as ObjRef<HAT>;
  }

  get next(): ObjRef<Region> {
    return this.w.load(NEXT) as ObjRef<Region>;
  }

  setNext(r: ObjRef<Region>): void {
    this.w.store(NEXT, r);
  }

  get dead(): boolean {
    return this.w.load(DEAD) !== 0;
  }

  /** `force`: the kernel itself writes the page (a loader), whatever the protection. */
  fault(va: number, access: Access, hat: ObjRef<HAT>, choice: NodeChoice | undefined, force = false): FaultOutcome | "retry" {
    const w = this.w, k = this.ctx.k;
    acquire(w, LOCK);
    try {
      if (w.load(DEAD) !== 0) return "retry";
      const start = loadAddr(w, START);
      if (va < start || va >= loadAddr(w, END)) return "retry";
      const prot = w.load(PROT);
      if (!force && (prot & accessBit(access)) === 0) return { kind: "denied" };
      const page = loadAddr(w, OFFSET) + (pageDown(va) - start) / PAGE_SIZE;
      const fcm = w.load(FCMW) as ObjRef<FCM>;
      const p = k.cos.callNow(fcm, (f) => f.getPage(page, access === Access.Write, choice));
      if (p === "bus") return { kind: "bus" };
      if ("wait" in p) return { kind: "in progress", obj: p.wait };
      const pteProt = p.readOnly ? prot & ~Pte.Write : prot;
      const replaced = k.cos.callNow(hat, (h) => {
        const old = h.lookup(va);
        h.map(pageDown(va), p.pa, pteProt);
        return old !== 0 && (old & ~(PAGE_SIZE - 1)) !== p.pa;
      });
      return { kind: "mapped", zeroed: p.zeroed, copied: p.copied, replaced, pa: p.pa };
    } finally {
      release(w, LOCK);
    }
  }

  kill(): void {
    acquire(this.w, LOCK);
    this.w.store(DEAD, 1);
    release(this.w, LOCK);
  }

  reprotect(prot: number, policyMode: number, policyNodes: number): void {
    acquire(this.w, LOCK);
    this.w.store(PROT, prot);
    this.w.store(POL_MODE, policyMode);
    this.w.store(POL_NODES, policyNodes);
    release(this.w, LOCK);
  }

  setEnd(end: number): void {
    acquire(this.w, LOCK);
    storeAddr(this.w, END, end);
    release(this.w, LOCK);
  }

  /** The virtual range of cache pages [first, end) in this region (under its lock), or undefined. */
  private rangeOf(first: number, end: number): { s: number; e: number; va: number } | undefined {
    const start = loadAddr(this.w, START), offset = loadAddr(this.w, OFFSET);
    const last = offset + (loadAddr(this.w, END) - start) / PAGE_SIZE;
    const s = Math.max(first, offset), e = Math.min(end, last);
    return s < e ? { s, e, va: start + (s - offset) * PAGE_SIZE } : undefined;
  }

  zap(first: number, end: number): { hat: ObjRef<HAT>; unmapped: number; frames: number[] } {
    const w = this.w, cos = this.ctx.k.cos, hat = this.hat;
    acquire(w, LOCK);
    try {
      const r = this.rangeOf(first, end);
      if (r === undefined) return { hat, unmapped: 0, frames: [] };
      const unmapped = cos.callNow(hat, (h) => h.unmapRange(r.va, r.va + (r.e - r.s) * PAGE_SIZE));
      const fcm = w.load(FCMW) as ObjRef<FCM>;
      const frames = fcm !== w.load(CACHE) ? cos.callNow(fcm, (f) => f.release(r.s, r.e - r.s)) : [];
      return { hat, unmapped, frames };
    } finally {
      release(w, LOCK);
    }
  }

  writeProtect(pages: readonly { page: number; pa: number }[]): number {
    const w = this.w, cos = this.ctx.k.cos;
    acquire(w, LOCK);
    try {
      if (w.load(FCMW) !== w.load(CACHE)) return 0; // a private mapping never maps the cache's frames writable
      const start = loadAddr(w, START), offset = loadAddr(w, OFFSET);
      const last = offset + (loadAddr(w, END) - start) / PAGE_SIZE;
      return cos.callNow(this.hat, (h) => {
        let n = 0;
        for (const { page, pa } of pages) {
          if (page < offset || page >= last) continue;
          const va = start + (page - offset) * PAGE_SIZE;
          const e = h.lookup(va);
          if (e === 0 || (e & ~(PAGE_SIZE - 1)) !== pa || (e & Pte.Write) === 0) continue;
          h.map(va, pa, e & (Pte.Read | Pte.Exec));
          n++;
        }
        return n;
      });
    } finally {
      release(w, LOCK);
    }
  }
}

export const RegionDefault: ObjectType<Region> = {
  id: 0x241,
  name: "RegionDefault",
  kind: RootKind.Shared,
  sharedBytes: BLOCK_BYTES,
  create: (ctx) => new RegionRep(ctx, ctx.shared as SharedWords),
};
