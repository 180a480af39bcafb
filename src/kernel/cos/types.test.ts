import { test } from "node:test";
import assert from "node:assert/strict";
import { RootKind, blockBytes, clusterOf, clustersOf, negotiate, type ObjectType } from "./types.js";

const base = { create: () => ({}) };
const t = (over: Partial<ObjectType>): ObjectType => ({ id: 1, name: "t", kind: RootKind.Shared, ...base, ...over });

test("state-format negotiation picks the lowest common format or none", () => {
  assert.equal(negotiate(t({ exports: [3, 1, 2] }), t({ imports: [2, 3] })), 2);
  assert.equal(negotiate(t({ exports: [1] }), t({ imports: [2] })), undefined);
  assert.equal(negotiate(t({}), t({ imports: [1] })), undefined);
});

test("clusters of each root kind", () => {
  assert.equal(clustersOf(t({ kind: RootKind.Shared }), 8), 1);
  assert.equal(clustersOf(t({ kind: RootKind.PerProcessor }), 8), 8);
  assert.equal(clustersOf(t({ kind: RootKind.PerCluster, clusterSize: 3 }), 8), 3);
  assert.deepEqual([0, 1, 2, 3, 5, 7].map((c) => clusterOf(t({ kind: RootKind.PerCluster, clusterSize: 3 }), c)), [0, 0, 0, 1, 1, 2]);
  assert.equal(clusterOf(t({ kind: RootKind.PerProcessor }), 5), 5);
  // a flag line plus the state padded to 128-byte lines
  assert.equal(blockBytes(t({ sharedBytes: 8 })), 256);
  assert.equal(blockBytes(t({ sharedBytes: 200 })), 384);
  assert.equal(blockBytes(t({})), 0);
});
