// The error numbers procfs and sysfs refuse with (ServerErrno). PowerPC Linux uses the generic
// numbers for all of these (it differs from asm-generic only in EDEADLOCK), so they are the
// personality's numbers too. A server cannot import the personality's table (servers sit below
// linux/), hence this short list.

export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EIO = 5;
export const EBADF = 9;
export const EACCES = 13;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const ENAMETOOLONG = 36;
export const ELOOP = 40;
export const EOPNOTSUPP = 95;
