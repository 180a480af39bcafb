// The user structures of System V IPC as a PowerPC process sees them, and the copies in and
// out. Both ABIs use the "64" layouts (asm/ipcbuf.h, shmbuf.h, sembuf.h, msgbuf.h): struct
// ipc64_perm is 48 bytes on both; a 64-bit process's times are longs, a 32-bit process's are
// two words, high then low (Linux's y2038 split of the old padding). A 32-bit process on the
// 64-bit kernel gets the compat structures, whose sizes are the 64-bit kernel's (8-byte
// aligned). The old layouts (an ipc() caller without IPC_64) are not built.
//
// A copy out after the call has changed something (msgrcv took a message, shmat mapped) must
// not make the dispatcher run the call again when it meets a file page being read: `putAfter`
// waits for the page and copies again.

import type { Block } from "../../kernel/sched/thread.js";
import { ObjectBusy } from "../../kernel/cos/manager.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import { Struct, writeGuest } from "../sys/guest-mem.js";
import { mem, newStruct } from "../sys/user.js";
import type { SysContext } from "../process/syscalls.js";
import type { IpcPerm } from "./ids.js";

/** struct ipc64_perm's size (both ABIs). */
export const PERM64_SIZE = 48;

/** Sizes of the *id64_ds structures, by ABI. */
export const SHMID_DS = { ppc64: 112, ppc32: 104 } as const;
export const SEMID_DS = { ppc64: 88, ppc32: 80 } as const;
export const MSQID_DS = { ppc64: 120, ppc32: 104 } as const;

export const abiOf = (ctx: SysContext): "ppc64" | "ppc32" => (ctx.image.is64 ? "ppc64" : "ppc32");

/** kernel_to_ipc64_perm: the perm at offset `o`. */
export function putPerm(s: Struct, o: number, p: IpcPerm): void {
  s.i32(o, p.key).u32(o + 4, p.uid).u32(o + 8, p.gid).u32(o + 12, p.cuid).u32(o + 16, p.cgid).u32(o + 20, p.mode).u32(o + 24, p.seq);
}

/** The owner, group and mode IPC_SET takes from a user ipc64_perm at offset `o`. */
export function getPermSet(s: Struct, o: number): { uid: number; gid: number; mode: number } {
  return { uid: s.getU32(o + 4), gid: s.getU32(o + 8), mode: s.getU32(o + 20) };
}

/**
 * A time in seconds at `o`: a long for a 64-bit process; for a 32-bit one the high word at
 * `o` and the low word at `o + 4` (the field's offset in the 32-bit structure is `o + 4`).
 */
export function putTime(s: Struct, o: number, sec: number, is64: boolean): void {
  if (is64) s.i64(o, sec);
  else s.u32(o, Math.floor(sec / 2 ** 32)).u32(o + 4, sec % 2 ** 32);
}

/** A C unsigned long at `o`. */
export function putULong(s: Struct, o: number, v: number | bigint, is64: boolean): void {
  if (is64) s.u64(o, v);
  else s.u32(o, Number(BigInt.asUintN(32, typeof v === "bigint" ? v : BigInt(Math.trunc(v)))));
}

/** Now on the guest's real-time clock, in whole seconds (the IPC objects' times). */
export const nowSec = (ctx: SysContext): number => Number(ctx.time.realtimeNs() / 1_000_000_000n);

/**
 * Copy `data` to `va` after the call has acted: a page being read is waited for here and the
 * copy made again (the dispatcher would run the whole call again); a hot-swap likewise. A bad
 * address still throws GuestFault (EFAULT), as Linux's copy_to_user fails after the fact.
 */
export function* putAfter(ctx: SysContext, va: number, data: Uint8Array): Generator<Block, void, unknown> {
  for (;;) {
    try {
      writeGuest(mem(ctx), va, data);
      return;
    } catch (e) {
      if (e instanceof PageWait) yield pageWait(e.obj);
      else if (e instanceof ObjectBusy) yield { kind: "swap", obj: e.obj };
      else throw e;
    }
  }
}

/** A zeroed structure in the process's byte order. */
export const structOf = (ctx: SysContext, size: number): Struct => newStruct(ctx, size);

/**
 * How an *ctl command came: the direct calls take the new layouts and the command as it is;
 * ipc() (and the old-style entry points) strip IPC_64 from the command and use the old
 * layouts without it (ipc_parse_version).
 */
export interface CtlCmd {
  readonly cmd: number;
  /** The new (64) layouts; false: the old ones, which are not built. */
  readonly v64: boolean;
}

export function parseVersion(cmd: number): CtlCmd {
  return (cmd & 0x100) !== 0 ? { cmd: cmd ^ 0x100, v64: true } : { cmd, v64: false };
}

/** The log line and errno of a command in an old structure layout (not built). */
export function oldLayout(ctx: SysContext, call: string, cmd: number): number {
  ctx.log(`${call} command ${cmd} without IPC_64: the old structure layouts are not built, returning ENOSYS`);
  return -38; // ENOSYS
}
