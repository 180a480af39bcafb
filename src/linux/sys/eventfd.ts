// eventfd and eventfd2 (fs/eventfd.c do_eventfd): a counter starting at `initval` (an unsigned
// int) behind a new descriptor. Flags: EFD_SEMAPHORE, EFD_NONBLOCK (O_NONBLOCK), EFD_CLOEXEC
// (O_CLOEXEC); any other bit is EINVAL. The open file is O_RDWR with the O_NONBLOCK and
// O_CLOEXEC bits of the flags (Linux keeps both in f_flags: F_GETFL shows them). The counter's
// semantics are in vfs/eventfd.ts.

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { EFD_SEMAPHORE, EventFd } from "../vfs/eventfd.js";
import { O } from "../vfs/open-file.js";

function* doEventfd(ctx: SysContext, initval: number, flags: number): Pending {
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK | EFD_SEMAPHORE)) !== 0) return -E.EINVAL;
  const v = ctx.vfs;
  const obj = EventFd.create(ctx.k, initval, (flags & EFD_SEMAPHORE) !== 0, ctx.image.le);
  const f = v.newFile("eventfd", O.RDWR | (flags & (O.NONBLOCK | O.CLOEXEC)), undefined, undefined, undefined, obj);
  const fd = v.fds.alloc(f, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) yield* v.release(ctx.k, f); // EMFILE: the counter goes at once
  return fd;
}

export const EVENTFD_CALLS: Record<string, Handler> = {
  eventfd: (ctx, a) => doEventfd(ctx, a[0] >>> 0, 0),
  eventfd2: (ctx, a) => doEventfd(ctx, a[0] >>> 0, a[1] >>> 0),
};
