// The bring-up address space: a list of regions (VMAs) over the machine's page table, with
// demand-zero paging. A storage fault inside a region whose protection allows the access
// populates the page and lets the thread retry; outside any region it is a real SIGSEGV.
// This is the seed of K42's Region/FCM chain, which the kernel issue builds properly.

import { PAGE_SIZE, type PhysicalMemory } from "../../machine/memory.js";
import { PageTable, Pte } from "../../machine/pagetable.js";
import { Access, type GuestFault } from "../../machine/power/mmu.js";

export interface Region {
  start: number; // page aligned, as a JS number (< 2^48)
  end: number; // exclusive, page aligned
  prot: number; // Pte.Read | Pte.Write | Pte.Exec
  name: string;
}

const TWO32 = 4294967296;
const lo32 = (a: number): number => a % TWO32 | 0;
const hi32 = (a: number): number => Math.floor(a / TWO32) | 0;

export class AddressSpace {
  readonly pt: PageTable;
  /** Sorted by start, non-overlapping. */
  readonly regions: Region[] = [];
  /** Frames this address space owns (freed on teardown). */
  private readonly frames = new Set<number>();
  /** Pages zero-filled so far (the kernel charges zeroing). */
  zeroed = 0;
  /** NUMA node that frames come from (the running processor's; others by fallback). */
  node = 0;

  /**
   * `shootdown` removes every translation of this address space from the processors that may
   * hold one; frames are freed only after it returns (a stale TLB entry must never reach a
   * frame that was handed to another mapping).
   */
  constructor(readonly mem: PhysicalMemory, private readonly shootdown: () => void) {
    this.pt = new PageTable(mem);
  }

  /** Add a region (replacing whatever overlaps it: MAP_FIXED semantics). */
  addRegion(start: number, end: number, prot: number, name: string): void {
    this.removeRange(start, end);
    this.regions.push({ start, end, prot, name });
    this.regions.sort((a, b) => a.start - b.start);
  }

  find(addr: number): Region | undefined {
    for (const r of this.regions) if (addr >= r.start && addr < r.end) return r;
    return undefined;
  }

  /** Is [start, end) free of regions? */
  isFree(start: number, end: number): boolean {
    return this.regions.every((r) => r.end <= start || r.start >= end);
  }

  /** Unmap [start, end): split regions, drop pages. Returns the number of pages unmapped. */
  removeRange(start: number, end: number): number {
    const keep: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) {
        keep.push(r);
        continue;
      }
      if (r.start < start) keep.push({ ...r, end: start });
      if (r.end > end) keep.push({ ...r, start: end });
    }
    this.regions.length = 0;
    this.regions.push(...keep);
    return this.release(start, end);
  }

  /**
   * Unmap the pages of [start, end) (only those in regions that `which` accepts, if given),
   * remove every translation of them, then free their frames. Returns the pages unmapped.
   */
  private release(start: number, end: number, which?: (r: Region) => boolean): number {
    const released: number[] = [];
    for (let va = start; va < end; va += PAGE_SIZE) {
      if (which !== undefined) {
        const r = this.find(va);
        if (r === undefined || !which(r)) continue;
      }
      const pa = this.pt.unmap(lo32(va), hi32(va));
      if (pa >= 0) released.push(pa);
    }
    if (released.length > 0) this.shootdown();
    for (const pa of released) if (this.frames.delete(pa)) this.mem.freeFrame(pa);
    return released.length;
  }

  /** Is every page of [start, end) inside some region? */
  covered(start: number, end: number): boolean {
    for (let a = start; a < end; a += PAGE_SIZE) if (this.find(a) === undefined) return false;
    return true;
  }

  /** Is the page at va populated (resident)? */
  resident(va: number): boolean {
    return this.pt.lookup(lo32(va), hi32(va)) !== 0;
  }

  /** Drop the pages of [start, end) but keep the regions: the next touch zero-fills (MADV_DONTNEED). */
  dropPages(start: number, end: number, which: (r: Region) => boolean = () => true): void {
    this.release(start, end, which);
  }

  /**
   * Move the mapping [from, from + len) to [to, to + len) (mremap): regions and resident
   * pages go along; the destination must be free.
   */
  move(from: number, len: number, to: number): void {
    const moved: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= from || r.start >= from + len) continue;
      const s = Math.max(r.start, from), e = Math.min(r.end, from + len);
      moved.push({ ...r, start: s - from + to, end: e - from + to });
    }
    const pages: [number, number, number][] = [];
    for (let va = from; va < from + len; va += PAGE_SIZE) {
      const e = this.pt.lookup(lo32(va), hi32(va));
      if (e === 0) continue;
      this.pt.unmap(lo32(va), hi32(va));
      pages.push([va - from + to, e & ~(PAGE_SIZE - 1), e & (Pte.Read | Pte.Write | Pte.Exec)]);
    }
    this.shootdown();
    // The old range has no pages left, so removing it frees nothing.
    this.removeRange(from, from + len);
    for (const r of moved) this.regions.push(r);
    this.regions.sort((a, b) => a.start - b.start);
    for (const [va, pa, prot] of pages) this.pt.map(lo32(va), hi32(va), pa, prot);
  }

  /** Change protection of [start, end) (must be covered by regions). */
  protect(start: number, end: number, prot: number): boolean {
    for (let a = start; a < end; a += PAGE_SIZE) if (this.find(a) === undefined) return false;
    const pieces: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) {
        pieces.push(r);
        continue;
      }
      if (r.start < start) pieces.push({ ...r, end: start });
      pieces.push({ ...r, start: Math.max(r.start, start), end: Math.min(r.end, end), prot });
      if (r.end > end) pieces.push({ ...r, start: end });
    }
    this.regions.length = 0;
    this.regions.push(...pieces.sort((a, b) => a.start - b.start));
    for (let va = start; va < end; va += PAGE_SIZE) this.pt.protect(lo32(va), hi32(va), prot);
    this.shootdown();
    return true;
  }

  /** Physical address of the page at va, populating it (zeroed) if absent. */
  populate(va: number): number {
    const e = this.pt.lookup(lo32(va), hi32(va));
    if (e !== 0) return e & ~(PAGE_SIZE - 1);
    const r = this.find(va);
    if (r === undefined) throw new RangeError(`no region at 0x${va.toString(16)}`);
    const pa = this.mem.allocFrame(this.node);
    this.zeroed++;
    this.frames.add(pa);
    this.pt.map(lo32(va), hi32(va), pa, r.prot);
    return pa;
  }

  /** Copy bytes into guest memory regardless of protection (loader use). */
  poke(va: number, data: Uint8Array): void {
    let k = 0;
    while (k < data.length) {
      const a = va + k;
      const page = a - (a % PAGE_SIZE);
      const pa = this.populate(page);
      const off = a - page;
      const n = Math.min(data.length - k, PAGE_SIZE - off);
      this.mem.bytes.set(data.subarray(k, k + n), pa + off);
      k += n;
    }
  }

  /**
   * Resolve a storage fault: true if the page was populated and the access may be retried,
   * false if it is a real segmentation fault.
   */
  handleFault(f: GuestFault): boolean {
    if (f.protection) return false;
    const va = (f.eaHi >>> 0) * TWO32 + (f.eaLo >>> 0);
    // Only an absent page is demand-zero material (an alignment interrupt is not).
    if (this.pt.lookup(lo32(va), hi32(va)) !== 0) return false;
    const r = this.find(va);
    if (r === undefined) return false;
    const need = f.access === Access.Read ? Pte.Read : f.access === Access.Write ? Pte.Write : Pte.Exec;
    if ((r.prot & need) === 0) return false;
    this.populate(va - (va % PAGE_SIZE));
    return true;
  }

  /** Release every frame (page tables are reclaimed with the machine). */
  destroy(): void {
    for (const pa of this.frames) this.mem.freeFrame(pa);
    this.frames.clear();
    this.regions.length = 0;
  }
}

export { lo32, hi32, TWO32 };
