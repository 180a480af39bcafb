// Guest memory as system calls see it: arguments read from registers, and copies between the
// guest's address space and the host that bring in demand-zero and copy-on-write pages as a
// user access would. A copy that meets an address the guest cannot access throws GuestFault,
// which the dispatcher turns into EFAULT — and only that: any other exception in a handler
// is a host bug and surfaces as one. A handler that wants to fail deep inside a helper throws
// SysError(errno).

import { PAGE_SIZE } from "../../machine/memory.js";
import type { Cpu } from "../../machine/power/cpu.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { hi32, lo32, TWO32 } from "../../kernel/mem/va.js";
import type { Space } from "../../kernel/mem/space.js";
import { PageWait } from "../../kernel/mem/region.js";
import type { NodeChoice } from "../../kernel/mem/page-allocator.js";
import { E } from "../errno.js";

/** A system call's failure thrown from inside a helper: the dispatcher returns -errno. */
export class SysError extends Error {
  constructor(readonly errno: number, detail = "") {
    super(`errno ${errno}${detail === "" ? "" : `: ${detail}`}`);
    this.name = "SysError";
  }
}

/** What guest-memory copies need: the engine (registers, TLB), the space, the page policy. */
export interface GuestMem {
  cpu: Cpu;
  readonly space: Space;
  readonly is64: boolean;
  readonly le: boolean;
  /** The page-allocation choice for the page at virtual page number `vpn`. */
  choice(vpn: number): NodeChoice | undefined;
}

/** The largest single copy a handler makes (callers chunk bigger transfers). */
export const MAX_COPY = 1 << 26;

/**
 * Bring in the page a copy faulted on; false when the guest may not access it (EFAULT — also
 * a file page past the end of its file, where the guest's own access would be SIGBUS, as
 * Linux's copies answer). A file page being read throws PageWait: the dispatcher waits for it
 * outside every object and runs the call again.
 */
function faultIn(m: GuestMem, e: GuestFault): boolean {
  const va = (e.eaHi >>> 0) * TWO32 + (e.eaLo >>> 0);
  const r = m.space.faultNow(va, e.access, m.choice(Math.floor(va / PAGE_SIZE)));
  if (r.kind === "in progress") throw new PageWait(r.obj);
  return r.kind === "mapped";
}

function checkLen(len: number): void {
  if (!Number.isInteger(len) || len < 0 || len > MAX_COPY) throw new Error(`guest copy of ${len} bytes (handlers chunk at ${MAX_COPY})`);
}

/** Copy `len` guest bytes at `va`; GuestFault if any is not readable. */
export function readGuest(m: GuestMem, va: number, len: number): Uint8Array {
  checkLen(len);
  if (len === 0) return new Uint8Array(0);
  for (;;) {
    try {
      return m.cpu.readBytes(lo32(va), hi32(va), len);
    } catch (e) {
      if (!(e instanceof GuestFault) || !faultIn(m, e)) throw e;
    }
  }
}

/** Copy `data` into the guest at `va`; GuestFault (and nothing written) if any byte is not writable. */
export function writeGuest(m: GuestMem, va: number, data: Uint8Array): void {
  checkLen(data.length);
  if (data.length === 0) return;
  for (;;) {
    try {
      m.cpu.writeBytes(lo32(va), hi32(va), data);
      return;
    } catch (e) {
      if (!(e instanceof GuestFault) || !faultIn(m, e)) throw e;
    }
  }
}

const utf8 = new TextDecoder();

/**
 * A NUL-terminated string at `va` (a path: at most PATH_MAX 4096 bytes with the NUL, else
 * ENAMETOOLONG, as Linux's strncpy_from_user in getname). Bytes that are not UTF-8 decode to
 * U+FFFD (k42ts names files by JS strings; see docs/ARCHITECTURE.md).
 */
export function readCString(m: GuestMem, va: number, max = 4096): string {
  return utf8.decode(readCBytes(m, va, max));
}

/** The bytes of a NUL-terminated string at `va`, without the NUL; ENAMETOOLONG past `max`. */
export function readCBytes(m: GuestMem, va: number, max = 4096): Uint8Array {
  const out: Uint8Array[] = [];
  let total = 0;
  let p = va;
  while (total < max) {
    // Up to the end of the page: never touches a page past the terminator.
    const n = Math.min(PAGE_SIZE - (p % PAGE_SIZE), max - total);
    const chunk = readGuest(m, p, n);
    const z = chunk.indexOf(0);
    if (z >= 0) {
      out.push(chunk.subarray(0, z));
      total += z;
      const r = new Uint8Array(total);
      let o = 0;
      for (const c of out) {
        r.set(c, o);
        o += c.length;
      }
      return r;
    }
    out.push(chunk);
    total += n;
    p += n;
  }
  throw new SysError(E.ENAMETOOLONG);
}

/** System-call argument `i` (r3 + i) as an unsigned address/size: 64 bits in 64-bit mode. */
export function argAddr(m: GuestMem, i: number): number {
  const r = m.cpu.r;
  return m.is64 ? (r[(3 + i) * 2 + 1] >>> 0) * TWO32 + (r[(3 + i) * 2] >>> 0) : r[(3 + i) * 2] >>> 0;
}

/** Argument `i` as a signed long (64-bit in 64-bit mode, 32-bit otherwise), exact to 2^53. */
export function argLong(m: GuestMem, i: number): number {
  const r = m.cpu.r;
  if (!m.is64) return r[(3 + i) * 2] | 0;
  return (r[(3 + i) * 2 + 1] | 0) * TWO32 + (r[(3 + i) * 2] >>> 0);
}

/** Arguments `i`, `i+1` as a 64-bit value split across two registers (ppc32's loff_t pairs: high first). */
export function argPair(m: GuestMem, i: number): number {
  const r = m.cpu.r;
  return (r[(3 + i) * 2] | 0) * TWO32 + (r[(3 + i + 1) * 2] >>> 0);
}

/** A little writer/reader of guest structures in the process's byte order. */
export class Struct {
  readonly b: Uint8Array;
  readonly dv: DataView;
  constructor(size: number | Uint8Array, readonly le: boolean) {
    this.b = typeof size === "number" ? new Uint8Array(size) : size;
    this.dv = new DataView(this.b.buffer, this.b.byteOffset, this.b.byteLength);
  }
  u8(o: number, v: number): this { this.dv.setUint8(o, v); return this; }
  u16(o: number, v: number): this { this.dv.setUint16(o, v, this.le); return this; }
  u32(o: number, v: number): this { this.dv.setUint32(o, v >>> 0, this.le); return this; }
  i32(o: number, v: number): this { this.dv.setInt32(o, v | 0, this.le); return this; }
  /** A 64-bit field from a number (exact to 2^53; negative values two's complement). */
  i64(o: number, v: number): this { this.dv.setBigInt64(o, BigInt(Math.trunc(v)), this.le); return this; }
  u64(o: number, v: number | bigint): this { this.dv.setBigUint64(o, BigInt.asUintN(64, typeof v === "bigint" ? v : BigInt(Math.trunc(v))), this.le); return this; }
  /** A C long: 8 bytes in 64-bit mode, 4 otherwise. */
  long(o: number, v: number, is64: boolean): this { return is64 ? this.i64(o, v) : this.i32(o, v); }
  getU32(o: number): number { return this.dv.getUint32(o, this.le); }
  getI32(o: number): number { return this.dv.getInt32(o, this.le); }
  getI64(o: number): number { return Number(this.dv.getBigInt64(o, this.le)); }
  getU64(o: number): number { return Number(this.dv.getBigUint64(o, this.le)); }
  getLong(o: number, is64: boolean): number { return is64 ? this.getI64(o) : this.getI32(o); }
  getULong(o: number, is64: boolean): number { return is64 ? this.getU64(o) : this.getU32(o); }
}
