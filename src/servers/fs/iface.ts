// The file-system server interface: what every file-system server (the host directory seen
// through a copy-on-write layer, tmpfs, devfs, procfs, sysfs) exports by PPC, and what the
// Linux personality's path walker and file descriptors call. A file system is a tree of nodes
// named by numbers (`ino`, unique within one server); the client walks paths one component at
// a time (lookup), crosses mount points with the name-space server's table, and resolves
// symbolic links itself, inside the process's root. A server never sees a path with more than
// one component, so nothing it is asked can name a node outside its tree.
//
// Two kinds of handle reach a server: its root handle (well-known, slot 1, every domain may
// call the tree methods through it), and open-file handles made by `open`, owned by the domain
// that opened them (another domain's call through one is refused by the PPC dispatcher), which
// name one open file (its clientData is the server's open-file number). Errors are errnos:
// the server throws ServerErrno(errno), the caller's PPCError has `.errno`. Any other exception
// is a server fault: the caller sees EIO and the server restarts.
//
// Numbers beyond 32 bits (offsets, sizes, inode numbers, times) are f64: exact to 2^53.
// Names and symbolic-link contents are byte strings carried as JS strings of one character per
// byte (latin1), never decoded as UTF-8: names.ts has bytesToWire/wireToBytes.

import { defineInterface, method, Rights } from "../../kernel/ppc/iface.js";
import { bool, bytes, f64, handle, json, none, string, u32 } from "../../kernel/ppc/values.js";
import type { Json } from "../../kernel/ppc/values.js";

/** Node types, as the type bits of st_mode (S_IFMT). */
export const enum NodeType {
  Fifo = 0o010000,
  Chr = 0o020000,
  Dir = 0o040000,
  Blk = 0o060000,
  Reg = 0o100000,
  Lnk = 0o120000,
  Sock = 0o140000,
}
export const S_IFMT = 0o170000;

/** [seconds, nanoseconds] since 1970. */
export type Time = [number, number];

/** A node's attributes: what stat reports (st_dev is the mount's, given by the client). */
export interface Attr {
  ino: number;
  /** Type bits and permission bits (st_mode). */
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: number;
  /** 512-byte blocks. */
  blocks: number;
  blksize: number;
  /** Device number of a Chr/Blk node: major << 8 | minor (Linux's old_encode_dev for small numbers). */
  rdev: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  btime: Time;
}

/** The caller's credentials, checked by the server as Linux's permission checks would. */
export interface Cred {
  uid: number;
  gid: number;
  /** Supplementary groups. */
  groups: number[];
  /** Linux: CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN hold for uid 0. */
}

/** setattr's changes; absent fields stay. Times: a Time, or "now". */
export interface SetAttr {
  mode?: number;
  uid?: number;
  gid?: number;
  size?: number;
  atime?: Time | "now";
  mtime?: Time | "now";
}

/** One directory entry: name, ino, type (NodeType), and the cookie that continues after it. */
export type Dirent = [name: string, ino: number, type: number, next: number];

export interface DirPage {
  entries: Dirent[];
  /** True when no entry follows the last one. */
  eof: boolean;
}

export interface StatFs {
  /** f_type (e.g. TMPFS_MAGIC 0x01021994, PROC_SUPER_MAGIC 0x9fa0, EXT4 0xef53). */
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
  frsize: number;
  /** ST_RDONLY 1, ST_NOSUID 2, ST_NODEV 4, ST_NOEXEC 8, … */
  flags: number;
}

/** What a write did: bytes written, and the file offset after them (for O_APPEND). */
export interface WriteResult {
  n: number;
  end: number;
}

/** Open flags a server looks at (Linux's values; the personality translates ppc32's too). */
export const enum OpenFlag {
  Access = 3,
  RdOnly = 0,
  WrOnly = 1,
  RdWr = 2,
  Trunc = 0o1000,
  Append = 0o2000,
  NonBlock = 0o4000,
  Directory = 0o40000,
  NoFollow = 0o100000,
  Path = 0o10000000,
}

/** Rights on open-file handles: what the open's access mode allowed. */
export const FileRights = { Read: Rights.Read, Write: Rights.Write, Close: Rights.Close } as const;

export const FileSystemIface = defineInterface("FileSystem", {
  // ---- the tree (through the root handle) ----
  /** The root directory's ino. */
  root: method([], f64),
  statfs: method([], json),
  /** The node `name` in directory `dir` (EACCES without search permission, ENOTDIR, ENOENT). */
  lookup: method([f64, string, json], json),
  getattr: method([f64], json),
  /** chmod/chown/truncate/utimens (permission checks on `cred`); the new attributes. */
  setattr: method([f64, json, json], json),
  readlink: method([f64], string),
  /** Entries of `dir` from `cookie` (0: the start, "." and ".." included), at most `max` of them. */
  readdir: method([f64, f64, u32, json], json),
  /** create(dir, name, mode, exclusive, cred): a regular file (EEXIST if it exists and exclusive). */
  create: method([f64, string, u32, bool, json], json),
  mkdir: method([f64, string, u32, json], json),
  /** mknod(dir, name, mode, rdev, cred): FIFOs and sockets; devices EPERM unless uid 0. */
  mknod: method([f64, string, u32, u32, json], json),
  symlink: method([f64, string, string, json], json),
  /** link(ino, dir, name, cred) */
  link: method([f64, f64, string, json], json),
  unlink: method([f64, string, json], none),
  rmdir: method([f64, string, json], none),
  /** rename(olddir, oldname, newdir, newname, flags: RENAME_NOREPLACE 1 | EXCHANGE 2, cred) */
  rename: method([f64, string, f64, string, u32, json], none),
  /** open(ino, flags, cred): a handle naming the open file, owned by the caller's domain. */
  open: method([f64, u32, json], handle),
  getxattr: method([f64, string], bytes),
  listxattr: method([f64], json),
  setxattr: method([f64, string, bytes, u32, json], none),
  removexattr: method([f64, string, json], none),

  // ---- one open file (through the handle `open` returned) ----
  /** read(offset, count): fewer bytes only at the end of the file. */
  read: method([f64, u32], bytes, Rights.Read),
  /** write(offset, data, append): with append the data goes at the end, atomically. */
  write: method([f64, bytes, bool], json, Rights.Write),
  /** The open file's node's attributes (fstat). */
  fgetattr: method([], json),
  fsync: method([], none),
  /** Close the open file: the handle is revoked. */
  close: method([], none, Rights.Close),
  /**
   * share(domain): another handle on the same open file, owned by `domain`, with the rights of
   * this one (K42's giveAccess: a forked process's copy of a descriptor). The open file ends
   * when its last handle is closed.
   */
  share: method([u32], handle, Rights.Close),
  /**
   * ftruncate(size): the open file's new attributes. Unlike setattr's size (truncate by path,
   * which needs write permission on the node now), it needs only the open's write access, and
   * always sets mtime and ctime (Linux's ATTR_MTIME | ATTR_CTIME).
   */
  ftruncate: method([f64], json, Rights.Write),
});

export type FileSystemStub = import("../../kernel/ppc/iface.js").Stub<typeof FileSystemIface>;

/** Json views of the structures above (the wire carries json; these are their shapes). */
export const asJson = <T>(v: T): Json => v as unknown as Json;

/** One mount: where, which server's tree (its root handle), and how. */
export interface Mount {
  /** Absolute guest path of the mount point, canonical ("/" or "/a/b", no trailing slash). */
  path: string;
  /** The file-system server's root handle. */
  server: number;
  xh: number;
  /** "ext4" (the host root), "tmpfs", "devtmpfs", "proc", "sysfs", "bind", … */
  fstype: string;
  /** What /proc/mounts shows as the source ("/dev/root", "tmpfs", "proc", a host path, …). */
  source: string;
  /** MS_RDONLY 1, MS_NOSUID 2, MS_NODEV 4, MS_NOEXEC 8 */
  flags: number;
  /** st_dev of every node under this mount. */
  dev: number;
}

/** The name-space server: the mount table (clients cache it, keyed by its generation). */
export const NameSpaceIface = defineInterface("NameSpace", {
  /** { generation, mounts: Mount[] } */
  mounts: method([], json),
  generation: method([], u32),
  /** mount(Mount) over an existing directory; only the domain that owns the root handle. */
  mount: method([json], none, Rights.Control),
});
