// The terminal ioctls (drivers/tty/tty_io.c, tty_ioctl.c, tty_jobctrl.c, pty.c) on a terminal's
// open files, with PowerPC's numbers (asm/ioctls.h: _IOR/_IOW carry the size, so TCGETS is
// 0x402c7413). On a pty's master most commands act on its terminal side (Linux's real_tty):
// the settings, the window size, the foreground group. Commands that change a terminal run job
// control's SIGTTOU check first (a background group is stopped, or EIO when orphaned).
// Anything else is ENOTTY (modem lines, serial settings), as for a pty on Linux; commands that
// exist but are not built here say so in the verbose log and answer EINVAL.

import type { Block } from "../../kernel/sched/thread.js";
import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readGuest, Struct, SysError, writeGuest } from "../sys/guest-mem.js";
import { credOf, gm } from "../sys/fs-common.js";
import { SIG, validSignal } from "../signals/numbers.js";
import type { OpenFile } from "../vfs/open-file.js";
import { O } from "../vfs/open-file.js";
import { checkJob, controls } from "./jobctl.js";
import { TERMIOS_SIZE, Termios, V } from "./termios.js";
import { PtyMasterFile, TtyFile } from "./tty-file.js";
import type { Tty } from "./tty.js";

export const T = {
  TCGETS: 0x402c7413, TCSETS: 0x802c7414, TCSETSW: 0x802c7415, TCSETSF: 0x802c7416,
  TCGETA: 0x40147417, TCSETA: 0x80147418, TCSETAW: 0x80147419, TCSETAF: 0x8014741c,
  TCSBRK: 0x2000741d, TCXONC: 0x2000741e, TCFLSH: 0x2000741f,
  TIOCSWINSZ: 0x80087467, TIOCGWINSZ: 0x40087468, TIOCOUTQ: 0x40047473, TIOCSPGRP: 0x80047476, TIOCGPGRP: 0x40047477,
  TIOCEXCL: 0x540c, TIOCNXCL: 0x540d, TIOCSCTTY: 0x540e, TIOCSTI: 0x5412, TIOCMGET: 0x5415,
  TIOCPKT: 0x5420, TIOCNOTTY: 0x5422, TIOCSETD: 0x5423, TIOCGETD: 0x5424, TCSBRKP: 0x5425, TIOCGSID: 0x5429,
  TIOCGPTN: 0x40045430, TIOCSPTLCK: 0x80045431, TIOCSIG: 0x80045436, TIOCGPKT: 0x40045438, TIOCGPTLCK: 0x40045439,
  TIOCGEXCL: 0x40045440, TIOCGPTPEER: 0x20005441,
} as const;

const TCOOFF = 0, TCOON = 1, TCIOFF = 2, TCION = 3;
const TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;
const CAP_SYS_ADMIN = 21;

/** Is `f` a terminal's open file (either side)? */
export const isTerminal = (f: OpenFile): boolean => f.obj instanceof TtyFile || f.obj instanceof PtyMasterFile;

function putInt(ctx: SysContext, va: number, v: number): void {
  const m = gm(ctx);
  writeGuest(m, va, new Struct(4, m.le).i32(0, v).b);
}

function getInt(ctx: SysContext, va: number): number {
  const m = gm(ctx);
  return new Struct(readGuest(m, va, 4), m.le).getI32(0);
}

/** A terminal command on terminal file `f`: the result, or SysError. */
export function* ttyIoctl(ctx: SysContext, f: OpenFile, cmd: number, argp: number, arg: number): Generator<Block, number, unknown> {
  const o = f.obj;
  const master = o instanceof PtyMasterFile ? o : undefined;
  const file = o instanceof TtyFile ? o : undefined;
  if (master === undefined && file === undefined) return -E.ENOTTY;
  const tty: Tty = master?.tty ?? (file as TtyFile).tty;
  const table = (master ?? (file as TtyFile)).table;
  const sys = table.sys;
  const me = ctx.thread.proc;
  const m = gm(ctx);
  // A change of the terminal's state by a background process (on the terminal side only).
  const change = function* (): Generator<Block, void, unknown> {
    if (master === undefined) yield* checkJob(sys, tty, SIG.TTOU);
  };
  switch (cmd) {
    case T.TCGETS:
      writeGuest(m, argp, tty.termios.encode(m.le));
      return 0;
    case T.TCSETS: case T.TCSETSW: case T.TCSETSF: {
      const t = Termios.decode(readGuest(m, argp, TERMIOS_SIZE), m.le);
      yield* change();
      if (cmd === T.TCSETSF) tty.ldisc.flushInput();
      tty.setTermios(t);
      return 0;
    }
    case T.TCGETA: case T.TCSETA: case T.TCSETAW: case T.TCSETAF:
      ctx.log(`ioctl 0x${cmd.toString(16)}: the old struct termio commands are not built (glibc uses TCGETS), returning EINVAL`);
      return -E.EINVAL;
    case T.TCSBRK: case T.TCSBRKP:
      // Output is handed over as it is written: nothing to drain; a break means nothing to a pty.
      yield* change();
      return 0;
    case T.TCXONC: {
      yield* change();
      switch (arg) {
        case TCOOFF: tty.stopped = true; return 0;
        case TCOON: tty.stopped = false; tty.notify(); return 0;
        case TCIOFF: case TCION: {
          const c = tty.termios.cc[arg === TCIOFF ? V.STOP : V.START];
          if (c !== 0) tty.driver.put([c]);
          tty.notify();
          return 0;
        }
        default: return -E.EINVAL;
      }
    }
    case T.TCFLSH: {
      if (arg !== TCIFLUSH && arg !== TCOFLUSH && arg !== TCIOFLUSH) return -E.EINVAL;
      yield* change();
      if (arg !== TCOFLUSH) tty.ldisc.flushInput();
      if (arg !== TCIFLUSH) tty.driver.flush();
      tty.notify();
      return 0;
    }
    case T.TIOCGWINSZ: {
      const w = tty.winsize;
      writeGuest(m, argp, new Struct(8, m.le).u16(0, w.rows).u16(2, w.cols).u16(4, w.xpixel).u16(6, w.ypixel).b);
      return 0;
    }
    case T.TIOCSWINSZ: {
      const s = new Struct(readGuest(m, argp, 8), m.le);
      const w = { rows: s.dv.getUint16(0, m.le), cols: s.dv.getUint16(2, m.le), xpixel: s.dv.getUint16(4, m.le), ypixel: s.dv.getUint16(6, m.le) };
      const old = tty.winsize;
      if (w.rows === old.rows && w.cols === old.cols && w.xpixel === old.xpixel && w.ypixel === old.ypixel) return 0;
      tty.winsize = w;
      if (tty.pgrp > 0) table.signalGroup(tty.pgrp, SIG.WINCH);
      return 0;
    }
    case T.TIOCOUTQ:
      putInt(ctx, argp, master !== undefined ? master.pair.inputQueued : tty.driver.queued());
      return 0;
    case T.TIOCGPGRP:
      // The terminal side answers only its own session's processes; the master anyone.
      if (master === undefined && !controls(tty, me)) return -E.ENOTTY;
      putInt(ctx, argp, tty.pgrp);
      return 0;
    case T.TIOCSPGRP: {
      if (!controls(tty, me)) return -E.ENOTTY;
      try {
        yield* checkJob(sys, tty, SIG.TTOU);
      } catch (e) {
        if (e instanceof SysError && e.errno === E.EIO) return -E.ENOTTY;
        throw e;
      }
      const pgrp = getInt(ctx, argp);
      if (pgrp < 0) return -E.EINVAL;
      let found = false, same = false;
      for (const p of sys.procs.values()) {
        if (p.task.pgid !== pgrp || p.ended) continue;
        found = true;
        if (p.task.sid === me.task.sid) same = true;
      }
      if (!found) return -E.ESRCH;
      if (!same) return -E.EPERM;
      tty.pgrp = pgrp;
      return 0;
    }
    case T.TIOCGSID:
      if (master === undefined && !controls(tty, me)) return -E.ENOTTY;
      if (tty.session === 0) return -E.ENOTTY;
      putInt(ctx, argp, tty.session);
      return 0;
    case T.TIOCSCTTY: {
      if (master !== undefined) return -E.EINVAL; // a master is never a controlling terminal (ptmx)
      if (controls(tty, me)) return 0;
      if (me.task.sid !== me.pid || table.cttyOf(me) !== undefined) return -E.EPERM;
      if (tty.session !== 0) {
        // Stealing another session's terminal: root, with arg 1.
        if (arg !== 1 || !ctx.task.creds.capable(CAP_SYS_ADMIN)) return -E.EPERM;
        tty.session = 0;
      }
      table.acquire(tty, me);
      return 0;
    }
    case T.TIOCNOTTY: {
      if (master !== undefined || !controls(tty, me)) return -E.ENOTTY;
      if (me.task.sid === me.pid) table.disassociate(tty, false);
      else tty.detached.add(me.pid);
      return 0;
    }
    case T.TIOCEXCL: tty.exclusive = true; return 0;
    case T.TIOCNXCL: tty.exclusive = false; return 0;
    case T.TIOCGEXCL: putInt(ctx, argp, tty.exclusive ? 1 : 0); return 0;
    case T.TIOCGETD: putInt(ctx, argp, tty.termios.line); return 0;
    case T.TIOCSETD: {
      const d = getInt(ctx, argp);
      if (d !== 0) {
        ctx.log(`TIOCSETD ${d}: only the n_tty line discipline (0) is built, returning EINVAL`);
        return -E.EINVAL;
      }
      return 0;
    }
    case T.TIOCGPTN:
      if (master === undefined) return -E.ENOTTY;
      putInt(ctx, argp, master.pair.index);
      return 0;
    case T.TIOCSPTLCK:
      if (master === undefined) return -E.ENOTTY;
      master.pair.locked = getInt(ctx, argp) !== 0;
      return 0;
    case T.TIOCGPTLCK:
      if (master === undefined) return -E.ENOTTY;
      putInt(ctx, argp, master.pair.locked ? 1 : 0);
      return 0;
    case T.TIOCGPTPEER: {
      if (master === undefined) return -E.ENOTTY;
      if ((arg & ~(O.ACCMODE | O.NOCTTY | O.NONBLOCK | O.CLOEXEC)) !== 0) return -E.EINVAL;
      const pair = master.pair;
      if (pair.locked) return -E.EIO;
      void credOf;
      const v = ctx.vfs;
      const nf = table.openTerminal(v, tty, pair, (arg & ~(O.NOCTTY | O.CLOEXEC)) | O.LARGEFILE, undefined);
      const fd = v.fds.alloc(nf, (arg & O.CLOEXEC) !== 0);
      if (fd < 0) {
        yield* v.release(ctx.k, nf);
        return fd;
      }
      if ((arg & O.NOCTTY) === 0) table.acquire(tty, me);
      return fd;
    }
    case T.TIOCSIG: {
      if (master === undefined) return -E.ENOTTY;
      if (!validSignal(arg) || arg === 0) return -E.EINVAL;
      if (tty.pgrp > 0) table.signalGroup(tty.pgrp, arg);
      return 0;
    }
    case T.TIOCPKT: case T.TIOCGPKT: case T.TIOCSTI:
      ctx.log(`ioctl 0x${cmd.toString(16)} on a terminal: packet mode and TIOCSTI are not built, returning EINVAL`);
      return -E.EINVAL;
    default:
      return -E.ENOTTY;
  }
}
