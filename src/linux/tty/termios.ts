// struct termios as PowerPC Linux lays it out (asm/termbits.h: the old ktermios shape, c_cc[19]
// before c_line), its flag bits, and the settings a new terminal starts with (tty_std_termios).
// Immutable constants and one small mutable record per terminal.

/** c_iflag bits. */
export const I = {
  IGNBRK: 0x1, BRKINT: 0x2, IGNPAR: 0x4, PARMRK: 0x8, INPCK: 0x10, ISTRIP: 0x20, INLCR: 0x40, IGNCR: 0x80,
  ICRNL: 0x100, IXON: 0x200, IXOFF: 0x400, IXANY: 0x800, IUCLC: 0x1000, IMAXBEL: 0x2000, IUTF8: 0x4000,
} as const;

/** c_oflag bits. */
export const OF = {
  OPOST: 0x1, ONLCR: 0x2, OLCUC: 0x4, OCRNL: 0x8, ONOCR: 0x10, ONLRET: 0x20, OFILL: 0x40, OFDEL: 0x80,
  TABDLY: 0xc00, XTABS: 0xc00,
} as const;

/** c_cflag bits. */
export const CF = { CBAUD: 0xff, B38400: 0xf, CSIZE: 0x300, CS8: 0x300, CREAD: 0x800, HUPCL: 0x4000, CLOCAL: 0x8000 } as const;

/** c_lflag bits. */
export const L = {
  ECHOKE: 0x1, ECHOE: 0x2, ECHOK: 0x4, ECHO: 0x8, ECHONL: 0x10, ECHOPRT: 0x20, ECHOCTL: 0x40, ISIG: 0x80,
  ICANON: 0x100, IEXTEN: 0x400, XCASE: 0x4000, TOSTOP: 0x400000, FLUSHO: 0x800000, EXTPROC: 0x10000000,
  PENDIN: 0x20000000, NOFLSH: 0x80000000,
} as const;

/** c_cc indices (PowerPC's order). */
export const V = {
  INTR: 0, QUIT: 1, ERASE: 2, KILL: 3, EOF: 4, MIN: 5, EOL: 6, TIME: 7, EOL2: 8, SWTC: 9, WERASE: 10,
  REPRINT: 11, SUSP: 12, START: 13, STOP: 14, LNEXT: 15, DISCARD: 16,
} as const;

export const NCCS = 19;
/** sizeof(struct termios) on PowerPC: 4 flag words, c_cc[19], c_line, c_ispeed, c_ospeed. */
export const TERMIOS_SIZE = 44;
/** A c_cc value that disables its function (_POSIX_VDISABLE). */
export const VDISABLE = 0;

export class Termios {
  iflag = I.ICRNL | I.IXON;
  oflag = OF.OPOST | OF.ONLCR;
  cflag = CF.B38400 | CF.CS8 | CF.CREAD | CF.HUPCL;
  lflag = L.ISIG | L.ICANON | L.ECHO | L.ECHOE | L.ECHOK | L.ECHOCTL | L.ECHOKE | L.IEXTEN;
  /** ^C ^\ DEL ^U ^D 1 0 0 0 0 ^W ^R ^Z ^Q ^S ^V ^O (tty_std_termios's INIT_C_CC). */
  cc = Uint8Array.from([3, 0x1c, 0x7f, 0x15, 4, 1, 0, 0, 0, 0, 0x17, 0x12, 0x1a, 0x11, 0x13, 0x16, 0x0f, 0, 0]);
  line = 0;
  ispeed = 38400;
  ospeed = 38400;

  copy(): Termios {
    const t = new Termios();
    t.iflag = this.iflag; t.oflag = this.oflag; t.cflag = this.cflag; t.lflag = this.lflag;
    t.cc = this.cc.slice(); t.line = this.line; t.ispeed = this.ispeed; t.ospeed = this.ospeed;
    return t;
  }

  /** The guest's struct termios bytes in its byte order. */
  encode(le: boolean): Uint8Array {
    const b = new Uint8Array(TERMIOS_SIZE);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, this.iflag >>> 0, le);
    dv.setUint32(4, this.oflag >>> 0, le);
    dv.setUint32(8, this.cflag >>> 0, le);
    dv.setUint32(12, this.lflag >>> 0, le);
    b.set(this.cc, 16);
    b[35] = this.line;
    dv.setUint32(36, this.ispeed >>> 0, le);
    dv.setUint32(40, this.ospeed >>> 0, le);
    return b;
  }

  static decode(b: Uint8Array, le: boolean): Termios {
    const dv = new DataView(b.buffer, b.byteOffset, TERMIOS_SIZE);
    const t = new Termios();
    t.iflag = dv.getUint32(0, le);
    t.oflag = dv.getUint32(4, le);
    t.cflag = dv.getUint32(8, le);
    t.lflag = dv.getUint32(12, le);
    t.cc = b.slice(16, 16 + NCCS);
    t.line = b[35];
    t.ispeed = dv.getUint32(36, le);
    t.ospeed = dv.getUint32(40, le);
    return t;
  }

  /** Is `c` the enabled control character at index `v`? */
  is(v: number, c: number): boolean {
    return this.cc[v] !== VDISABLE && this.cc[v] === c;
  }
}

/** struct winsize (4 unsigned shorts). */
export interface WinSize {
  rows: number;
  cols: number;
  xpixel: number;
  ypixel: number;
}
