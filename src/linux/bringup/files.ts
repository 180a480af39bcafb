// The bring-up runner's file descriptors: 0, 1 and 2 are the standard streams; open() gives
// read-only access to host files (the guest sees the host's file system, relative paths from
// the host's working directory). Nothing can be written or created: the bring-up runner has
// no file system of its own, and it never writes outside what it was allowed to (EROFS) —
// except host files a test names (`writable`), which may be opened read-write so that a
// shared mapping can write them back (write() itself stays refused).
// The Linux personality replaces this with file servers and a guest root.

import { closeSync, fstatSync, openSync, readSync, constants as fsc, type Stats } from "node:fs";
import { resolve } from "node:path";

/** PowerPC open(2) flags (asm/fcntl.h; O_DIRECTORY, O_NOFOLLOW, O_LARGEFILE differ from x86). */
export const enum OFlag {
  ACCMODE = 3,
  RDONLY = 0,
  WRONLY = 1,
  RDWR = 2,
  CREAT = 0x40,
  EXCL = 0x80,
  TRUNC = 0x200,
  APPEND = 0x400,
  NONBLOCK = 0x800,
  DIRECTORY = 0x4000,
  NOFOLLOW = 0x8000,
  LARGEFILE = 0x10000,
  CLOEXEC = 0x80000,
  PATH = 0x200000,
}

const ERRNO: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17,
  ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EMFILE: 24, ENAMETOOLONG: 36, ELOOP: 40, EROFS: 30,
};

/** The Linux errno of a host error (EIO when unknown). */
export function errnoOf(e: unknown): number {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return (code !== undefined ? ERRNO[code] : undefined) ?? ERRNO.EIO;
}

interface OpenFile {
  hostFd: number;
  /** Flags as fcntl(F_GETFL) reports them. */
  flags: number;
  cloexec: boolean;
  pos: number;
  /** Host fd is ours to close (not a standard stream). */
  owned: boolean;
  /** The host path it was opened by ("" for the standard streams). */
  path: string;
  refs: { n: number };
}

export class FileTable {
  private readonly files = new Map<number, OpenFile>();

  /** `writable`: absolute host paths that may be opened O_RDWR (tests of shared file mappings). */
  constructor(is64: boolean, private readonly writable: ReadonlySet<string> = new Set()) {
    const large = is64 ? OFlag.LARGEFILE : 0;
    const std = (hostFd: number, flags: number): OpenFile => ({ hostFd, flags: flags | large, cloexec: false, pos: 0, owned: false, path: "", refs: { n: 1 } });
    this.files.set(0, std(0, OFlag.RDONLY));
    this.files.set(1, std(1, OFlag.WRONLY));
    this.files.set(2, std(2, OFlag.WRONLY));
  }

  /** Is `fd` the machine's console input (the host's standard input, read through the kernel)? */
  isConsoleIn(fd: number): boolean {
    const f = this.files.get(fd);
    return f !== undefined && !f.owned && f.hostFd === 0;
  }

  has(fd: number): boolean {
    return this.files.has(fd);
  }

  private lowestFree(from = 0): number {
    let fd = from;
    while (this.files.has(fd)) fd++;
    return fd;
  }

  /** open(path, flags): a read-only host file (read-write if `writable` names it); returns the fd or -errno. */
  open(path: string, flags: number, is64: boolean): number {
    const rw = (flags & OFlag.ACCMODE) === OFlag.RDWR && this.writable.has(resolve(path));
    if (((flags & OFlag.ACCMODE) !== OFlag.RDONLY && !rw) || (flags & (OFlag.CREAT | OFlag.TRUNC)) !== 0) return -ERRNO.EROFS;
    if (path.length === 0) return -ERRNO.ENOENT;
    if (this.files.size >= 1024) return -ERRNO.EMFILE;
    let hostFd: number;
    try {
      hostFd = openSync(path, (rw ? fsc.O_RDWR : fsc.O_RDONLY) | ((flags & OFlag.NOFOLLOW) !== 0 ? fsc.O_NOFOLLOW : 0) | ((flags & OFlag.DIRECTORY) !== 0 ? fsc.O_DIRECTORY : 0));
    } catch (e) {
      return -errnoOf(e);
    }
    const fd = this.lowestFree();
    const keep = flags & (OFlag.ACCMODE | OFlag.APPEND | OFlag.NONBLOCK | OFlag.DIRECTORY | OFlag.NOFOLLOW);
    this.files.set(fd, { hostFd, flags: keep | (is64 ? OFlag.LARGEFILE : flags & OFlag.LARGEFILE), cloexec: (flags & OFlag.CLOEXEC) !== 0, pos: 0, owned: true, path: resolve(path), refs: { n: 1 } });
    return fd;
  }

  close(fd: number): number {
    const f = this.files.get(fd);
    if (f === undefined) return -ERRNO.EBADF;
    this.files.delete(fd);
    if (--f.refs.n === 0 && f.owned) closeSync(f.hostFd);
    return 0;
  }

  /** Read up to len bytes at the file position (or at `at` for pread). */
  read(fd: number, len: number, at?: number): Uint8Array | number {
    const f = this.files.get(fd);
    if (f === undefined || (f.flags & OFlag.ACCMODE) === OFlag.WRONLY) return -ERRNO.EBADF;
    const buf = new Uint8Array(Math.min(len, 1 << 24));
    try {
      const n = readSync(f.hostFd, buf, 0, buf.length, f.owned ? at ?? f.pos : null);
      if (at === undefined && f.owned) f.pos += n;
      return buf.subarray(0, n);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  lseek(fd: number, off: number, whence: number): number {
    const f = this.files.get(fd);
    if (f === undefined) return -ERRNO.EBADF;
    if (!f.owned) return -29; // ESPIPE: the standard streams are not seekable here
    let base: number;
    if (whence === 0) base = 0;
    else if (whence === 1) base = f.pos;
    else if (whence === 2) base = fstatSync(f.hostFd).size;
    else return -ERRNO.EINVAL;
    const pos = base + off;
    if (pos < 0) return -ERRNO.EINVAL;
    f.pos = pos;
    return pos;
  }

  stat(fd: number): Stats | number {
    const f = this.files.get(fd);
    if (f === undefined) return -ERRNO.EBADF;
    try {
      return fstatSync(f.hostFd);
    } catch (e) {
      return -errnoOf(e);
    }
  }

  /** fcntl: F_DUPFD(_CLOEXEC), F_GETFD, F_SETFD, F_GETFL, F_SETFL. */
  fcntl(fd: number, cmd: number, arg: number): number {
    const f = this.files.get(fd);
    if (f === undefined) return -ERRNO.EBADF;
    switch (cmd) {
      case 0: // F_DUPFD
      case 1030: { // F_DUPFD_CLOEXEC
        if (arg < 0 || arg >= 1024) return -ERRNO.EINVAL;
        const nfd = this.lowestFree(arg);
        f.refs.n++;
        this.files.set(nfd, { ...f, cloexec: cmd === 1030 });
        return nfd;
      }
      case 1: return f.cloexec ? 1 : 0; // F_GETFD
      case 2: f.cloexec = (arg & 1) !== 0; return 0; // F_SETFD
      case 3: return f.flags; // F_GETFL
      case 4: // F_SETFL: only O_APPEND and O_NONBLOCK can change
        f.flags = (f.flags & ~(OFlag.APPEND | OFlag.NONBLOCK)) | (arg & (OFlag.APPEND | OFlag.NONBLOCK));
        return 0;
      default:
        return -ERRNO.EINVAL;
    }
  }

  /** The host file behind `fd` (a file open() gave), for a test's mmap hook; undefined for the standard streams. */
  hostFile(fd: number): { hostFd: number; flags: number; path: string } | undefined {
    const f = this.files.get(fd);
    return f === undefined || !f.owned ? undefined : { hostFd: f.hostFd, flags: f.flags, path: f.path };
  }

  closeAll(): void {
    for (const fd of [...this.files.keys()]) this.close(fd);
  }
}
