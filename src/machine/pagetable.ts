// The machine's page-table format: a 4-level radix tree in physical memory, 9 bits per level
// over 4 KiB pages, covering a 48-bit effective address space (like x86-64's). It lives in
// shared memory so that threads of one address space can run on several processors at once;
// each processor caches translations in its software TLB (ppc/mmu.ts).
//
// Layout: every table is one frame of 512 little-endian 64-bit entries. An entry holds the
// physical address of the next table (or of the page, at the last level) in bits 12..31 and
// the flags below in bits 0..11; bits 32..63 are zero (physical memory is below 4 GiB).
// Tables are installed with compare-and-swap (two processors faulting in one address space may
// both find a slot empty: one table wins, the other is returned to its allocator); leaf entries
// are written by the kernel's memory objects under the lock of the region they belong to.

import { PAGE_SHIFT, PAGE_SIZE, type PhysicalMemory } from "./memory.js";

export const enum Pte {
  Present = 1,
  Read = 2,
  Write = 4,
  Exec = 8,
}

/** Protection bits of a mapping: any of Pte.Read, Pte.Write, Pte.Exec. */
export type Prot = number;

export const VA_BITS = 48;

export class PageTable {
  readonly root: number;

  /**
   * `tables` supplies zeroed frames for new tables and takes back the ones that lost an
   * installation race (default: the machine's allocator, node 0).
   */
  constructor(
    private readonly mem: PhysicalMemory,
    root?: number,
    private readonly tables: TableFrames = { alloc: () => mem.allocFrame(), free: (pa) => mem.freeFrame(pa) },
  ) {
    this.root = root ?? tables.alloc();
  }

  /** Level indices of a virtual page number (vaHi:vaLo >> 12). Returns undefined when out of range. */
  private static indices(vaLo: number, vaHi: number): [number, number, number, number] | undefined {
    if ((vaHi >>> 0) >= 1 << (VA_BITS - 32)) return undefined;
    const l3 = (vaLo >>> PAGE_SHIFT) & 511;
    const l2 = ((vaLo >>> 21) & 511);
    const l1 = ((vaLo >>> 30) | ((vaHi & 0x7f) << 2)) & 511;
    const l0 = (vaHi >>> 7) & 511;
    return [l0, l1, l2, l3];
  }

  /** The leaf entry (physical address | flags) for a virtual address, or 0 if unmapped. */
  lookup(vaLo: number, vaHi: number): number {
    const ix = PageTable.indices(vaLo, vaHi);
    if (ix === undefined) return 0;
    const i32 = this.mem.i32;
    let table = this.root;
    for (let level = 0; level < 4; level++) {
      const e = i32[(table + ix[level] * 8) >> 2];
      if ((e & Pte.Present) === 0) return 0;
      if (level === 3) return e;
      table = e & ~(PAGE_SIZE - 1);
    }
    return 0;
  }

  /** Map one page. `pa` is page aligned; `prot` a combination of Read/Write/Exec. */
  map(vaLo: number, vaHi: number, pa: number, prot: Prot): void {
    const ix = PageTable.indices(vaLo, vaHi);
    if (ix === undefined) throw new RangeError(`virtual address ${hex(vaHi, vaLo)} beyond ${VA_BITS} bits`);
    const i32 = this.mem.i32;
    let table = this.root;
    for (let level = 0; level < 3; level++) {
      const slot = (table + ix[level] * 8) >> 2;
      let e = Atomics.load(i32, slot);
      if ((e & Pte.Present) === 0) {
        const fresh = this.tables.alloc() | Pte.Present;
        const was = Atomics.compareExchange(i32, slot, e, fresh);
        if (was === e) e = fresh;
        else {
          this.tables.free(fresh & ~(PAGE_SIZE - 1)); // another processor installed one first
          e = was;
        }
      }
      table = e & ~(PAGE_SIZE - 1);
    }
    const slot = (table + ix[3] * 8) >> 2;
    i32[slot] = (pa & ~(PAGE_SIZE - 1)) | Pte.Present | (prot & (Pte.Read | Pte.Write | Pte.Exec));
    i32[slot + 1] = 0;
  }

  /** Change the protection of a mapped page; returns false if it is not mapped. */
  protect(vaLo: number, vaHi: number, prot: Prot): boolean {
    const e = this.lookup(vaLo, vaHi);
    if (e === 0) return false;
    this.map(vaLo, vaHi, e & ~(PAGE_SIZE - 1), prot);
    return true;
  }

  /** Remove a mapping; returns the physical page it mapped, or -1 if none. */
  unmap(vaLo: number, vaHi: number): number {
    const ix = PageTable.indices(vaLo, vaHi);
    if (ix === undefined) return -1;
    const i32 = this.mem.i32;
    let table = this.root;
    for (let level = 0; level < 3; level++) {
      const e = i32[(table + ix[level] * 8) >> 2];
      if ((e & Pte.Present) === 0) return -1;
      table = e & ~(PAGE_SIZE - 1);
    }
    const slot = (table + ix[3] * 8) >> 2;
    const e = i32[slot];
    if ((e & Pte.Present) === 0) return -1;
    i32[slot] = 0;
    return e & ~(PAGE_SIZE - 1);
  }

  /**
   * Every table frame of the tree (root last), for freeing the tree once no processor can
   * walk it any more (after the address space's last shootdown).
   */
  tableFrames(): number[] {
    const out: number[] = [];
    const i32 = this.mem.i32;
    const walk = (table: number, level: number): void => {
      if (level < 3) {
        for (let i = 0; i < 512; i++) {
          const e = i32[(table + i * 8) >> 2];
          if ((e & Pte.Present) !== 0) walk(e & ~(PAGE_SIZE - 1), level + 1);
        }
      }
      out.push(table);
    };
    walk(this.root, 0);
    return out;
  }
}

/** Where a page table gets its table frames (the kernel's page allocator, on the faulting node). */
export interface TableFrames {
  alloc(): number;
  free(pa: number): void;
}

export function hex(hi: number, lo: number): string {
  const h = (hi >>> 0).toString(16);
  const l = (lo >>> 0).toString(16);
  return "0x" + (hi === 0 ? l : h + l.padStart(8, "0"));
}
