// Storage synchronisation and cache management: sync (hwsync, lwsync, ptesync), isync, eieio,
// dcbz, dcbt, dcbtst, dcbst, dcbf, icbi, icbt.
//
// The emulated caches are coherent and invisible, so the cache instructions only keep their
// architected side effects (as qemu 7.2 -cpu power8 does):
//  - dcbz zeroes the aligned 128-byte block (POWER8's line size) as a store, and clears the
//    reservation if it is in that block (qemu does, and a real store to the granule would).
//  - dcbst and dcbf are treated as a one-byte load (they fault on an unreadable address);
//    dcbt/dcbtst (all TH values: dcbtt, dcbtstt, stream hints) never fault and do nothing.
//  - icbi is treated as a load of its (128-byte aligned) block and drops the translated code
//    of the page; it ends the block, as isync does (context synchronisation: the next block
//    is looked up again, so modified code is re-translated).
//  - sync (any L, including lwsync and ptesync: qemu allows them in problem state) and eieio
//    are full memory barriers for the host: an atomic read-modify-write, which V8 compiles
//    to a fenced instruction and does not reorder plain typed-array accesses around.
// Reserved fields follow qemu's decoder: bits qemu requires to be zero are in the masks (so
// dcbf with L = 2 or 3 is illegal there and here; sync ignores nothing but L; eieio ignores
// bit 6; dcbz ignores bit 10, dcbzl on the 970).
// icbt: ISA 2.07 defines it (Book II, a no-op hint here), but qemu 7.2 implements it only for
// Book E CPUs, so qemu -cpu power8 raises an illegal instruction; we follow the ISA and the
// hardware (it is tested by a unit test, not differentially).

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { Access } from "../mmu.js";
import { S } from "../state.js";
import { eaX } from "./ea.js";

const LINE = 128;
const SYNC_NAMES: readonly string[] = ["sync", "lwsync", "ptesync", "sync"];

/** A cell for the fence's atomic operation (per agent: no cross-thread contention). */
const fenceCell = new Int32Array(new SharedArrayBuffer(4));

function sync(): void {
  Atomics.add(fenceCell, 0, 0);
}

function isync(): void {
  // Context synchronisation: the instruction ends its block (OpFlag.EndsBlock).
}

function dcbz(c: Cpu, w: number): void {
  const lo = eaX(c, w) & ~(LINE - 1), hi = c.eah;
  const r = c.r;
  if (r[S.RESV_LEN] !== 0 && (r[S.RESV_ADDR] & ~(LINE - 1)) === lo && r[S.RESV_ADDR + 1] === hi) r[S.RESV_LEN] = 0;
  // One translation: a 128-byte aligned block never crosses a page. A store to a code page
  // invalidates its translations (mmu.ts).
  const p = c.translate(lo, hi, Access.Write);
  c.u8.fill(0, p, p + LINE);
}

/** dcbst, dcbf: treated as a load of one byte. */
function dcbLoad(c: Cpu, w: number): void {
  const lo = eaX(c, w);
  c.ld8(lo, c.eah);
}

function dcbt(): void {
  // Touch hints: no effect, never fault.
}

function icbi(c: Cpu, w: number): void {
  const lo = eaX(c, w) & ~(LINE - 1), hi = c.eah;
  c.ld32(lo, hi);
  c.invalidateCodeAt(lo, hi);
}

const x = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const M = OpFlag.Mem;

export const CACHE_OPS: readonly OpDef[] = [
  {
    // L (bits 9:10) selects hwsync (0), lwsync (1), ptesync (2); 3 is reserved and runs as sync.
    mnemonic: "sync", mask: 0xff9fffff, match: x(598), exec: sync,
    name: (w) => SYNC_NAMES[(w >>> 21) & 3],
    variants: ["sync", "lwsync", "ptesync"],
  },
  { mnemonic: "eieio", mask: 0xfdffffff, match: x(854), exec: sync },
  { mnemonic: "isync", mask: 0xffffffff, match: ((19 << 26) | (150 << 1)) >>> 0, exec: isync, flags: OpFlag.EndsBlock },
  { mnemonic: "dcbz", mask: 0xffc007ff, match: x(1014), exec: dcbz, flags: M },
  { mnemonic: "dcbst", mask: 0xffe007ff, match: x(54), exec: dcbLoad, flags: M },
  {
    mnemonic: "dcbf", mask: 0xffc007ff, match: x(86), exec: dcbLoad, flags: M,
    name: (w) => ((w & 0x00200000) !== 0 ? "dcbfl" : "dcbf"), variants: ["dcbf", "dcbfl"],
  },
  { mnemonic: "dcbt", mask: 0xfc0007ff, match: x(278), exec: dcbt },
  { mnemonic: "dcbtst", mask: 0xfc0007ff, match: x(246), exec: dcbt },
  { mnemonic: "icbi", mask: 0xffe007ff, match: x(982), exec: icbi, flags: M | OpFlag.EndsBlock },
  { mnemonic: "icbt", mask: 0xfe0007ff, match: x(22), exec: dcbt },
];
