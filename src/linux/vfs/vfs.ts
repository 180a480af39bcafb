// A process's file state (K42 kept it in the process, over the file servers' objects): its root
// and working directory as walk chains, its umask, its descriptor table, the cached mount
// table, and the console. System-call handlers reach the file servers only through here and
// the PPC stubs.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr, Cred } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { Stream, type Console } from "./console.js";
import type { FileObject } from "./file-object.js";
import { plainWaiter, type Waiter } from "../sys/wait.js";
import { FdTable } from "./fdtable.js";
import { fsc, Stubs } from "./fs-call.js";
import { LockManager } from "./locks.js";
import { MountTable } from "./mounts.js";
import { Description, O, OpenFile, type FileKind } from "./open-file.js";
import { isDir } from "./perm.js";
import { PNode } from "./pnode.js";
import { Walk, type Found, type Jump, type Restrict, type WalkEnv } from "./walk.js";

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_REMOVEDIR = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400;
export const AT_NO_AUTOMOUNT = 0x800;
export const AT_EMPTY_PATH = 0x1000;

/**
 * Run `body` with the current thread acting for protection domain `domain` (as a PPC handoff
 * into a server does): the personality closing, on a process's behalf, what that process's
 * domain holds.
 */
function* actingFor<T>(k: Kernel, domain: number, body: Generator<Block, T, unknown>): Generator<Block, T, unknown> {
  const t = k.sched.current;
  if (t === undefined) return yield* body;
  (t.acting ??= []).push(domain);
  try {
    return yield* body;
  } finally {
    t.acting.pop();
  }
}

export interface VfsOptions {
  /** The name-space server's root handle. */
  readonly ns: Handle;
  readonly console: Console;
  /** The soft RLIMIT_NOFILE now. */
  readonly nofile: () => number;
  /** The process's pid (its /proc directory, lock owner). */
  readonly pid: () => number;
  /** Changes at least once per time slice of the process's thread (mount-table freshness). */
  readonly epoch: () => number;
  /** The lock manager shared by the machine's processes (default: the process's own). */
  readonly locks?: LockManager;
  /** The pipe server's root handle (pipe, pipe2 and FIFO opens; without it they are ENOSYS). */
  readonly pipes?: Handle;
  /** How the file layer waits for an object (default: a plain kernel wait): sys/wait.ts waitOn of the calling thread. */
  readonly wait?: Waiter;
  /**
   * How the process's thread waits where a signal may interrupt it (linux/signals'
   * interruptible): the block's wake-up value, or INTERRUPTED. Without it, waits are not
   * interruptible.
   */
  readonly interruptible?: (b: Block) => Generator<Block, unknown, unknown>;
  /** Character devices the personality drives itself (terminals: linux/tty/table.ts). */
  readonly devices?: CharDevices;
}

/** The file layer's hook for devices the personality drives (opened in open.ts). */
export interface CharDevices {
  /** Open the character device `found` (flags: open's; keep: what F_GETFL shows): an open file, or undefined when the file server drives it. */
  open(k: Kernel, v: Vfs, cred: Cred, found: Found, flags: number, keep: number): Generator<Block, OpenFile | undefined, unknown>;
}

export class Vfs {
  readonly fds: FdTable;
  readonly stubs = new Stubs();
  readonly mounts: MountTable;
  readonly locks: LockManager;
  readonly console: Console;
  /** The process's root (chroot) and working directory. */
  root!: PNode;
  cwd!: PNode;
  umask = 0o022;
  private nextId = 1;
  /**
   * How the file layer waits for an object (a pipe, an eventfd, a FIFO's partner): the
   * personality's sys/wait.ts waitOn for the calling thread (VfsOptions.wait).
   */
  readonly wait: Waiter;

  constructor(private readonly opts: VfsOptions) {
    this.fds = new FdTable(opts.nofile);
    this.mounts = new MountTable(this.stubs, opts.ns, opts.epoch);
    this.locks = opts.locks ?? new LockManager();
    this.console = opts.console;
    this.wait = opts.wait ?? plainWaiter;
  }

  get pid(): number {
    return this.opts.pid();
  }

  /** The pipe server's root handle, if the runner started one. */
  get pipeServer(): Handle | undefined {
    return this.opts.pipes;
  }

  /** The personality's character devices (VfsOptions.devices). */
  get devices(): CharDevices | undefined {
    return this.opts.devices;
  }

  /** An interruptible wait for `b` (VfsOptions.interruptible), if the process has one. */
  get interruptible(): ((b: Block) => Generator<Block, unknown, unknown>) | undefined {
    return this.opts.interruptible;
  }

  /**
   * Start the process's file state: root and working directory at the name space's root, and
   * descriptors 0, 1, 2 on the console (/dev/console's node when the tree has one).
   */
  *start(k: Kernel, cred: Cred, cwd = "/"): Generator<Block, void, unknown> {
    let top = yield* this.mounts.fresh(k);
    // The tree's root may itself be covered by a later mount of "/".
    for (let m = this.mounts.covering(top.mnt.dev, top.ino); m !== undefined; m = this.mounts.covering(top.mnt.dev, top.ino)) {
      top = new PNode(undefined, "", m, m.rootIno);
    }
    this.root = this.cwd = top;
    const w = new Walk(this.env(k, cred));
    let node: PNode | undefined;
    try {
      node = (yield* w.resolve(this.root, "/dev/console", true)).node;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
    }
    const access = [O.RDONLY, O.WRONLY, O.WRONLY];
    for (const s of [Stream.In, Stream.Out, Stream.Err]) {
      this.fds.put(s, this.newFile("console", access[s] | O.LARGEFILE, node, undefined, s), false);
    }
    if (cwd !== "/") {
      const f = yield* new Walk(this.env(k, cred)).resolve(this.root, cwd, true);
      if (!isDir(f.attr)) throw new SysError(E.ENOTDIR);
      this.cwd = f.node;
    }
  }

  newFile(kind: FileKind, flags: number, node: PNode | undefined, handle: Handle | undefined, stream?: Stream, obj?: FileObject): OpenFile {
    const id = this.nextId++;
    return this.hold(new OpenFile(id, kind, new Description(`${this.pid}.${id}`, flags), node, handle, stream, obj));
  }

  /** `f` is this process's way to its description (Description.holders). */
  private hold(f: OpenFile): OpenFile {
    f.desc.holders.set(f, this);
    return f;
  }

  /**
   * Another process's description taken in by this one (a descriptor received with
   * SCM_RIGHTS): this process's own OpenFile on it, over `handle` and `obj` made for its domain.
   */
  adopt(f: OpenFile, handle: Handle | undefined, obj: FileObject | undefined): OpenFile {
    return this.hold(f.forked(this.nextId++, handle, obj));
  }

  /** A walk with the mount table made fresh first. */
  *walk(k: Kernel, cred: Cred, restrict?: Restrict): Generator<Block, Walk, unknown> {
    yield* this.mounts.fresh(k);
    return new Walk(this.env(k, cred), restrict);
  }

  private env(k: Kernel, cred: Cred): WalkEnv {
    return { k, stubs: this.stubs, mounts: this.mounts, root: this.root, cred, magic: (n) => this.magic(n) };
  }

  /** The open file of descriptor `fd`, or EBADF. */
  file(fd: number): OpenFile {
    const e = this.fds.get(fd);
    if (e === undefined) throw new SysError(E.EBADF);
    return e.file;
  }

  /** Where a relative path given with `dirfd` starts: the working directory or the descriptor's node. */
  startAt(dirfd: number): PNode {
    if (dirfd === AT_FDCWD) return this.cwd;
    const f = this.file(dirfd);
    if (f.node === undefined) throw new SysError(E.ENOTDIR);
    return f.node;
  }

  /**
   * Resolve (dirfd, path) as the *at calls do: AT_EMPTY_PATH with "" names the descriptor's own
   * file (any kind), a relative path needs a directory descriptor (ENOTDIR otherwise).
   */
  *lookupAt(k: Kernel, cred: Cred, dirfd: number, path: string, follow: boolean, emptyPath = false): Generator<Block, Found, unknown> {
    if (path === "" && emptyPath) {
      const start = dirfd === AT_FDCWD ? this.cwd : this.file(dirfd).node;
      if (start === undefined) throw new SysError(E.ENOENT);
      const w = yield* this.walk(k, cred);
      const f = dirfd === AT_FDCWD ? undefined : this.file(dirfd);
      return { node: start, attr: yield* w.getattr(start), ...(f !== undefined ? { file: f } : {}) };
    }
    const w = yield* this.walk(k, cred);
    return yield* w.resolve(yield* this.dirStart(w, dirfd, path), path, follow);
  }

  /** The start node for a relative path: ENOTDIR when the descriptor is not a directory. */
  *dirStart(w: Walk, dirfd: number, path: string): Generator<Block, PNode, unknown> {
    if (path.startsWith("/")) return this.root;
    if (path === "") throw new SysError(E.ENOENT);
    const n = this.startAt(dirfd);
    if (dirfd !== AT_FDCWD && !isDir(yield* w.getattr(n))) throw new SysError(E.ENOTDIR);
    return n;
  }

  /**
   * This process's /proc magic links: /proc/<pid>/fd/N (the open file of descriptor N),
   * /proc/<pid>/cwd and /proc/<pid>/root, reached through "self" or the pid.
   */
  magic(link: PNode): Jump | undefined {
    const which = this.magicOf(link);
    if (which === "cwd") return { node: this.cwd };
    if (which === "root") return { node: this.root };
    if (which === undefined) return undefined;
    const e = this.fds.get(which);
    if (e === undefined) throw new SysError(E.ENOENT);
    const node = e.file.node;
    if (node === undefined) throw new SysError(E.ENOENT);
    return { node, file: e.file };
  }

  /**
   * What readlink shows for a magic fd link whose open file has no node in the tree (a pipe:
   * "pipe:[N]", an eventfd, the console), which magic() cannot jump to; undefined otherwise.
   */
  nodelessLink(link: PNode): string | undefined {
    const which = this.magicOf(link);
    if (typeof which !== "number") return undefined;
    const f = this.fds.get(which)?.file;
    return f === undefined || f.node !== undefined ? undefined : this.fdPath(which);
  }

  /** Which magic link `link` is: "cwd", "root", a descriptor's number, or none. */
  private magicOf(link: PNode): "cwd" | "root" | number | undefined {
    if (link.mnt.fstype !== "proc") return undefined;
    const dir = link.parent;
    if (dir === undefined) return undefined;
    const pidDir = (n: PNode | undefined): boolean =>
      n !== undefined && n.name === String(this.pid) && n.parent !== undefined && n.parent.mnt.dev === n.mnt.dev && n.parent.ino === n.mnt.rootIno;
    if (pidDir(dir)) return link.name === "cwd" || link.name === "root" ? link.name : undefined;
    if (dir.name === "fd" && pidDir(dir.parent) && /^(0|[1-9][0-9]*)$/.test(link.name)) return Number(link.name);
    return undefined;
  }

  /** The path a descriptor's file has (for /proc/self/fd/N): the chain's path, or the console's. */
  fdPath(fd: number): string | undefined {
    const f = this.fds.get(fd)?.file;
    if (f === undefined) return undefined;
    if (f.node !== undefined) return f.node.pathFrom(this.root);
    if (f.obj !== undefined) return f.obj.link();
    return f.kind === "console" ? "/dev/console" : undefined;
  }

  /**
   * What /proc/<pid> shows of the process's files (procfs's FdEntry shape: fd, link, flags with
   * O_CLOEXEC for FD_CLOEXEC, position, st_dev and st_ino), its cwd and root as paths.
   * [integrator: proc] ProcSource.fds/cwd/root/umask/fdTableSize read these.
   */
  procView(): { fds: { fd: number; link: string; flags: number; pos: number; dev: number; ino: number }[]; cwd: string; root: string; umask: number; fdTableSize: number } {
    const fds = [...this.fds.entries()].map(([fd, e]) => ({
      fd, link: this.fdPath(fd) ?? "anon_inode:[unknown]", flags: e.file.flags | (e.cloexec ? O.CLOEXEC : 0), pos: e.file.pos,
      dev: e.file.node?.mnt.dev ?? e.file.obj?.dev ?? 0, ino: e.file.node?.ino ?? e.file.obj?.ino ?? 0,
    }));
    return { fds, cwd: this.cwd.pathFrom(this.root), root: this.root.pathFrom(this.root), umask: this.umask, fdTableSize: Math.max(64, this.fds.end) };
  }

  // ---- descriptors ----

  /** Close descriptor `fd`: its POSIX locks on the file go; the description goes with its last descriptor. */
  *close(k: Kernel, fd: number): Generator<Block, number, unknown> {
    const f = this.fds.remove(fd);
    if (f === undefined) return -E.EBADF;
    return yield* this.drop(k, f);
  }

  /** One descriptor less on `f` (close, or replaced by dup2). */
  *drop(k: Kernel, f: OpenFile): Generator<Block, number, unknown> {
    const key = f.key;
    if (key !== undefined) this.locks.dropRecords(key, `p${this.pid}`);
    if (--f.refs > 0) return 0;
    return yield* this.release(k, f);
  }

  /**
   * The process's last descriptor on `f` went: its server handle is closed; with the
   * description's last process, its OFD and flock locks go.
   */
  *release(k: Kernel, f: OpenFile): Generator<Block, number, unknown> {
    const key = f.key;
    const d = f.desc;
    d.holders.delete(f);
    if (d.watchers > 0 && d.users > 1 && f.obj !== undefined) {
      // An epoll instance watches the description and another process still holds it: the
      // registration lives on, pollable from here through this object (kept until the last holder goes).
      d.users--;
      d.parked.set(f, { owner: this, domain: k.ppc.currentDomain() });
      return 0;
    }
    const last = --d.users === 0;
    if (last) {
      // The description closes: the objects kept for epoll go too, each closed for its own
      // process's domain (its handle answers only to that domain), as Linux's last fput does for all.
      for (const [p, o] of [...d.parked]) {
        d.parked.delete(p);
        yield* actingFor(k, o.domain, this.releaseObject(k, p));
      }
    }
    if (key !== undefined && last) {
      this.locks.dropRecords(key, this.ofdOwner(f));
      this.locks.flock(key, this.ofdOwner(f), 8);
    }
    if (f.obj !== undefined) return yield* this.releaseObject(k, f);
    if (f.handle === undefined) return 0;
    const h = f.handle;
    try {
      yield* fsc(this.stubs.file(k, h).close());
    } catch (e) {
      if (e instanceof SysError) return -e.errno;
      throw e;
    } finally {
      this.stubs.dropFile(h);
    }
    return 0;
  }

  /** Release the object of `f` (a pipe end, a socket...): 0 or -errno. */
  private *releaseObject(k: Kernel, f: OpenFile): Generator<Block, number, unknown> {
    try {
      if (f.obj !== undefined) yield* f.obj.release(k);
    } catch (e) {
      if (e instanceof SysError) return -e.errno;
      throw e;
    }
    return 0;
  }

  /** The lock owner of an open file description. */
  ofdOwner(f: OpenFile): string {
    return `o${f.desc.name}`;
  }

  /**
   * fork: the child's file state. Every descriptor names the same description as here (one
   * position, one set of status flags), through a handle the file's server makes for the
   * child's domain (share); root, working directory and umask are copied. POSIX record locks
   * are not inherited (their owner is the process); OFD and flock locks belong to the
   * descriptions and so are shared.
   */
  *fork(k: Kernel, domain: number, opts: VfsOptions): Generator<Block, Vfs, unknown> {
    const child = new Vfs({ ...opts, locks: this.locks });
    child.root = this.root;
    child.cwd = this.cwd;
    child.umask = this.umask;
    const copies = new Map<OpenFile, OpenFile>();
    for (const [fd, e] of [...this.fds.entries()]) {
      let c = copies.get(e.file);
      if (c === undefined) {
        const h = e.file.handle === undefined ? undefined : ((yield* fsc(this.stubs.file(k, e.file.handle).share(domain))) as Handle);
        const obj = e.file.obj === undefined ? undefined : yield* e.file.obj.share(k, domain);
        c = child.hold(e.file.forked(child.nextId++, h, obj));
        copies.set(e.file, c);
      } else {
        c.refs++;
      }
      child.fds.put(fd, c, e.cloexec);
    }
    return child;
  }

  /** Close the descriptors marked FD_CLOEXEC. [integrator: task] execve calls this once the new image is in place. */
  *closeOnExec(k: Kernel): Generator<Block, void, unknown> {
    for (const [fd, e] of [...this.fds.entries()]) if (e.cloexec) yield* this.close(k, fd);
  }

  /** Close every descriptor (the process exits). */
  *closeAll(k: Kernel): Generator<Block, void, unknown> {
    for (const [fd] of [...this.fds.entries()]) yield* this.close(k, fd);
  }

  /** A node's attributes through its server. */
  *getattr(k: Kernel, n: PNode): Generator<Block, Attr, unknown> {
    return (yield* fsc(this.stubs.tree(k, n.mnt.root).getattr(n.ino))) as unknown as Attr;
  }
}
