// move_pages against Linux 6.1 (mm/migrate.c kernel_move_pages, do_pages_stat,
// do_pages_stat_array, do_pages_move, add_page_for_migration, move_pages_and_store_status).

import { test } from "node:test";
import assert from "node:assert/strict";
import { EACCES, EBUSY, EFAULT, EINVAL, ENODEV, ENOENT, ENOMEM, EPERM } from "./errno.js";
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT } from "./mempolicy.js";
import {
  checkMovePagesFlags, movePages, type FoundPage, type MovePagesArrays, type MovePagesContext, type MovePagesSpace,
} from "./move-pages.js";

const P = 0x1000n;
const A = 0x10000n;
const B = A + P;
const C = A + 2n * P;
const D = A + 3n * P;
const UNTOUCHED = 0x20000n; // anonymous, never touched
const SWAPPED = 0x21000n;
const DEVICE = 0x30000n; // VM_IO: present, but its mapping cannot migrate
const UNMAPPED = 0x90000n;

const CTX: MovePagesContext = { maxNumNodes: 256, memoryNodes: [0, 1, 2, 3], allowed: [0, 1, 2, 3] };

interface Space extends MovePagesSpace {
  readonly calls: Array<{ addrs: bigint[]; node: number }>;
}

/** An address space with pages A..D on node 0 (C shared) and the special addresses above. */
function space(pages: Record<string, FoundPage> = {}, left: (call: number) => number = () => 0): Space {
  const found = new Map<bigint, FoundPage | number>([
    [A, { node: 0, shared: false, isolate: 0 }],
    [B, { node: 0, shared: false, isolate: 0 }],
    [C, { node: 0, shared: true, isolate: 0 }],
    [D, { node: 1, shared: false, isolate: 0 }],
    [UNTOUCHED, -EFAULT],
    [SWAPPED, -ENOENT],
    [DEVICE, { node: 2, shared: false, isolate: 0 }],
  ]);
  for (const [k, v] of Object.entries(pages)) found.set(BigInt(k), v);
  const calls: Array<{ addrs: bigint[]; node: number }> = [];
  return {
    calls,
    follow: (addr) => found.get(addr) ?? -EFAULT,
    migratable: (addr) => found.has(addr) && addr !== DEVICE,
    migrate: (addrs, node) => {
      calls.push({ addrs: [...addrs], node });
      return left(calls.length - 1);
    },
  };
}

interface Arrays extends MovePagesArrays {
  readonly status: Array<number | undefined>;
}

/** User arrays; reads past `pagesReadable` / `nodesReadable` and writes past `statusWritable` fault. */
function arrays(pages: bigint[], nodes: number[] | null,
  limits: { pagesReadable?: number; nodesReadable?: number; statusWritable?: number } = {}): Arrays {
  const status = new Array<number | undefined>(pages.length).fill(undefined);
  const pr = limits.pagesReadable ?? pages.length;
  const nr = limits.nodesReadable ?? pages.length;
  const sw = limits.statusWritable ?? pages.length;
  return {
    status,
    readPage: (i) => (i < pr ? pages[i] : undefined),
    readNode: nodes === null ? null : (i) => (i < nr ? nodes[i] : undefined),
    writeStatus: (i, v) => {
      if (i >= sw) return false;
      status[i] = v;
      return true;
    },
  };
}

test("kernel_move_pages: flags other than MOVE and MOVE_ALL are EINVAL; MOVE_ALL needs CAP_SYS_NICE", () => {
  assert.equal(checkMovePagesFlags(MPOL_MF_STRICT), -EINVAL);
  assert.equal(checkMovePagesFlags(8), -EINVAL);
  assert.equal(checkMovePagesFlags(-1), -EINVAL);
  assert.equal(checkMovePagesFlags(MPOL_MF_MOVE_ALL, false), -EPERM);
  assert.equal(checkMovePagesFlags(MPOL_MF_MOVE_ALL), 0);
  assert.equal(checkMovePagesFlags(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL), 0);
  assert.equal(checkMovePagesFlags(0), 0);
});

test("do_pages_stat_array: a query stores each page's node, -EFAULT or -ENOENT", () => {
  const a = arrays([A, D, UNTOUCHED, SWAPPED, UNMAPPED, DEVICE], null);
  assert.equal(movePages(6, 0, a, space(), CTX), 0);
  // An untouched anonymous page is -EFAULT, not -ENOENT: FOLL_DUMP will not fault it in.
  // A query does not ask whether the mapping can migrate.
  assert.deepEqual(a.status, [0, 1, -EFAULT, -ENOENT, -EFAULT, 2]);
});

test("do_pages_stat: a fault reading a chunk of 16 pages ends the call before that chunk", () => {
  const pages = new Array<bigint>(20).fill(A);
  const a = arrays(pages, null, { pagesReadable: 18 });
  assert.equal(movePages(20, 0, a, space(), CTX), -EFAULT);
  assert.deepEqual(a.status, [...new Array<number>(16).fill(0), undefined, undefined, undefined, undefined]);
});

test("do_pages_stat: a fault storing a status is EFAULT", () => {
  const a = arrays([A, A], null, { statusWritable: 1 });
  assert.equal(movePages(2, 0, a, space(), CTX), -EFAULT);
});

test("do_pages_move: pages bound for one node move together and get the node as status", () => {
  const s = space();
  const a = arrays([A, B], [1, 1]);
  assert.equal(movePages(2, MPOL_MF_MOVE, a, s, CTX), 0);
  assert.deepEqual(s.calls, [{ addrs: [A, B], node: 1 }]);
  assert.deepEqual(a.status, [1, 1]);
});

test("do_pages_move: a new target node migrates the batch so far", () => {
  const s = space();
  const a = arrays([A, B], [1, 2]);
  assert.equal(movePages(2, MPOL_MF_MOVE, a, s, CTX), 0);
  assert.deepEqual(s.calls, [{ addrs: [A], node: 1 }, { addrs: [B], node: 2 }]);
  assert.deepEqual(a.status, [1, 2]);
});

test("add_page_for_migration: a page already there gets its node, and ends the batch", () => {
  const s = space();
  const a = arrays([A, D, B], [1, 1, 1]);
  assert.equal(movePages(3, MPOL_MF_MOVE, a, s, CTX), 0);
  assert.deepEqual(s.calls, [{ addrs: [A], node: 1 }, { addrs: [B], node: 1 }]);
  assert.deepEqual(a.status, [1, 1, 1]);
});

test("add_page_for_migration: per-page errors are statuses, not the call's result", () => {
  const s = space({ [String(B)]: { node: 0, shared: false, isolate: -EBUSY } });
  const a = arrays([C, UNTOUCHED, SWAPPED, UNMAPPED, DEVICE, B], [1, 1, 1, 1, 1, 1]);
  assert.equal(movePages(6, MPOL_MF_MOVE, a, s, CTX), 0);
  // Shared without MOVE_ALL: EACCES. A mapping that cannot migrate: EFAULT, though its page is there.
  assert.deepEqual(a.status, [-EACCES, -EFAULT, -ENOENT, -EFAULT, -EFAULT, -EBUSY]);
  assert.deepEqual(s.calls, []);
});

test("add_page_for_migration: MOVE_ALL moves shared pages", () => {
  const s = space();
  const a = arrays([C], [3]);
  assert.equal(movePages(1, MPOL_MF_MOVE_ALL, a, s, CTX), 0);
  assert.deepEqual(a.status, [3]);
});

test("do_pages_move: a node out of range or without memory is ENODEV for the call, after the batch before it moved", () => {
  for (const bad of [-1, 4, 256, 1 << 20]) {
    const s = space();
    const a = arrays([A, B, C], [1, bad, 1]);
    assert.equal(movePages(3, MPOL_MF_MOVE, a, s, CTX), -ENODEV, `node ${bad}`);
    assert.deepEqual(s.calls, [{ addrs: [A], node: 1 }]);
    assert.deepEqual(a.status, [1, undefined, undefined]);
  }
});

test("do_pages_move: a node outside the task's cpuset is EACCES for the call", () => {
  const a = arrays([A], [2]);
  assert.equal(movePages(1, MPOL_MF_MOVE, a, space(), { ...CTX, allowed: [0, 1] }), -EACCES);
  assert.deepEqual(a.status, [undefined]);
});

test("do_pages_move: a fault reading pages or nodes is EFAULT, after the batch before it moved", () => {
  const s = space();
  const a = arrays([A, B], [1, 1], { nodesReadable: 1 });
  assert.equal(movePages(2, MPOL_MF_MOVE, a, s, CTX), -EFAULT);
  assert.deepEqual(a.status, [1, undefined]);
  const b = arrays([A, B], [1, 1], { pagesReadable: 1 });
  assert.equal(movePages(2, MPOL_MF_MOVE, b, space(), CTX), -EFAULT);
});

test("move_pages_and_store_status: pages left behind end the call with their count plus those not tried", () => {
  // Batch [A, B] to node 1 leaves one page behind when C's node 2 starts a new batch.
  const s = space({}, () => 1);
  const a = arrays([A, B, C, D], [1, 1, 2, 2]);
  assert.equal(movePages(4, MPOL_MF_MOVE_ALL, a, s, CTX), 1 + (4 - 2));
  assert.deepEqual(a.status, [undefined, undefined, undefined, undefined]);
  assert.equal(s.calls.length, 1);
});

test("do_pages_move: when a page not queued triggers the failed batch, that page is not counted", () => {
  const s = space({}, () => 1);
  const a = arrays([A, D, B], [1, 1, 1]);
  // 1 left behind + (3 - 1) not tried - 1 for D, which was dealt with.
  assert.equal(movePages(3, MPOL_MF_MOVE, a, s, CTX), 2);
  assert.deepEqual(a.status, [undefined, 1, undefined]);
});

test("do_pages_move: a failed last batch returns what it left behind", () => {
  const a = arrays([A, B], [1, 1]);
  assert.equal(movePages(2, MPOL_MF_MOVE, a, space({}, () => 2), CTX), 2);
});

test("do_pages_move: an error migrating is the call's result", () => {
  const a = arrays([A], [1]);
  assert.equal(movePages(1, MPOL_MF_MOVE, a, space({}, () => -ENOMEM), CTX), -ENOMEM);
});

test("do_pages_move: a fault storing a status is EFAULT", () => {
  const a = arrays([A], [1], { statusWritable: 0 });
  assert.equal(movePages(1, MPOL_MF_MOVE, a, space(), CTX), -EFAULT);
  const b = arrays([D], [1], { statusWritable: 0 });
  assert.equal(movePages(1, MPOL_MF_MOVE, b, space(), CTX), -EFAULT);
});

test("kernel_move_pages: no entries is 0, for a query and a move", () => {
  assert.equal(movePages(0, 0, arrays([], null), space(), CTX), 0);
  assert.equal(movePages(0, MPOL_MF_MOVE, arrays([], []), space(), CTX), 0);
});
