// pipe and pipe2 (fs/pipe.c do_pipe2): a new pipe in the pipe server, its read end at the lower
// of two new descriptors and its write end at the other, written to int fds[2]. pipe2's flags:
// O_CLOEXEC (both descriptors), O_NONBLOCK and O_DIRECT (packet mode; both open files); a
// notification pipe (O_NOTIFICATION_PIPE, the watch-queue API) is not built: EINVAL, logged.
// When fds[] cannot be written the descriptors are not installed (EFAULT, both ends closed).

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { O } from "../vfs/open-file.js";
import { makePipe } from "../vfs/pipe-file.js";
import { gm } from "./fs-common.js";
import { argAddr, SysError } from "./guest-mem.js";
import { newStruct, writeStruct } from "./user.js";

/** O_NOTIFICATION_PIPE is O_EXCL. */
const O_NOTIFICATION_PIPE = O.EXCL;

function* doPipe(ctx: SysContext, flags: number): Pending {
  if ((flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT | O_NOTIFICATION_PIPE)) !== 0) return -E.EINVAL;
  if ((flags & O_NOTIFICATION_PIPE) !== 0) {
    ctx.log("pipe2(O_NOTIFICATION_PIPE): notification pipes (watch queues) are not built, returning EINVAL");
    return -E.EINVAL;
  }
  const fdsp = argAddr(gm(ctx), 0);
  const c = ctx.task.creds;
  const ns = ctx.time.realtimeNs();
  const v = ctx.vfs;
  const [r, w] = yield* makePipe(ctx.k, v, flags, { uid: c.fsuid, gid: c.fsgid, time: [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)] });
  const cloexec = (flags & O.CLOEXEC) !== 0;
  const rfd = v.fds.alloc(r, cloexec);
  const wfd = rfd < 0 ? rfd : v.fds.alloc(w, cloexec);
  try {
    if (wfd < 0) throw new SysError(-wfd);
    writeStruct(ctx, fdsp, newStruct(ctx, 8).i32(0, rfd).i32(4, wfd));
  } catch (e) {
    // Nothing is installed: both ends go (EMFILE, or EFAULT for fds[]).
    if (rfd >= 0) v.fds.remove(rfd);
    if (wfd >= 0) v.fds.remove(wfd);
    yield* v.release(ctx.k, r);
    yield* v.release(ctx.k, w);
    throw e;
  }
  return 0;
}

export const PIPE_CALLS: Record<string, Handler> = {
  pipe: (ctx) => doPipe(ctx, 0),
  pipe2: (ctx, a) => doPipe(ctx, a[1] >>> 0),
};

export const PIPE_PARTIAL: Record<string, string> = {
  pipe2: "O_NOTIFICATION_PIPE: EINVAL (watch queues are not built)",
};
