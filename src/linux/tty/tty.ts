// A terminal: its settings (termios, window size), its line discipline (ldisc.ts), its session
// and foreground process group, and the other side its bytes come from and go to — a
// pseudo-terminal's master (the `master` queues here) or the host's terminal (the console: its
// output is written to the host, its input pumped in from the host input device).
//
// Reads and writes of the terminal side (a pty's slave, the console) and of a pty's master are
// here, with their waits: every change notifies the terminal's one wait channel, and a waiter
// looks again (wait-channel.ts's protocol; the console's waits also end on host input). Job
// control's checks (jobctl.ts) run before a slave read or write.
//
// Owned by the Linux personality of the home processor (every process lives there): plain
// fields, no sharing between processors.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { PageWait, pageWait } from "../../kernel/mem/region.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { ERESTARTSYS } from "../signals/interruptible.js";
import type { Sink, Source } from "../vfs/io.js";
import type { Waiter } from "../sys/wait.js";
import { NTty } from "./ldisc.js";
import { L, Termios, V, type WinSize } from "./termios.js";

/** Bytes the master side holds for its reader, and master writes waiting for the discipline. */
export const PTY_BUF = 65536;

/** The outside a terminal talks to. */
export interface TtyDriver {
  /** Output of the terminal (processed). */
  put(bytes: readonly number[]): void;
  /** Room for output now. */
  room(): number;
  /** Output written and not yet taken (TIOCOUTQ). */
  queued(): number;
  /** Drop output not yet taken. */
  flush(): void;
  /** Take input waiting outside into the discipline (the console's host input). */
  pull?(k: Kernel): void;
  /** Waits must also end on host input. */
  readonly host: boolean;
}

/** Who reads or writes, for job control (jobctl.ts). */
export interface TtyEvents {
  /** A signal for process group `pgrp` of this terminal (ISIG, SIGWINCH). */
  signalGroup(pgrp: number, sig: number): void;
}

export class Tty {
  readonly termios: Termios = new Termios();
  winsize: WinSize = { rows: 0, cols: 0, xpixel: 0, ypixel: 0 };
  /** The session it is the controlling terminal of (0: none), and its foreground group. */
  session = 0;
  pgrp = 0;
  /** Processes of the session that gave it up (TIOCNOTTY by a member that does not lead). */
  readonly detached = new Set<number>();
  readonly ldisc: NTty;
  /** Output stopped by ^S (IXON) or TCOOFF. */
  stopped = false;
  /** Hung up (a pty's master closed): reads see end of file, writes EIO. */
  hungUp = false;
  /** TIOCEXCL. */
  exclusive = false;
  /** Open files of the terminal side. */
  opens = 0;

  constructor(
    readonly name: string,
    /** The wait channel every change notifies. */
    readonly chan: number,
    readonly driver: TtyDriver,
    private readonly events: TtyEvents,
    private readonly k: Kernel,
  ) {
    const t = this;
    this.ldisc = new NTty({
      get termios() {
        return t.termios;
      },
      emit: (b) => t.driver.put(b),
      signal: (sig) => {
        if (t.pgrp > 0) t.events.signalGroup(t.pgrp, sig);
      },
      flushOutput: () => t.driver.flush(),
      flow: (s) => {
        t.stopped = s;
      },
    });
  }

  notify(): void {
    this.k.waits.notify(this.chan);
  }

  /** New settings (TCSETS*): the discipline adapts; readers and writers look again. */
  setTermios(t: Termios): void {
    const was = this.termios.copy();
    Object.assign(this.termios, t.copy());
    this.ldisc.changed(was);
    if ((t.iflag & 0x200) === 0) this.stopped = false; // IXON off: output flows
    this.notify();
  }

  /** Bytes from the other side into the discipline. */
  input(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.ldisc.receive(bytes[i]);
    this.notify();
  }

  // ---- the terminal side (a slave, the console) ----

  /** A read of up to `len` bytes (n_tty_read): canonical lines, or VMIN/VTIME without ICANON. */
  *read(k: Kernel, wait: Waiter, nonblock: boolean, len: number, sink: Sink, nowNs: () => number): Generator<Block, number, unknown> {
    const t = this.termios;
    const canon = (t.lflag & L.ICANON) !== 0;
    const vmin = t.cc[V.MIN], vtime = t.cc[V.TIME];
    let done = 0;
    // VTIME alone: a deadline for the first byte; with VMIN: between bytes.
    let deadline = !canon && vtime > 0 && vmin === 0 ? nowNs() + vtime * 1e8 : Infinity;
    for (;;) {
      this.driver.pull?.(k);
      if (this.ldisc.readable()) {
        const n = yield* this.take(len - done, sink, done);
        done += n;
        this.afterRead();
        if (canon || done >= len) return done;
        if (done >= Math.max(1, vmin) || (vmin === 0 && vtime === 0)) return done;
        if (vtime > 0) deadline = nowNs() + vtime * 1e8;
        continue;
      }
      if (this.hungUp) return done;
      if (!canon && vmin === 0 && vtime === 0) return done;
      if (done > 0 && !canon && vtime === 0 && done >= vmin) return done;
      if (nonblock) {
        if (done > 0) return done;
        throw new SysError(E.EAGAIN);
      }
      const end = yield* this.waitChange(k, wait, "terminal input", deadline);
      if (end === "interrupted") {
        if (done > 0) return done;
        throw new SysError(ERESTARTSYS, `${this.name}: read interrupted by a signal`);
      }
      if (end === "timeout" && !this.ldisc.readable()) return done;
    }
  }

  /** Copy up to `max` readable bytes into `sink` at `off` (a page being read in is waited for; only stored bytes are taken). */
  private *take(max: number, sink: Sink, off: number): Generator<Block, number, unknown> {
    for (;;) {
      try {
        let faulted = false;
        const n = this.ldisc.read(max, (b) => {
          const s = sink(off, b);
          if (s < b.length) faulted = true;
          return s;
        });
        if (n === 0 && faulted && off === 0) throw new SysError(E.EFAULT);
        return n;
      } catch (e) {
        if (!(e instanceof PageWait)) throw e;
        yield pageWait(e.obj);
      }
    }
  }

  /** Room freed in the discipline: master writes waiting may go on. */
  afterRead(): void {
    this.notify();
  }

  /** A write of `len` bytes through the output processing. */
  *write(k: Kernel, wait: Waiter, nonblock: boolean, len: number, src: Source): Generator<Block, number, unknown> {
    if (this.hungUp) throw new SysError(E.EIO);
    let done = 0;
    while (done < len) {
      if (this.hungUp) break;
      const room = this.stopped ? 0 : this.driver.room();
      // Worst case a byte becomes 8 (a tab) — write what surely fits, at least one byte when there is some room.
      const want = Math.min(len - done, room >= 8 ? Math.floor(room / 8) : room > 0 ? 1 : 0, 4096);
      if (want === 0) {
        if (nonblock) {
          if (done > 0) break;
          throw new SysError(E.EAGAIN);
        }
        const end = yield* this.waitChange(k, wait, "terminal output room", Infinity);
        if (end === "interrupted") {
          if (done > 0) break;
          throw new SysError(ERESTARTSYS, `${this.name}: write interrupted by a signal`);
        }
        continue;
      }
      const data = src(done, want);
      if (data.length === 0) {
        if (done === 0) throw new SysError(E.EFAULT);
        break;
      }
      this.driver.put(this.ldisc.output(data));
      done += data.length;
      this.notify();
      if (data.length < want) break;
    }
    return done;
  }

  /** Wait for a change of the terminal (or host input, or `until`): the outcome. */
  *waitChange(k: Kernel, wait: Waiter, what: string, until: number): Generator<Block, "notified" | "timeout" | "interrupted", unknown> {
    const w = k.waits.prepare([this.chan], `${this.name}: ${what}`, this.driver.host);
    try {
      // Looked at after subscribing: a pull may have brought input meanwhile.
      this.driver.pull?.(k);
      return yield* wait(w, until);
    } finally {
      k.waits.finish(w);
    }
  }
}
