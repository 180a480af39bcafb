// Guest memory and arguments as the task families (time, identity, resources, system,
// signals) read and write them: a GuestMem view of the system-call context, arguments by C
// type, and little readers and writers of user structures in the process's byte order and
// word size. Every access goes through guest-mem.ts, so a bad pointer is a GuestFault (EFAULT).

import { guestMem, type SysContext } from "../process/syscalls.js";
import { Struct, argAddr, argLong, readGuest, writeGuest } from "./guest-mem.js";

/** The context's guest memory (the thread's engine, address space and page policy). */
/** The process's guest memory (process/syscalls.ts guestMem). */
export const mem = guestMem;

/** The process's word size in bytes (C long, pointers). */
export const wordOf = (ctx: SysContext): 4 | 8 => (ctx.image.is64 ? 8 : 4);

/** Argument `i` as a C int (the low 32 bits, signed). */
export const argInt = (ctx: SysContext, i: number): number => ctx.cpu.r[(3 + i) * 2] | 0;
/** Argument `i` as an unsigned 32-bit value (uid_t, gid_t, unsigned int). */
export const argU32 = (ctx: SysContext, i: number): number => ctx.cpu.r[(3 + i) * 2] >>> 0;
/** Argument `i` as a pointer or unsigned long (a number: exact to 2^53). */
export const argPtr = (ctx: SysContext, i: number): number => argAddr(mem(ctx), i);
/** Argument `i` as a signed long. */
export const argSLong = (ctx: SysContext, i: number): number => argLong(mem(ctx), i);
/** Argument `i` as an unsigned long, exactly (64 bits in 64-bit mode). */
export function argULong(ctx: SysContext, i: number): bigint {
  const r = ctx.cpu.r;
  const lo = BigInt(r[(3 + i) * 2] >>> 0);
  return ctx.image.is64 ? (BigInt(r[(3 + i) * 2 + 1] >>> 0) << 32n) | lo : lo;
}

/** A user structure of `size` bytes at `va`. */
export function readStruct(ctx: SysContext, va: number, size: number): Struct {
  return new Struct(readGuest(mem(ctx), va, size), ctx.image.le);
}

/** A new, zeroed structure to fill and write. */
export const newStruct = (ctx: SysContext, size: number): Struct => new Struct(size, ctx.image.le);

export function writeStruct(ctx: SysContext, va: number, s: Struct): void {
  writeGuest(mem(ctx), va, s.b);
}

export function putU32(ctx: SysContext, va: number, v: number): void {
  writeStruct(ctx, va, newStruct(ctx, 4).u32(0, v));
}

export function putI32(ctx: SysContext, va: number, v: number): void {
  writeStruct(ctx, va, newStruct(ctx, 4).i32(0, v));
}

/** A C long or pointer at `va`. */
export function putLong(ctx: SysContext, va: number, v: number): void {
  writeStruct(ctx, va, newStruct(ctx, wordOf(ctx)).long(0, v, ctx.image.is64));
}

export function getU32(ctx: SysContext, va: number): number {
  return readStruct(ctx, va, 4).getU32(0);
}

export function getI32(ctx: SysContext, va: number): number {
  return readStruct(ctx, va, 4).getI32(0);
}

/** An unsigned 64-bit field, exactly. */
export function getU64(s: Struct, o: number): bigint {
  return s.dv.getBigUint64(o, s.le);
}

export function putU64(s: Struct, o: number, v: bigint): void {
  s.dv.setBigUint64(o, BigInt.asUintN(64, v), s.le);
}

/** A sigset_t at offset `o` of `s`: one 64-bit word on ppc64, two 32-bit words (low signals first) on ppc32. */
export function getSigset(s: Struct, o: number, is64: boolean): bigint {
  return is64 ? getU64(s, o) : BigInt(s.getU32(o)) | (BigInt(s.getU32(o + 4)) << 32n);
}

export function putSigset(s: Struct, o: number, set: bigint, is64: boolean): void {
  if (is64) putU64(s, o, set);
  else s.u32(o, Number(set & 0xffffffffn)).u32(o + 4, Number((set >> 32n) & 0xffffffffn));
}

