// The machine's console as the personality owns it: output to the host's standard output and
// error, input from the machine's host input device (k42's stdin, read through the kernel).
// Descriptors 0, 1 and 2 start as console open files, and opening /dev/console or /dev/tty
// (character devices 5:1 and 5:0, whatever file system holds the node) gives another one;
// devfs only describes those nodes.
//
// The console is a terminal only when the host stream behind it is one: then TCGETS answers
// with the settings the program last set (Linux's defaults at first) and TIOCGWINSZ with the
// host terminal's size; otherwise both are ENOTTY, as for a pipe or a file. When stdin is a
// terminal, the personality makes the console a real terminal instead (linux/tty/table.ts
// adoptConsole: the line discipline in k42, the host terminal raw), and these settings serve
// only console files left over (a stream that is not a terminal).

import { ERESTARTSYS, INTERRUPTED } from "../signals/interruptible.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { E } from "../errno.js";

/**
 * Where console output goes: returns false (exactly) when the host end is closed and the guest
 * gets EPIPE; any other result means written.
 */
export type ConsoleSink = (b: Uint8Array) => unknown;

/** Which host streams are terminals, and the terminal's size. */
export interface ConsoleTty {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** The host terminal's size now (rows, columns), if it has one. */
  winsize?(): { rows: number; cols: number } | undefined;
}

export interface ConsoleOptions {
  readonly stdout: ConsoleSink;
  readonly stderr: ConsoleSink;
  readonly tty?: ConsoleTty;
}

/** Which host stream a console open file stands for. */
export const enum Stream {
  In = 0,
  Out = 1,
  Err = 2,
  /** /dev/console, /dev/tty: input from the host input, output to the host's standard output. */
  Device = 3,
}

/** Character device numbers of the console nodes (major << 8 | minor). */
export const DEV_TTY = 5 << 8 | 0, DEV_CONSOLE = 5 << 8 | 1;

/** PowerPC's struct termios: 4 flag words, c_cc[19], c_line, c_ispeed, c_ospeed (44 bytes). */
export const TERMIOS_SIZE = 44;

/** Linux's initial termios of a terminal (tty_std_termios), in PowerPC's bit values. */
function defaultTermios(): Uint8Array {
  const b = new Uint8Array(TERMIOS_SIZE);
  const dv = new DataView(b.buffer);
  const ICRNL = 0x100, IXON = 0x200, IUTF8 = 0x4000;
  const OPOST = 0x1, ONLCR = 0x2;
  const B38400 = 0xf, CS8 = 0x300, CREAD = 0x800, HUPCL = 0x4000;
  const ISIG = 0x80, ICANON = 0x100, ECHO = 0x8, ECHOE = 0x2, ECHOK = 0x4, ECHOCTL = 0x40, ECHOKE = 0x1, IEXTEN = 0x400;
  // Stored big-endian here; termiosFor() swaps for a little-endian guest.
  dv.setUint32(0, ICRNL | IXON | IUTF8);
  dv.setUint32(4, OPOST | ONLCR);
  dv.setUint32(8, B38400 | CS8 | CREAD | HUPCL);
  dv.setUint32(12, ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
  // c_cc in PowerPC's order: VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VMIN 1, VEOL 0,
  // VTIME 0, VEOL2 0, VSWTC 0, VWERASE ^W, VREPRINT ^R, VSUSP ^Z, VSTART ^Q, VSTOP ^S, VLNEXT ^V, VDISCARD ^O
  b.set([3, 0x1c, 0x7f, 0x15, 4, 1, 0, 0, 0, 0, 0x17, 0x12, 0x1a, 0x11, 0x13, 0x16, 0x0f], 16);
  dv.setUint32(36, 38400);
  dv.setUint32(40, 38400);
  return b;
}

export class Console {
  /** The terminal settings last set (big-endian words), shared by every console open file. */
  private termios = defaultTermios();
  /** A size set with TIOCSWINSZ (overrides the host's). */
  private size: { rows: number; cols: number; xpixel: number; ypixel: number } | undefined;

  constructor(private readonly opts: ConsoleOptions) {}

  /** Is the host stream behind `s` a terminal? */
  isTty(s: Stream): boolean {
    const t = this.opts.tty;
    if (t === undefined) return false;
    switch (s) {
      case Stream.In: return t.stdin;
      case Stream.Out: return t.stdout;
      case Stream.Err: return t.stderr;
      case Stream.Device: return t.stdin || t.stdout || t.stderr;
    }
  }

  /** Write to the host: the byte count, or -EPIPE when the host end is closed. */
  write(s: Stream, data: Uint8Array): number {
    const sink = s === Stream.Err ? this.opts.stderr : this.opts.stdout;
    return sink(data) === false ? -E.EPIPE : data.length;
  }

  /**
   * Read up to `max` bytes of host input; waits for it unless `nonblock` (then EAGAIN). With
   * `wait` (an interruptible wait), a signal ends the wait: ERESTARTSYS, as a terminal's read
   * answers (restarted after a handler with SA_RESTART, else EINTR).
   */
  *read(k: Kernel, max: number, nonblock: boolean, wait?: (b: Block) => Generator<Block, unknown, unknown>): Generator<Block, Uint8Array | number, unknown> {
    if (nonblock) {
      const b = k.port.input.tryRead(max);
      return b ?? -E.EAGAIN;
    }
    if (wait === undefined) return yield* k.hostRead(max);
    const input = k.port.input;
    for (;;) {
      const b = input.tryRead(max);
      if (b !== undefined) return b;
      if ((yield* wait({ kind: "host", what: input.name })) === INTERRUPTED) return -ERESTARTSYS;
    }
  }

  /** Bytes of input readable now without waiting (FIONREAD). */
  available(k: Kernel): number {
    return k.port.input.available;
  }

  /** The termios in the guest's byte order. */
  termiosFor(le: boolean): Uint8Array {
    const b = this.termios.slice();
    if (le) for (const o of [0, 4, 8, 12, 36, 40]) b.subarray(o, o + 4).reverse();
    return b;
  }

  setTermios(b: Uint8Array, le: boolean): void {
    const t = b.slice(0, TERMIOS_SIZE);
    if (le) for (const o of [0, 4, 8, 12, 36, 40]) t.subarray(o, o + 4).reverse();
    this.termios = t;
  }

  /** The host terminal's size now, if it has one (the console terminal's SIGWINCH). */
  hostWinsize(): { rows: number; cols: number } | undefined {
    return this.opts.tty?.winsize?.();
  }

  winsize(): { rows: number; cols: number; xpixel: number; ypixel: number } {
    if (this.size !== undefined) return this.size;
    const w = this.opts.tty?.winsize?.();
    return { rows: w?.rows ?? 0, cols: w?.cols ?? 0, xpixel: 0, ypixel: 0 };
  }

  setWinsize(w: { rows: number; cols: number; xpixel: number; ypixel: number }): void {
    this.size = w;
  }
}
