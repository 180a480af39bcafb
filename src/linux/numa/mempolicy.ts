// NUMA memory policies as Linux 6.1 keeps and reports them (mm/mempolicy.c:
// sanitize_mpol_flags, mpol_new, mpol_set_nodemask, do_set_mempolicy, kernel_get_mempolicy,
// do_get_mempolicy; include/uapi/linux/mempolicy.h). Pure functions: the caller keeps each
// task's TaskPolicy and each mapping's MemPolicy, reads and writes guest memory, and supplies
// the facts Linux would look up (the mapping at an address, the node of a page).
//
// Linux 6.1 knows modes 0..5: MPOL_WEIGHTED_INTERLEAVE (6) arrived in Linux 6.9 and is refused
// here with EINVAL, as 6.1 refuses it.

import { EINVAL, EFAULT, type SysReturn } from "./errno.js";
import { readUserNodemask, type NodemaskAbi, type UserNodemask } from "./nodemask.js";

export const enum MpolMode {
  Default = 0,
  Preferred = 1,
  Bind = 2,
  Interleave = 3,
  Local = 4,
  PreferredMany = 5,
}

/** One past the highest mode Linux 6.1 accepts. */
export const MPOL_MAX = 6;

/** Mode flags, or-ed into the mode argument of set_mempolicy and mbind. */
export const MPOL_F_STATIC_NODES = 1 << 15;
export const MPOL_F_RELATIVE_NODES = 1 << 14;
export const MPOL_F_NUMA_BALANCING = 1 << 13;
export const MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;

/** get_mempolicy flags. */
export const MPOL_F_NODE = 1 << 0;
export const MPOL_F_ADDR = 1 << 1;
export const MPOL_F_MEMS_ALLOWED = 1 << 2;

/** mbind flags (MPOL_MF_LAZY exists in the header but 6.1's mbind refuses it). */
export const MPOL_MF_STRICT = 1 << 0;
export const MPOL_MF_MOVE = 1 << 1;
export const MPOL_MF_MOVE_ALL = 1 << 2;
export const MPOL_MF_LAZY = 1 << 3;
export const MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

/**
 * A policy: of a task, or of a mapping. MpolMode.Default stands for Linux's "no policy" (a NULL
 * pointer): a mapping without one follows its task's, a task without one allocates locally.
 */
export interface MemPolicy {
  readonly mode: MpolMode;
  /** The mode flags (MPOL_F_STATIC_NODES, ...) it was made with. */
  readonly flags: number;
  /** The nodes it allocates from, sorted (pol->nodes): empty for Default and Local. */
  readonly nodes: readonly number[];
  /**
   * The mask as the caller gave it (w.user_nodemask), kept when any mode flag is set: that is
   * what get_mempolicy reports for such a policy, rather than `nodes`.
   */
  readonly userNodes?: readonly number[];
}

export const DEFAULT_POLICY: MemPolicy = Object.freeze({ mode: MpolMode.Default, flags: 0, nodes: Object.freeze([]) });

/** A task's policy and where its interleaving stands (il_prev: the node it last interleaved onto). */
export interface TaskPolicy {
  readonly policy: MemPolicy;
  readonly ilPrev: number;
}

export const INITIAL_TASK_POLICY: TaskPolicy = Object.freeze({ policy: DEFAULT_POLICY, ilPrev: 0 });

/**
 * sanitize_mpol_flags: split the mode argument (a C int: pass the low 32 bits of the register)
 * into mode and mode flags. Bits other than the three flags make the mode out of range, and
 * MPOL_F_NUMA_BALANCING goes with MPOL_BIND only.
 */
export function sanitizeMode(modeArg: number): { mode: MpolMode; flags: number } | SysReturn {
  const m = modeArg | 0;
  const flags = m & MPOL_MODE_FLAGS;
  const mode = m & ~MPOL_MODE_FLAGS;
  if ((mode >>> 0) >= MPOL_MAX) return -EINVAL;
  if ((flags & MPOL_F_STATIC_NODES) !== 0 && (flags & MPOL_F_RELATIVE_NODES) !== 0) return -EINVAL;
  if ((flags & MPOL_F_NUMA_BALANCING) !== 0 && mode !== MpolMode.Bind) return -EINVAL;
  return { mode: mode as MpolMode, flags };
}

/**
 * mpol_relative_nodemask: the user's node n means the (n mod |allowed|)-th allowed node, so a
 * relative mask keeps its shape whatever nodes the task may use.
 */
function relativeNodes(user: readonly number[], allowed: readonly number[]): number[] {
  const folded = new Set(user.map((n) => n % allowed.length));
  return allowed.filter((_, ordinal) => folded.has(ordinal));
}

/**
 * mpol_new followed by mpol_set_nodemask: the policy set_mempolicy or mbind makes of a mode,
 * its flags and the user's nodes, within `allowed` (the task's mems_allowed, nodes with memory;
 * non-empty). Nodes outside `allowed` are dropped without complaint; only a mask left empty is
 * refused. MPOL_PREFERRED with an empty mask becomes MPOL_LOCAL, and with several nodes keeps
 * only the first.
 */
export function makePolicy(mode: MpolMode, flags: number, user: readonly number[],
  allowed: readonly number[]): MemPolicy | SysReturn {
  const empty = user.length === 0;
  const placeFlags = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
  switch (mode) {
    case MpolMode.Default:
      // Flags are not checked here: MPOL_DEFAULT | MPOL_F_STATIC_NODES is accepted.
      return empty ? DEFAULT_POLICY : -EINVAL;
    case MpolMode.Local:
      return empty && placeFlags === 0 ? { mode, flags, nodes: [] } : -EINVAL;
    case MpolMode.Preferred:
      if (empty) return placeFlags === 0 ? { mode: MpolMode.Local, flags, nodes: [] } : -EINVAL;
      break;
    default:
      if (empty) return -EINVAL;
  }
  const within = [...allowed].sort((a, b) => a - b);
  const usable = (flags & MPOL_F_RELATIVE_NODES) !== 0
    ? relativeNodes(user, within)
    : user.filter((n) => within.includes(n));
  if (usable.length === 0) return -EINVAL;
  const nodes = mode === MpolMode.Preferred ? [usable[0]] : usable;
  return (flags & MPOL_MODE_FLAGS) !== 0 ? { mode, flags, nodes, userNodes: [...user] } : { mode, flags, nodes };
}

/**
 * kernel_set_mempolicy up to the point of installing: mode checks, then the mask (so a bad mode
 * wins over a bad mask pointer), then the policy. The caller installs it with installTaskPolicy.
 */
export function parseSetMempolicy(modeArg: number, mask: UserNodemask, abi: NodemaskAbi,
  allowed: readonly number[]): MemPolicy | SysReturn {
  const mf = sanitizeMode(modeArg);
  if (typeof mf === "number") return mf;
  const user = readUserNodemask(abi, mask);
  if (typeof user === "number") return user;
  return makePolicy(mf.mode, mf.flags, user, allowed);
}

/**
 * do_set_mempolicy's commit: a new interleave policy restarts at its first node (il_prev is set
 * to MAX_NUMNODES - 1); any other policy leaves il_prev alone.
 */
export function installTaskPolicy(task: TaskPolicy, policy: MemPolicy, abi: NodemaskAbi): TaskPolicy {
  return { policy, ilPrev: policy.mode === MpolMode.Interleave ? abi.maxNumNodes - 1 : task.ilPrev };
}

/** next_node_in: the first node of `nodes` after `prev`, wrapping round; -1 for no nodes. */
export function nextNodeIn(prev: number, nodes: readonly number[]): number {
  return nodes.find((n) => n > prev) ?? nodes[0] ?? -1;
}

/** get_mempolicy's arguments (the two output pointers matter only as NULL or not). */
export interface GetMempolicyArgs {
  /** nmask is not NULL. */
  readonly wantMask: boolean;
  /** maxnode as the kernel's unsigned long. */
  readonly maxnode: bigint;
  readonly addr: bigint;
  /** flags as the kernel's unsigned long: any bit beyond the three known ones is refused. */
  readonly flags: bigint;
}

/** What do_get_mempolicy looks up. */
export interface GetMempolicyContext {
  readonly task: TaskPolicy;
  /** cpuset_current_mems_allowed: the nodes the task may use. */
  readonly memsAllowed: readonly number[];
  /**
   * vma_lookup: the policy of the mapping containing addr (DEFAULT_POLICY when it has none; a
   * shared-memory mapping answers its shared policy at addr), undefined when none contains it.
   */
  mappingPolicy(addr: bigint): MemPolicy | undefined;
  /**
   * lookup_node: get_user_pages_fast(addr & PAGE_MASK, 1, 0): the node of the page, or a negated
   * errno. Like Linux this must fault the page in for reading first, so an untouched anonymous
   * page answers the node of the shared zero page.
   */
  pageNode(addr: bigint): number;
}

/** get_mempolicy's results: the int stored at `policy` and the nodes stored at `nmask`. */
export interface GetMempolicyResult {
  readonly policy: number;
  readonly nodes: readonly number[];
}

/**
 * kernel_get_mempolicy up to the stores. After it, Linux stores `policy` if that pointer is
 * not NULL (-EFAULT), and only then the mask if wanted: writeUserNodemask, whose -EINVAL for a
 * maxnode past a page comes after the policy has already been stored.
 */
export function getMempolicy(args: GetMempolicyArgs, ctx: GetMempolicyContext,
  abi: NodemaskAbi): GetMempolicyResult | SysReturn {
  // Checked before anything else, so it wins over bad flags and unmapped addresses.
  if (args.wantMask && args.maxnode < BigInt(abi.nrNodeIds)) return -EINVAL;
  const flags = args.flags;
  if ((flags & ~BigInt(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED)) !== 0n) return -EINVAL;
  const has = (f: number): boolean => (flags & BigInt(f)) !== 0n;

  if (has(MPOL_F_MEMS_ALLOWED)) {
    if (has(MPOL_F_NODE) || has(MPOL_F_ADDR)) return -EINVAL;
    // The address is not looked at, not even checked for zero.
    return { policy: 0, nodes: [...ctx.memsAllowed] };
  }

  let pol = ctx.task.policy;
  if (has(MPOL_F_ADDR)) {
    // The mapping's own policy, not the task's it would fall back to: none reads as MPOL_DEFAULT.
    const at = ctx.mappingPolicy(args.addr);
    if (at === undefined) return -EFAULT;
    pol = at;
  } else if (args.addr !== 0n) {
    return -EINVAL;
  }

  let policy: number;
  if (has(MPOL_F_NODE)) {
    if (has(MPOL_F_ADDR)) {
      const node = ctx.pageNode(args.addr);
      if (node < 0) return node;
      policy = node;
    } else if (pol.mode === MpolMode.Interleave) {
      // The node the task's next interleaved allocation goes to.
      policy = nextNodeIn(ctx.task.ilPrev, pol.nodes);
    } else {
      return -EINVAL;
    }
  } else {
    policy = pol.mode | (pol.flags & MPOL_MODE_FLAGS);
  }
  const nodes = (pol.flags & MPOL_MODE_FLAGS) !== 0 && pol.userNodes !== undefined ? pol.userNodes : pol.nodes;
  return { policy, nodes: [...nodes] };
}
