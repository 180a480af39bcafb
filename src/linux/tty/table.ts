// The personality's terminals: the pseudo-terminal pairs (by index, the N of /dev/pts/N), the
// console as a terminal when the host's stdin is one, and the controlling terminals of
// sessions. It opens the terminal devices for the file layer (the Vfs's `devices` hook):
//
//   /dev/ptmx (5:2)     a new pair: its master; /dev/pts/N appears in devpts (a character
//                       node 136:N, mode 0620, owned by the opener, group tty) until the
//                       master closes
//   /dev/pts/N (136:N)  the pair's terminal side (EIO while locked: unlockpt first)
//   /dev/tty (5:0)      the caller's controlling terminal (ENXIO without one)
//   /dev/console (5:1)  the console terminal, when there is one
// A session leader without a controlling terminal that opens a terminal side without O_NOCTTY,
// nobody's controlling terminal yet, acquires it (its group in the foreground).
//
// Sessions: the console terminal is the controlling terminal of k42's session (init's, the
// program's), with the program's group in the foreground. A session leader's exit sends SIGHUP
// to the foreground group and frees the terminal; the last master close hangs its terminal up.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { asJson, type Cred } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { SIG } from "../signals/numbers.js";
import type { LinuxProcess } from "../process/lprocess.js";
import type { LinuxSystem } from "../process/system.js";
import { Stream } from "../vfs/console.js";
import { fsc } from "../vfs/fs-call.js";
import { O, type OpenFile } from "../vfs/open-file.js";
import { MAY_READ, MAY_WRITE, permits } from "../vfs/perm.js";
import type { PNode } from "../vfs/pnode.js";
import type { CharDevices, Vfs } from "../vfs/vfs.js";
import type { Found } from "../vfs/walk.js";
import { controls, signalGroup } from "./jobctl.js";
import { PtyPair } from "./pty.js";
import { PTS_MAJOR, PtyMasterFile, TtyFile } from "./tty-file.js";
import { Tty } from "./tty.js";

const DEV_TTY = (5 << 8) | 0, DEV_CONSOLE = (5 << 8) | 1, DEV_PTMX = (5 << 8) | 2;
const ROOT: Cred = { uid: 0, gid: 0, groups: [] };
/** Debian's group "tty". */
const TTY_GID = 5;
/** Linux's default cap on ptys (/proc/sys/kernel/pty/max). */
const PTY_MAX = 4096;

export class TtyTable implements CharDevices {
  readonly ptys = new Map<number, PtyPair>();
  /** Where each pair's /dev/pts node is (to remove it with the pair). */
  private readonly nodes = new Map<PtyPair, PNode>();
  console: Tty | undefined;
  /** The run is over: the console's input pump ends. */
  private ended = false;

  constructor(readonly sys: LinuxSystem) {}

  /** A signal for process group `pgrp` (ISIG, SIGWINCH). */
  signalGroup(pgrp: number, sig: number): void {
    signalGroup(this.sys, pgrp, sig);
  }

  /** The controlling terminal of process `p`, if it has one. */
  cttyOf(p: LinuxProcess): Tty | undefined {
    if (this.console !== undefined && controls(this.console, p)) return this.console;
    for (const pair of this.ptys.values()) if (controls(pair.tty, p)) return pair.tty;
    return undefined;
  }

  *open(k: Kernel, v: Vfs, cred: Cred, found: Found, flags: number, keep: number): Generator<Block, OpenFile | undefined, unknown> {
    const rdev = found.attr.rdev;
    const isPts = rdev >> 8 === PTS_MAJOR;
    if (rdev !== DEV_PTMX && rdev !== DEV_TTY && rdev !== DEV_CONSOLE && !isPts) return undefined;
    const acc = flags & O.ACCMODE;
    const need = acc === O.RDONLY ? MAY_READ : acc === O.WRONLY ? MAY_WRITE : MAY_READ | MAY_WRITE;
    if (!permits(found.attr, cred, need)) throw new SysError(E.EACCES);
    const me = this.sys.current()?.proc;
    if (rdev === DEV_PTMX) {
      const pair = this.newPair(k, cred.uid);
      pair.masterOpens = 1;
      yield* this.addNode(k, v, pair, cred.uid);
      return v.newFile("tty", keep, found.node, undefined, undefined, new PtyMasterFile(this, pair));
    }
    let tty: Tty | undefined, pair: PtyPair | undefined;
    if (isPts) {
      pair = this.ptys.get(rdev & 0xff);
      if (pair === undefined || pair.masterOpens === 0) throw new SysError(E.EIO);
      if (pair.locked) throw new SysError(E.EIO);
      tty = pair.tty;
    } else if (rdev === DEV_TTY) {
      tty = me === undefined ? undefined : this.cttyOf(me);
      if (tty === undefined) {
        if (this.console === undefined) return undefined; // the console file's own answer
        throw new SysError(E.ENXIO);
      }
      pair = this.pairOf(tty);
    } else {
      tty = this.console;
      if (tty === undefined) return undefined;
    }
    if (tty.exclusive && cred.uid !== 0) throw new SysError(E.EBUSY);
    const file = this.openTerminal(v, tty, pair, keep, found.node);
    if ((flags & O.NOCTTY) === 0 && me !== undefined) this.acquire(tty, me);
    return file;
  }

  /** A new open file on the terminal side of `tty`. */
  openTerminal(v: Vfs, tty: Tty, pair: PtyPair | undefined, flags: number, node: PNode | undefined): OpenFile {
    tty.opens++;
    if (pair !== undefined) pair.slaveClosed = false;
    return v.newFile("tty", flags, node, undefined, undefined, new TtyFile(this, tty, pair));
  }

  pairOf(tty: Tty): PtyPair | undefined {
    for (const p of this.ptys.values()) if (p.tty === tty) return p;
    return undefined;
  }

  /** tty_open_proc_set_tty: a session leader without a terminal takes a free one. */
  acquire(tty: Tty, p: LinuxProcess): boolean {
    if (p.task.sid !== p.pid || tty.session !== 0 || this.cttyOf(p) !== undefined) return false;
    tty.session = p.task.sid;
    tty.pgrp = p.task.pgid;
    tty.detached.clear();
    return true;
  }

  private newPair(k: Kernel, uid: number): PtyPair {
    let n = 0;
    while (this.ptys.has(n)) n++;
    if (n >= PTY_MAX) throw new SysError(E.ENOSPC);
    const pair = new PtyPair(n, k, this, uid);
    this.ptys.set(n, pair);
    return pair;
  }

  /** /dev/pts/N for a new pair: a character node in devpts, the opener's, group tty, mode 0620. */
  private *addNode(k: Kernel, v: Vfs, pair: PtyPair, uid: number): Generator<Block, void, unknown> {
    let dir: Found;
    try {
      const w = yield* v.walk(k, ROOT);
      dir = yield* w.resolve(v.root, "/dev/pts", true);
    } catch (e) {
      if (e instanceof SysError) return; // no devpts in this tree: the pair works without its node
      throw e;
    }
    if (dir.node.mnt.fstype !== "devpts") return;
    const fs = v.stubs.tree(k, dir.node.mnt.root);
    const name = String(pair.index);
    const a = (yield* fsc(fs.mknod(dir.node.ino, name, 0o020620, (PTS_MAJOR << 8) | pair.index, asJson(ROOT)))) as unknown as { ino: number };
    yield* fsc(fs.setattr(a.ino, asJson({ uid, gid: TTY_GID }), asJson(ROOT)));
    this.nodes.set(pair, dir.node);
    void a;
  }

  private *removeNode(k: Kernel, pair: PtyPair): Generator<Block, void, unknown> {
    const dir = this.nodes.get(pair);
    if (dir === undefined) return;
    this.nodes.delete(pair);
    const v = this.sys.current()?.proc.vfs;
    if (v === undefined) return;
    try {
      yield* fsc(v.stubs.tree(k, dir.mnt.root).unlink(dir.ino, String(pair.index), asJson(ROOT)));
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
    }
  }

  /** The last terminal-side file of a process closed. */
  *closeTerminal(_k: Kernel, f: TtyFile): Generator<Block, void, unknown> {
    const tty = f.tty;
    tty.opens--;
    if (f.pair !== undefined && tty.opens === 0) f.pair.slaveClosed = true;
    tty.notify();
  }

  /** A master file closed; the last one hangs the terminal up and frees the pair. */
  *closeMaster(k: Kernel, pair: PtyPair): Generator<Block, void, unknown> {
    if (--pair.masterOpens > 0) return;
    this.hangup(pair.tty);
    this.ptys.delete(pair.index);
    yield* this.removeNode(k, pair);
  }

  /** tty_vhangup: the session leader gets SIGHUP and SIGCONT; the session loses the terminal. */
  hangup(tty: Tty): void {
    tty.hungUp = true;
    const leader = tty.session !== 0 ? this.sys.procs.get(tty.session) : undefined;
    const pgrp = tty.pgrp;
    tty.session = 0;
    tty.pgrp = 0;
    tty.notify();
    if (leader !== undefined && !leader.ended) {
      this.sys.signal(leader, SIG.HUP);
      this.sys.signal(leader, SIG.CONT);
    } else if (leader !== undefined && pgrp > 0) {
      // The leader is exiting (its files close first): the group it would have hung up at its
      // exit (tty_old_pgrp) gets SIGHUP and SIGCONT now.
      this.signalGroup(pgrp, SIG.HUP);
      this.signalGroup(pgrp, SIG.CONT);
    }
  }

  /**
   * disassociate_ctty: the session of leader `p` gives up its terminal — the foreground group
   * gets SIGHUP (and SIGCONT unless the leader is exiting).
   */
  disassociate(tty: Tty, exiting: boolean): void {
    const pgrp = tty.pgrp;
    tty.session = 0;
    tty.pgrp = 0;
    tty.detached.clear();
    tty.notify();
    if (pgrp > 0) {
      this.signalGroup(pgrp, SIG.HUP);
      if (!exiting) this.signalGroup(pgrp, SIG.CONT);
    }
  }

  /** Process `p` ended: a session leader's terminal is freed. */
  processEnded(p: LinuxProcess): void {
    if (p.task.sid !== p.pid) return;
    const tty = this.cttyOf(p);
    if (tty !== undefined) this.disassociate(tty, true);
  }

  // ---- the console ----

  /**
   * The console as a terminal (when the host's stdin is one): fds 0-2 of the first process that
   * stand for terminal streams become its files; it is the controlling terminal of the
   * program's session with the program's group in the foreground; a kernel thread pumps host
   * input through its line discipline, so that ^C reaches the foreground group while nobody reads.
   */
  *adoptConsole(k: Kernel, v: Vfs, p: LinuxProcess): Generator<Block, void, unknown> {
    const con = v.console;
    if (!con.isTty(Stream.In)) return;
    const sys = this.sys;
    const tty = new Tty("/dev/console", k.waits.create(), {
      host: true,
      put: (b) => {
        con.write(Stream.Out, Uint8Array.from(b));
      },
      room: () => 65536,
      queued: () => 0,
      flush: () => {},
      pull: (kk) => this.pullConsole(kk),
    }, this, k);
    const w = con.winsize();
    tty.winsize = { ...w };
    tty.session = p.task.sid;
    tty.pgrp = p.task.pgid;
    this.console = tty;
    for (const s of [Stream.In, Stream.Out, Stream.Err]) {
      const e = v.fds.get(s);
      if (e === undefined || e.file.kind !== "console" || !con.isTty(s)) continue;
      const f = this.openTerminal(v, tty, undefined, e.file.flags, e.file.node);
      v.fds.put(s, f, false);
      yield* v.release(k, e.file);
    }
    k.sched.spawn("console terminal input", this.pump(k, tty), p.domain);
    void sys;
  }

  /** Host input into the console's discipline, as much as it takes; the host window size checked. */
  private pullConsole(k: Kernel): void {
    const tty = this.console;
    if (tty === undefined) return;
    this.checkWinsize(tty);
    const room = tty.ldisc.room();
    if (room === 0 || !k.port.input.live && !k.port.input.readable()) return;
    const b = k.port.input.tryRead(room);
    if (b !== undefined && b.length > 0) tty.input(b);
  }

  /** SIGWINCH to the foreground group when the host terminal's size changed. */
  private checkWinsize(tty: Tty): void {
    const w = this.sys.console.hostWinsize();
    if (w === undefined || (w.rows === tty.winsize.rows && w.cols === tty.winsize.cols)) return;
    tty.winsize = { ...tty.winsize, rows: w.rows, cols: w.cols };
    if (tty.pgrp > 0) this.signalGroup(tty.pgrp, SIG.WINCH);
  }

  private *pump(k: Kernel, tty: Tty): Generator<Block, void, unknown> {
    while (!this.ended) {
      const full = tty.ldisc.room() === 0;
      const input = k.port.input;
      const host = !full && (input.live || input.readable());
      const w = k.waits.prepare([tty.chan], "console terminal input", host);
      try {
        this.pullConsole(k);
        if (this.ended) break;
        yield* k.waits.block(w, Infinity);
      } finally {
        k.waits.finish(w);
      }
    }
  }

  /** The run is over (init ended): the console's pump stops. */
  shutdown(): void {
    this.ended = true;
    if (this.console !== undefined) this.console.notify();
  }
}
