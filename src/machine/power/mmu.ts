// A processor's view of guest memory: effective-address translation through a software TLB
// filled from the address space's page table, and the load/store primitives every memory
// instruction uses. Guest bytes are in guest byte order; `le` selects it.
//
// Addresses are passed as two int32 halves (lo, hi). In 32-bit mode callers pass hi = 0 and
// a lo already truncated to 32 bits. A 64-bit value is returned as its low word, with the
// high word left in `hi64`.
//
// Invariants:
//  - TLB entries are per-processor; a page's entry is valid only while its page-table entry
//    has the matching protection (the kernel flushes TLBs when it unmaps or protects).
//  - The write TLB never holds a page that has translated code (see block-engine.ts): a store
//    to such a page goes through the slow path, which invalidates the code first.

import { PAGE_SIZE, type PhysicalMemory } from "../memory.js";
import { Pte, type PageTable, hex } from "../pagetable.js";

const TLB_BITS = 10;
const TLB_SIZE = 1 << TLB_BITS;
const TLB_MASK = TLB_SIZE - 1;
const OFF_MASK = PAGE_SIZE - 1;

export const enum Access {
  Read = 0,
  Write = 1,
  Exec = 2,
}

/** A storage exception: the guest touched an address it may not (SIGSEGV/SIGBUS material). */
export class GuestFault extends Error {
  readonly access: Access;
  readonly eaLo: number;
  readonly eaHi: number;
  /** true when the page is mapped but the access is not allowed. */
  readonly protection: boolean;

  constructor(access: Access, eaLo: number, eaHi: number, protection: boolean) {
    // A guest's fault is an event of the guest, taken on every demand-zero page: no host stack
    // to capture (capturing one was a fifth of the page-fault path's time).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${["read", "write", "execute"][access]} ${protection ? "not permitted" : "of unmapped address"} at ${hex(eaHi, eaLo)}`);
    Error.stackTraceLimit = limit;
    this.access = access;
    this.eaLo = eaLo;
    this.eaHi = eaHi;
    this.protection = protection;
  }
}

export class Tlb {
  // Ordinary arrays until `place` moves them into physical memory (area.ts); code that caches
  // the arrays must re-read them per call (the block engine's functions do, at entry).
  tagLo: Int32Array<ArrayBufferLike> = new Int32Array(TLB_SIZE).fill(-1);
  tagHi: Int32Array<ArrayBufferLike> = new Int32Array(TLB_SIZE);
  phys: Int32Array<ArrayBufferLike> = new Int32Array(TLB_SIZE);
  flush(): void {
    this.tagLo.fill(-1);
  }

  /**
   * Move the arrays to physical memory at byte addresses (tagLo, tagHi, phys), contents kept,
   * so that generated WebAssembly probes the same entries the JavaScript engines do.
   */
  place(buffer: ArrayBufferLike, tagLo: number, tagHi: number, phys: number): void {
    const lo = new Int32Array(buffer, tagLo, TLB_SIZE);
    const hi = new Int32Array(buffer, tagHi, TLB_SIZE);
    const ph = new Int32Array(buffer, phys, TLB_SIZE);
    lo.set(this.tagLo);
    hi.set(this.tagHi);
    ph.set(this.phys);
    this.tagLo = lo;
    this.tagHi = hi;
    this.phys = ph;
  }
}

export interface CodeWatcher {
  /** Called before a store to a physical page that holds translated code. */
  codeWritten(frame: number): void;
  isCode(frame: number): boolean;
}

export class GuestMemory {
  readonly mem: PhysicalMemory;
  readonly dv: DataView;
  readonly u8: Uint8Array;
  /** Guest byte order: true for little-endian. */
  le = false;
  /** 64-bit mode (MSR.SF). */
  sf = true;
  /** High word of the last 64-bit load. */
  hi64 = 0;
  pt: PageTable | undefined;
  codeWatcher: CodeWatcher | undefined;
  /** NUMA node of this processor, and TLB fills of local / remote frames (charged by the kernel). */
  node = 0;
  readonly fills = [0, 0];
  /** Read and write TLBs (generated code probes them inline; see jit.ts). */
  readonly rtlb = new Tlb();
  readonly wtlb = new Tlb();
  private readonly xtlb = new Tlb();

  constructor(mem: PhysicalMemory) {
    this.mem = mem;
    this.dv = mem.view;
    this.u8 = mem.bytes;
  }

  flushTlb(): void {
    this.rtlb.flush();
    this.wtlb.flush();
    this.xtlb.flush();
  }

  /** Forget one page (all three TLBs; the Cpu also forgets the engine's recently-run blocks). */
  flushPage(lo: number, hi: number): void {
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    for (const t of [this.rtlb, this.wtlb, this.xtlb]) {
      if (t.tagLo[i] === vpn && t.tagHi[i] === hi) t.tagLo[i] = -1;
    }
  }

  /** Physical address of an effective address for an access; fills the TLB or throws GuestFault. */
  translate(lo: number, hi: number, access: Access): number {
    const t = access === Access.Read ? this.rtlb : access === Access.Write ? this.wtlb : this.xtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi) return t.phys[i] + (lo & OFF_MASK);
    return this.fill(t, lo, hi, access) + (lo & OFF_MASK);
  }

  private fill(t: Tlb, lo: number, hi: number, access: Access): number {
    const pte = this.pt === undefined ? 0 : this.pt.lookup(lo, hi);
    const need = access === Access.Read ? Pte.Read : access === Access.Write ? Pte.Write : Pte.Exec;
    if ((pte & Pte.Present) === 0) throw new GuestFault(access, lo, hi, false);
    if ((pte & need) === 0) throw new GuestFault(access, lo, hi, true);
    const base = pte & ~OFF_MASK;
    // Data translations only: how often an engine translates code depends on the engine (the
    // block engine once per block, the step engine per instruction), and the charge must not —
    // an engine never changes the virtual clock. Code fetch is in the instruction's cost.
    if (access !== Access.Exec) this.fills[this.mem.frameNode(base >>> 12) === this.node ? 0 : 1]++;
    if (access === Access.Write && this.codeWatcher !== undefined && this.codeWatcher.isCode(base >>> 12)) {
      // Never cache a writable translation of a code page: each store must invalidate.
      this.codeWatcher.codeWritten(base >>> 12);
    }
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    t.tagLo[i] = vpn;
    t.tagHi[i] = hi;
    t.phys[i] = base;
    return base;
  }

  /** Drop a physical frame from the write TLB (it now holds translated code). */
  protectCodeFrame(frame: number): void {
    const t = this.wtlb;
    for (let i = 0; i < TLB_SIZE; i++) if (t.tagLo[i] !== -1 && t.phys[i] >>> 12 === frame) t.tagLo[i] = -1;
  }

  // ---- loads: unsigned 8/16, raw int32, 64 (lo returned, hi in hi64) ----

  ld8(lo: number, hi: number): number {
    const t = this.rtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    const p = t.tagLo[i] === vpn && t.tagHi[i] === hi ? t.phys[i] + (lo & OFF_MASK) : this.translate(lo, hi, Access.Read);
    return this.u8[p];
  }

  ld16(lo: number, hi: number): number {
    const t = this.rtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 2) {
      return this.dv.getUint16(t.phys[i] + (lo & OFF_MASK), this.le);
    }
    return this.ldSlow(lo, hi, 2);
  }

  ld32(lo: number, hi: number): number {
    const t = this.rtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 4) {
      return this.dv.getInt32(t.phys[i] + (lo & OFF_MASK), this.le);
    }
    return this.ldSlow(lo, hi, 4) | 0;
  }

  ld64(lo: number, hi: number): number {
    const t = this.rtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 8) {
      const p = t.phys[i] + (lo & OFF_MASK);
      if (this.le) {
        this.hi64 = this.dv.getInt32(p + 4, true);
        return this.dv.getInt32(p, true);
      }
      this.hi64 = this.dv.getInt32(p, false);
      return this.dv.getInt32(p + 4, false);
    }
    return this.ld64Slow(lo, hi);
  }

  // ---- stores ----

  st8(lo: number, hi: number, v: number): void {
    const t = this.wtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    const p = t.tagLo[i] === vpn && t.tagHi[i] === hi ? t.phys[i] + (lo & OFF_MASK) : this.translate(lo, hi, Access.Write);
    this.u8[p] = v;
  }

  st16(lo: number, hi: number, v: number): void {
    const t = this.wtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 2) {
      this.dv.setUint16(t.phys[i] + (lo & OFF_MASK), v, this.le);
      return;
    }
    this.stSlow(lo, hi, 2, v, 0);
  }

  st32(lo: number, hi: number, v: number): void {
    const t = this.wtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 4) {
      this.dv.setInt32(t.phys[i] + (lo & OFF_MASK), v, this.le);
      return;
    }
    this.stSlow(lo, hi, 4, v, 0);
  }

  st64(lo: number, hi: number, vlo: number, vhi: number): void {
    const t = this.wtlb;
    const vpn = lo >>> 12;
    const i = vpn & TLB_MASK;
    if (t.tagLo[i] === vpn && t.tagHi[i] === hi && (lo & OFF_MASK) <= PAGE_SIZE - 8) {
      const p = t.phys[i] + (lo & OFF_MASK);
      if (this.le) {
        this.dv.setInt32(p, vlo, true);
        this.dv.setInt32(p + 4, vhi, true);
      } else {
        this.dv.setInt32(p, vhi, false);
        this.dv.setInt32(p + 4, vlo, false);
      }
      return;
    }
    this.stSlow(lo, hi, 8, vlo, vhi);
  }

  // ---- slow paths: TLB miss, page crossing ----

  /** Next byte address after (lo, hi), wrapping in the current mode. */
  private inc(lo: number, hi: number, k: number): [number, number] {
    const nlo = (lo + k) | 0;
    if (!this.sf) return [nlo, 0];
    const carry = (nlo >>> 0) < (lo >>> 0) ? 1 : 0;
    return [nlo, (hi + carry) | 0];
  }

  private ldSlow(lo: number, hi: number, n: number): number {
    // Translate every byte first (a fault must leave no partial effect), then assemble.
    const ps: number[] = [];
    for (let k = 0; k < n; k++) {
      const [a, b] = this.inc(lo, hi, k);
      ps.push(this.translate(a, b, Access.Read));
    }
    let v = 0;
    for (let k = 0; k < n; k++) {
      const byte = this.u8[ps[this.le ? n - 1 - k : k]];
      v = n === 4 ? (v << 8) | byte : v * 256 + byte;
    }
    return v;
  }

  private ld64Slow(lo: number, hi: number): number {
    const ps: number[] = [];
    for (let k = 0; k < 8; k++) {
      const [a, b] = this.inc(lo, hi, k);
      ps.push(this.translate(a, b, Access.Read));
    }
    let h = 0, l = 0;
    for (let k = 0; k < 8; k++) {
      const byte = this.u8[ps[this.le ? 7 - k : k]];
      if (k < 4) h = (h << 8) | byte;
      else l = (l << 8) | byte;
    }
    this.hi64 = h;
    return l;
  }

  private stSlow(lo: number, hi: number, n: number, vlo: number, vhi: number): void {
    const ps: number[] = [];
    for (let k = 0; k < n; k++) {
      const [a, b] = this.inc(lo, hi, k);
      ps.push(this.translate(a, b, Access.Write));
    }
    // Big-endian byte k of the value (k = 0 most significant).
    for (let k = 0; k < n; k++) {
      const shiftFromLsb = n - 1 - k; // byte index from the least significant end
      const byte = shiftFromLsb >= 4 ? (vhi >>> ((shiftFromLsb - 4) * 8)) & 0xff : (vlo >>> (shiftFromLsb * 8)) & 0xff;
      this.u8[ps[this.le ? n - 1 - k : k]] = byte;
    }
  }

  /** Fetch an instruction word (exec permission), in guest byte order. */
  fetch(lo: number, hi: number): number {
    const p = this.translate(lo, hi, Access.Exec);
    return this.dv.getInt32(p, this.le);
  }

  // ---- host-side helpers (loader, syscalls): copy bytes through the page table ----

  /** Copy guest bytes out; throws GuestFault if any byte is not readable. */
  readBytes(lo: number, hi: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let k = 0;
    while (k < len) {
      const [a, b] = this.inc(lo, hi, k);
      const p = this.translate(a, b, Access.Read);
      const chunk = Math.min(len - k, PAGE_SIZE - (a & OFF_MASK));
      out.set(this.u8.subarray(p, p + chunk), k);
      k += chunk;
    }
    return out;
  }

  /** Copy bytes into guest memory; throws GuestFault if any byte is not writable. */
  writeBytes(lo: number, hi: number, data: Uint8Array): void {
    // Check the whole range first so that a fault leaves memory unchanged.
    for (let k = 0; k < data.length; ) {
      const [a, b] = this.inc(lo, hi, k);
      this.translate(a, b, Access.Write);
      k += PAGE_SIZE - (a & OFF_MASK);
    }
    let k = 0;
    while (k < data.length) {
      const [a, b] = this.inc(lo, hi, k);
      const p = this.translate(a, b, Access.Write);
      const chunk = Math.min(data.length - k, PAGE_SIZE - (a & OFF_MASK));
      this.u8.set(data.subarray(k, k + chunk), p);
      k += chunk;
    }
  }
}
