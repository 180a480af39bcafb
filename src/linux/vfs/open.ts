// open(2) as Linux's path_openat does it, over the walker and the file servers:
//
//   1. Without O_CREAT: walk the whole path (a final symlink followed unless O_NOFOLLOW, which
//      is then ELOOP — or the link itself with O_PATH).
//      With O_CREAT: walk to the parent, look the last name up; absent → create it (mode less
//      the umask; exclusive, so a concurrent creator is noticed and the lookup repeated); a
//      symlink → EEXIST with O_EXCL, ELOOP with O_NOFOLLOW, else follow it and repeat — which
//      creates the target of a dangling link, as Linux does; a directory → EISDIR.
//   2. Check the node: O_DIRECTORY needs a directory; a directory refuses write access and
//      O_TRUNC (EISDIR); a socket is ENXIO; a FIFO is an end of its pipe (pipe-file.ts, which
//      waits for the other side as Linux's fifo_open does); device nodes
//      on a nodev mount are EACCES; write access on a read-only mount is EROFS.
//   3. Make the open file: O_PATH → a path file (no server open); a directory → a dir file
//      (read permission checked here: its reads are readdir tree calls); the console's device
//      numbers (5:0 /dev/tty, 5:1 /dev/console) → a console file; anything else → the server's
//      open (which checks permission and truncates), except that a file this call created is
//      opened without a permission check, as Linux does (open("f", O_CREAT|O_RDWR, 0444) works).

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { NodeType, S_IFMT, asJson, type Cred } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { DEV_CONSOLE, DEV_TTY, Stream } from "./console.js";
import { fsc } from "./fs-call.js";
import { openFifo } from "./pipe-file.js";
import { asAttr } from "./mounts.js";
import { O, O_PATH_FLAGS, type OpenFile } from "./open-file.js";
import { MAY_READ, isDir, isLink, permits } from "./perm.js";
import { MS_NODEV, MS_RDONLY, PNode } from "./pnode.js";
import type { Vfs } from "./vfs.js";
import type { Found, Restrict, Walk } from "./walk.js";

const ROOT: Cred = { uid: 0, gid: 0, groups: [] };

export interface OpenRequest {
  readonly dirfd: number;
  readonly path: string;
  readonly flags: number;
  readonly mode: number;
  /** openat2's restrictions. */
  readonly restrict?: Restrict;
}

/** Open a file for the process: the new descriptor (the lowest free one), or SysError. */
export function* openFile(k: Kernel, v: Vfs, cred: Cred, req: OpenRequest): Generator<Block, number, unknown> {
  let flags = req.flags;
  if ((flags & O.PATH) !== 0) flags &= O_PATH_FLAGS;
  if ((flags & O.TMPFILE) !== 0) {
    // Unnamed temporary files need server support the interface does not have yet.
    throw new SysError(E.EOPNOTSUPP, "O_TMPFILE");
  }
  const w = yield* v.walk(k, cred, req.restrict);
  const start = yield* v.dirStart(w, req.dirfd, req.path);
  const { found, created } = (flags & O.CREAT) !== 0
    ? yield* openCreate(w, v, cred, start, req.path, flags, req.mode)
    : { found: yield* walkExisting(w, start, req.path, flags), created: false };
  const file = yield* makeFile(k, v, cred, found, flags, created);
  const fd = v.fds.alloc(file, (req.flags & O.CLOEXEC) !== 0);
  if (fd < 0) {
    yield* v.release(k, file);
    throw new SysError(-fd);
  }
  return fd;
}

function* walkExisting(w: Walk, start: PNode, path: string, flags: number): Generator<Block, Found, unknown> {
  const nofollow = (flags & O.NOFOLLOW) !== 0;
  const f = yield* w.resolve(start, path, !nofollow);
  if (isLink(f.attr) && (flags & O.PATH) === 0) throw new SysError(E.ELOOP);
  return f;
}

function* openCreate(w: Walk, v: Vfs, cred: Cred, start: PNode, path: string, flags: number, mode: number): Generator<Block, { found: Found; created: boolean }, unknown> {
  let p = yield* w.parent(start, path);
  for (;;) {
    if (p.trailing || p.name === "" || p.name === "." || p.name === "..") throw new SysError(E.EISDIR);
    let f: Found | undefined;
    try {
      f = yield* w.child(p.dir, p.name);
    } catch (e) {
      if (!(e instanceof SysError) || e.errno !== E.ENOENT) throw e;
    }
    if (f === undefined) {
      if ((p.dir.mnt.flags & MS_RDONLY) !== 0) throw new SysError(E.EROFS);
      try {
        const a = asAttr(yield* fsc(v.stubs.tree(w.k, p.dir.mnt.root).create(p.dir.ino, p.name, (mode & 0o7777 & ~v.umask) >>> 0, true, asJson(cred))));
        return { found: { node: new PNode(p.dir, p.name, p.dir.mnt, a.ino), attr: a }, created: true };
      } catch (e) {
        if (e instanceof SysError && e.errno === E.EEXIST && (flags & O.EXCL) === 0) continue; // created meanwhile: look again
        throw e;
      }
    }
    if ((flags & O.EXCL) !== 0) throw new SysError(E.EEXIST);
    if (isLink(f.attr)) {
      if ((flags & O.NOFOLLOW) !== 0) throw new SysError(E.ELOOP);
      const target = yield* w.linkTarget(f.node);
      if (typeof target !== "string") return { found: { node: target.node, attr: yield* w.getattr(target.node), ...(target.file !== undefined ? { file: target.file } : {}) }, created: false };
      p = yield* w.parent(target.startsWith("/") ? v.root : p.dir, target);
      continue;
    }
    if (isDir(f.attr)) throw new SysError(E.EISDIR);
    return { found: f, created: false };
  }
}

function* makeFile(k: Kernel, v: Vfs, cred: Cred, f: Found, flags: number, created: boolean): Generator<Block, OpenFile, unknown> {
  const a = f.attr;
  const type = a.mode & S_IFMT;
  const acc = flags & O.ACCMODE;
  const large = (flags & O.PATH) !== 0 ? 0 : O.LARGEFILE;
  // What F_GETFL shows: open's flags less the ones that only acted at open time.
  const keep = (flags & ~(O.CREAT | O.EXCL | O.NOCTTY | O.TRUNC | O.CLOEXEC)) | large;
  if ((flags & O.PATH) !== 0) return v.newFile("path", keep, f.node, undefined);
  if ((flags & O.DIRECTORY) !== 0 && type !== NodeType.Dir) throw new SysError(E.ENOTDIR);
  // Access mode 3 is Linux's "ioctl only": read and write permission are checked, neither is granted.
  const wantsWrite = acc !== O.RDONLY || (flags & O.TRUNC) !== 0;
  switch (type) {
    case NodeType.Dir: {
      if (wantsWrite) throw new SysError(E.EISDIR);
      if (!permits(a, cred, MAY_READ)) throw new SysError(E.EACCES);
      return v.newFile("dir", keep, f.node, undefined);
    }
    case NodeType.Sock:
      throw new SysError(E.ENXIO);
    case NodeType.Fifo:
      return yield* openFifo(k, v, cred, f, flags, keep);
    case NodeType.Chr:
    case NodeType.Blk:
      if ((f.node.mnt.flags & MS_NODEV) !== 0) throw new SysError(E.EACCES);
      if (type === NodeType.Chr && v.devices !== undefined) {
        const dev = yield* v.devices.open(k, v, cred, f, flags, keep);
        if (dev !== undefined) return dev;
      }
      if (type === NodeType.Chr && (a.rdev === DEV_TTY || a.rdev === DEV_CONSOLE)) {
        if (a.rdev === DEV_TTY && !v.console.isTty(Stream.Device)) throw new SysError(E.ENXIO); // no controlling terminal
        return v.newFile("console", keep, f.node, undefined, Stream.Device);
      }
      break;
    default:
      break;
  }
  if (wantsWrite && (f.node.mnt.flags & MS_RDONLY) !== 0) throw new SysError(E.EROFS);
  const sflags = (acc === 3 ? O.RDWR : acc) | (flags & (O.TRUNC | O.APPEND | O.NONBLOCK));
  const h = yield* fsc(v.stubs.tree(k, f.node.mnt.root).open(f.node.ino, sflags, asJson(created ? ROOT : cred)));
  return v.newFile("file", keep, f.node, h);
}
