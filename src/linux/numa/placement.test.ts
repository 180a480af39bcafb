// Where a policy puts a page, against Linux 6.1 (mm/mempolicy.c vma_alloc_folio, policy_node,
// policy_nodemask, offset_il_node, interleave_nodes, alloc_pages_preferred_many;
// mm/page_alloc.c find_next_best_node).

import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_POLICY, INITIAL_TASK_POLICY, MpolMode, installTaskPolicy, type MemPolicy } from "./mempolicy.js";
import { nodemaskAbi } from "./nodemask.js";
import { advanceTaskInterleave, chooseNode, fallbackOrder, interleaveNode, type Distance } from "./placement.js";

const ONLINE = [0, 1, 2, 3];
const pol = (mode: MpolMode, nodes: number[]): MemPolicy => ({ mode, flags: 0, nodes });

test("find_next_best_node: the node itself, then equal distances going round from it", () => {
  assert.deepEqual(fallbackOrder(0, ONLINE), [0, 1, 2, 3]);
  assert.deepEqual(fallbackOrder(2, ONLINE), [2, 3, 0, 1]);
  assert.deepEqual(fallbackOrder(3, ONLINE), [3, 0, 1, 2]);
});

test("find_next_best_node: nearer nodes first", () => {
  const d: Distance = (a, b) => (a === b ? 10 : Math.abs(a - b) === 1 ? 20 : 40);
  assert.deepEqual(fallbackOrder(1, ONLINE, d), [1, 2, 0, 3]);
  assert.deepEqual(fallbackOrder(3, ONLINE, d), [3, 2, 0, 1]);
});

test("vma_alloc_folio: no policy and MPOL_LOCAL allocate from the local node, falling back", () => {
  assert.deepEqual(chooseNode(DEFAULT_POLICY, 1, 0, ONLINE), { preferred: [1, 2, 3, 0], strict: false });
  assert.deepEqual(chooseNode(pol(MpolMode.Local, []), 3, 0, ONLINE), { preferred: [3, 0, 1, 2], strict: false });
});

test("policy_node: MPOL_PREFERRED starts at its node and falls back from there", () => {
  assert.deepEqual(chooseNode(pol(MpolMode.Preferred, [2]), 0, 0, ONLINE), { preferred: [2, 3, 0, 1], strict: false });
});

test("policy_nodemask: MPOL_BIND keeps to its nodes, nearest to the local node first", () => {
  assert.deepEqual(chooseNode(pol(MpolMode.Bind, [0, 3]), 2, 0, ONLINE), { preferred: [3, 0], strict: true });
  assert.deepEqual(chooseNode(pol(MpolMode.Bind, [0, 3]), 0, 0, ONLINE), { preferred: [0, 3], strict: true });
});

test("offset_il_node: the n-th page goes to the (n mod |nodes|)-th node, n taken modulo 2^32", () => {
  assert.equal(interleaveNode([1, 3], 0, 0), 1);
  assert.equal(interleaveNode([1, 3], 5, 0), 3);
  assert.equal(interleaveNode([0, 1, 2], 2 ** 32 + 1, 0), 1); // not (2^32 + 1) mod 3 = 2
  assert.equal(interleaveNode([], 7, 2), 2);
  assert.deepEqual(chooseNode(pol(MpolMode.Interleave, [1, 3]), 0, 1, ONLINE), { preferred: [3, 0, 1, 2], strict: false });
});

test("alloc_pages_preferred_many: its nodes first (nearest to the local node), then any", () => {
  assert.deepEqual(chooseNode(pol(MpolMode.PreferredMany, [1, 3]), 2, 0, ONLINE), { preferred: [3, 1, 2, 0], strict: false });
});

test("interleave_nodes: a task's interleaving starts at the first node and goes round", () => {
  let task = installTaskPolicy(INITIAL_TASK_POLICY, pol(MpolMode.Interleave, [0, 2, 3]), nodemaskAbi(64, 4));
  const seen: number[] = [];
  for (let i = 0; i < 4; i++) {
    const step = advanceTaskInterleave(task);
    seen.push(step.node);
    task = step.task;
  }
  assert.deepEqual(seen, [0, 2, 3, 0]);
});
