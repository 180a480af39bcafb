// mbind as Linux 6.1 does it (mm/mempolicy.c: kernel_mbind, do_mbind, queue_pages_range,
// queue_pages_test_walk, queue_folios_pte_range, migrate_folio_add), in three steps the caller
// runs in order:
//   1. parseMbind: argument checks and the new policy (or the call's return value);
//   2. queueMisplacedPages: the walk over the mappings of the range, which finds holes
//      (-EFAULT, as mbind answers for an unmapped range, where madvise and mprotect say ENOMEM)
//      and pages off the user's nodes (-EIO for MPOL_MF_STRICT alone; queued for a move);
//   3. if the walk's status is not negative: set the policy on the range, migrate the queued
//      pages (each to the node the new policy gives it), then mbindResult.
// A negative walk status is the call's return value: the policy is not set and nothing moves.

import { EINVAL, EPERM, EFAULT, EIO, type SysReturn } from "./errno.js";
import type { NodemaskAbi, UserNodemask } from "./nodemask.js";
import { readUserNodemask } from "./nodemask.js";
import {
  makePolicy, sanitizeMode, MpolMode, type MemPolicy,
  MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MF_VALID,
} from "./mempolicy.js";

const MASK64 = (1n << 64n) - 1n;

/** mbind's arguments as the kernel sees them (a compat task's are zero-extended from 32 bits). */
export interface MbindArgs {
  readonly start: bigint;
  readonly len: bigint;
  /** The mode register's low 32 bits: kernel_mbind narrows the unsigned long to an int. */
  readonly mode: number;
  readonly mask: UserNodemask;
  /** An unsigned int: the register's low 32 bits. */
  readonly flags: number;
}

/** A checked mbind, ready for the walk. */
export interface MbindRequest {
  /** Page aligned; end is start plus the length rounded up to pages. */
  readonly start: bigint;
  readonly end: bigint;
  /** The policy to set on the range (DEFAULT_POLICY removes the range's own). */
  readonly policy: MemPolicy;
  /** The mask as given: a page on none of these nodes is misplaced, whatever the mode. */
  readonly userNodes: readonly number[];
  /** MPOL_MF_* as do_mbind goes on with them: MPOL_DEFAULT drops MPOL_MF_STRICT. */
  readonly flags: number;
  /** Holes in the range are allowed (MPOL_DEFAULT), though a range that is all hole is not. */
  readonly discontigOk: boolean;
}

/**
 * kernel_mbind and do_mbind up to the walk: mode, then mask, then flags (MPOL_MF_LAZY and
 * anything else outside MPOL_MF_VALID is refused), MPOL_MF_MOVE_ALL's CAP_SYS_NICE, start's
 * alignment, the length (rounded up to pages; a range wrapping past the top is refused, and an
 * empty one, which a length of nearly 2^64 rounds to, succeeds at once with 0), then the policy.
 * `allowed` is the task's mems_allowed (nodes with memory).
 */
export function parseMbind(args: MbindArgs, abi: NodemaskAbi, allowed: readonly number[],
  capSysNice = true): MbindRequest | SysReturn {
  const mf = sanitizeMode(args.mode);
  if (typeof mf === "number") return mf;
  const user = readUserNodemask(abi, args.mask);
  if (typeof user === "number") return user;

  let flags = args.flags >>> 0;
  if ((flags & ~MPOL_MF_VALID) !== 0) return -EINVAL;
  if ((flags & MPOL_MF_MOVE_ALL) !== 0 && !capSysNice) return -EPERM;
  const page = BigInt(abi.pageSize);
  const start = args.start & MASK64;
  if (start % page !== 0n) return -EINVAL;
  if (mf.mode === MpolMode.Default) flags &= ~MPOL_MF_STRICT;
  const len = ((args.len & MASK64) + page - 1n) & ~(page - 1n) & MASK64;
  const end = (start + len) & MASK64;
  if (end < start) return -EINVAL;
  if (end === start) return 0;

  const policy = makePolicy(mf.mode, mf.flags, user, allowed);
  if (typeof policy === "number") return policy;
  return { start, end, policy, userNodes: user, flags, discontigOk: policy.mode === MpolMode.Default };
}

/** A page present in a mapping: a normal page (not the zero page, not reserved). */
export interface MbindPage {
  readonly addr: bigint;
  readonly node: number;
  /** Mapped by more than one process: MPOL_MF_MOVE leaves it where it is, MOVE_ALL moves it. */
  readonly shared: boolean;
  /** Can be taken off the LRU for migration (isolate_lru succeeds). */
  readonly isolatable: boolean;
}

/** A mapping overlapping the range, with its present pages in address order. */
export interface MbindVma {
  readonly start: bigint;
  readonly end: bigint;
  /** vma_migratable: false for VM_IO and VM_PFNMAP mappings. */
  readonly migratable: boolean;
  readonly pages: readonly MbindPage[];
}

/** What the walk found: status 0, 1 (a page could not be queued under MOVE and STRICT), or -errno. */
export interface QueuedPages {
  readonly status: number;
  /** Pages to migrate, in address order. */
  readonly queued: readonly bigint[];
}

/**
 * queue_pages_range with MPOL_MF_INVERT: walks `vmas` (every mapping overlapping the range, in
 * address order) as Linux does, stopping at the first error. Each mapping is checked for holes
 * before its pages are looked at, so a hole after a misplaced page still reads -EFAULT; but a
 * page that could not be queued, found before a hole, turns the hole's -EFAULT into status 1.
 */
export function queueMisplacedPages(req: MbindRequest, vmas: readonly MbindVma[]): QueuedPages {
  const queued: bigint[] = [];
  const move = (req.flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) !== 0;
  const strict = (req.flags & MPOL_MF_STRICT) !== 0;
  let unmovable = false;
  let walked = 0;
  const finish = (err: number): QueuedPages => {
    let status = err;
    if (unmovable) status = 1;
    if (walked === 0) status = -EFAULT; // the whole range is a hole, even for MPOL_DEFAULT
    return { status, queued };
  };

  for (let i = 0; i < vmas.length; i++) {
    const vma = vmas[i];
    if (vma.end <= req.start || vma.start >= req.end) continue;
    walked++;
    if (walked === 1 && !req.discontigOk && req.start < vma.start) return finish(-EFAULT);
    const next = vmas[i + 1];
    if (!req.discontigOk && vma.end < req.end && (next === undefined || vma.end < next.start)) return finish(-EFAULT);
    if (!vma.migratable && !strict) continue;
    if ((req.flags & MPOL_MF_VALID) === 0) continue;
    for (const p of vma.pages) {
      if (p.addr < req.start || p.addr >= req.end || p.addr < vma.start || p.addr >= vma.end) continue;
      if (req.userNodes.includes(p.node)) continue;
      if (!move) return finish(-EIO);
      // Queued even from a mapping that cannot migrate: Linux flags it and queues the page anyway.
      if (!vma.migratable) unmovable = true;
      if ((req.flags & MPOL_MF_MOVE_ALL) !== 0 || !p.shared) {
        if (p.isolatable) queued.push(p.addr);
        else if (strict) unmovable = true;
      }
    }
  }
  return finish(0);
}

/**
 * do_mbind's answer once the policy is set and the queued pages were migrated (`notMigrated`
 * of them failed): -EIO when, under MPOL_MF_STRICT, a page could not be queued or moved.
 * Without STRICT, pages left behind are not reported.
 */
export function mbindResult(req: MbindRequest, walkStatus: number, notMigrated: number): SysReturn {
  if (walkStatus < 0) return walkStatus;
  return (walkStatus > 0 || notMigrated > 0) && (req.flags & MPOL_MF_STRICT) !== 0 ? -EIO : 0;
}
