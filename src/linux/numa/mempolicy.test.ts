// set_mempolicy and get_mempolicy against Linux 6.1 (mm/mempolicy.c): each case names the
// kernel function whose behaviour it pins.

import { test } from "node:test";
import assert from "node:assert/strict";
import { EFAULT, EINVAL, isReturn } from "./errno.js";
import { nodemaskAbi, NO_NODEMASK, type UserNodemask } from "./nodemask.js";
import {
  DEFAULT_POLICY, INITIAL_TASK_POLICY, MpolMode, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED, MPOL_F_NODE,
  MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, getMempolicy, installTaskPolicy,
  makePolicy, nextNodeIn, parseSetMempolicy, sanitizeMode,
  type GetMempolicyArgs, type GetMempolicyContext, type MemPolicy, type TaskPolicy,
} from "./mempolicy.js";

const ABI = nodemaskAbi(64, 4);
const ALL = [0, 1, 2, 3];

/** A one-long mask of the given nodes, maxnode 65 (64 bits). */
function mask(...nodes: number[]): UserNodemask {
  const w = nodes.reduce((acc, n) => acc | (1n << BigInt(n)), 0n);
  return { present: true, maxnode: 65n, read: (i) => (i === 0 ? w : undefined) };
}

const FAULTING: UserNodemask = { present: true, maxnode: 65n, read: () => undefined };

function set(mode: number, m: UserNodemask = NO_NODEMASK, allowed = ALL): MemPolicy | number {
  return parseSetMempolicy(mode, m, ABI, allowed);
}

function policyOf(mode: number, m: UserNodemask = NO_NODEMASK): MemPolicy {
  const p = set(mode, m);
  assert.ok(!isReturn(p), `policy for mode ${mode}`);
  return p;
}

test("sanitize_mpol_flags: modes past MPOL_PREFERRED_MANY are refused (no MPOL_WEIGHTED_INTERLEAVE in 6.1)", () => {
  assert.equal(sanitizeMode(6), -EINVAL);
  assert.deepEqual(sanitizeMode(5), { mode: MpolMode.PreferredMany, flags: 0 });
});

test("sanitize_mpol_flags: unknown high bits and negative modes are out of range", () => {
  assert.equal(sanitizeMode(1 << 16), -EINVAL);
  assert.equal(sanitizeMode(MpolMode.Bind | (1 << 12)), -EINVAL);
  assert.equal(sanitizeMode(-1), -EINVAL);
  assert.equal(sanitizeMode(0x8000_0002), -EINVAL);
});

test("sanitize_mpol_flags: STATIC and RELATIVE together are refused", () => {
  assert.equal(sanitizeMode(MpolMode.Bind | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES), -EINVAL);
});

test("sanitize_mpol_flags: MPOL_F_NUMA_BALANCING goes with MPOL_BIND only", () => {
  assert.equal(sanitizeMode(MpolMode.Interleave | MPOL_F_NUMA_BALANCING), -EINVAL);
  assert.equal(sanitizeMode(MpolMode.Default | MPOL_F_NUMA_BALANCING), -EINVAL);
  assert.deepEqual(sanitizeMode(MpolMode.Bind | MPOL_F_NUMA_BALANCING), { mode: MpolMode.Bind, flags: MPOL_F_NUMA_BALANCING });
});

test("kernel_set_mempolicy: the mode is checked before the mask is read", () => {
  assert.equal(set(9, FAULTING), -EINVAL);
  assert.equal(set(MpolMode.Bind, FAULTING), -EFAULT);
});

test("mpol_new: MPOL_DEFAULT takes no nodes, but any flags", () => {
  assert.equal(set(MpolMode.Default), DEFAULT_POLICY);
  assert.equal(set(MpolMode.Default, mask(1)), -EINVAL);
  assert.equal(set(MpolMode.Default | MPOL_F_STATIC_NODES), DEFAULT_POLICY);
});

test("mpol_new: BIND, INTERLEAVE and PREFERRED_MANY need nodes", () => {
  assert.equal(set(MpolMode.Bind), -EINVAL);
  assert.equal(set(MpolMode.Interleave, mask()), -EINVAL);
  assert.equal(set(MpolMode.PreferredMany), -EINVAL);
  // maxnode 1 reads no bits, so it is the empty mask too.
  assert.equal(set(MpolMode.Bind, { ...mask(1), maxnode: 1n }), -EINVAL);
});

test("mpol_new: PREFERRED with no nodes is MPOL_LOCAL, unless STATIC or RELATIVE is given", () => {
  assert.deepEqual(set(MpolMode.Preferred), { mode: MpolMode.Local, flags: 0, nodes: [] });
  assert.equal(set(MpolMode.Preferred | MPOL_F_STATIC_NODES), -EINVAL);
  assert.equal(set(MpolMode.Preferred | MPOL_F_RELATIVE_NODES), -EINVAL);
});

test("mpol_new: MPOL_LOCAL takes neither nodes nor STATIC/RELATIVE", () => {
  assert.deepEqual(set(MpolMode.Local), { mode: MpolMode.Local, flags: 0, nodes: [] });
  assert.equal(set(MpolMode.Local, mask(0)), -EINVAL);
  assert.equal(set(MpolMode.Local | MPOL_F_RELATIVE_NODES), -EINVAL);
});

test("mpol_set_nodemask: nodes outside mems_allowed are dropped; EINVAL only if none is left", () => {
  assert.equal(set(MpolMode.Bind, mask(5)), -EINVAL);
  assert.deepEqual(set(MpolMode.Bind, mask(1, 5)), { mode: MpolMode.Bind, flags: 0, nodes: [1] });
  assert.equal(set(MpolMode.Interleave, mask(0, 1), [2, 3]), -EINVAL);
});

test("mpol_new_preferred: MPOL_PREFERRED keeps only the first usable node", () => {
  assert.deepEqual(set(MpolMode.Preferred, mask(2, 3)), { mode: MpolMode.Preferred, flags: 0, nodes: [2] });
  assert.deepEqual(set(MpolMode.Preferred, mask(7, 3)), { mode: MpolMode.Preferred, flags: 0, nodes: [3] });
});

test("mpol_relative_nodemask: node n is the (n mod |allowed|)-th allowed node", () => {
  assert.deepEqual(set(MpolMode.Interleave | MPOL_F_RELATIVE_NODES, mask(0, 5)),
    { mode: MpolMode.Interleave, flags: MPOL_F_RELATIVE_NODES, nodes: [0, 1], userNodes: [0, 5] });
  assert.deepEqual(set(MpolMode.Bind | MPOL_F_RELATIVE_NODES, mask(1), [3, 1]),
    { mode: MpolMode.Bind, flags: MPOL_F_RELATIVE_NODES, nodes: [3], userNodes: [1] });
});

test("mpol_set_nodemask: STATIC and NUMA_BALANCING keep the user's mask as given", () => {
  assert.deepEqual(set(MpolMode.Bind | MPOL_F_STATIC_NODES, mask(0, 5)),
    { mode: MpolMode.Bind, flags: MPOL_F_STATIC_NODES, nodes: [0], userNodes: [0, 5] });
  assert.deepEqual(set(MpolMode.Bind | MPOL_F_NUMA_BALANCING, mask(1, 9)),
    { mode: MpolMode.Bind, flags: MPOL_F_NUMA_BALANCING, nodes: [1], userNodes: [1, 9] });
});

test("makePolicy: mems_allowed need not be sorted", () => {
  assert.deepEqual(makePolicy(MpolMode.Interleave, 0, [3, 0], [3, 2, 0]), { mode: MpolMode.Interleave, flags: 0, nodes: [3, 0] });
});

test("do_set_mempolicy: a new interleave policy restarts il_prev at MAX_NUMNODES - 1", () => {
  const t: TaskPolicy = { policy: DEFAULT_POLICY, ilPrev: 2 };
  assert.equal(installTaskPolicy(t, policyOf(MpolMode.Interleave, mask(1, 3)), ABI).ilPrev, 255);
  assert.equal(installTaskPolicy(t, policyOf(MpolMode.Bind, mask(1)), ABI).ilPrev, 2);
});

test("next_node_in: the next node after prev, wrapping", () => {
  assert.equal(nextNodeIn(255, [1, 3]), 1);
  assert.equal(nextNodeIn(1, [1, 3]), 3);
  assert.equal(nextNodeIn(3, [1, 3]), 1);
  assert.equal(nextNodeIn(0, []), -1);
});

// get_mempolicy

const UNMAPPED = 0x9000n;
const PLAIN = 0x10000n; // a mapping without a policy of its own
const BOUND = 0x20000n; // a mapping bound to node 3

function ctx(task: TaskPolicy = INITIAL_TASK_POLICY): GetMempolicyContext {
  const bound: MemPolicy = { mode: MpolMode.Bind, flags: 0, nodes: [3] };
  return {
    task,
    memsAllowed: ALL,
    mappingPolicy: (addr) => (addr === PLAIN ? DEFAULT_POLICY : addr === BOUND ? bound : undefined),
    pageNode: (addr) => (addr === BOUND ? 3 : addr === PLAIN ? 0 : -EFAULT),
  };
}

function get(flags: number | bigint, addr = 0n, c = ctx(), maxnode = 64n, wantMask = true) {
  const args: GetMempolicyArgs = { wantMask, maxnode, addr, flags: BigInt(flags) };
  return getMempolicy(args, c, ABI);
}

function taskWith(mode: number, m: UserNodemask = NO_NODEMASK): TaskPolicy {
  return installTaskPolicy(INITIAL_TASK_POLICY, policyOf(mode, m), ABI);
}

test("kernel_get_mempolicy: maxnode below nr_node_ids is EINVAL first, if a mask is wanted", () => {
  assert.equal(get(MPOL_F_ADDR, UNMAPPED, ctx(), 3n), -EINVAL);
  assert.deepEqual(get(0, 0n, ctx(), 3n, false), { policy: 0, nodes: [] });
  assert.deepEqual(get(0, 0n, ctx(), 4n), { policy: 0, nodes: [] });
});

test("do_get_mempolicy: unknown flags are EINVAL, including bits above 32", () => {
  assert.equal(get(8), -EINVAL);
  assert.equal(get(1n << 32n), -EINVAL);
});

test("do_get_mempolicy: MPOL_F_MEMS_ALLOWED alone gives policy 0 and the allowed nodes, whatever addr", () => {
  assert.deepEqual(get(MPOL_F_MEMS_ALLOWED, 0x1234n, ctx(taskWith(MpolMode.Bind, mask(2)))), { policy: 0, nodes: ALL });
  assert.equal(get(MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), -EINVAL);
  assert.equal(get(MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR, PLAIN), -EINVAL);
});

test("do_get_mempolicy: an address without MPOL_F_ADDR is EINVAL", () => {
  assert.equal(get(0, PLAIN), -EINVAL);
});

test("do_get_mempolicy: the task's policy, mode and mode flags", () => {
  assert.deepEqual(get(0), { policy: MpolMode.Default, nodes: [] });
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.Interleave, mask(1, 3)))), { policy: MpolMode.Interleave, nodes: [1, 3] });
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.Preferred, mask(2, 3)))), { policy: MpolMode.Preferred, nodes: [2] });
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.PreferredMany, mask(2, 3)))), { policy: MpolMode.PreferredMany, nodes: [2, 3] });
});

test("do_get_mempolicy: PREFERRED with no nodes reads back as MPOL_LOCAL", () => {
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.Preferred))), { policy: MpolMode.Local, nodes: [] });
});

test("do_get_mempolicy: a policy with mode flags reports them and the user's own mask", () => {
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.Bind | MPOL_F_STATIC_NODES, mask(0, 5)))),
    { policy: MpolMode.Bind | MPOL_F_STATIC_NODES, nodes: [0, 5] });
  assert.deepEqual(get(0, 0n, ctx(taskWith(MpolMode.Bind | MPOL_F_NUMA_BALANCING, mask(1, 9)))),
    { policy: MpolMode.Bind | MPOL_F_NUMA_BALANCING, nodes: [1, 9] });
});

test("do_get_mempolicy: MPOL_F_ADDR reads the mapping's own policy, never the task's", () => {
  const c = ctx(taskWith(MpolMode.Interleave, mask(0, 1)));
  assert.deepEqual(get(MPOL_F_ADDR, PLAIN, c), { policy: MpolMode.Default, nodes: [] });
  assert.deepEqual(get(MPOL_F_ADDR, BOUND, c), { policy: MpolMode.Bind, nodes: [3] });
  assert.equal(get(MPOL_F_ADDR, UNMAPPED, c), -EFAULT);
});

test("do_get_mempolicy: MPOL_F_NODE | MPOL_F_ADDR gives the page's node and the mapping's mask", () => {
  assert.deepEqual(get(MPOL_F_NODE | MPOL_F_ADDR, BOUND), { policy: 3, nodes: [3] });
  assert.deepEqual(get(MPOL_F_NODE | MPOL_F_ADDR, PLAIN), { policy: 0, nodes: [] });
  assert.equal(get(MPOL_F_NODE | MPOL_F_ADDR, UNMAPPED), -EFAULT);
  // lookup_node's error comes back as is.
  const c: GetMempolicyContext = { ...ctx(), pageNode: () => -EFAULT };
  assert.equal(get(MPOL_F_NODE | MPOL_F_ADDR, PLAIN, c), -EFAULT);
});

test("do_get_mempolicy: MPOL_F_NODE alone is the task's next interleave node, else EINVAL", () => {
  const t = taskWith(MpolMode.Interleave, mask(1, 3));
  assert.deepEqual(get(MPOL_F_NODE, 0n, ctx(t)), { policy: 1, nodes: [1, 3] });
  assert.deepEqual(get(MPOL_F_NODE, 0n, ctx({ ...t, ilPrev: 1 })), { policy: 3, nodes: [1, 3] });
  assert.deepEqual(get(MPOL_F_NODE, 0n, ctx({ ...t, ilPrev: 3 })), { policy: 1, nodes: [1, 3] });
  assert.equal(get(MPOL_F_NODE), -EINVAL);
  assert.equal(get(MPOL_F_NODE, 0n, ctx(taskWith(MpolMode.Bind, mask(1)))), -EINVAL);
});
