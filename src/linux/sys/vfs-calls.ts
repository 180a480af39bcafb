// The Linux personality's file system calls, by name (asm/unistd_64.h and unistd_32.h), from
// their families' files: files (open/close/dup), rw (read/write/seek/copy), storage (size,
// sync, advice), fcntl (flags, locks), ioctl, dirs (names, directories, cwd/root), stat,
// attrs (access, chmod, chown, times) and xattr.

import type { Handler } from "../bringup/syscalls.js";
import { attrCalls } from "./attrs.js";
import { DIR_CALLS } from "./dirs.js";
import { fcntlCalls } from "./fcntl.js";
import { FILE_CALLS } from "./files.js";
import { IOCTL_CALLS } from "./ioctl.js";
import { RW_CALLS, RW_CALLS_32 } from "./rw.js";
import { STAT_CALLS } from "./stat.js";
import { STORAGE_CALLS } from "./storage.js";
import { XATTR_CALLS } from "./xattr.js";

/** Every file system call of this personality for a 64-bit or 32-bit process, by name. */
export function vfsCalls(is64: boolean): Record<string, Handler> {
  return {
    ...FILE_CALLS, ...RW_CALLS, ...(is64 ? {} : RW_CALLS_32), ...STORAGE_CALLS, ...fcntlCalls(is64), ...IOCTL_CALLS,
    ...DIR_CALLS, ...STAT_CALLS, ...attrCalls(is64), ...XATTR_CALLS,
  };
}

export const VFS_NR_64: Readonly<Record<string, number>> = {
  read: 3, write: 4, open: 5, close: 6, creat: 8, link: 9, unlink: 10, chdir: 12, mknod: 14, chmod: 15,
  lchown: 16, lseek: 19, utime: 30, access: 33, sync: 36, rename: 38, mkdir: 39, rmdir: 40, dup: 41,
  ioctl: 54, fcntl: 55, umask: 60, chroot: 61, dup2: 63, symlink: 83, readlink: 85, truncate: 92,
  ftruncate: 93, fchmod: 94, fchown: 95, statfs: 99, fstatfs: 100, stat: 106, lstat: 107, fstat: 108,
  fsync: 118, fchdir: 133, _llseek: 140, getdents: 141, flock: 143, readv: 145, writev: 146, fdatasync: 148,
  pread64: 179, pwrite64: 180, chown: 181, getcwd: 182, sendfile: 186, readahead: 191, getdents64: 202,
  setxattr: 209, lsetxattr: 210, fsetxattr: 211, getxattr: 212, lgetxattr: 213, fgetxattr: 214,
  listxattr: 215, llistxattr: 216, flistxattr: 217, removexattr: 218, lremovexattr: 219, fremovexattr: 220,
  fadvise64: 233, utimes: 251, statfs64: 252, fstatfs64: 253, openat: 286, mkdirat: 287, mknodat: 288,
  fchownat: 289, futimesat: 290, newfstatat: 291, unlinkat: 292, renameat: 293, linkat: 294, symlinkat: 295,
  readlinkat: 296, fchmodat: 297, faccessat: 298, utimensat: 304, fallocate: 309, dup3: 316, preadv: 320,
  pwritev: 321, syncfs: 348, renameat2: 357, copy_file_range: 379, preadv2: 380, pwritev2: 381, statx: 383,
  close_range: 436, openat2: 437, faccessat2: 439,
};

export const VFS_NR_32: Readonly<Record<string, number>> = {
  read: 3, write: 4, open: 5, close: 6, creat: 8, link: 9, unlink: 10, chdir: 12, mknod: 14, chmod: 15,
  lchown: 16, lseek: 19, utime: 30, access: 33, sync: 36, rename: 38, mkdir: 39, rmdir: 40, dup: 41,
  ioctl: 54, fcntl: 55, umask: 60, chroot: 61, dup2: 63, symlink: 83, readlink: 85, truncate: 92,
  ftruncate: 93, fchmod: 94, fchown: 95, statfs: 99, fstatfs: 100, stat: 106, lstat: 107, fstat: 108,
  fsync: 118, fchdir: 133, _llseek: 140, getdents: 141, flock: 143, readv: 145, writev: 146, fdatasync: 148,
  pread64: 179, pwrite64: 180, chown: 181, getcwd: 182, sendfile: 186, readahead: 191, truncate64: 193,
  ftruncate64: 194, stat64: 195, lstat64: 196, fstat64: 197, getdents64: 202, fcntl64: 204, setxattr: 209,
  lsetxattr: 210, fsetxattr: 211, getxattr: 212, lgetxattr: 213, fgetxattr: 214, listxattr: 215,
  llistxattr: 216, flistxattr: 217, removexattr: 218, lremovexattr: 219, fremovexattr: 220, sendfile64: 226,
  fadvise64: 233, utimes: 251, statfs64: 252, fstatfs64: 253, fadvise64_64: 254, openat: 286, mkdirat: 287,
  mknodat: 288, fchownat: 289, futimesat: 290, fstatat64: 291, unlinkat: 292, renameat: 293, linkat: 294,
  symlinkat: 295, readlinkat: 296, fchmodat: 297, faccessat: 298, utimensat: 304, fallocate: 309, dup3: 316,
  preadv: 320, pwritev: 321, syncfs: 348, renameat2: 357, copy_file_range: 379, preadv2: 380, pwritev2: 381,
  statx: 383, utimensat_time64: 412, close_range: 436, openat2: 437, faccessat2: 439,
};
