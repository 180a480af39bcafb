// move_pages as Linux 6.1 does it (mm/migrate.c: kernel_move_pages, do_pages_stat,
// do_pages_stat_array, do_pages_move, add_page_for_migration, move_pages_and_store_status).
// The caller resolves pid (find_mm_struct: -ESRCH, -EPERM) between checkMovePagesFlags and
// movePages, and gives access to the three user arrays and to the address space.

import { EACCES, EFAULT, EINVAL, ENODEV, EPERM, type SysReturn } from "./errno.js";
import { MPOL_MF_MOVE, MPOL_MF_MOVE_ALL } from "./mempolicy.js";

/** The user arrays: pages (guest pointers), nodes (ints, absent for a query), status (ints). */
export interface MovePagesArrays {
  /** pages[i] as an address (a compat task's 32-bit pointer zero-extended), or undefined on a fault. */
  readPage(i: number): bigint | undefined;
  /** nodes[i], or undefined on a fault; null when the nodes pointer is NULL (a query). */
  readonly readNode: ((i: number) => number | undefined) | null;
  /** Stores status[i]; false on a fault. */
  writeStatus(i: number, value: number): boolean;
}

/** A page as follow_page finds it. */
export interface FoundPage {
  readonly node: number;
  /** Mapped more than once (page_mapcount > 1): only MPOL_MF_MOVE_ALL moves it. */
  readonly shared: boolean;
  /** isolate_lru_page's answer: 0, or a negated errno (-EBUSY) that becomes the page's status. */
  readonly isolate: number;
}

/** The address space, as move_pages consults it. */
export interface MovePagesSpace {
  /**
   * follow_page(vma, addr, FOLL_GET | FOLL_DUMP): the page mapped at addr, or the negated errno
   * Linux gets. -EFAULT: no mapping contains addr; an anonymous page never touched (no page
   * table entry: FOLL_DUMP refuses to fault it in); the zero page. -ENOENT: an entry that is not
   * present (swapped out), or an untouched page of a file mapping that has a fault handler.
   */
  follow(addr: bigint): FoundPage | number;
  /** vma_migratable of the mapping containing addr (false for VM_IO / VM_PFNMAP, and for no mapping). */
  migratable(addr: bigint): boolean;
  /**
   * migrate_pages of the pages at `addrs` onto `node` (__GFP_THISNODE: no fallback): the number
   * not moved, 0 when all moved, or a negated errno.
   */
  migrate(addrs: readonly bigint[], node: number): number;
}

/**
 * kernel_move_pages' first checks: flags other than MPOL_MF_MOVE and MPOL_MF_MOVE_ALL (flags is
 * an int: pass the register's low 32 bits), then MOVE_ALL without CAP_SYS_NICE. 0 to go on.
 */
export function checkMovePagesFlags(flags: number, capSysNice = true): SysReturn {
  if (((flags | 0) & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) !== 0) return -EINVAL;
  if ((flags & MPOL_MF_MOVE_ALL) !== 0 && !capSysNice) return -EPERM;
  return 0;
}

/** Linux reads a query's pages and stores its statuses 16 at a time (DO_PAGES_STAT_CHUNK_NR). */
const STAT_CHUNK = 16;

/**
 * do_pages_stat: each page's node, or -EFAULT / -ENOENT, into status. A fault reading a chunk
 * of pages ends the call with -EFAULT before that chunk is looked up; statuses of earlier
 * chunks stay stored, and a fault storing stops at the entry that faults.
 */
function statPages(count: number, arrays: MovePagesArrays, space: MovePagesSpace): SysReturn {
  for (let base = 0; base < count; base += STAT_CHUNK) {
    const n = Math.min(STAT_CHUNK, count - base);
    const addrs: bigint[] = [];
    for (let i = 0; i < n; i++) {
      const a = arrays.readPage(base + i);
      if (a === undefined) return -EFAULT;
      addrs.push(a);
    }
    for (let i = 0; i < n; i++) {
      const found = space.follow(addrs[i]);
      if (!arrays.writeStatus(base + i, typeof found === "number" ? found : found.node)) return -EFAULT;
    }
  }
  return 0;
}

/** Whether a page was queued for migration, or the status it gets at once (a node or -errno). */
type AddResult = { queued: true } | { queued: false; status: number };

/** add_page_for_migration. */
function addPage(addr: bigint, node: number, moveAll: boolean, space: MovePagesSpace): AddResult {
  // Unlike a query, a move refuses a mapping that cannot migrate before looking at its page.
  if (!space.migratable(addr)) return { queued: false, status: -EFAULT };
  const found = space.follow(addr);
  if (typeof found === "number") return { queued: false, status: found };
  if (found.node === node) return { queued: false, status: node };
  if (found.shared && !moveAll) return { queued: false, status: -EACCES };
  if (found.isolate !== 0) return { queued: false, status: found.isolate };
  return { queued: true };
}

/**
 * do_pages_move. Consecutive entries bound for one node form a batch, migrated when the node
 * changes, when an entry is not queued, or at the end; a migrated batch then gets its node as
 * status. A batch with any page left behind ends the call, returning how many pages were not
 * moved plus the entries not yet looked at, without storing the batch's statuses. A bad entry
 * (fault reading it, node out of range or without memory: -ENODEV, node not allowed: -EACCES)
 * ends the call with that errno, after the pending batch is migrated and its statuses stored.
 */
function movePagesTo(count: number, arrays: MovePagesArrays, readNode: (i: number) => number | undefined,
  moveAll: boolean, space: MovePagesSpace, maxNumNodes: number, memoryNodes: readonly number[],
  allowed: readonly number[]): SysReturn {
  let batch: bigint[] = [];
  let batchNode = -1;
  let start = 0;

  // move_pages_and_store_status: 0, a negated errno, or the count not moved (plus the rest).
  const flush = (i: number): number => {
    if (batch.length === 0) return 0;
    const left = space.migrate(batch, batchNode);
    batch = [];
    if (left !== 0) return left > 0 ? left + count - i : left;
    for (let j = start; j < i; j++) if (!arrays.writeStatus(j, batchNode)) return -EFAULT;
    return 0;
  };

  let i = 0;
  let err = 0;
  for (; i < count; i++) {
    const addr = arrays.readPage(i);
    const node = addr === undefined ? undefined : readNode(i);
    if (addr === undefined || node === undefined) { err = -EFAULT; break; }
    if (node < 0 || node >= maxNumNodes || !memoryNodes.includes(node)) { err = -ENODEV; break; }
    if (!allowed.includes(node)) { err = -EACCES; break; }

    if (batchNode === -1) {
      batchNode = node;
      start = i;
    } else if (node !== batchNode) {
      const r = flush(i);
      if (r !== 0) return r;
      start = i;
      batchNode = node;
    }

    const added = addPage(addr, batchNode, moveAll, space);
    if (added.queued) {
      batch.push(addr);
      continue;
    }
    if (!arrays.writeStatus(i, added.status)) { err = -EFAULT; break; }
    const r = flush(i);
    // A positive count has counted entry i as not attempted; it was dealt with.
    if (r !== 0) return r > 0 ? r - 1 : r;
    batchNode = -1;
  }
  const r = flush(i);
  return err < 0 ? err : r;
}

/** The machine and task facts movePages needs. */
export interface MovePagesContext {
  /** MAX_NUMNODES: nodes at or past it are -ENODEV. */
  readonly maxNumNodes: number;
  /** Online nodes with memory (node_states[N_MEMORY]): others are -ENODEV. */
  readonly memoryNodes: readonly number[];
  /** The target task's cpuset mems_allowed: other nodes are -EACCES. */
  readonly allowed: readonly number[];
}

/**
 * kernel_move_pages after checkMovePagesFlags and the pid lookup: a query (nodes NULL) or a
 * move of `count` entries. Returns 0, a negated errno, or the number of pages not moved.
 */
export function movePages(count: number, flags: number, arrays: MovePagesArrays, space: MovePagesSpace,
  ctx: MovePagesContext): SysReturn {
  if (arrays.readNode === null) return statPages(count, arrays, space);
  return movePagesTo(count, arrays, arrays.readNode, (flags & MPOL_MF_MOVE_ALL) !== 0, space,
    ctx.maxNumNodes, ctx.memoryNodes, ctx.allowed);
}
