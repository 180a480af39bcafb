// ioctl: the generic file commands (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIONREAD, FIGETBSZ)
// for every descriptor; every other command on a terminal's file (a pty's sides, the console
// terminal) goes to linux/tty/ioctl.ts; and the few terminal commands of a console file whose
// host stream is a terminal while the console is not one (stdout a terminal, stdin not:
// TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP). Anything else
// is ENOTTY, Linux's answer for a command a file does not know — except a terminal command on
// the terminal that is not built yet, which says so in the verbose log.
//
// PowerPC's ioctl numbers: direction in the top 3 bits (_IOC_NONE 1, _IOC_READ 2, _IOC_WRITE 4),
// size in the next 13, so TCGETS is 0x402c7413, FIONREAD 0x4004667f.

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { TERMIOS_SIZE } from "../vfs/console.js";
import { fileAttr } from "../vfs/io.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { isReg } from "../vfs/perm.js";
import { gm, intArg } from "./fs-common.js";
import { argAddr, readGuest, Struct, writeGuest } from "./guest-mem.js";
import { isTerminal, ttyIoctl } from "../tty/ioctl.js";

export const FIOCLEX = 0x20006601, FIONCLEX = 0x20006602, FIOASYNC = 0x8004667d, FIONBIO = 0x8004667e, FIONREAD = 0x4004667f;
export const FIGETBSZ = 0x20000002;
export const TCGETS = 0x402c7413, TCSETS = 0x802c7414, TCSETSW = 0x802c7415, TCSETSF = 0x802c7416;
export const TIOCSWINSZ = 0x80087467, TIOCGWINSZ = 0x40087468, TIOCSPGRP = 0x80047476, TIOCGPGRP = 0x40047477;

/** Terminal commands ('t' type, or 0x54xx as Linux's generic tty ioctls): ENOTTY for non-terminals. */
const isTtyCmd = (cmd: number): boolean => ((cmd >>> 8) & 0xff) === 0x74 || (cmd >>> 8) === 0x54;

function putInt(ctx: SysContext, va: number, v: number): void {
  const m = gm(ctx);
  writeGuest(m, va, new Struct(4, m.le).i32(0, v).b);
}

function getInt(ctx: SysContext, va: number): number {
  const m = gm(ctx);
  return new Struct(readGuest(m, va, 4), m.le).getI32(0);
}

function* fionread(ctx: SysContext, f: OpenFile, argp: number): Pending {
  let n: number;
  if (f.kind === "console") n = ctx.vfs.console.available(ctx.k);
  else if (f.obj !== undefined) {
    const a = yield* f.obj.available(ctx.k);
    if (a === undefined) return -E.ENOTTY;
    n = a;
  } else {
    const a = yield* fileAttr(ctx.k, ctx.vfs, f);
    if (!isReg(a)) return -E.ENOTTY;
    n = Math.max(0, Math.min(a.size - f.pos, 0x7fffffff));
  }
  putInt(ctx, argp, n);
  return 0;
}

/** Terminal commands on the console (a terminal only when its host stream is one). */
function tty(ctx: SysContext, f: OpenFile, cmd: number, argp: number): number {
  const con = ctx.vfs.console;
  if (f.kind !== "console" || f.stream === undefined || !con.isTty(f.stream)) return -E.ENOTTY;
  const m = gm(ctx);
  switch (cmd) {
    case TCGETS:
      writeGuest(m, argp, con.termiosFor(m.le));
      return 0;
    case TCSETS: case TCSETSW: case TCSETSF:
      con.setTermios(readGuest(m, argp, TERMIOS_SIZE), m.le);
      return 0;
    case TIOCGWINSZ: {
      const w = con.winsize();
      writeGuest(m, argp, new Struct(8, m.le).u16(0, w.rows).u16(2, w.cols).u16(4, w.xpixel).u16(6, w.ypixel).b);
      return 0;
    }
    case TIOCSWINSZ: {
      const s = new Struct(readGuest(m, argp, 8), m.le);
      con.setWinsize({ rows: s.dv.getUint16(0, m.le), cols: s.dv.getUint16(2, m.le), xpixel: s.dv.getUint16(4, m.le), ypixel: s.dv.getUint16(6, m.le) });
      return 0;
    }
    case TIOCGPGRP:
      // The console's foreground process group is the process's own (one process until the next issue).
      putInt(ctx, argp, ctx.vfs.pid);
      return 0;
    case TIOCSPGRP:
      return getInt(ctx, argp) === ctx.vfs.pid ? 0 : -E.EPERM;
    default:
      ctx.log(`ioctl 0x${(cmd >>> 0).toString(16)} on the console: terminal command not built (the terminal issue), returning EINVAL`);
      return -E.EINVAL;
  }
}

const ioctl: Handler = (ctx, a) => {
  const v = ctx.vfs;
  const fd = intArg(a, 0), cmd = a[1] >>> 0;
  const e = v.fds.get(fd);
  if (e === undefined || e.file.kind === "path") return -E.EBADF;
  const f = e.file;
  const argp = argAddr(gm(ctx), 2);
  switch (cmd) {
    case FIOCLEX: e.cloexec = true; return 0;
    case FIONCLEX: e.cloexec = false; return 0;
    case FIONBIO:
      f.flags = getInt(ctx, argp) !== 0 ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
      return 0;
    case FIOASYNC:
      f.flags = getInt(ctx, argp) !== 0 ? f.flags | O.ASYNC : f.flags & ~O.ASYNC;
      return 0;
    case FIONREAD:
      return fionread(ctx, f, argp);
    case FIGETBSZ:
      return (function* (): Pending {
        const blk = f.kind === "console" && f.node === undefined ? 4096 : (yield* fileAttr(ctx.k, v, f)).blksize;
        putInt(ctx, argp, blk);
        return 0;
      })();
    default:
      if (isTerminal(f)) return ttyIoctl(ctx, f, cmd, argp, intArg(a, 2));
      if (isTtyCmd(cmd)) return tty(ctx, f, cmd, argp);
      return -E.ENOTTY;
  }
};

export const IOCTL_CALLS: Record<string, Handler> = { ioctl };
