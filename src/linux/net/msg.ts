// struct msghdr and its control messages as ppc64 and ppc32 lay them out. msghdr: name, namelen,
// iov, iovlen, control, controllen, flags — pointers and size_t are longs (56 bytes on ppc64,
// 28 on ppc32); struct mmsghdr adds an unsigned msg_len (64 and 32 bytes). struct cmsghdr is
// {size_t cmsg_len; int level; int type} (16 and 12 bytes) and every control message is
// aligned to sizeof(long) (CMSG_ALIGN): the layouts differ between the two word sizes.

import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { gm, readIovec } from "../sys/fs-common.js";
import { readGuest, Struct, SysError, writeGuest } from "../sys/guest-mem.js";
import { SCM_CREDENTIALS, SCM_MAX_FD, SCM_RIGHTS, SOL_SOCKET } from "./abi.js";
import type { Ucred } from "./unix.js";

export interface MsgHdr {
  readonly name: number;
  readonly namelen: number;
  readonly iov: [number, number][];
  readonly control: number;
  readonly controllen: number;
  readonly flags: number;
}

const word = (ctx: SysContext): number => (ctx.image.is64 ? 8 : 4);
export const msghdrSize = (ctx: SysContext): number => 7 * word(ctx);
export const mmsghdrSize = (ctx: SysContext): number => (ctx.image.is64 ? 64 : 32);
const cmsgHdr = (ctx: SysContext): number => (ctx.image.is64 ? 16 : 12);
const align = (ctx: SysContext, n: number): number => Math.ceil(n / word(ctx)) * word(ctx);

/** The msghdr at `va` with its iovec read (EFAULT, EINVAL for a bad iovec count; EMSGSIZE past UIO_MAXIOV). */
export function readMsghdr(ctx: SysContext, va: number): MsgHdr {
  const m = gm(ctx), w = word(ctx), is64 = m.is64;
  const s = new Struct(readGuest(m, va, 7 * w), m.le);
  const iovlen = s.getULong(3 * w, is64);
  if (iovlen > 1024) throw new SysError(E.EMSGSIZE);
  return {
    name: s.getULong(0, is64), namelen: s.getI32(w), iov: readIovec(ctx, s.getULong(2 * w, is64), iovlen),
    control: s.getULong(4 * w, is64), controllen: s.getULong(5 * w, is64), flags: s.getI32(6 * w),
  };
}

/** recvmsg's write-back: msg_namelen, msg_controllen (the bytes used) and msg_flags. */
export function writeMsgBack(ctx: SysContext, va: number, namelen: number, controllen: number, flags: number): void {
  const m = gm(ctx), w = word(ctx);
  writeGuest(m, va + w, new Struct(4, m.le).i32(0, namelen).b);
  writeGuest(m, va + 5 * w, new Struct(w, m.le).long(0, controllen, m.is64).b);
  writeGuest(m, va + 6 * w, new Struct(4, m.le).i32(0, flags).b);
}

/** The control data of a send (__scm_send). */
export interface SendControl {
  readonly fds: number[];
  readonly cred: Ucred | undefined;
}

/**
 * Parse a send's control messages: SOL_SOCKET's SCM_RIGHTS (descriptors; EINVAL past
 * SCM_MAX_FD) and SCM_CREDENTIALS (exactly a ucred); other SOL_SOCKET types are EINVAL, other
 * levels are skipped. A header that does not fit is EINVAL.
 */
export function parseControl(ctx: SysContext, va: number, len: number): SendControl {
  const out: { fds: number[]; cred: Ucred | undefined } = { fds: [], cred: undefined };
  if (len === 0) return out;
  const m = gm(ctx), hdr = cmsgHdr(ctx);
  if (len < hdr) return out; // CMSG_FIRSTHDR is NULL: nothing to parse
  const buf = new Struct(readGuest(m, va, Math.min(len, 1 << 16)), m.le);
  let off = 0;
  while (off + hdr <= buf.b.length) {
    const clen = buf.getULong(off, m.is64);
    if (clen < hdr || off + clen > buf.b.length) throw new SysError(E.EINVAL);
    const level = buf.getI32(off + word(ctx)), type = buf.getI32(off + word(ctx) + 4);
    const data = off + align(ctx, hdr);
    if (level === SOL_SOCKET) {
      if (type === SCM_RIGHTS) {
        const n = Math.floor((clen - align(ctx, hdr)) / 4);
        if (n > SCM_MAX_FD || out.fds.length + n > SCM_MAX_FD) throw new SysError(E.EINVAL);
        for (let i = 0; i < n; i++) out.fds.push(buf.getI32(data + i * 4));
      } else if (type === SCM_CREDENTIALS) {
        if (clen !== align(ctx, hdr) + 12) throw new SysError(E.EINVAL);
        out.cred = { pid: buf.getI32(data), uid: buf.getU32(data + 4), gid: buf.getU32(data + 8) };
      } else throw new SysError(E.EINVAL);
    }
    off += align(ctx, clen);
  }
  return out;
}

/** Control messages being written into a receive's buffer (put_cmsg), with MSG_CTRUNC when it is short. */
export class ControlOut {
  used = 0;
  truncated = false;
  constructor(private readonly ctx: SysContext, private readonly va: number, private readonly len: number) {}

  /** Room for descriptors in a SCM_RIGHTS message now (scm_detach_fds' fdmax). */
  fdRoom(): number {
    const free = this.len - this.used - align(this.ctx, cmsgHdr(this.ctx));
    return free <= 0 ? 0 : Math.floor(free / 4);
  }

  /** One control message: cut to the room left (MSG_CTRUNC), none when not even the header fits. */
  put(type: number, data: Uint8Array): void {
    const ctx = this.ctx, m = gm(ctx), hdr = cmsgHdr(ctx);
    const left = this.len - this.used;
    if (this.va === 0 || left < hdr) {
      this.truncated = true;
      return;
    }
    let clen = align(ctx, hdr) + data.length;
    if (clen > left) {
      this.truncated = true;
      clen = left;
    }
    const s = new Struct(clen, m.le);
    s.long(0, clen, m.is64).i32(word(ctx), SOL_SOCKET).i32(word(ctx) + 4, type);
    s.b.set(data.subarray(0, clen - align(ctx, hdr)), align(ctx, hdr));
    writeGuest(m, this.va + this.used, s.b);
    this.used += Math.min(align(ctx, clen), left);
  }

  putCred(c: Ucred): void {
    this.put(SCM_CREDENTIALS, new Struct(12, this.ctx.image.le).i32(0, c.pid).u32(4, c.uid).u32(8, c.gid).b);
  }

  putFds(fds: readonly number[]): void {
    const s = new Struct(fds.length * 4, this.ctx.image.le);
    fds.forEach((fd, i) => s.i32(i * 4, fd));
    this.put(SCM_RIGHTS, s.b);
  }
}
