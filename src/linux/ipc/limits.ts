// System V IPC's constants as Linux has them: the flags and commands of the calls
// (uapi/linux/ipc.h, shm.h, sem.h, msg.h) and the limits of a fresh IPC namespace — Linux's
// defaults, which its sysctls (kernel.shmmax, kernel.sem, kernel.msgmnb, ...) start from. The
// emulated kernel is a 64-bit one: a 32-bit process sees the same limits (IPC_INFO's structure
// of a 32-bit process clamps them as Linux's compat layer does).

/** The key that always makes a new object (and that no lookup by key finds). */
export const IPC_PRIVATE = 0;

// Flags of the *get calls and of semop/msgsnd/msgrcv (octal, as the headers write them).
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;

// Commands common to the *ctl calls.
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const IPC_INFO = 3;
/** The "new layout" flag a caller of ipc() (or an old-style *ctl) ORs into the command. */
export const IPC_64 = 0x100;

// shmctl's own commands, and shmget/shmat flags.
export const SHM_LOCK = 11;
export const SHM_UNLOCK = 12;
export const SHM_STAT = 13;
export const SHM_INFO = 14;
export const SHM_STAT_ANY = 15;
export const SHM_HUGETLB = 0o4000;
export const SHM_NORESERVE = 0o10000;
export const SHM_RDONLY = 0o10000;
export const SHM_RND = 0o20000;
export const SHM_REMAP = 0o40000;
export const SHM_EXEC = 0o100000;
/** Mode bits IPC_STAT shows: the segment is marked for removal / locked in memory. */
export const SHM_DEST = 0o1000;
export const SHM_LOCKED = 0o2000;

// semctl's commands and semop's flag.
export const GETPID = 11;
export const GETVAL = 12;
export const GETALL = 13;
export const GETNCNT = 14;
export const GETZCNT = 15;
export const SETVAL = 16;
export const SETALL = 17;
export const SEM_STAT = 18;
export const SEM_INFO = 19;
export const SEM_STAT_ANY = 20;
export const SEM_UNDO = 0x1000;

// msgctl's commands and msgrcv's flags.
export const MSG_STAT = 11;
export const MSG_INFO = 12;
export const MSG_STAT_ANY = 13;
export const MSG_NOERROR = 0o10000;
export const MSG_EXCEPT = 0o20000;
export const MSG_COPY = 0o40000;

/** Permission bits of an object's mode (S_IRWXUGO), and the access kinds ipcperms checks. */
export const S_IRWXUGO = 0o777;
export const S_IRUGO = 0o444;
export const S_IWUGO = 0o222;
export const S_IXUGO = 0o111;

/** An id is index + sequence × this (ipc/util.h IPCMNI_SHIFT 15). */
export const SEQ_MULTIPLIER = 32768;
/** The sequence number wraps at INT_MAX >> 15. */
export const SEQ_MAX = 0x7fffffff >> 15;
/** idr_alloc_cyclic's window is at least this wide (RADIX_TREE_MAP_SIZE). */
export const MIN_CYCLE = 64;

// Shared memory (uapi/linux/shm.h): bytes for SHMMAX, pages for SHMALL. The 64-bit kernel's
// ULONG_MAX - 2^24, exact as a bigint for IPC_INFO, and as the number every size is compared with.
export const SHMMAX = 0xffff_ffff_feff_ffffn;
export const SHMALL = 0xffff_ffff_feff_ffffn;
export const SHMMIN = 1;
export const SHMMNI = 4096;
/** shmat's attach-address multiple on powerpc (asm/shmparam.h: PAGE_SIZE). */
export const SHMLBA = 4096;

// Semaphores (uapi/linux/sem.h).
export const SEMMNI = 32000;
export const SEMMSL = 32000;
export const SEMMNS = SEMMNI * SEMMSL;
export const SEMOPM = 500;
export const SEMVMX = 32767;
export const SEMAEM = SEMVMX;
export const SEMUME = SEMOPM;
export const SEMMNU = SEMMNS;
export const SEMMAP = SEMMNS;
/** struct seminfo's semusz for IPC_INFO: Linux's nominal size of an undo structure. */
export const SEMUSZ = 20;

// Message queues (uapi/linux/msg.h).
export const MSGMNI = 32000;
export const MSGMAX = 8192;
export const MSGMNB = 16384;
export const MSGPOOL = (MSGMNI * MSGMNB) / 1024;
export const MSGTQL = MSGMNB;
export const MSGMAP = MSGMNB;
export const MSGSSZ = 16;
/** (MSGPOOL * 1024 / MSGSSZ), capped to fit struct msginfo's unsigned short. */
export const MSGSEG = Math.min((MSGPOOL * 1024) / MSGSSZ, 0xffff);

/** The calls of ppc's ipc() multiplexer (uapi/linux/ipc.h). */
export const enum IpcCall {
  SEMOP = 1,
  SEMGET = 2,
  SEMCTL = 3,
  SEMTIMEDOP = 4,
  MSGSND = 11,
  MSGRCV = 12,
  MSGGET = 13,
  MSGCTL = 14,
  SHMAT = 21,
  SHMDT = 22,
  SHMGET = 23,
  SHMCTL = 24,
}
