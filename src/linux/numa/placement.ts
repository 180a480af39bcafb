// Where a policy puts a page: the order in which the page allocator tries nodes, as Linux 6.1
// derives it (mm/mempolicy.c: vma_alloc_folio, alloc_pages, policy_node, policy_nodemask,
// offset_il_node, interleave_nodes, alloc_pages_preferred_many; mm/page_alloc.c:
// find_next_best_node, which orders each node's fallback zonelist).

import { MpolMode, nextNodeIn, type MemPolicy, type TaskPolicy } from "./mempolicy.js";

/** Nodes to try, in order, and whether running out of them is out of memory (no other node). */
export interface Placement {
  readonly preferred: readonly number[];
  readonly strict: boolean;
}

/** node_distance; Linux's LOCAL_DISTANCE and REMOTE_DISTANCE by default. */
export type Distance = (from: number, to: number) => number;
export const uniformDistance: Distance = (from, to) => (from === to ? 10 : 20);

/**
 * The fallback zonelist of node `from` over `online` (nodes with memory): itself, then by
 * distance, where among equals the nodes above `from` come before those below it
 * (find_next_best_node's "prefer the next node"), so equal distances go round from `from`.
 * Linux also spreads ties by how often a node came first at its distance while the lists of
 * all nodes were built (node_load); with one remote distance that gives this same order, and
 * it is not modelled for other distance tables. All nodes here have processors, so Linux's
 * penalty for such nodes changes nothing.
 */
export function fallbackOrder(from: number, online: readonly number[], distance: Distance = uniformDistance): number[] {
  const rank = (n: number): number => distance(from, n) + (n < from ? 1 : 0);
  const rest = online.filter((n) => n !== from).sort((a, b) => rank(a) - rank(b) || a - b);
  return online.includes(from) ? [from, ...rest] : rest;
}

/**
 * The node an interleave policy gives the n-th page of a mapping (offset_il_node): n is the
 * mapping's page offset (vm_pgoff, for private anonymous memory its start's page number) plus
 * the page's index in it, taken modulo 2^32 as Linux does.
 */
export function interleaveNode(nodes: readonly number[], n: number, localNode: number): number {
  if (nodes.length === 0) return localNode;
  return nodes[(n >>> 0) % nodes.length];
}

/**
 * interleave_nodes: the node of a task's next interleaved allocation that no mapping is behind
 * (alloc_pages: page cache, kernel buffers), and the task with il_prev moved on to it. Page
 * faults do not use this: they interleave by offset even under a task policy (interleaveNode).
 */
export function advanceTaskInterleave(task: TaskPolicy): { node: number; task: TaskPolicy } {
  const node = nextNodeIn(task.ilPrev, task.policy.nodes);
  return { node, task: node < 0 ? task : { ...task, ilPrev: node } };
}

/**
 * vma_alloc_folio's choice for a page of a mapping, `policy` being the one in force there (the
 * mapping's own, else its task's; Default means neither has one). interleaveIndex is the n of
 * interleaveNode. Huge pages, home nodes (set_mempolicy_home_node) and cpusets are left out.
 */
export function chooseNode(policy: MemPolicy, localNode: number, interleaveIndex: number,
  online: readonly number[], distance: Distance = uniformDistance): Placement {
  const local = fallbackOrder(localNode, online, distance);
  switch (policy.mode) {
    case MpolMode.Default:
    case MpolMode.Local:
      return { preferred: local, strict: false };
    case MpolMode.Preferred:
      return { preferred: fallbackOrder(policy.nodes[0] ?? localNode, online, distance), strict: false };
    case MpolMode.Bind:
      // The local node's list filtered by the mask: nearest to the faulting processor first.
      return { preferred: local.filter((n) => policy.nodes.includes(n)), strict: true };
    case MpolMode.Interleave:
      // Interleaved pages fall back to any node, nearest to the chosen one first.
      return { preferred: fallbackOrder(interleaveNode(policy.nodes, interleaveIndex, localNode), online, distance), strict: false };
    case MpolMode.PreferredMany: {
      // First pass within the mask, second pass anywhere, both from the local node's list.
      const within = local.filter((n) => policy.nodes.includes(n));
      return { preferred: [...within, ...local.filter((n) => !within.includes(n))], strict: false };
    }
  }
}
