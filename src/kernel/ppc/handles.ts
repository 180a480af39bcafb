// PPC handles in shared memory: the PPC directory (one entry per registered server) and each
// server's handle table (K42's XHandle table of X-objects). Both live in physical memory so any
// processor can validate any handle without asking the server's processors.
//
// Root: word CTL_PPC_DIR of the kernel control block holds the directory's byte address
// (0 = not yet made, -1 = being made by the processor that won the compare-exchange; it stores
// the address a few instructions later). Changed only with Atomics.
//
// Directory (one page of int32 words; entry s at word DIR_HEADER + s * DIR_ENTRY_WORDS):
//   0 table    byte address of server s's handle table (0 = none, -1 = being made)
//   1 digest   the interface digest      2 capacity   handle slots
//   3 domain   the server's domain       4,5 cpu mask  processors with a dispatcher (lo, hi)
// Written once by the processor that registers server s first (the others compare).
//
// Handle table: a header line, then `capacity` entries of 8 int32 words (32 bytes):
//   header  0 high-water   next never-used index (index 0 is never handed out: the null handle)
//           1 revokes      handles revoked so far (statistics)
//   entry   0 state        seq (bits 0..7) | LIVE (bit 8) | RETIRED (bit 9)
//           1 target       clustered-object id behind the handle, or 0 = the server's own
//                          per-processor implementation
//           2 owner        the domain the handle was made for (K42 matchPID)
//           3 ownerRights  rights of the owner    4 otherRights  rights of anyone else
//           5 clientData   a word the server attached     6 creator  processor that made it
// Entry invariants: fields 1..6 are written only by the processor that owns a non-LIVE slot
// (fresh from the high-water mark, or taken from its own free list), before it publishes the
// slot by storing state = seq | LIVE. revoke() compare-exchanges LIVE → seq + 1 (exactly one
// revoker wins), so every handle made earlier is stale from then on. A revoked slot is reused
// only after a global quiescence (server.ts), so a call that validated the old handle just
// before the revoke never sees another object's fields. A slot whose seq reached 255 is
// RETIRED instead of reused: an old handle can never become valid again by wrap-around.

import type { Kernel } from "../kernel.js";
import { SharedWords } from "../shared.js";
import { PAGE_SIZE } from "../../machine/memory.js";
import { PpcErr } from "./errors.js";

/** Control-block word holding the directory address (quiesce.ts uses words 0..2). */
export const CTL_PPC_DIR = 32;
const DIR_HEADER = 8;
const DIR_ENTRY_WORDS = 8;
export const MAX_SERVERS = (PAGE_SIZE / 4 - DIR_HEADER) / DIR_ENTRY_WORDS;
const DIR_MAGIC = 0x50504331; // "PPC1"

const enum De { Table = 0, Digest = 1, Capacity = 2, Domain = 3, MaskLo = 4, MaskHi = 5 }

const HEADER_WORDS = 32;
const ENTRY_WORDS = 8;
const enum He { State = 0, Target = 1, Owner = 2, OwnerRights = 3, OtherRights = 4, ClientData = 5, Creator = 6 }
const H_HIGH = 0, H_REVOKES = 1;

export const SEQ_MASK = 0xff;
const LIVE = 1 << 8;
const RETIRED = 1 << 9;
/** Most slots a handle table may have (index << 8 | seq must stay a u32). */
export const MAX_HANDLES = 1 << 22;

/** What a server registration declares (the directory compares it on every processor). */
export interface ServerShape {
  digest: number;
  capacity: number;
  domain: number;
  cpus: readonly number[];
}

/** Wait for a word that another processor is writing right now (a few stores away). */
function settle(w: SharedWords, i: number): number {
  let v = w.load(i);
  while (v === -1) v = w.load(i);
  return v;
}

/**
 * Find or make server `s`'s directory entry and handle table; returns the table address and
 * whether this processor made it (then it also ran `init` on the table before publishing its
 * address, so no processor sees the table before that). Throws if another processor
 * registered server `s` with a different shape.
 */
export function attachServer(
  k: Kernel, s: number, shape: ServerShape, name: string, init: (t: HandleTable) => void,
): { addr: number; made: boolean } {
  if (s >= MAX_SERVERS) throw new Error(`more than ${MAX_SERVERS} PPC servers`);
  const dir = new SharedWords(k.port, k.trace, directory(k));
  const e = DIR_HEADER + s * DIR_ENTRY_WORDS;
  let lo = 0, hi = 0;
  for (const c of shape.cpus) {
    if (c < 32) lo |= 1 << c;
    else hi |= 1 << (c - 32);
  }
  if (dir.cas(e + De.Table, 0, -1) === 0) {
    const addr = k.heap.alloc(HandleTable.bytesFor(shape.capacity));
    dir.store(e + De.Digest, shape.digest);
    dir.store(e + De.Capacity, shape.capacity);
    dir.store(e + De.Domain, shape.domain);
    dir.store(e + De.MaskLo, lo);
    dir.store(e + De.MaskHi, hi);
    new SharedWords(k.port, k.trace, addr).store(H_HIGH, 1);
    init(new HandleTable(k, addr, shape.capacity, s));
    dir.store(e + De.Table, addr);
    return { addr, made: true };
  }
  const addr = settle(dir, e + De.Table);
  if (dir.load(e + De.Digest) !== shape.digest || dir.load(e + De.Capacity) !== shape.capacity ||
      dir.load(e + De.Domain) !== shape.domain || dir.load(e + De.MaskLo) !== lo || dir.load(e + De.MaskHi) !== hi) {
    throw new Error(`cpu ${k.cpu}: PPC server ${s} (${name}) was registered differently on another processor ` +
      `(servers must be registered in the same order, with the same options, everywhere)`);
  }
  return { addr, made: false };
}

function directory(k: Kernel): number {
  const ctl = k.ctl;
  if (ctl.cas(CTL_PPC_DIR, 0, -1) === 0) {
    const node = Math.min(k.topology.nodeOf(k.cpu), k.port.mem.nodes.length - 1);
    const addr = k.port.mem.allocContiguous(1, node);
    new SharedWords(k.port, k.trace, addr).store(0, DIR_MAGIC);
    ctl.store(CTL_PPC_DIR, addr);
    return addr;
  }
  return settle(ctl, CTL_PPC_DIR);
}

/** What a valid handle names, read from its entry. */
export interface Entry {
  readonly index: number;
  readonly target: number;
  readonly owner: number;
  readonly ownerRights: number;
  readonly otherRights: number;
  readonly clientData: number;
  readonly creator: number;
}

export type Lookup = Entry | { readonly refused: PpcErr.Forged | PpcErr.Stale; readonly why: string };

export class HandleTable {
  private readonly w: SharedWords;

  constructor(k: Kernel, readonly addr: number, readonly capacity: number, obj: number) {
    this.w = new SharedWords(k.port, k.trace, addr, obj);
  }

  static bytesFor(capacity: number): number {
    return (HEADER_WORDS + capacity * ENTRY_WORDS) * 4;
  }

  private at(index: number, f: He): number {
    return HEADER_WORDS + index * ENTRY_WORDS + f;
  }

  /** A never-used slot, or undefined when the table is full. */
  fresh(): number | undefined {
    for (;;) {
      const hw = this.w.load(H_HIGH);
      if (hw >= this.capacity) return undefined;
      if (this.w.cas(H_HIGH, hw, hw + 1) === hw) return hw;
    }
  }

  /** Fill slot `index` (owned by the caller, not LIVE) and publish it; returns the xhandle. */
  publish(index: number, e: Omit<Entry, "index">): number {
    const st = this.w.load(this.at(index, He.State));
    if (st & (LIVE | RETIRED)) throw new Error(`handle slot ${index} is not free (state ${st})`);
    const seq = (st & SEQ_MASK) === 0 ? 1 : st & SEQ_MASK;
    this.w.store(this.at(index, He.Target), e.target);
    this.w.store(this.at(index, He.Owner), e.owner);
    this.w.store(this.at(index, He.OwnerRights), e.ownerRights | 0);
    this.w.store(this.at(index, He.OtherRights), e.otherRights | 0);
    this.w.store(this.at(index, He.ClientData), e.clientData | 0);
    this.w.store(this.at(index, He.Creator), e.creator);
    this.w.store(this.at(index, He.State), seq | LIVE);
    return (index * 256 + seq) >>> 0;
  }

  /** Validate xhandle `xh` and read its entry (K42: index range, then seqNo). */
  lookup(xh: number): Lookup {
    const index = Math.floor(xh / 256), seq = xh & SEQ_MASK;
    if (index === 0) return { refused: PpcErr.Forged, why: "the null handle" };
    if (index >= this.capacity) return { refused: PpcErr.Forged, why: `index ${index} outside the table` };
    const st = this.w.load(this.at(index, He.State));
    if (st === 0) return { refused: PpcErr.Forged, why: `slot ${index} was never handed out` };
    if ((st & LIVE) === 0 || (st & SEQ_MASK) !== seq) {
      return { refused: PpcErr.Stale, why: `slot ${index} seq ${seq} (now ${st & SEQ_MASK}${st & LIVE ? "" : ", free"})` };
    }
    return {
      index,
      target: this.w.load(this.at(index, He.Target)),
      owner: this.w.load(this.at(index, He.Owner)),
      ownerRights: this.w.load(this.at(index, He.OwnerRights)) >>> 0,
      otherRights: this.w.load(this.at(index, He.OtherRights)) >>> 0,
      clientData: this.w.load(this.at(index, He.ClientData)) >>> 0,
      creator: this.w.load(this.at(index, He.Creator)),
    };
  }

  /**
   * Make every handle of the slot stale (seq bump). Returns the slot index when this call
   * revoked it and the slot may be reused after quiescence, -1 when it revoked it and the slot
   * is retired, undefined when the handle was already stale (or forged).
   */
  revoke(xh: number): number | undefined {
    const index = Math.floor(xh / 256), seq = xh & SEQ_MASK;
    if (index === 0 || index >= this.capacity) return undefined;
    const i = this.at(index, He.State);
    for (;;) {
      const st = this.w.load(i);
      if ((st & LIVE) === 0 || (st & SEQ_MASK) !== seq) return undefined;
      const next = seq >= SEQ_MASK ? SEQ_MASK | RETIRED : seq + 1;
      if (this.w.cas(i, st, next) === st) {
        this.w.add(H_REVOKES, 1);
        return next & RETIRED ? -1 : index;
      }
    }
  }

  /** Slots ever handed out (high-water mark - 1) and revocations so far. */
  stats(): { used: number; revokes: number } {
    return { used: this.w.load(H_HIGH) - 1, revokes: this.w.load(H_REVOKES) };
  }
}
