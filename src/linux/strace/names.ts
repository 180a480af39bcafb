// The symbolic names --strace prints for flags and enumerations, in PowerPC's values where
// they differ from other architectures (open flags, MAP_NORESERVE/MAP_LOCKED, MCL_*, the
// terminal ioctls). consts.test.ts checks every value against the PowerPC headers by compiling
// a guest program that prints them.

/** [value, name] pairs; for flag sets, names of several bits come before their parts. */
export type Names = readonly (readonly [number, string])[];

/** The name of a value of an enumeration, or undefined. */
export function nameOf(v: number, names: Names): string | undefined {
  for (const [n, s] of names) if (n === v) return s;
  return undefined;
}

/** Flags as strace prints them: names joined by "|", unknown bits in hex; 0 is `zero`. */
export function flagsOf(v: number, names: Names, zero = "0"): string {
  let rest = v >>> 0;
  const out: string[] = [];
  for (const [bits, s] of names) {
    if (bits !== 0 && (rest & bits) >>> 0 === bits) {
      out.push(s);
      rest = (rest & ~bits) >>> 0;
    }
  }
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out.length === 0 ? zero : out.join("|");
}

/** open(2) flags beyond the access mode (asm/fcntl.h for powerpc over asm-generic/fcntl.h). */
export const OPEN_FLAGS: Names = [
  [0x40, "O_CREAT"], [0x80, "O_EXCL"], [0x100, "O_NOCTTY"], [0x200, "O_TRUNC"], [0x400, "O_APPEND"],
  [0x800, "O_NONBLOCK"], [0x101000, "O_SYNC"], [0x1000, "O_DSYNC"], [0x2000, "O_ASYNC"],
  [0x404000, "O_TMPFILE"], [0x4000, "O_DIRECTORY"], [0x8000, "O_NOFOLLOW"], [0x10000, "O_LARGEFILE"],
  [0x20000, "O_DIRECT"], [0x40000, "O_NOATIME"], [0x80000, "O_CLOEXEC"], [0x200000, "O_PATH"],
];

export const O_ACCMODE: Names = [[0, "O_RDONLY"], [1, "O_WRONLY"], [2, "O_RDWR"]];

/** Open flags with the access mode first: O_RDONLY|O_CLOEXEC. */
export function openFlags(v: number): string {
  const acc = nameOf(v & 3, O_ACCMODE) ?? "0x3";
  const rest = (v & ~3) >>> 0;
  return rest === 0 ? acc : `${acc}|${flagsOf(rest, OPEN_FLAGS)}`;
}

export const O_CREAT = 0x40;
export const O_TMPFILE = 0x404000;

export const PROT: Names = [
  [1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"], [8, "PROT_SEM"], [0x10, "PROT_SAO"],
  [0x01000000, "PROT_GROWSDOWN"], [0x02000000, "PROT_GROWSUP"],
];

export const MAP_TYPE: Names = [[1, "MAP_SHARED"], [2, "MAP_PRIVATE"], [3, "MAP_SHARED_VALIDATE"]];

export const MAP_FLAGS: Names = [
  [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"], [0x40, "MAP_NORESERVE"], [0x80, "MAP_LOCKED"],
  [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"], [0x1000, "MAP_EXECUTABLE"], [0x8000, "MAP_POPULATE"],
  [0x10000, "MAP_NONBLOCK"], [0x20000, "MAP_STACK"], [0x40000, "MAP_HUGETLB"], [0x80000, "MAP_SYNC"],
  [0x100000, "MAP_FIXED_NOREPLACE"], [0x4000000, "MAP_UNINITIALIZED"],
];

/** mmap flags: the mapping type, then the modifiers (MAP_PRIVATE|MAP_ANONYMOUS). */
export function mmapFlags(v: number): string {
  const type = nameOf(v & 0xf, MAP_TYPE) ?? `0x${(v & 0xf).toString(16)}`;
  const rest = (v & ~0xf) >>> 0;
  return rest === 0 ? type : `${type}|${flagsOf(rest, MAP_FLAGS)}`;
}

export const AT_FDCWD = -100;

export const AT_FLAGS: Names = [
  [0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, "AT_REMOVEDIR"], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"],
  [0x1000, "AT_EMPTY_PATH"], [0x2000, "AT_STATX_FORCE_SYNC"], [0x4000, "AT_STATX_DONT_SYNC"], [0x8000, "AT_RECURSIVE"],
];

/** faccessat2's flags, where 0x200 means AT_EACCESS. */
export const ACCESS_AT_FLAGS: Names = [[0x200, "AT_EACCESS"], [0x100, "AT_SYMLINK_NOFOLLOW"], [0x1000, "AT_EMPTY_PATH"]];

export const ACCESS_MODE: Names = [[4, "R_OK"], [2, "W_OK"], [1, "X_OK"]];

export const CLOCKS: Names = [
  [0, "CLOCK_REALTIME"], [1, "CLOCK_MONOTONIC"], [2, "CLOCK_PROCESS_CPUTIME_ID"], [3, "CLOCK_THREAD_CPUTIME_ID"],
  [4, "CLOCK_MONOTONIC_RAW"], [5, "CLOCK_REALTIME_COARSE"], [6, "CLOCK_MONOTONIC_COARSE"], [7, "CLOCK_BOOTTIME"],
  [8, "CLOCK_REALTIME_ALARM"], [9, "CLOCK_BOOTTIME_ALARM"], [11, "CLOCK_TAI"],
];

export const TIMER_FLAGS: Names = [[1, "TIMER_ABSTIME"]];

export const SIGNALS: Names = [
  [1, "SIGHUP"], [2, "SIGINT"], [3, "SIGQUIT"], [4, "SIGILL"], [5, "SIGTRAP"], [6, "SIGABRT"], [7, "SIGBUS"],
  [8, "SIGFPE"], [9, "SIGKILL"], [10, "SIGUSR1"], [11, "SIGSEGV"], [12, "SIGUSR2"], [13, "SIGPIPE"],
  [14, "SIGALRM"], [15, "SIGTERM"], [16, "SIGSTKFLT"], [17, "SIGCHLD"], [18, "SIGCONT"], [19, "SIGSTOP"],
  [20, "SIGTSTP"], [21, "SIGTTIN"], [22, "SIGTTOU"], [23, "SIGURG"], [24, "SIGXCPU"], [25, "SIGXFSZ"],
  [26, "SIGVTALRM"], [27, "SIGPROF"], [28, "SIGWINCH"], [29, "SIGIO"], [30, "SIGPWR"], [31, "SIGSYS"],
];

/** A signal number as strace names it: SIGTERM, SIGRTMIN, SIGRT_3; 0 stays 0. */
export function signalName(n: number): string {
  if (n === 32) return "SIGRTMIN";
  if (n > 32 && n <= 64) return `SIGRT_${n - 32}`;
  return nameOf(n, SIGNALS) ?? String(n);
}

export const WHENCE: Names = [[0, "SEEK_SET"], [1, "SEEK_CUR"], [2, "SEEK_END"], [3, "SEEK_DATA"], [4, "SEEK_HOLE"]];

export const FCNTL_CMDS: Names = [
  [0, "F_DUPFD"], [1, "F_GETFD"], [2, "F_SETFD"], [3, "F_GETFL"], [4, "F_SETFL"], [5, "F_GETLK"], [6, "F_SETLK"],
  [7, "F_SETLKW"], [8, "F_SETOWN"], [9, "F_GETOWN"], [10, "F_SETSIG"], [11, "F_GETSIG"], [12, "F_GETLK64"],
  [13, "F_SETLK64"], [14, "F_SETLKW64"], [15, "F_SETOWN_EX"], [16, "F_GETOWN_EX"],
  [36, "F_OFD_GETLK"], [37, "F_OFD_SETLK"], [38, "F_OFD_SETLKW"], [1024, "F_SETLEASE"], [1025, "F_GETLEASE"],
  [1026, "F_NOTIFY"], [1030, "F_DUPFD_CLOEXEC"], [1031, "F_SETPIPE_SZ"], [1032, "F_GETPIPE_SZ"],
  [1033, "F_ADD_SEALS"], [1034, "F_GET_SEALS"],
];

export const FD_FLAGS: Names = [[1, "FD_CLOEXEC"]];

/** The terminal and file ioctls programs issue at start-up (asm/ioctls.h for powerpc). */
export const IOCTLS: Names = [
  [0x402c7413, "TCGETS"], [0x802c7414, "TCSETS"], [0x802c7415, "TCSETSW"], [0x802c7416, "TCSETSF"],
  [0x40147417, "TCGETA"], [0x80147418, "TCSETA"], [0x80147419, "TCSETAW"], [0x8014741c, "TCSETAF"],
  [0x2000741d, "TCSBRK"], [0x2000741e, "TCXONC"], [0x2000741f, "TCFLSH"], [0x80087467, "TIOCSWINSZ"],
  [0x40087468, "TIOCGWINSZ"], [0x2000746e, "TIOCSTART"], [0x2000746f, "TIOCSTOP"], [0x40047473, "TIOCOUTQ"],
  [0x80047476, "TIOCSPGRP"], [0x40047477, "TIOCGPGRP"], [0x540c, "TIOCEXCL"], [0x540d, "TIOCNXCL"],
  [0x540e, "TIOCSCTTY"], [0x5412, "TIOCSTI"], [0x5422, "TIOCNOTTY"], [0x5429, "TIOCGSID"],
  [0x40045430, "TIOCGPTN"], [0x80045431, "TIOCSPTLCK"], [0x20006601, "FIOCLEX"], [0x20006602, "FIONCLEX"],
  [0x8004667d, "FIOASYNC"], [0x8004667e, "FIONBIO"], [0x4004667f, "FIONREAD"],
];

export const FUTEX_OPS: Names = [
  [0, "FUTEX_WAIT"], [1, "FUTEX_WAKE"], [2, "FUTEX_FD"], [3, "FUTEX_REQUEUE"], [4, "FUTEX_CMP_REQUEUE"],
  [5, "FUTEX_WAKE_OP"], [6, "FUTEX_LOCK_PI"], [7, "FUTEX_UNLOCK_PI"], [8, "FUTEX_TRYLOCK_PI"],
  [9, "FUTEX_WAIT_BITSET"], [10, "FUTEX_WAKE_BITSET"], [11, "FUTEX_WAIT_REQUEUE_PI"], [12, "FUTEX_CMP_REQUEUE_PI"],
  [13, "FUTEX_LOCK_PI2"],
];

/** A futex operation: FUTEX_WAIT_PRIVATE, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME. */
export function futexOp(v: number): string {
  const base = nameOf(v & 0x7f, FUTEX_OPS) ?? `0x${(v & 0x7f).toString(16)}`;
  const priv = (v & 0x80) !== 0 ? "_PRIVATE" : "";
  const rest = v & ~0xff;
  const rt = (v & 0x100) !== 0 ? "|FUTEX_CLOCK_REALTIME" : "";
  const more = (rest & ~0x100) !== 0 ? `|0x${((rest & ~0x100) >>> 0).toString(16)}` : "";
  return `${base}${priv}${rt}${more}`;
}

export const MADVICE: Names = [
  [0, "MADV_NORMAL"], [1, "MADV_RANDOM"], [2, "MADV_SEQUENTIAL"], [3, "MADV_WILLNEED"], [4, "MADV_DONTNEED"],
  [8, "MADV_FREE"], [9, "MADV_REMOVE"], [10, "MADV_DONTFORK"], [11, "MADV_DOFORK"], [12, "MADV_MERGEABLE"],
  [13, "MADV_UNMERGEABLE"], [14, "MADV_HUGEPAGE"], [15, "MADV_NOHUGEPAGE"], [16, "MADV_DONTDUMP"],
  [17, "MADV_DODUMP"], [18, "MADV_WIPEONFORK"], [19, "MADV_KEEPONFORK"], [20, "MADV_COLD"], [21, "MADV_PAGEOUT"],
  [22, "MADV_POPULATE_READ"], [23, "MADV_POPULATE_WRITE"], [100, "MADV_HWPOISON"], [101, "MADV_SOFT_OFFLINE"],
];

export const MREMAP_FLAGS: Names = [[1, "MREMAP_MAYMOVE"], [2, "MREMAP_FIXED"], [4, "MREMAP_DONTUNMAP"]];
export const MSYNC_FLAGS: Names = [[1, "MS_ASYNC"], [2, "MS_INVALIDATE"], [4, "MS_SYNC"]];
export const MLOCKALL_FLAGS: Names = [[0x2000, "MCL_CURRENT"], [0x4000, "MCL_FUTURE"], [0x8000, "MCL_ONFAULT"]];

export const RLIMITS: Names = [
  [0, "RLIMIT_CPU"], [1, "RLIMIT_FSIZE"], [2, "RLIMIT_DATA"], [3, "RLIMIT_STACK"], [4, "RLIMIT_CORE"],
  [5, "RLIMIT_RSS"], [6, "RLIMIT_NPROC"], [7, "RLIMIT_NOFILE"], [8, "RLIMIT_MEMLOCK"], [9, "RLIMIT_AS"],
  [10, "RLIMIT_LOCKS"], [11, "RLIMIT_SIGPENDING"], [12, "RLIMIT_MSGQUEUE"], [13, "RLIMIT_NICE"],
  [14, "RLIMIT_RTPRIO"], [15, "RLIMIT_RTTIME"],
];

export const GRND_FLAGS: Names = [[1, "GRND_NONBLOCK"], [2, "GRND_RANDOM"], [4, "GRND_INSECURE"]];
export const LOCK_OPS: Names = [[1, "LOCK_SH"], [2, "LOCK_EX"], [4, "LOCK_NB"], [8, "LOCK_UN"]];
export const SIGMASK_HOW: Names = [[0, "SIG_BLOCK"], [1, "SIG_UNBLOCK"], [2, "SIG_SETMASK"]];

export const PRCTL_OPTIONS: Names = [
  [1, "PR_SET_PDEATHSIG"], [2, "PR_GET_PDEATHSIG"], [3, "PR_GET_DUMPABLE"], [4, "PR_SET_DUMPABLE"],
  [11, "PR_GET_FPEXC"], [12, "PR_SET_FPEXC"], [15, "PR_SET_NAME"], [16, "PR_GET_NAME"], [22, "PR_SET_SECCOMP"],
  [23, "PR_CAPBSET_READ"], [29, "PR_SET_TIMERSLACK"], [30, "PR_GET_TIMERSLACK"], [35, "PR_SET_MM"],
  [36, "PR_SET_CHILD_SUBREAPER"], [37, "PR_GET_CHILD_SUBREAPER"], [38, "PR_SET_NO_NEW_PRIVS"],
  [39, "PR_GET_NO_NEW_PRIVS"], [41, "PR_SET_THP_DISABLE"], [42, "PR_GET_THP_DISABLE"], [0x53564d41, "PR_SET_VMA"],
];

/** File types of st_mode, as strace prints them. */
export const FILE_TYPES: Names = [
  [0o140000, "S_IFSOCK"], [0o120000, "S_IFLNK"], [0o100000, "S_IFREG"], [0o060000, "S_IFBLK"],
  [0o040000, "S_IFDIR"], [0o020000, "S_IFCHR"], [0o010000, "S_IFIFO"],
];

/** Every table with its name, for the test that compares them with the PowerPC headers. */
export const ALL_TABLES: Readonly<Record<string, Names>> = {
  OPEN_FLAGS, O_ACCMODE, PROT, MAP_TYPE, MAP_FLAGS, AT_FLAGS, ACCESS_AT_FLAGS, ACCESS_MODE, CLOCKS, TIMER_FLAGS,
  SIGNALS, WHENCE, FCNTL_CMDS, FD_FLAGS, IOCTLS, FUTEX_OPS, MADVICE, MREMAP_FLAGS, MSYNC_FLAGS, MLOCKALL_FLAGS,
  RLIMITS, GRND_FLAGS, LOCK_OPS, SIGMASK_HOW, PRCTL_OPTIONS, FILE_TYPES,
};
