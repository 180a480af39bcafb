// A pseudo-terminal pair (drivers/tty/pty.c): the terminal side is a Tty whose output goes to
// the master's queue; bytes written to the master go through the terminal's line discipline
// (waiting in `flip` while the discipline is full). The master reads the terminal's output.
//
//   master read   the queued output; EIO once every terminal-side file closed (after one was
//                 opened) and nothing is left; EAGAIN/wait otherwise
//   master write  into `flip`, then into the discipline as it takes bytes (echoes, signals)
//   master close  (the last one) hangs the terminal up: its session leader gets SIGHUP and
//                 SIGCONT, the session loses it, its reads see end of file and writes EIO
//   lock          TIOCSPTLCK: the terminal side cannot be opened while locked (unlockpt)
//
// Owned by the personality's TtyTable (table.ts), on the home processor.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { ERESTARTSYS } from "../signals/interruptible.js";
import type { Waiter } from "../sys/wait.js";
import type { Sink, Source } from "../vfs/io.js";
import { CF } from "./termios.js";
import { PTY_BUF, Tty, type TtyEvents } from "./tty.js";

export class PtyPair {
  readonly tty: Tty;
  /** The terminal's output, for the master's reader. */
  out: number[] = [];
  /** Master writes not yet taken by the discipline. */
  private flip: number[] = [];
  masterOpens = 0;
  locked = true;
  /** A terminal-side file was opened and all are closed now (TTY_OTHER_CLOSED). */
  slaveClosed = false;

  constructor(readonly index: number, k: Kernel, events: TtyEvents, readonly uid: number) {
    const pair = this;
    this.tty = new Tty(`/dev/pts/${index}`, k.waits.create(), {
      host: false,
      put: (b) => {
        for (const c of b) pair.out.push(c);
      },
      room: () => PTY_BUF - pair.out.length,
      queued: () => pair.out.length,
      flush: () => {
        pair.out = [];
      },
      // Master writes waiting for the discipline go in as it makes room.
      pull: () => pair.feed(),
    }, events, k);
    // The pts driver's settings: tty_std_termios without HUPCL.
    this.tty.termios.cflag = CF.B38400 | CF.CS8 | CF.CREAD;
  }

  /** Move waiting master bytes into the discipline while it has room. */
  feed(): void {
    if (this.flip.length === 0) return;
    let n = 0;
    while (n < this.flip.length && this.tty.ldisc.room() > 0) this.tty.ldisc.receive(this.flip[n++]);
    if (n > 0) {
      this.flip.splice(0, n);
      this.tty.notify();
    }
  }

  /** Bytes a master reader may take now (its FIONREAD). */
  get readable(): number {
    return this.out.length;
  }

  *masterRead(k: Kernel, wait: Waiter, nonblock: boolean, len: number, sink: Sink): Generator<Block, number, unknown> {
    for (;;) {
      if (this.out.length > 0) {
        const n = Math.min(len, this.out.length);
        let got: number;
        for (;;) {
          try {
            got = sink(0, Uint8Array.from(this.out.slice(0, n)));
            break;
          } catch (e) {
            if (!(e instanceof PageWait)) throw e;
            yield pageWait(e.obj);
          }
        }
        if (got === 0) throw new SysError(E.EFAULT);
        this.out.splice(0, got);
        this.tty.notify(); // room for the terminal's writers
        return got;
      }
      if (this.slaveClosed) throw new SysError(E.EIO);
      if (nonblock) throw new SysError(E.EAGAIN);
      if ((yield* this.tty.waitChange(k, wait, "pty output", Infinity)) === "interrupted") {
        throw new SysError(ERESTARTSYS, `${this.tty.name}: master read interrupted`);
      }
    }
  }

  *masterWrite(k: Kernel, wait: Waiter, nonblock: boolean, len: number, src: Source): Generator<Block, number, unknown> {
    let done = 0;
    while (done < len) {
      this.feed();
      const room = PTY_BUF - this.flip.length;
      if (room === 0) {
        if (nonblock || done > 0) {
          if (done > 0) break;
          throw new SysError(E.EAGAIN);
        }
        if ((yield* this.tty.waitChange(k, wait, "room in the pty's input", Infinity)) === "interrupted") {
          throw new SysError(ERESTARTSYS, `${this.tty.name}: master write interrupted`);
        }
        continue;
      }
      const want = Math.min(room, len - done);
      const data = src(done, want);
      if (data.length === 0) {
        if (done === 0) throw new SysError(E.EFAULT);
        break;
      }
      for (const c of data) this.flip.push(c);
      done += data.length;
      this.feed();
      this.tty.notify();
      if (data.length < want) break;
    }
    return done;
  }

  /** Master poll bits: IN with output queued, OUT with room for input, HUP once the terminal side closed. */
  masterMask(): number {
    let m = 0;
    if (this.out.length > 0) m |= 0x1 | 0x40;
    if (this.flip.length < PTY_BUF) m |= 0x4 | 0x100;
    if (this.slaveClosed) m |= 0x10;
    return m;
  }

  /** The master's input queue length (its TIOCOUTQ: bytes written, not yet read by the terminal). */
  get inputQueued(): number {
    return this.flip.length + this.tty.ldisc.held;
  }
}
