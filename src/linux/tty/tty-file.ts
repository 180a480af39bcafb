// Open files of terminals (file-object.ts's contract): TtyFile for the terminal side (a pty's
// slave /dev/pts/N, the console when the host's stdin is a terminal) and PtyMasterFile for a
// pty's master (/dev/ptmx). Each process has its own object on the shared terminal; the
// terminal counts them (TtyTable: hangups at the last close). Readiness: the terminal's one
// wait channel (the console's also host input).

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import { SIG } from "../signals/numbers.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import type { Sink, Source } from "../vfs/io.js";
import type { OpenFile } from "../vfs/open-file.js";
import { POLL } from "../vfs/ready.js";
import type { Vfs } from "../vfs/vfs.js";
import { checkJob } from "./jobctl.js";
import type { PtyPair } from "./pty.js";
import type { TtyTable } from "./table.js";
import { L, V } from "./termios.js";
import type { Tty } from "./tty.js";

/** devpts's device (anonymous 0:24) and the console's character device numbers. */
export const DEVPTS_DEV = 24;
export const PTS_MAJOR = 136;

function nodeless(ino: number, rdev: number, uid: number): Attr {
  const t: [number, number] = [0, 0];
  return { ino, mode: 0o020620, nlink: 1, uid, gid: 5, size: 0, blocks: 0, blksize: 1024, rdev, atime: t, mtime: t, ctime: t, btime: t };
}

/** The terminal side of a terminal. */
export class TtyFile implements FileObject {
  readonly kind = "tty";
  readonly dev = DEVPTS_DEV;

  constructor(readonly table: TtyTable, readonly tty: Tty, readonly pair: PtyPair | undefined) {}

  get ino(): number {
    return this.pair === undefined ? 1 : this.pair.index + 3;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    yield* checkJob(this.table.sys, this.tty, SIG.TTIN);
    return yield* this.tty.read(k, v.wait, f.nonblock, len, sink, () => Number(this.table.sys.time.monotonicNs()));
  }

  *write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown> {
    if ((this.tty.termios.lflag & L.TOSTOP) !== 0) yield* checkJob(this.table.sys, this.tty, SIG.TTOU);
    return yield* this.tty.write(k, v.wait, f.nonblock, len, src);
  }

  *poll(k: Kernel): Generator<Block, Readiness, unknown> {
    const t = this.tty;
    t.driver.pull?.(k);
    const host = t.driver.host;
    if (t.hungUp) return { mask: POLL.IN | POLL.OUT | POLL.ERR | POLL.HUP | POLL.RDNORM | POLL.WRNORM, channels: [t.chan], host };
    const tm = t.termios;
    const canon = (tm.lflag & L.ICANON) !== 0;
    const min = !canon && tm.cc[V.TIME] === 0 && tm.cc[V.MIN] > 0 ? tm.cc[V.MIN] : 1;
    let mask = 0;
    if (t.ldisc.readable(min)) mask |= POLL.IN | POLL.RDNORM;
    if (!t.stopped && t.driver.room() > 0) mask |= POLL.OUT | POLL.WRNORM;
    return { mask, channels: [t.chan], host };
  }

  *attr(k: Kernel, v: Vfs, f: OpenFile): Generator<Block, Attr, unknown> {
    if (f.node !== undefined) return yield* v.getattr(k, f.node);
    return nodeless(this.ino, this.pair === undefined ? (5 << 8) | 1 : (PTS_MAJOR << 8) | this.pair.index, this.pair?.uid ?? 0);
  }

  link(): string {
    return this.pair === undefined ? "/dev/console" : this.tty.name;
  }

  *available(k: Kernel): Generator<Block, number | undefined, unknown> {
    this.tty.driver.pull?.(k);
    return this.tty.ldisc.available();
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    yield* this.table.closeTerminal(k, this);
  }

  *share(): Generator<Block, FileObject, unknown> {
    this.tty.opens++;
    return new TtyFile(this.table, this.tty, this.pair);
  }
}

/** A pty's master side. */
export class PtyMasterFile implements FileObject {
  readonly kind = "tty";
  readonly dev = DEVPTS_DEV;
  readonly ino = 2;

  constructor(readonly table: TtyTable, readonly pair: PtyPair) {}

  get tty(): Tty {
    return this.pair.tty;
  }

  *read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown> {
    return yield* this.pair.masterRead(k, v.wait, f.nonblock, len, sink);
  }

  *write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown> {
    return yield* this.pair.masterWrite(k, v.wait, f.nonblock, len, src);
  }

  *poll(): Generator<Block, Readiness, unknown> {
    return { mask: this.pair.masterMask(), channels: [this.pair.tty.chan] };
  }

  *attr(k: Kernel, v: Vfs, f: OpenFile): Generator<Block, Attr, unknown> {
    if (f.node !== undefined) return yield* v.getattr(k, f.node);
    return nodeless(2, (5 << 8) | 2, 0);
  }

  link(): string {
    return "/dev/ptmx";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return this.pair.readable;
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    yield* this.table.closeMaster(k, this.pair);
  }

  *share(): Generator<Block, FileObject, unknown> {
    this.pair.masterOpens++;
    return new PtyMasterFile(this.table, this.pair);
  }
}
