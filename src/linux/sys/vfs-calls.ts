// The Linux personality's file system calls as system-call families (linux/syscalls/registry.ts),
// one per file: files (open/close/dup), rw (read/write/seek/copy), storage (size, sync, advice),
// fcntl (flags, locks), ioctl, dirs (names, directories, cwd/root), stat, attrs (access, chmod,
// chown, times) and xattr — each with what its handlers do not do yet.

import type { SyscallFamily } from "../syscalls/status.js";
import { ATTR_CALLS } from "./attrs.js";
import { DIR_CALLS } from "./dirs.js";
import { FCNTL_CALLS, FCNTL_PARTIAL } from "./fcntl.js";
import { FILE_CALLS } from "./files.js";
import { IOCTL_CALLS } from "./ioctl.js";
import { RW_CALLS } from "./rw.js";
import { STAT_CALLS } from "./stat.js";
import { STORAGE_CALLS } from "./storage.js";
import { XATTR_CALLS } from "./xattr.js";

const OPEN_GAPS = "O_TMPFILE: EOPNOTSUPP (no server can make unnamed files yet)";

export const VFS_FAMILIES: readonly SyscallFamily[] = [
  {
    name: "files", handlers: FILE_CALLS,
    partial: { open: OPEN_GAPS, openat: OPEN_GAPS, openat2: `${OPEN_GAPS}; RESOLVE_CACHED: always EAGAIN (every walk asks the servers)` },
  },
  { name: "rw", handlers: RW_CALLS },
  { name: "storage", handlers: STORAGE_CALLS, partial: { fallocate: "modes other than 0 and FALLOC_FL_KEEP_SIZE: EOPNOTSUPP (no server method for holes)" } },
  { name: "fcntl", handlers: FCNTL_CALLS, partial: FCNTL_PARTIAL },
  {
    name: "ioctl", handlers: IOCTL_CALLS,
    partial: { ioctl: "terminal commands on the console beyond TCGETS, TCSETS*, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP: EINVAL (the terminal issue); settings are kept, not applied to the host terminal" },
  },
  {
    name: "dirs", handlers: DIR_CALLS,
    partial: {
      renameat2: "RENAME_WHITEOUT: EINVAL (the servers have no whiteout entries)",
      getcwd: "a working directory that was removed is not marked \" (deleted)\"; a directory renamed after the walk keeps its old name in the path",
    },
  },
  { name: "stat", handlers: STAT_CALLS },
  { name: "attrs", handlers: ATTR_CALLS },
  { name: "xattr", handlers: XATTR_CALLS },
];
