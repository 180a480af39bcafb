// The error numbers the file servers refuse requests with: Linux's (asm-generic, which PowerPC
// shares for every number here). The Linux personality has its own full table; servers sit
// below it and cannot import it, so the few they use are repeated here, with the same values.

import { ServerErrno } from "../../kernel/ppc/errors.js";

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  EXDEV: 18,
  ENODEV: 19,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  ENFILE: 23,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  EMLINK: 31,
  ERANGE: 34,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENODATA: 61,
  EOVERFLOW: 75,
  EOPNOTSUPP: 95,
  ESTALE: 116,
} as const;

/** Refuse the current request with `errno` (the caller's PPCError has `.errno`). */
export function fail(errno: number, detail = ""): never {
  throw new ServerErrno(errno, detail);
}

/**
 * A configuration problem of the file servers found at start (a bad --root, --overlay or
 * volume, an overlay manifest that no longer fits the root): one line for the user.
 */
export class FileServersError extends Error {}
