// eventfd and eventfd2 (fs/eventfd.c do_eventfd): a counter starting at `initval` (an unsigned
// int) behind a new descriptor. Flags: EFD_SEMAPHORE, EFD_NONBLOCK (O_NONBLOCK), EFD_CLOEXEC
// (O_CLOEXEC); any other bit is EINVAL. The open file is O_RDWR, with O_NONBLOCK if asked (what
// anon_inode_getfile keeps of the flags: F_GETFL shows no O_CLOEXEC). The counter's semantics
// are in vfs/eventfd.ts.

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { EFD_SEMAPHORE, EventFd } from "../vfs/eventfd.js";
import { O } from "../vfs/open-file.js";

function* doEventfd(ctx: SysContext, initval: number, flags: number): Pending {
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK | EFD_SEMAPHORE)) !== 0) return -E.EINVAL;
  const v = ctx.vfs;
  const obj = EventFd.create(ctx.k, initval, (flags & EFD_SEMAPHORE) !== 0, ctx.image.le);
  const f = v.newFile("eventfd", O.RDWR | (flags & O.NONBLOCK), undefined, undefined, undefined, obj);
  const fd = v.fds.alloc(f, (flags & O.CLOEXEC) !== 0);
  if (fd < 0) yield* v.release(ctx.k, f); // EMFILE: the counter goes at once
  return fd;
}

export const EVENTFD_CALLS: Record<string, Handler> = {
  eventfd: (ctx, a) => doEventfd(ctx, a[0] >>> 0, 0),
  eventfd2: (ctx, a) => doEventfd(ctx, a[0] >>> 0, a[1] >>> 0),
};
