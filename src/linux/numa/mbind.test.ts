// mbind against Linux 6.1 (mm/mempolicy.c kernel_mbind, do_mbind, queue_pages_range,
// queue_pages_test_walk, queue_folios_pte_range, migrate_folio_add).

import { test } from "node:test";
import assert from "node:assert/strict";
import { EFAULT, EINVAL, EIO, EPERM, isReturn } from "./errno.js";
import { nodemaskAbi, NO_NODEMASK, type UserNodemask } from "./nodemask.js";
import {
  DEFAULT_POLICY, MpolMode, MPOL_MF_LAZY, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT,
} from "./mempolicy.js";
import {
  mbindResult, parseMbind, queueMisplacedPages, type MbindArgs, type MbindPage, type MbindRequest, type MbindVma,
} from "./mbind.js";

const ABI = nodemaskAbi(64, 4);
const ALL = [0, 1, 2, 3];
const P = 0x1000n; // PAGE_SIZE
const BASE = 0x10000n;

function mask(...nodes: number[]): UserNodemask {
  const w = nodes.reduce((acc, n) => acc | (1n << BigInt(n)), 0n);
  return { present: true, maxnode: 65n, read: (i) => (i === 0 ? w : undefined) };
}

function mbind(over: Partial<MbindArgs>, capSysNice = true): MbindRequest | number {
  const args: MbindArgs = { start: BASE, len: 4n * P, mode: MpolMode.Bind, mask: mask(1), flags: 0, ...over };
  return parseMbind(args, ABI, ALL, capSysNice);
}

function req(over: Partial<MbindArgs>): MbindRequest {
  const r = mbind(over);
  assert.ok(!isReturn(r), `request (got ${String(r)})`);
  return r;
}

test("kernel_mbind: mode first, then the mask, then the flags", () => {
  assert.equal(mbind({ mode: 7, mask: { ...mask(), read: () => undefined }, flags: 0x100 }), -EINVAL);
  assert.equal(mbind({ mask: { ...mask(), read: () => undefined }, flags: 0x100 }), -EFAULT);
});

test("kernel_mbind: the mode is the register's low 32 bits as an int", () => {
  // mbind's mode is an unsigned long narrowed to int: the caller passes the low word.
  assert.equal(req({ mode: Number(0x1_0000_0002n & 0xffff_ffffn) }).policy.mode, MpolMode.Bind);
  assert.equal(mbind({ mode: 0xffff_ffff }), -EINVAL);
});

test("do_mbind: flags outside STRICT | MOVE | MOVE_ALL are refused, MPOL_MF_LAZY included", () => {
  assert.equal(mbind({ flags: MPOL_MF_LAZY }), -EINVAL);
  assert.equal(mbind({ flags: 1 << 4 }), -EINVAL);
  assert.equal(mbind({ flags: 0x8000_0000 }), -EINVAL);
});

test("do_mbind: MOVE_ALL needs CAP_SYS_NICE (EPERM), checked before the start's alignment", () => {
  assert.equal(mbind({ flags: MPOL_MF_MOVE_ALL, start: BASE + 1n }, false), -EPERM);
  assert.equal(req({ flags: MPOL_MF_MOVE_ALL }).flags, MPOL_MF_MOVE_ALL);
});

test("do_mbind: an unaligned start is EINVAL", () => {
  assert.equal(mbind({ start: BASE + 8n }), -EINVAL);
});

test("do_mbind: the length is rounded up to pages", () => {
  const r = req({ len: 1n });
  assert.equal(r.end - r.start, P);
  assert.equal(req({ len: P + 1n }).end, BASE + 2n * P);
});

test("do_mbind: an empty range succeeds before the policy is looked at", () => {
  assert.equal(mbind({ len: 0n }), 0);
  assert.equal(mbind({ len: 0n, mask: NO_NODEMASK }), 0); // BIND with no nodes, yet 0
  // A length of nearly 2^64 rounds up to 0 bytes: the same empty range.
  assert.equal(mbind({ len: (1n << 64n) - 1n }), 0);
});

test("do_mbind: a range wrapping past the top of the address space is EINVAL", () => {
  assert.equal(mbind({ start: (1n << 64n) - P, len: 2n * P }), -EINVAL);
});

test("do_mbind: a 32-bit task's range is reckoned in 64 bits, so it does not wrap", () => {
  const r = req({ start: 0xffff_f000n, len: 0x2000n });
  assert.equal(r.end, 0x1_0000_1000n);
});

test("do_mbind: the policy's own checks come after the range's", () => {
  assert.equal(mbind({ mask: NO_NODEMASK }), -EINVAL);
  assert.equal(mbind({ mask: mask(6) }), -EINVAL); // no allowed node left
  assert.equal(mbind({ mode: MpolMode.Local, mask: mask(1) }), -EINVAL);
});

test("do_mbind: MPOL_DEFAULT drops STRICT and allows holes", () => {
  const r = req({ mode: MpolMode.Default, mask: NO_NODEMASK, flags: MPOL_MF_STRICT | MPOL_MF_MOVE });
  assert.equal(r.policy, DEFAULT_POLICY);
  assert.equal(r.flags, MPOL_MF_MOVE);
  assert.equal(r.discontigOk, true);
  assert.equal(req({}).discontigOk, false);
});

// The walk

const page = (i: number, node: number, more: Partial<MbindPage> = {}): MbindPage =>
  ({ addr: BASE + BigInt(i) * P, node, shared: false, isolatable: true, ...more });

function vma(from: number, to: number, pages: MbindPage[] = [], migratable = true): MbindVma {
  return { start: BASE + BigInt(from) * P, end: BASE + BigInt(to) * P, migratable, pages };
}

test("queue_pages_test_walk: a hole at the head, in the middle or at the tail is EFAULT", () => {
  const r = req({});
  assert.equal(queueMisplacedPages(r, [vma(1, 4)]).status, -EFAULT);
  assert.equal(queueMisplacedPages(r, [vma(0, 1), vma(2, 4)]).status, -EFAULT);
  assert.equal(queueMisplacedPages(r, [vma(0, 3)]).status, -EFAULT);
  assert.equal(queueMisplacedPages(r, [vma(-2, 2), vma(2, 9)]).status, 0);
});

test("queue_pages_range: a range that is all hole is EFAULT, even for MPOL_DEFAULT", () => {
  const d = req({ mode: MpolMode.Default, mask: NO_NODEMASK });
  assert.equal(queueMisplacedPages(d, []).status, -EFAULT);
  assert.equal(queueMisplacedPages(d, [vma(-4, 0), vma(4, 8)]).status, -EFAULT);
  assert.equal(queueMisplacedPages(d, [vma(1, 2)]).status, 0);
});

test("queue_folios_pte_range: STRICT alone is EIO for a page off the user's nodes", () => {
  const r = req({ flags: MPOL_MF_STRICT });
  assert.deepEqual(queueMisplacedPages(r, [vma(0, 4, [page(0, 1), page(1, 1)])]), { status: 0, queued: [] });
  assert.equal(queueMisplacedPages(r, [vma(0, 4, [page(0, 1), page(3, 2)])]).status, -EIO);
  // Pages are not looked at without STRICT or MOVE.
  assert.equal(queueMisplacedPages(req({}), [vma(0, 4, [page(0, 2)])]).status, 0);
});

test("queue_folios_pte_range: under MPOL_LOCAL every present page is misplaced (the mask is empty)", () => {
  const r = req({ mode: MpolMode.Local, mask: NO_NODEMASK, flags: MPOL_MF_STRICT });
  assert.equal(queueMisplacedPages(r, [vma(0, 4, [page(2, 0)])]).status, -EIO);
  assert.equal(queueMisplacedPages(r, [vma(0, 4)]).status, 0);
});

test("queue_pages_test_walk: a mapping's holes are checked before its pages", () => {
  const r = req({ flags: MPOL_MF_STRICT });
  assert.equal(queueMisplacedPages(r, [vma(0, 2, [page(0, 3)])]).status, -EFAULT);
});

test("migrate_folio_add: MOVE queues unshared misplaced pages; MOVE_ALL shared ones too", () => {
  const pages = [page(0, 0), page(1, 1), page(2, 2, { shared: true })];
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE }), [vma(0, 4, pages)]),
    { status: 0, queued: [BASE] });
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE_ALL }), [vma(0, 4, pages)]),
    { status: 0, queued: [BASE, BASE + 2n * P] });
});

test("migrate_folio_add: a page that cannot be isolated matters only with STRICT", () => {
  const pages = [page(0, 0, { isolatable: false }), page(1, 2)];
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE }), [vma(0, 4, pages)]),
    { status: 0, queued: [BASE + P] });
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE | MPOL_MF_STRICT }), [vma(0, 4, pages)]),
    { status: 1, queued: [BASE + P] });
});

test("queue_pages_range: an unmovable page found before a hole turns the hole's EFAULT into 1", () => {
  const r = req({ flags: MPOL_MF_MOVE | MPOL_MF_STRICT });
  const walk = queueMisplacedPages(r, [vma(0, 2, [page(0, 0, { isolatable: false })]), vma(2, 3)]);
  assert.equal(walk.status, 1);
  assert.equal(mbindResult(r, walk.status, 0), -EIO);
});

test("queue_pages_test_walk: a mapping that cannot migrate is skipped unless STRICT", () => {
  const io = vma(0, 4, [page(0, 0)], false);
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE }), [io]), { status: 0, queued: [] });
  assert.equal(queueMisplacedPages(req({ flags: MPOL_MF_STRICT }), [io]).status, -EIO);
  // With MOVE and STRICT the page is flagged unmovable, and queued all the same.
  assert.deepEqual(queueMisplacedPages(req({ flags: MPOL_MF_MOVE | MPOL_MF_STRICT }), [io]), { status: 1, queued: [BASE] });
});

test("do_mbind: with MOVE, MPOL_DEFAULT moves every present page (no node is in its empty mask)", () => {
  const r = req({ mode: MpolMode.Default, mask: NO_NODEMASK, flags: MPOL_MF_MOVE });
  assert.deepEqual(queueMisplacedPages(r, [vma(0, 4, [page(0, 0), page(1, 3)])]).queued, [BASE, BASE + P]);
});

test("do_mbind: pages left behind are EIO only under STRICT", () => {
  const strict = req({ flags: MPOL_MF_MOVE | MPOL_MF_STRICT });
  const loose = req({ flags: MPOL_MF_MOVE });
  assert.equal(mbindResult(strict, 0, 0), 0);
  assert.equal(mbindResult(strict, 0, 2), -EIO);
  assert.equal(mbindResult(loose, 0, 2), 0);
  assert.equal(mbindResult(loose, -EFAULT, 0), -EFAULT);
});
