// Node masks in guest memory, as set_mempolicy, mbind, migrate_pages and get_mempolicy pass them
// (Linux 6.1: get_nodes, get_bitmap and copy_nodes_to_user in mm/mempolicy.c; compat_get_bitmap
// and compat_put_bitmap in kernel/compat.c).
//
// The kernel modelled is a 64-bit PowerPC Linux: NUMA depends on PPC64 (arch/powerpc/Kconfig),
// so a ppc32 program reaches these calls only as a compat task of a ppc64 kernel. The mask is an
// array of the guest's unsigned longs (64-bit words for ppc64 tasks, 32-bit words for ppc32
// tasks), bit n of the mask being bit n % W of word n / W; the kernel's own longs stay 64-bit,
// which shows through in compat tasks (see readUserNodemask and writeUserNodemask).
// Masks are handled here as sorted lists of node ids; guest words as bigints, byte order being
// the caller's business (wordReader and applyWordWrites do it for a byte buffer).

import { EFAULT, EINVAL, type SysReturn } from "./errno.js";

/** BITS_PER_LONG of the kernel: always 64 (see above). */
const KLONG = 64;
const MASK64 = (1n << 64n) - 1n;
const MASK32 = (1n << 32n) - 1n;

/** MAX_NUMNODES of a ppc64 kernel: 1 << CONFIG_NODES_SHIFT, which defaults to 8 on PPC64. */
export const PPC64_MAX_NUMNODES = 256;

/** What the node-mask layout depends on. */
export interface NodemaskAbi {
  /** The guest's unsigned long: 64 for ppc64 tasks, 32 for ppc32 (compat) tasks. */
  readonly guestLongBits: 32 | 64;
  /** MAX_NUMNODES of the kernel build: mask bits at or past it must be zero. */
  readonly maxNumNodes: number;
  /** nr_node_ids: one more than the highest possible node id (the machine's node count). */
  readonly nrNodeIds: number;
  /** PAGE_SIZE: a mask longer than a page's worth of bits is refused. */
  readonly pageSize: number;
}

/** The layout for a machine of `nodes` NUMA nodes (ids 0..nodes-1). */
export function nodemaskAbi(guestLongBits: 32 | 64, nodes: number, pageSize = 4096,
  maxNumNodes = PPC64_MAX_NUMNODES): NodemaskAbi {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > maxNumNodes) {
    throw new RangeError(`node count must be 1..${maxNumNodes} (got ${nodes})`);
  }
  return { guestLongBits, maxNumNodes, nrNodeIds: nodes, pageSize };
}

/** Guest word `index` (in guest longs) of the mask, or undefined when reading it faults. */
export type ReadWord = (index: number) => bigint | undefined;

/** A node-mask argument: the pointer's presence (NULL or not), maxnode, and its words. */
export interface UserNodemask {
  readonly present: boolean;
  /** The maxnode argument as the kernel's unsigned long (a compat task's is zero-extended). */
  readonly maxnode: bigint;
  readonly read: ReadWord;
}

/** No mask (a NULL pointer): Linux reads it as the empty mask. */
export const NO_NODEMASK: UserNodemask = Object.freeze({ present: false, maxnode: 0n, read: () => undefined });

/** One guest word to store, `index` counted in guest longs from the mask's start. */
export interface WordWrite {
  readonly index: number;
  readonly value: bigint;
}

/**
 * get_bitmap: `nbits` bits from kernel long `firstLong` on, as kernel longs, with the bits past
 * nbits in the last long cleared. A compat task's words are read in pairs (low word first) into
 * each long, and only as many 32-bit words as nbits needs.
 */
function getBitmap(abi: NodemaskAbi, read: ReadWord, firstLong: number, nbits: number): bigint[] | undefined {
  const longs: bigint[] = [];
  if (abi.guestLongBits === 64) {
    for (let j = 0; j < Math.ceil(nbits / KLONG); j++) {
      const w = read(firstLong + j);
      if (w === undefined) return undefined;
      longs.push(w & MASK64);
    }
  } else {
    const words = Math.ceil(nbits / 32);
    for (let j = 0; j < words; j += 2) {
      const lo = read(2 * firstLong + j);
      if (lo === undefined) return undefined;
      let hi = 0n;
      if (j + 1 < words) {
        const w = read(2 * firstLong + j + 1);
        if (w === undefined) return undefined;
        hi = w & MASK32;
      }
      longs.push((hi << 32n) | (lo & MASK32));
    }
  }
  if (nbits % KLONG !== 0) longs[longs.length - 1] &= (1n << BigInt(nbits % KLONG)) - 1n;
  return longs;
}

function nodesOfLongs(longs: readonly bigint[]): number[] {
  const nodes: number[] = [];
  longs.forEach((w, i) => {
    for (let b = 0; w !== 0n; b++, w >>= 1n) if (w & 1n) nodes.push(i * KLONG + b);
  });
  return nodes;
}

function longsOfNodes(nodes: readonly number[], nlongs: number): bigint[] {
  const longs = new Array<bigint>(nlongs).fill(0n);
  for (const n of nodes) {
    const i = Math.floor(n / KLONG);
    if (i < nlongs) longs[i] |= 1n << BigInt(n % KLONG);
  }
  return longs;
}

/**
 * get_nodes: the node ids set in a user mask, or -EINVAL / -EFAULT.
 *
 * Linux takes maxnode - 1 bits (so maxnode 1 gives the empty mask, and maxnode 0 wraps to a huge
 * count that is refused unless the pointer is NULL). Past MAX_NUMNODES it checks the surplus for
 * zero one kernel long at a time from the top, and checks whole longs: in the top long even the
 * bits past maxnode - 1 must be zero, and a compat task has both 32-bit halves of that long read,
 * even a half lying wholly past maxnode. Node ids at or past nr_node_ids but below MAX_NUMNODES
 * are returned as given; the policy code drops them.
 */
export function readUserNodemask(abi: NodemaskAbi, mask: UserNodemask): number[] | SysReturn {
  const bits64 = (mask.maxnode - 1n) & MASK64;
  if (bits64 === 0n || !mask.present) return [];
  if (bits64 > BigInt(abi.pageSize * 8)) return -EINVAL;
  let bits = Number(bits64);
  const max = abi.maxNumNodes;
  while (bits > max) {
    const chunk = Math.min(bits, KLONG);
    const top = getBitmap(abi, mask.read, Math.floor((bits - 1) / KLONG), chunk);
    if (top === undefined) return -EFAULT;
    let t = top[0];
    if (bits - chunk >= max) {
      bits -= chunk;
    } else {
      // This long straddles MAX_NUMNODES: only its bits from MAX_NUMNODES % 64 up are surplus.
      bits = max;
      t &= ~((1n << BigInt(max % KLONG)) - 1n);
    }
    if (t !== 0n) return -EINVAL;
  }
  const longs = getBitmap(abi, mask.read, 0, bits);
  if (longs === undefined) return -EFAULT;
  return nodesOfLongs(longs);
}

/**
 * copy_nodes_to_user: the guest words get_mempolicy stores for `nodes`, in the order Linux
 * stores them, or -EINVAL. (kernel_get_mempolicy has already refused maxnode < nr_node_ids.)
 *
 * Linux sizes the copy as maxnode - 1 bits rounded up to 64, in bytes, even for a compat task.
 * Past the kernel's own mask (nr_node_ids bits in whole guest longs) it zero-fills up to that
 * size, refusing more than a page; so a mask that is a whole number of 32-bit words can get
 * one word more than maxnode - 1 bits need. A compat task then gets ceil(n / 32) words of the
 * mask, n being nr_node_ids after zero-filling and maxnode otherwise (which may be one word
 * past the copy size); a 64-bit task gets the copy size, which is nothing at all for maxnode 1.
 * Bits of the kernel mask past MAX_NUMNODES read as zero here.
 */
export function writeUserNodemask(abi: NodemaskAbi, maxnode: bigint, nodes: readonly number[]): WordWrite[] | SysReturn {
  const wordBytes = abi.guestLongBits / 8;
  const aligned = ((((maxnode - 1n) & MASK64) + 63n) & MASK64) & ~63n;
  const copy = aligned / 8n;
  const nbytes = Math.ceil(abi.nrNodeIds / abi.guestLongBits) * wordBytes;
  const writes: WordWrite[] = [];
  let copyBytes: number;
  let putBits: number;
  if (copy > BigInt(nbytes)) {
    if (copy > BigInt(abi.pageSize)) return -EINVAL;
    for (let b = nbytes; b < Number(copy); b += wordBytes) writes.push({ index: b / wordBytes, value: 0n });
    copyBytes = nbytes;
    putBits = abi.nrNodeIds;
  } else {
    copyBytes = Number(copy);
    putBits = Number(maxnode);
  }
  const kernelLongs = Math.ceil(abi.maxNumNodes / KLONG);
  const longs = longsOfNodes(nodes.filter((n) => n < abi.maxNumNodes), kernelLongs);
  const longAt = (i: number): bigint => longs[i] ?? 0n;
  if (abi.guestLongBits === 64) {
    for (let i = 0; i < copyBytes / 8; i++) writes.push({ index: i, value: longAt(i) });
  } else {
    for (let j = 0; j < Math.ceil(putBits / 32); j++) {
      writes.push({ index: j, value: (longAt(j >> 1) >> BigInt(32 * (j & 1))) & MASK32 });
    }
  }
  return writes;
}

/** Reads guest words of `longBits` from a byte buffer in the guest's byte order; past its end faults. */
export function wordReader(bytes: Uint8Array, longBits: 32 | 64, littleEndian: boolean): ReadWord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = longBits / 8;
  return (index) => {
    const at = index * size;
    if (index < 0 || at + size > bytes.byteLength) return undefined;
    return longBits === 64 ? view.getBigUint64(at, littleEndian) : BigInt(view.getUint32(at, littleEndian));
  };
}

/** Stores guest words into a byte buffer in order; false at the first one past its end (a fault). */
export function applyWordWrites(bytes: Uint8Array, longBits: 32 | 64, littleEndian: boolean,
  writes: readonly WordWrite[]): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = longBits / 8;
  for (const w of writes) {
    const at = w.index * size;
    if (w.index < 0 || at + size > bytes.byteLength) return false;
    if (longBits === 64) view.setBigUint64(at, w.value & MASK64, littleEndian);
    else view.setUint32(at, Number(w.value & MASK32), littleEndian);
  }
  return true;
}
