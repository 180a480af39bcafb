// Where an execve puts things: the stack top, the mmap base (top-down mmap area, where the
// dynamic linker and a static PIE go), the base of a PIE program (ELF_ET_DYN_BASE plus a random
// offset) and the program break, each randomised as Linux 6.1 on a POWER8 (hash MMU, 4 KiB
// pages) randomises them, from the guest's seeded generator: the same seed gives the same layout.
//
// The constants, for a 64-bit task / a 32-bit (compat) task:
//   STACK_TOP        128 TiB                     / 4 GiB - 4 KiB       (TASK_SIZE_USER64 / USER32)
//   stack randomness 1 GiB (STACK_RND_MASK 0x3ffff pages) / 8 MiB (0x7ff pages)
//   mmap randomness  18 bits of pages (1 GiB)    / 11 bits (8 MiB)    (ARCH_MMAP_RND[_COMPAT]_BITS_MIN)
//   mmap base        STACK_TOP - gap - rnd, gap = stack rlimit 8 MiB + guard gap 1 MiB + stack
//                    randomness, at least 128 MiB (mm/util.c mmap_base)
//   ELF_ET_DYN_BASE  4 GiB                       / 4 MiB              (asm/elf.h)
//   brk              its end of bss + up to 1 GiB / up to 8 MiB (brk_rnd); for a 64-bit task
//                    the heap starts at 1 TiB or above, where a 1 TiB segment backs it
//                    (arch_randomize_brk under the hash MMU)

import { PAGE_SIZE } from "../../machine/memory.js";
import { isPow2, taskSize } from "./elf-file.js";

const GiB = 2 ** 30, MiB = 2 ** 20, TiB = 2 ** 40;

/** RLIMIT_STACK's default soft limit, and the stack region the loader maps below the stack top. */
export const STACK_LIMIT = 8 * MiB;
/** stack_guard_gap: 256 pages. */
const STACK_GUARD_GAP = 256 * PAGE_SIZE;

export const stackTopMax = taskSize;
export const elfEtDynBase = (is64: boolean): number => (is64 ? 4 * GiB : 4 * MiB);
const stackRndPages = (is64: boolean): number => (is64 ? 0x3ffff : 0x7ff);
const mmapRndBits = (is64: boolean): number => (is64 ? 18 : 11);

const pageDown = (a: number): number => Math.floor(a / PAGE_SIZE) * PAGE_SIZE;
export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/**
 * Random numbers for the layout: get_random_long() from the guest's generator (48 bits are
 * plenty for every mask below), or none at all when randomisation is off (personality
 * ADDR_NO_RANDOMIZE, or `setarch -R`).
 */
export class LayoutRandom {
  constructor(private readonly fill: ((b: Uint8Array) => Uint8Array) | undefined) {}

  get enabled(): boolean {
    return this.fill !== undefined;
  }

  /** A random integer in [0, 2^48); 0 when randomisation is off. */
  long(): number {
    if (this.fill === undefined) return 0;
    const b = this.fill(new Uint8Array(6));
    let v = 0;
    for (let i = 5; i >= 0; i--) v = v * 256 + b[i];
    return v;
  }

  /** `long() & (2^bits - 1)`. */
  bits(n: number): number {
    return this.long() % 2 ** n;
  }
}

/** arch_mmap_rnd: the random page offset of the mmap base and of a PIE's base. */
export const mmapRnd = (r: LayoutRandom, is64: boolean): number => r.bits(mmapRndBits(is64)) * PAGE_SIZE;

/** randomize_stack_top(STACK_TOP). */
export function stackTop(r: LayoutRandom, is64: boolean): number {
  return stackTopMax(is64) - (r.long() % (stackRndPages(is64) + 1)) * PAGE_SIZE;
}

/** mmap_base(): the top of the top-down mmap area. */
export function mmapBase(r: LayoutRandom, is64: boolean): number {
  const rnd = mmapRnd(r, is64);
  const pad = STACK_GUARD_GAP + (r.enabled ? stackRndPages(is64) * PAGE_SIZE : 0);
  const top = stackTopMax(is64);
  const gap = Math.min(Math.max(STACK_LIMIT + pad, 128 * MiB), Math.floor(top / 6) * 5);
  return pageUp(top - gap - rnd);
}

/**
 * The load bias of a PIE (ET_DYN with PT_INTERP): ELF_ET_DYN_BASE plus arch_mmap_rnd, aligned
 * down to the largest power-of-two p_align of its segments, less the first segment's address.
 */
export function pieBias(r: LayoutRandom, is64: boolean, maxAlign: number, firstVaddr: number): number {
  let base = elfEtDynBase(is64) + mmapRnd(r, is64);
  if (maxAlign > PAGE_SIZE) base -= base % maxAlign;
  return pageDown(base - firstVaddr);
}

/** maximum_alignment(): the largest p_align of the PT_LOADs that is a power of two. */
export function maxAlignment(aligns: readonly number[]): number {
  let a = 0;
  for (const x of aligns) if (isPow2(x) && x > a) a = x;
  return a;
}

/**
 * arch_randomize_brk (powerpc, hash MMU with 1 TiB segments): the break moves up by up to
 * 1 GiB (8 MiB for 32-bit), and a 64-bit heap starts no lower than 1 TiB.
 */
export function randomizeBrk(r: LayoutRandom, is64: boolean, brk: number): number {
  const base = is64 ? Math.max(brk, TiB) : brk;
  const rnd = (r.long() % (is64 ? 2 ** 18 : 2 ** 11)) * PAGE_SIZE;
  const ret = pageUp(base + rnd);
  return ret < brk ? brk : ret;
}

/** arch_align_stack: a random offset below the strings, within a page, 16-byte aligned. */
export function alignStack(r: LayoutRandom, sp: number): number {
  const off = r.enabled ? r.long() % PAGE_SIZE : 0;
  const v = sp - off;
  return v - (v % 16);
}
