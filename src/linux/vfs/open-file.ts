// Open file descriptions: what open() makes and descriptors name. dup'ed descriptors (and, with
// processes, inherited ones) share one description, so they share its position and status
// flags; FD_CLOEXEC belongs to the descriptor (fdtable.ts). Kinds:
//
//   file     a node opened on its server: the handle `open` returned (owned by the process's
//            domain), reads and writes go through it at this description's position
//   dir      a directory opened for reading: the handle, and the readdir position (a server
//            cookie) with the page of entries last fetched
//   console  the machine's console (console.ts), one of its streams
//   path     O_PATH: a place in the tree only (no server open file); usable as a directory
//            descriptor, for fstat, fchdir, and the *at calls with AT_EMPTY_PATH
//   pipe, eventfd
//            an object that is not a server file (file-object.ts: `obj` does the reads, writes
//            and polls; each process has its own, as it has its own server handle); a FIFO
//            opened by path is a pipe with its node
//
// Every description remembers its node (the walk's chain) when it has one: fstat, fchdir,
// /proc/self/fd and the *at calls use it.

import type { Handle } from "../../kernel/ppc/values.js";
import type { Dirent } from "../../servers/fs/iface.js";
import type { Stream } from "./console.js";
import type { FileObject } from "./file-object.js";
import type { PNode } from "./pnode.js";

/** PowerPC's open(2) flags (asm/fcntl.h: O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE, O_DIRECT differ from x86's). */
export const O = {
  ACCMODE: 3,
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  CREAT: 0x40,
  EXCL: 0x80,
  NOCTTY: 0x100,
  TRUNC: 0x200,
  APPEND: 0x400,
  NONBLOCK: 0x800,
  DSYNC: 0x1000,
  ASYNC: 0x2000,
  DIRECTORY: 0x4000,
  NOFOLLOW: 0x8000,
  LARGEFILE: 0x10000,
  DIRECT: 0x20000,
  NOATIME: 0x40000,
  CLOEXEC: 0x80000,
  SYNC: 0x100000,
  PATH: 0x200000,
  TMPFILE: 0x400000,
} as const;

/** Flags open(2) knows (Linux's VALID_OPEN_FLAGS); others are ignored by open, refused by openat2. */
export const VALID_OPEN_FLAGS = 0x7fffc3;
/** What an O_PATH open keeps. */
export const O_PATH_FLAGS = O.DIRECTORY | O.NOFOLLOW | O.PATH | O.CLOEXEC;
/** What F_SETFL may change (Linux's SETFL_MASK). */
export const SETFL_MASK = O.APPEND | O.ASYNC | O.NONBLOCK | O.DIRECT | O.NOATIME;

export type FileKind = "file" | "dir" | "console" | "path" | "pipe" | "eventfd" | "socket" | "epoll" | "timerfd" | "signalfd" | "tty" | "pidfd";

/** The page of directory entries last fetched (getdents continues in it while the position matches). */
export interface DirCache {
  /** The cookie the page starts at. */
  readonly from: number;
  readonly entries: readonly Dirent[];
  readonly eof: boolean;
}

/**
 * An open file description as Linux has it: what every descriptor naming it shares, in every
 * process (after fork, parent and child move one file position). Each process reaches it
 * through its own OpenFile (its own server handle).
 */
export class Description {
  /** Per-process OpenFiles alive on it: OFD and flock locks go with the last. */
  users = 1;
  /**
   * The per-process OpenFiles alive on it, each with its process's file table (Vfs, identity
   * only): through which process an epoll registration of the description is polled.
   */
  readonly holders = new Map<OpenFile, object>();
  /**
   * OpenFiles whose process let go of the description while an epoll instance watched it and
   * another process still held it (Vfs.release): their objects are kept, uncounted in `users`,
   * so that the registration can still be polled from that process, until the description's
   * last holder lets go (Linux removes the registration only when the file itself closes).
   */
  readonly parked = new Map<OpenFile, { readonly owner: object; readonly domain: number }>();
  /** Epoll registrations of the description (sys/epoll.ts). */
  watchers = 0;
  /** The file position (a readdir cookie for directories). */
  pos = 0;
  dirCache: DirCache | undefined;
  /** F_SETOWN's owner (a pid, or a negated process group); F_SETSIG's signal; F_SET_RW_HINT's hint. */
  owner = 0;
  sig = 0;
  rwHint = 0;

  constructor(
    /** Unique in the machine ("pid.n" of the process that opened it): OFD and flock lock owner. */
    readonly name: string,
    /** Status flags and access mode, as F_GETFL reports them. */
    public flags: number,
  ) {}
}

export class OpenFile {
  /**
   * Descriptors of this process that name it: one more with each dup (`retain`), one less with
   * each close (Vfs.drop, which releases this process's part of the description at 0).
   */
  refs = 1;

  constructor(
    /** A number unique among the process's descriptions. */
    readonly id: number,
    readonly kind: FileKind,
    /** The shared description (position, status flags, owner). */
    readonly desc: Description,
    /** Where it was opened (undefined for a console with no device node). */
    readonly node: PNode | undefined,
    /** This process's handle on the server's open file (kinds file and dir). */
    readonly handle: Handle | undefined,
    /** The console stream (kind console). */
    readonly stream: Stream | undefined,
    /** The object of a pipe or eventfd (file-object.ts): this process's own. */
    readonly obj?: FileObject,
  ) {}

  /** One more descriptor of this process names it (dup); Vfs.drop undoes it. */
  retain(): this {
    this.refs++;
    return this;
  }

  /**
   * The same description in another process (fork), through that process's own handle and
   * object (FileObject.share made it for the child's domain).
   */
  forked(id: number, handle: Handle | undefined, obj?: FileObject): OpenFile {
    this.desc.users++;
    return new OpenFile(id, this.kind, this.desc, this.node, handle, this.stream, obj);
  }

  get pos(): number {
    return this.desc.pos;
  }
  set pos(v: number) {
    this.desc.pos = v;
  }
  get flags(): number {
    return this.desc.flags;
  }
  set flags(v: number) {
    this.desc.flags = v;
  }
  get dirCache(): DirCache | undefined {
    return this.desc.dirCache;
  }
  set dirCache(v: DirCache | undefined) {
    this.desc.dirCache = v;
  }
  get owner(): number {
    return this.desc.owner;
  }
  set owner(v: number) {
    this.desc.owner = v;
  }
  get sig(): number {
    return this.desc.sig;
  }
  set sig(v: number) {
    this.desc.sig = v;
  }
  get rwHint(): number {
    return this.desc.rwHint;
  }
  set rwHint(v: number) {
    this.desc.rwHint = v;
  }

  get readable(): boolean {
    const m = this.flags & O.ACCMODE;
    return this.kind !== "path" && (m === O.RDONLY || m === O.RDWR);
  }

  get writable(): boolean {
    const m = this.flags & O.ACCMODE;
    return this.kind !== "path" && (m === O.WRONLY || m === O.RDWR);
  }

  get nonblock(): boolean {
    return (this.flags & O.NONBLOCK) !== 0;
  }

  /** The server file identity (lock manager key): server number and ino. */
  get key(): string | undefined {
    return this.node === undefined ? undefined : `${this.node.mnt.root.server}:${this.node.ino}`;
  }
}
