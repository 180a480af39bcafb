// Readiness of every kind of open file, for poll, select (and epoll later): what is ready now
// and the wait channels to subscribe to for a change (the contract is in file-object.ts).
//   file, dir   always ready for reading and writing (Linux's DEFAULT_POLLMASK for files
//               without a poll method), never notified;
//   console     output streams always writable (host writes are synchronous); input readable
//               when the host input has bytes or has ended (a poll starts a live input's flow,
//               as a read does), and a change comes from the host (`host`), not a channel;
//   path        no readiness at all (O_PATH descriptors are not files to poll: POLLNVAL);
//   pipe, eventfd, …  their object's poll().

import { assertNever } from "../../machine/assert.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { Stream } from "./console.js";
import type { Readiness } from "./file-object.js";
import type { OpenFile } from "./open-file.js";

/** poll(2)'s event bits (asm-generic/poll.h; PowerPC has no poll.h of its own). */
export const POLL = {
  IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20, RDNORM: 0x40, RDBAND: 0x80,
  WRNORM: 0x100, WRBAND: 0x200, MSG: 0x400, RDHUP: 0x2000,
} as const;

/** What a file without a poll method reports. */
export const DEFAULT_POLLMASK = POLL.IN | POLL.OUT | POLL.RDNORM | POLL.WRNORM;

const NONE: readonly number[] = [];

/** The readiness of `f` now. */
export function* readiness(k: Kernel, f: OpenFile): Generator<Block, Readiness, unknown> {
  if (f.obj !== undefined) return yield* f.obj.poll(k);
  switch (f.kind) {
    case "file":
    case "dir":
      return { mask: DEFAULT_POLLMASK, channels: NONE };
    case "path":
      return { mask: POLL.NVAL, channels: NONE };
    case "console": {
      let mask = 0;
      const input = f.stream === Stream.In || f.stream === Stream.Device;
      if (f.stream !== Stream.In) mask |= POLL.OUT | POLL.WRNORM;
      // Asking is demanding: a live host input starts flowing on its first read or poll.
      if (input && k.port.input.waitForInput(0)) mask |= POLL.IN | POLL.RDNORM;
      return { mask, channels: NONE, host: input };
    }
    case "pipe":
    case "eventfd":
    case "socket":
    case "epoll":
    case "timerfd":
    case "signalfd":
    case "tty":
    case "pidfd":
      throw new Error(`open file of kind ${f.kind} without its object`);
    default:
      return assertNever(f.kind);
  }
}
