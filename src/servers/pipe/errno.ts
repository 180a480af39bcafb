// The error numbers the pipe server refuses requests with: Linux's (asm-generic, which PowerPC
// shares for each of these). Servers cannot import the personality's table, so the few used
// here are repeated, with the same values.

import { ServerErrno } from "../../kernel/ppc/errors.js";

export const PipeErrno = {
  EPERM: 1,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  EBUSY: 16,
  EINVAL: 22,
  ENFILE: 23,
  EPIPE: 32,
} as const;

/** Refuse the current request with `errno` (the caller's PPCError has `.errno`). */
export function refuse(errno: number, detail = ""): never {
  throw new ServerErrno(errno, detail);
}
