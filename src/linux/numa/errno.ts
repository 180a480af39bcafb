// The errno values the NUMA memory-policy calls can return. PowerPC Linux takes these from
// asm-generic/errno-base.h, so they are the same numbers as on every other Linux port.
// Functions in this folder report a failure as the negated value, as the kernel does.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EIO = 5;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const ENODEV = 19;
export const EINVAL = 22;

/**
 * What the system call returns at once: a negated errno (-EINVAL, ...), or 0 where Linux succeeds
 * without further work (mbind of an empty range). Decoded values here are objects or arrays, so a
 * number always means "return this".
 */
export type SysReturn = number;

/** True when a step's result is the system call's return value rather than a decoded value. */
export function isReturn(r: unknown): r is SysReturn {
  return typeof r === "number";
}
