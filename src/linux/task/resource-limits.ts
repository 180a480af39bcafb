// A task's resource limits (struct rlimit per resource, in signal_struct) with Linux 6.1's
// checks (kernel/sys.c do_prlimit): the soft limit may not exceed the hard one (EINVAL), the
// hard limit may rise only with CAP_SYS_RESOURCE (EPERM), and no hard RLIMIT_NOFILE beyond
// fs.nr_open (1048576) even for root (EPERM).
//
// The defaults are the kernel's own for a fresh process (include/asm-generic/resource.h
// INIT_RLIMITS, with RLIMIT_NPROC and RLIMIT_SIGPENDING computed from the machine's memory as
// fork_init does), not what a login manager adds on top (systemd raises the hard NOFILE to
// 524288, for example): a program sees the same limits on every host.
//
// Limits are kept as 64-bit unsigned values (RLIM64_INFINITY = 2^64-1); the 32-bit views are
// the system calls' business. Enforcement lives with each resource: NOFILE with the descriptor
// table, STACK with the loader; CPU, FSIZE, AS, DATA and the rest are recorded but not yet
// enforced (SIGXCPU and SIGXFSZ need the timers and signal delivery of the next issue).

import { E } from "../errno.js";

export const enum Rlimit {
  CPU = 0,
  FSIZE = 1,
  DATA = 2,
  STACK = 3,
  CORE = 4,
  RSS = 5,
  NPROC = 6,
  NOFILE = 7,
  MEMLOCK = 8,
  AS = 9,
  LOCKS = 10,
  SIGPENDING = 11,
  MSGQUEUE = 12,
  NICE = 13,
  RTPRIO = 14,
  RTTIME = 15,
}

/** RLIM_NLIMITS. */
export const RLIM_NLIMITS = 16;
export const RLIM_INFINITY = (1n << 64n) - 1n;
/** fs.nr_open's default: the largest hard RLIMIT_NOFILE. */
export const NR_OPEN = 1048576n;

export const RLIMIT_NAMES = ["CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME"] as const;

export interface Limit {
  cur: bigint;
  max: bigint;
}

/** Linux's THREAD_SIZE on ppc64 (THREAD_SHIFT 14): fork_init's max_threads divides memory by 8 of them. */
const THREAD_SIZE = 16384n;

/**
 * INIT_RLIMITS for a machine with `memBytes` of memory: NPROC and SIGPENDING are
 * max_threads / 2, where max_threads = memory / (8 × THREAD_SIZE), clamped to 20..FUTEX_TID_MASK.
 */
export function defaultLimits(memBytes: number): Limit[] {
  const inf = { cur: RLIM_INFINITY, max: RLIM_INFINITY };
  let threads = BigInt(Math.floor(memBytes)) / (THREAD_SIZE * 8n);
  if (threads < 20n) threads = 20n;
  if (threads > 0x3fffffffn) threads = 0x3fffffffn;
  const half = threads / 2n;
  const l: Limit[] = Array.from({ length: RLIM_NLIMITS }, () => ({ ...inf }));
  l[Rlimit.STACK] = { cur: 8n << 20n, max: RLIM_INFINITY };
  l[Rlimit.CORE] = { cur: 0n, max: RLIM_INFINITY };
  l[Rlimit.NPROC] = { cur: half, max: half };
  l[Rlimit.NOFILE] = { cur: 1024n, max: 4096n };
  l[Rlimit.MEMLOCK] = { cur: 8n << 20n, max: 8n << 20n };
  l[Rlimit.SIGPENDING] = { cur: half, max: half };
  l[Rlimit.MSGQUEUE] = { cur: 819200n, max: 819200n };
  l[Rlimit.NICE] = { cur: 0n, max: 0n };
  l[Rlimit.RTPRIO] = { cur: 0n, max: 0n };
  return l;
}

export class ResourceLimits {
  private readonly limits: Limit[];

  constructor(memBytes: number) {
    this.limits = defaultLimits(memBytes);
  }

  /** The limit of `resource` (a copy); undefined for a resource Linux does not have. */
  get(resource: number): Limit | undefined {
    const l = this.limits[resource];
    return l === undefined ? undefined : { ...l };
  }

  /** [soft, hard] for every resource, in RLIMIT_* order (/proc/PID/limits). */
  pairs(): [bigint, bigint][] {
    return this.limits.map((l) => [l.cur, l.max]);
  }

  /** The soft limit (what enforcement compares against). */
  cur(resource: Rlimit): bigint {
    return this.limits[resource].cur;
  }

  /**
   * do_prlimit's checks and update: `privileged` is CAP_SYS_RESOURCE. Returns 0 or -errno
   * (EINVAL for an unknown resource or cur > max, EPERM to raise max or past nr_open).
   */
  set(resource: number, want: Limit, privileged: boolean): number {
    const l = this.limits[resource];
    if (l === undefined) return -E.EINVAL;
    if (want.cur > want.max) return -E.EINVAL;
    if (resource === Rlimit.NOFILE && want.max > NR_OPEN) return -E.EPERM;
    if (want.max > l.max && !privileged) return -E.EPERM;
    l.cur = want.cur;
    l.max = want.max;
    return 0;
  }
}
