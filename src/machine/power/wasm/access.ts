// Guest memory accesses in generated WebAssembly: the inline TLB probe (the same entries and the
// same tag test as jit.ts's probe(), on the arrays in the processor's area, area.ts), the guest
// byte order by byte swapping (WebAssembly memory is little-endian), and the slow path: a call
// of a JavaScript helper (runtime.ts) that performs the access through the processor's
// GuestMemory methods (TLB fill, page crossing, code-page stores, faults) with the value passed
// through the area's scratch words.

import { Area } from "../area.js";
import { type FnBuilder, Op, OpSimd, T } from "./encoder.js";

/** The slow-path helpers' `kind` argument: size in bytes (1, 2, 4, 8, 16), signed load flag. */
export const enum AccessKind {
  SIGNED = 0x20,
}

/** What an access needs from the region compiler. */
export interface AccessCtx {
  readonly f: FnBuilder;
  readonly sf: boolean;
  readonly le: boolean;
  /** Local holding the processor's area address. */
  readonly ctl: number;
  temp(t: T): number;
  /** Function indices of the slow-path helpers: (kind, eaLo, eaHi, insn) -> status. */
  readonly slowLoad: number;
  readonly slowStore: number;
  /** Index of this instruction in the region (the helpers' `insn`). */
  readonly insn: number;
  /** Emit: leave the region after a fault recorded by a helper (status nonzero). */
  faultExit(): void;
}

/**
 * Emit the TLB probe of an access of `size` bytes at the i64 local `ea`: leaves the physical
 * address (i32) on the stack, or branches to `slow`. Sets local lo (the EA's low word).
 *
 * One branch (qemu's comparison): the tag is compared with the page of the access's last
 * byte, while the entry is chosen by its first: an access crossing into the next page misses,
 * as the next page has another entry (and a last byte past 4 GiB wraps to a page whose entry
 * is another one too). In 64-bit mode the high word must equal the entry's too: both
 * comparisons are or-ed into the one condition. Fewer branches is also what Liftoff compiles
 * fastest: each branch merges the state of every local.
 */
function probe(a: AccessCtx, ea: number, size: number, write: boolean, aligned: boolean, lo: number, slow: ReturnType<FnBuilder["block"]>): void {
  const f = a.f;
  const ti = a.temp(T.i32);
  const tagLo = write ? Area.WTLB_TAGLO : Area.RTLB_TAGLO;
  const tagHi = write ? Area.WTLB_TAGHI : Area.RTLB_TAGHI;
  const phys = write ? Area.WTLB_PHYS : Area.RTLB_PHYS;
  // ti = area + 4 * ((lo >>> 12) & 1023)
  f.get(ea).op(Op.i32_wrap_i64).tee(lo).i32(10).op(Op.i32_shr_u).i32(0xffc).op(Op.i32_and).get(a.ctl).op(Op.i32_add).tee(ti);
  f.mem(Op.i32_load, tagLo, 2).get(lo);
  if (size > 1 && !aligned) f.i32(size - 1).op(Op.i32_add);
  f.i32(12).op(Op.i32_shr_u).op(Op.i32_ne);
  // In 32-bit mode the EA's high word is 0: the tag must be 0.
  f.get(ti).mem(Op.i32_load, tagHi, 2);
  if (a.sf) f.get(ea).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64).op(Op.i32_ne);
  f.op(Op.i32_or).brIf(slow);
  f.get(ti).mem(Op.i32_load, phys, 2).get(lo).i32(0xfff).op(Op.i32_and).op(Op.i32_add);
}

/** Call a slow-path helper; leave the region if it faulted. */
function slowCall(a: AccessCtx, fn: number, kind: number, ea: number, lo: number): void {
  const f = a.f;
  // (The helpers do not read the count: a fault exit stores the exact room itself.)
  f.i32(kind).get(lo);
  if (a.sf) f.get(ea).i64(32).op(Op.i64_shr_u).op(Op.i32_wrap_i64);
  else f.i32(0);
  f.i32(a.insn).call(fn);
  f.if_();
  a.faultExit();
  f.end();
}

const ZERO16: readonly number[] = new Array<number>(16).fill(0);
/** Lane indices reversing the low 8 bytes. */
const REVERSE8: readonly number[] = [7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15];

/** Byte-swap the i32 on the stack (its low `size` bytes: 2 or 4); the result is zero-extended. */
function bswap32(a: AccessCtx, size: 2 | 4): void {
  const f = a.f;
  const t = a.temp(T.i32);
  if (size === 2) {
    f.i32(0xffff).op(Op.i32_and).tee(t).i32(8).op(Op.i32_shl).get(t).i32(8).op(Op.i32_shr_u).op(Op.i32_or).i32(0xffff).op(Op.i32_and);
    return;
  }
  f.tee(t).i32(0xff00ff00 | 0).op(Op.i32_and).i32(8).op(Op.i32_rotl);
  f.get(t).i32(0x00ff00ff).op(Op.i32_and).i32(8).op(Op.i32_rotr).op(Op.i32_or);
}

/** Byte-swap the i64 on the stack. */
export function bswap64(a: { f: FnBuilder; temp(t: T): number }): void {
  const f = a.f;
  const t = a.temp(T.i64);
  f.tee(t).i64(8).op(Op.i64_shr_u).i64(0x00ff00ff00ff00ffn).op(Op.i64_and);
  f.get(t).i64(0x00ff00ff00ff00ffn).op(Op.i64_and).i64(8).op(Op.i64_shl).op(Op.i64_or);
  f.tee(t).i64(16).op(Op.i64_shr_u).i64(0x0000ffff0000ffffn).op(Op.i64_and);
  f.get(t).i64(0x0000ffff0000ffffn).op(Op.i64_and).i64(16).op(Op.i64_shl).op(Op.i64_or);
  f.i64(32).op(Op.i64_rotl);
}

/** Push the guest value of `size` bytes at `ea` as an i64 (zero- or sign-extended). */
export function emitLoad(a: AccessCtx, size: 1 | 2 | 4 | 8, ea: number, signed: boolean): void {
  const f = a.f;
  const lo = a.temp(T.i32);
  const done = f.block(T.i64);
  const slow = f.block();
  probe(a, ea, size, false, false, lo, slow);
  if (size === 1) f.mem(signed ? Op.i64_load8_s : Op.i64_load8_u, 0, 0);
  else if (a.le) {
    if (size === 2) f.mem(signed ? Op.i64_load16_s : Op.i64_load16_u, 0, 0);
    else if (size === 4) f.mem(signed ? Op.i64_load32_s : Op.i64_load32_u, 0, 0);
    else f.mem(Op.i64_load, 0, 0);
  } else if (size === 8) {
    // Reversed through a byte shuffle: measured ~0.25 ns over a plain load, against ~0.55 ns
    // for the shifts and masks of bswap64 (V8 11, x64).
    f.simdMem(OpSimd.v128_load64_zero, 0, 0);
    f.v128Const(ZERO16);
    f.shuffle(REVERSE8);
    f.simdLane(OpSimd.i64x2_extract_lane, 0);
  } else {
    f.mem(size === 2 ? Op.i32_load16_u : Op.i32_load, 0, 0);
    bswap32(a, size);
    if (signed && size === 2) f.op(Op.i32_extend16_s);
    f.op(signed ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
  }
  f.br(done);
  f.end();
  slowCall(a, a.slowLoad, size | (signed ? AccessKind.SIGNED : 0), ea, lo);
  f.get(a.ctl).mem(Op.i64_load, Area.SCRATCH, 3);
  f.end();
}

/** Store the low `size` bytes of the i64 local `value` at `ea` in guest byte order. */
export function emitStore(a: AccessCtx, size: 1 | 2 | 4 | 8, ea: number, value: number): void {
  const f = a.f;
  const lo = a.temp(T.i32);
  const done = f.block();
  const slow = f.block();
  probe(a, ea, size, true, false, lo, slow);
  f.get(value);
  if (size === 1) f.mem(Op.i64_store8, 0, 0);
  else if (a.le) f.mem(size === 2 ? Op.i64_store16 : size === 4 ? Op.i64_store32 : Op.i64_store, 0, 0);
  else if (size === 8) {
    bswap64(a);
    f.mem(Op.i64_store, 0, 0);
  } else {
    f.op(Op.i32_wrap_i64);
    bswap32(a, size);
    f.mem(size === 2 ? Op.i32_store16 : Op.i32_store, 0, 0);
  }
  f.br(done);
  f.end();
  f.get(a.ctl).get(value).mem(Op.i64_store, Area.SCRATCH, 3);
  slowCall(a, a.slowStore, size, ea, lo);
  f.end();
}

/** Push the 16 bytes at `ea` as a v128 in memory order. */
export function emitLoad128(a: AccessCtx, ea: number, aligned: boolean): void {
  const f = a.f;
  const lo = a.temp(T.i32);
  const done = f.block(T.v128);
  const slow = f.block();
  probe(a, ea, 16, false, aligned, lo, slow);
  f.simdMem(OpSimd.v128_load, 0, 0);
  f.br(done);
  f.end();
  slowCall(a, a.slowLoad, 16, ea, lo);
  f.get(a.ctl).simdMem(OpSimd.v128_load, Area.SCRATCH, 4);
  f.end();
}

/** Store the v128 local `value` (memory order) at `ea`. */
export function emitStore128(a: AccessCtx, ea: number, value: number, aligned: boolean): void {
  const f = a.f;
  const lo = a.temp(T.i32);
  const done = f.block();
  const slow = f.block();
  probe(a, ea, 16, true, aligned, lo, slow);
  f.get(value).simdMem(OpSimd.v128_store, 0, 0);
  f.br(done);
  f.end();
  f.get(a.ctl).get(value).simdMem(OpSimd.v128_store, Area.SCRATCH, 4);
  slowCall(a, a.slowStore, 16, ea, lo);
  f.end();
}
