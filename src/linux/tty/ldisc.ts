// The line discipline (Linux's n_tty): what a terminal does to the bytes typed at it before a
// program reads them, and to the bytes a program writes before they reach the other side.
//
// Input, one byte at a time (receive):
//   1. ISTRIP, then IGNCR / ICRNL / INLCR on carriage returns and newlines;
//   2. IEXTEN's VLNEXT takes the next byte literally;
//   3. ISIG: VINTR, VQUIT and VSUSP send SIGINT, SIGQUIT, SIGTSTP to the foreground process
//      group, flush the queues (unless NOFLSH) and echo the character (^C);
//   4. IXON: VSTOP and VSTART stop and restart output, and are not input;
//   5. ICANON: the line being edited takes VERASE, VWERASE (IEXTEN), VKILL, VREPRINT (IEXTEN)
//      with their echoes (ECHOE's "\b \b", ECHOK, ECHOKE), and a delimiter — newline, VEOL,
//      VEOL2, VEOF — makes the line readable (VEOF itself is not data: alone, it is end of
//      file);  without ICANON every byte is readable at once;
//   6. echo: ECHO echoes the byte (ECHOCTL: control characters as ^X), ECHONL newlines even
//      without ECHO; echoes go through the output processing below.
// Output (OPOST): ONLCR newline → CR NL, OCRNL, ONOCR, ONLRET, OLCUC, XTABS (tabs to spaces),
// with the column kept for them.
//
// Buffers: the edited line, and the queue of readable bytes with a delimiter flag per byte (an
// end of file is a delimiter byte of value -1). N_TTY_BUF_SIZE bounds both together.
// Owned by its terminal (tty.ts); every caller runs on the personality's home processor.

import { SIG } from "../signals/numbers.js";
import { I, L, OF, V, type Termios } from "./termios.js";

export const N_TTY_BUF_SIZE = 4096;
const EOF_MARK = -1;
const NL = 10, CR = 13, TAB = 9, BS = 8, SPACE = 32, DEL = 0x7f;

/** What the discipline needs of its terminal. */
export interface LdiscHost {
  readonly termios: Termios;
  /** Bytes to the other side (processed output and echoes). */
  emit(bytes: readonly number[]): void;
  /** A signal for the foreground process group. */
  signal(sig: number): void;
  /** Drop output not yet taken by the other side (ISIG without NOFLSH). */
  flushOutput(): void;
  /** IXON: output stopped (^S) or started (^Q). */
  flow(stopped: boolean): void;
}

const isCtrl = (c: number): boolean => c < SPACE || c === DEL;

export class NTty {
  /** The line being edited (canonical mode). */
  private edit: number[] = [];
  /** Readable bytes, and whether each ends a line. */
  private rq: number[] = [];
  private delim: boolean[] = [];
  private lnext = false;
  /** The output column (ONOCR, tabs, erase echoes). */
  column = 0;

  constructor(private readonly h: LdiscHost) {}

  /** Bytes held (read queue and edited line). */
  get held(): number {
    return this.rq.length + this.edit.length;
  }

  /** How many more input bytes fit. */
  room(): number {
    return Math.max(0, N_TTY_BUF_SIZE - 1 - this.held);
  }

  /** Bytes of input ready (FIONREAD): canonical, every complete line, end of file markers not counted. */
  available(): number {
    if (!this.canon) return this.rq.length;
    const last = this.delim.lastIndexOf(true);
    let n = 0;
    for (let i = 0; i <= last; i++) if (this.rq[i] !== EOF_MARK) n++;
    return n;
  }

  /** Is there something for a read (a line, or any byte without ICANON)? */
  readable(min = 1): boolean {
    if (this.canon) return this.delim.includes(true);
    return this.rq.length >= Math.max(1, min);
  }

  private get canon(): boolean {
    return (this.h.termios.lflag & L.ICANON) !== 0;
  }

  /**
   * Take up to `max` bytes for a read: canonical, at most one line (its end of file marker is
   * consumed and not returned); else what is queued. `take` is told the bytes and answers how
   * many it stored (a fault stores fewer): only those leave the queue.
   */
  read(max: number, take: (bytes: Uint8Array) => number): number {
    let n: number, marker = false;
    if (this.canon) {
      const i = this.delim.indexOf(true);
      if (i < 0) return 0;
      if (this.rq[i] === EOF_MARK) {
        n = Math.min(i, max);
        marker = n === i;
      } else {
        n = Math.min(i + 1, max);
      }
    } else {
      n = Math.min(this.rq.length, max);
    }
    const got = n === 0 ? 0 : take(Uint8Array.from(this.rq.slice(0, n)));
    const drop = got + (marker && got === n ? 1 : 0);
    this.rq.splice(0, drop);
    this.delim.splice(0, drop);
    return got;
  }

  /** Drop every byte of input (TCIFLUSH, ISIG). */
  flushInput(): void {
    this.edit = [];
    this.rq = [];
    this.delim = [];
    this.lnext = false;
  }

  /** New settings: leaving canonical mode makes the edited line readable as it is. */
  changed(was: Termios): void {
    if ((was.lflag & L.ICANON) !== 0 && !this.canon && this.edit.length > 0) {
      for (const c of this.edit) this.queue(c, false);
      this.edit = [];
    }
  }

  private queue(c: number, d: boolean): void {
    this.rq.push(c);
    this.delim.push(d);
  }

  /** One byte of input from the other side. */
  receive(byte: number): void {
    const t = this.h.termios;
    let c = byte & 0xff;
    if ((t.iflag & I.ISTRIP) !== 0) c &= 0x7f;
    if (this.lnext) {
      this.lnext = false;
      this.literal(c);
      return;
    }
    if (c === CR) {
      if ((t.iflag & I.IGNCR) !== 0) return;
      if ((t.iflag & I.ICRNL) !== 0) c = NL;
    } else if (c === NL && (t.iflag & I.INLCR) !== 0) {
      c = CR;
    }
    const ext = (t.lflag & L.IEXTEN) !== 0;
    if (ext && t.is(V.LNEXT, c) && this.canon) {
      this.lnext = true;
      if ((t.lflag & L.ECHO) !== 0 && (t.lflag & L.ECHOCTL) !== 0) this.echoRaw([0x5e, BS]); // "^\b", as n_tty shows it
      return;
    }
    if ((t.lflag & L.ISIG) !== 0) {
      const sig = t.is(V.INTR, c) ? SIG.INT : t.is(V.QUIT, c) ? SIG.QUIT : t.is(V.SUSP, c) ? SIG.TSTP : 0;
      if (sig !== 0) {
        if ((t.lflag & L.NOFLSH) === 0) {
          this.flushInput();
          this.h.flushOutput();
        }
        this.h.signal(sig);
        if ((t.lflag & L.ECHO) !== 0) this.echoChar(c);
        return;
      }
    }
    if ((t.iflag & I.IXON) !== 0) {
      if (t.is(V.STOP, c)) {
        this.h.flow(true);
        return;
      }
      if (t.is(V.START, c)) {
        this.h.flow(false);
        return;
      }
    }
    if (!this.canon) {
      this.queue(c, false);
      if ((t.lflag & L.ECHO) !== 0) this.echoChar(c);
      else if (c === NL && (t.lflag & L.ECHONL) !== 0) this.echoOut([NL]);
      return;
    }
    if (t.is(V.ERASE, c) || t.is(V.KILL, c) || (ext && t.is(V.WERASE, c))) {
      this.erase(c);
      return;
    }
    if (ext && t.is(V.REPRINT, c)) {
      if ((t.lflag & L.ECHO) !== 0) {
        this.echoChar(c);
        this.echoOut([NL]);
        for (const e of this.edit) this.echoChar(e);
      }
      return;
    }
    if (c === NL || t.is(V.EOL, c) || t.is(V.EOL2, c)) {
      if ((t.lflag & L.ECHO) !== 0 || (c === NL && (t.lflag & L.ECHONL) !== 0)) this.echoChar(c);
      this.endLine(c);
      return;
    }
    if (t.is(V.EOF, c)) {
      this.endLine(EOF_MARK);
      return;
    }
    this.literal(c);
  }

  /** An ordinary byte of the line (or of the queue without ICANON). */
  private literal(c: number): void {
    const t = this.h.termios;
    if (this.canon) {
      if (this.held >= N_TTY_BUF_SIZE - 1) return; // a full line keeps room for its newline only
      this.edit.push(c);
    } else {
      this.queue(c, false);
    }
    if ((t.lflag & L.ECHO) !== 0) this.echoChar(c);
  }

  private endLine(last: number): void {
    for (const c of this.edit) this.queue(c, false);
    this.edit = [];
    this.queue(last, true);
  }

  /** VERASE, VWERASE, VKILL on the edited line, with their echoes. */
  private erase(c: number): void {
    const t = this.h.termios;
    const echo = (t.lflag & L.ECHO) !== 0;
    const kill = t.is(V.KILL, c), word = !kill && !t.is(V.ERASE, c);
    if (this.edit.length === 0) return;
    if (kill && echo && ((t.lflag & L.ECHOK) === 0 || (t.lflag & L.ECHOKE) === 0 || (t.lflag & L.ECHOE) === 0)) {
      // Without ECHOKE's visual erase: the kill character, then a newline with ECHOK.
      this.edit = [];
      this.echoChar(c);
      if ((t.lflag & L.ECHOK) !== 0) this.echoOut([NL]);
      return;
    }
    let seenWord = false;
    while (this.edit.length > 0) {
      const last = this.edit[this.edit.length - 1];
      if (word) {
        const space = last === SPACE || last === TAB;
        if (space && seenWord) break;
        if (!space) seenWord = true;
      }
      this.edit.pop();
      if (echo) {
        if ((t.lflag & L.ECHOE) !== 0) {
          const width = isCtrl(last) && (t.lflag & L.ECHOCTL) !== 0 && last !== TAB ? 2 : 1;
          for (let i = 0; i < width; i++) this.echoRaw([BS, SPACE, BS]);
        } else if (!kill) {
          this.echoChar(c);
        }
      }
      if (!kill && !word) break;
    }
  }

  /** Echo `c` as typed: control characters as ^X with ECHOCTL (not TAB, NL, START, STOP). */
  private echoChar(c: number): void {
    const t = this.h.termios;
    if ((t.lflag & L.ECHOCTL) !== 0 && isCtrl(c) && c !== TAB && c !== NL && c !== t.cc[V.START] && c !== t.cc[V.STOP]) {
      this.echoRaw([0x5e, c ^ 0x40]);
      return;
    }
    this.echoOut([c]);
  }

  /** Echo bytes through the output processing. */
  private echoOut(bytes: readonly number[]): void {
    this.h.emit(this.output(bytes));
  }

  /** Echo bytes as they are (the column still follows them). */
  private echoRaw(bytes: readonly number[]): void {
    for (const b of bytes) this.advance(b);
    this.h.emit(bytes);
  }

  private advance(b: number): void {
    if (b === BS) {
      if (this.column > 0) this.column--;
    } else if (b === CR || b === NL) {
      this.column = 0;
    } else if (b === TAB) {
      this.column = (this.column | 7) + 1;
    } else if (!isCtrl(b)) {
      this.column++;
    }
  }

  /** OPOST's processing of bytes a program writes (or echoes). */
  output(bytes: ArrayLike<number>): number[] {
    const t = this.h.termios;
    const out: number[] = [];
    if ((t.oflag & OF.OPOST) === 0) {
      for (let i = 0; i < bytes.length; i++) {
        out.push(bytes[i]);
        this.advance(bytes[i]);
      }
      return out;
    }
    for (let i = 0; i < bytes.length; i++) {
      let c = bytes[i];
      switch (c) {
        case NL:
          if ((t.oflag & OF.ONLRET) !== 0) this.column = 0;
          if ((t.oflag & OF.ONLCR) !== 0) {
            out.push(CR, NL);
            this.column = 0;
            continue;
          }
          out.push(NL);
          continue;
        case CR:
          if ((t.oflag & OF.ONOCR) !== 0 && this.column === 0) continue;
          if ((t.oflag & OF.OCRNL) !== 0) {
            c = NL;
            if ((t.oflag & OF.ONLRET) !== 0) this.column = 0;
            out.push(c);
            continue;
          }
          this.column = 0;
          out.push(c);
          continue;
        case TAB: {
          const spaces = 8 - (this.column & 7);
          if ((t.oflag & OF.TABDLY) === OF.XTABS) {
            for (let s = 0; s < spaces; s++) out.push(SPACE);
          } else {
            out.push(TAB);
          }
          this.column += spaces;
          continue;
        }
        case BS:
          if (this.column > 0) this.column--;
          out.push(c);
          continue;
        default:
          if (!isCtrl(c)) {
            if ((t.oflag & OF.OLCUC) !== 0 && c >= 0x61 && c <= 0x7a) c -= 0x20;
            this.column++;
          }
          out.push(c);
      }
    }
    return out;
  }
}
