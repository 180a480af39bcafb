// What a file system does, below the PPC layer: the operations of FileSystemIface on plain
// values, checked and carried out on the caller's credentials. Each file system (memfs-based
// tmpfs, devfs and hostfs, the host pass-through of read-write binds) implements it once, as
// one shared state; server.ts adapts it to PPC on every dispatcher processor. Failures throw
// ServerErrno (errno.ts fail()).

import type { Attr, Cred, DirPage, SetAttr, StatFs, WriteResult } from "./iface.js";

/** One open file (what an open-file handle names). */
export interface OpenFile {
  /** Bytes at `pos`: fewer than `count` only at the end of the file. */
  read(pos: number, count: number): Uint8Array;
  /** Write at `pos`, or at the end (atomically) with `append`. */
  write(pos: number, data: Uint8Array, append: boolean): WriteResult;
  getattr(): Attr;
  /** ftruncate: no permission check beyond the open's write access. */
  truncate(size: number): Attr;
  fsync(): void;
  /** The last use: the node may go if it was unlinked. */
  close(): void;
}

export interface FileSystemOps {
  rootIno(): number;
  statfs(): StatFs;
  lookup(dir: number, name: string, cred: Cred): Attr;
  getattr(ino: number): Attr;
  setattr(ino: number, set: SetAttr, cred: Cred): Attr;
  readlink(ino: number): string;
  readdir(dir: number, cookie: number, max: number, cred: Cred): DirPage;
  create(dir: number, name: string, mode: number, exclusive: boolean, cred: Cred): Attr;
  mkdir(dir: number, name: string, mode: number, cred: Cred): Attr;
  mknod(dir: number, name: string, mode: number, rdev: number, cred: Cred): Attr;
  symlink(dir: number, name: string, target: string, cred: Cred): Attr;
  link(ino: number, dir: number, name: string, cred: Cred): Attr;
  unlink(dir: number, name: string, cred: Cred): void;
  rmdir(dir: number, name: string, cred: Cred): void;
  rename(olddir: number, oldname: string, newdir: number, newname: string, flags: number, cred: Cred): void;
  open(ino: number, flags: number, cred: Cred): OpenFile;
  getxattr(ino: number, name: string): Uint8Array;
  listxattr(ino: number): string[];
  setxattr(ino: number, name: string, value: Uint8Array, flags: number, cred: Cred): void;
  removexattr(ino: number, name: string, cred: Cred): void;
}

export const RENAME_NOREPLACE = 1;
export const RENAME_EXCHANGE = 2;
export const XATTR_CREATE = 1;
export const XATTR_REPLACE = 2;

/** statfs flags (ST_*). */
export const ST_RDONLY = 1;
export const ST_NOSUID = 2;
export const ST_NODEV = 4;
export const ST_NOEXEC = 8;
export const ST_NOATIME = 1024;
export const ST_RELATIME = 4096;

/** Mount flags (MS_*) of the name space's table. */
export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_NOATIME = 1024;
export const MS_RELATIME = 1 << 21;
