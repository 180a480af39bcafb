// The machine's page-table format: a 4-level radix tree in physical memory, 9 bits per level
// over 4 KiB pages, covering a 48-bit effective address space (like x86-64's). It lives in
// shared memory so that threads of one address space can run on several processors at once;
// each processor caches translations in its software TLB (ppc/mmu.ts).
//
// Layout: every table is one frame of 512 little-endian 64-bit entries. An entry holds the
// physical address of the next table (or of the page, at the last level) in bits 12..31 and
// the flags below in bits 0..11; bits 32..63 are zero (physical memory is below 4 GiB).
// Invariant: a table frame is changed only by the kernel that owns the address space.

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

  constructor(private readonly mem: PhysicalMemory, root?: number) {
    this.root = root ?? mem.allocFrame();
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
      let e = i32[slot];
      if ((e & Pte.Present) === 0) {
        e = this.mem.allocFrame() | Pte.Present;
        i32[slot] = e;
        i32[slot + 1] = 0;
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
}

export function hex(hi: number, lo: number): string {
  const h = (hi >>> 0).toString(16);
  const l = (lo >>> 0).toString(16);
  return "0x" + (hi === 0 ? l : h + l.padStart(8, "0"));
}
