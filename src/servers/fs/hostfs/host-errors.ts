// Host system-call failures as the errnos the guest sees. Only Node's system errors with a
// known code are translated; anything else is a bug of ours and propagates as one.

import { Errno } from "../errno.js";

const BY_CODE: Readonly<Record<string, number>> = {
  EPERM: Errno.EPERM, ENOENT: Errno.ENOENT, EIO: Errno.EIO, ENXIO: Errno.ENXIO, EBADF: Errno.EBADF,
  EACCES: Errno.EACCES, EBUSY: Errno.EBUSY, EEXIST: Errno.EEXIST, EXDEV: Errno.EXDEV, ENODEV: Errno.ENODEV,
  ENOTDIR: Errno.ENOTDIR, EISDIR: Errno.EISDIR, EINVAL: Errno.EINVAL, EFBIG: Errno.EFBIG, ENOSPC: Errno.ENOSPC,
  EROFS: Errno.EROFS, EMLINK: Errno.EMLINK, ENAMETOOLONG: Errno.ENAMETOOLONG, ENOTEMPTY: Errno.ENOTEMPTY,
  ELOOP: Errno.ELOOP, ENODATA: Errno.ENODATA, EOPNOTSUPP: Errno.EOPNOTSUPP, ENOTSUP: Errno.EOPNOTSUPP,
  EOVERFLOW: Errno.EOVERFLOW, ESTALE: Errno.ESTALE, ENFILE: Errno.ENFILE, EMFILE: Errno.ENFILE, EDQUOT: Errno.ENOSPC,
  ETXTBSY: 26,
};

/** The guest errno for a host system error, or undefined if `e` is not one we know. */
export function hostErrno(e: unknown): number | undefined {
  if (!(e instanceof Error)) return undefined;
  const code = (e as NodeJS.ErrnoException).code;
  return typeof code === "string" ? BY_CODE[code] : undefined;
}
