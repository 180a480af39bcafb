// Why a system call without a handler fails, as data. Three kinds of reason:
//  - Linux itself has no such call on the architecture (the table slot is sys_ni_syscall in
//    arch/powerpc/kernel/syscalls/syscall.tbl): ENOSYS, as on a real kernel;
//  - the calls of the next issue (processes, threads, signal delivery, IPC, timers);
//  - everything else: not built yet.
// A handler registered for a name overrides its reason here.

import { E } from "../errno.js";
import type { Arch } from "./status.js";

export const NEXT_ISSUE = "issue 10: processes, threads, signals, IPC";
export const NOT_BUILT = "not built";
export const LINUX_HAS_NONE = "Linux has no such call on this architecture either (sys_ni_syscall)";

/** Slots Linux fills with sys_ni_syscall on both PowerPC ABIs. */
const NI_COMMON = [
  "break", "stty", "gtty", "ftime", "prof", "lock", "mpx", "ulimit", "profil", "ioperm", "iopl",
  "idle", "vm86", "modify_ldt", "create_module", "get_kernel_syms", "afs_syscall", "query_module",
  "nfsservctl", "getpmsg", "putpmsg", "multiplexer", "tuxcall",
];

/** Old 32-bit interfaces whose ppc64 slots are sys_ni_syscall, and the reverse. */
const NI_ARCH: Readonly<Record<Arch, readonly string[]>> = {
  ppc64: [
    "oldstat", "umount", "oldfstat", "oldolduname", "sigaction", "sigsuspend", "sigpending", "getrlimit",
    "select", "oldlstat", "readdir", "olduname", "sigreturn", "sigprocmask", "sys_debug_setcontext",
  ],
  ppc32: ["switch_endian"],
};

/** The process, thread, signal-delivery, IPC and timer calls that the next issue builds. */
const NEXT_ISSUE_CALLS = [
  // processes, process groups and sessions
  "unshare", "setns", "kcmp",
  "pidfd_getfd", "process_vm_readv", "process_vm_writev",
  // threads
  "futex_waitv",
];

/** Calls with a reason of their own. */
const SPECIAL: Readonly<Record<string, string>> = {
  rseq: "not built: restartable sequences (glibc runs without them when the kernel answers ENOSYS)",
  spu_run: "the emulated POWER8 has no Cell SPUs (a kernel without SPU support answers ENOSYS too)",
  spu_create: "the emulated POWER8 has no Cell SPUs (a kernel without SPU support answers ENOSYS too)",
};

/** Every name the lists above mention (for the test that they are all real names). */
export const NAMED_IN_REASONS: readonly string[] = [...NI_COMMON, ...NI_ARCH.ppc64, ...NI_ARCH.ppc32, ...NEXT_ISSUE_CALLS, ...Object.keys(SPECIAL)];

const NEXT = new Set(NEXT_ISSUE_CALLS);
const NI: Readonly<Record<Arch, ReadonlySet<string>>> = {
  ppc64: new Set([...NI_COMMON, ...NI_ARCH.ppc64]),
  ppc32: new Set([...NI_COMMON, ...NI_ARCH.ppc32]),
};

/** Is the architecture's slot for `name` sys_ni_syscall in Linux (no handler ever goes there)? */
export const linuxHasNone = (arch: Arch, name: string): boolean => NI[arch].has(name);

/** The errno and reason of a call of `arch` that has no handler. */
export function defaultFailure(arch: Arch, name: string): { errno: number; reason: string } {
  if (NI[arch].has(name)) return { errno: E.ENOSYS, reason: LINUX_HAS_NONE };
  if (Object.hasOwn(SPECIAL, name)) return { errno: E.ENOSYS, reason: SPECIAL[name] };
  if (NEXT.has(name)) return { errno: E.ENOSYS, reason: NEXT_ISSUE };
  return { errno: E.ENOSYS, reason: NOT_BUILT };
}
