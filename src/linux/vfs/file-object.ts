// Open files that are not a file server's files: the objects behind pipes and eventfds now,
// sockets, epoll, timerfd, signalfd and ptys later. Such an open file (OpenFile.obj) does its own
// reads and writes (waiting through the process's Vfs.wait unless O_NONBLOCK), answers fstat
// and /proc/self/fd, and says how ready it is:
//
//   poll(k) → { mask, channels, host? }
//     mask      the POLL* events true now (poll's revents before the caller's filter);
//     channels  the wait channels (kernel/sched/wait-channel.ts) its owner notifies whenever
//               `mask` may have changed: poll, select and epoll subscribe to them and look again
//               after a notify;
//     host      the machine's host input may change it (the console).
//
// That is the whole readiness contract: an object is ready when `mask` says so, and it must
// notify one of `channels` after every change that could set a bit of it. Readiness of the
// other kinds (server files, directories, the console) is in ready.ts.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import type { Sink, Source } from "./io.js";
import type { OpenFile } from "./open-file.js";
import type { Vfs } from "./vfs.js";

/** What an open file is ready for now, and where a change is notified. */
export interface Readiness {
  readonly mask: number;
  readonly channels: readonly number[];
  readonly host?: boolean;
}

export type ObjectKind = "pipe" | "eventfd" | "socket" | "epoll" | "timerfd" | "signalfd" | "tty" | "pidfd";

export interface FileObject {
  readonly kind: ObjectKind;
  /** st_dev and st_ino when the open file has no node in the tree (pipefs, anon_inodefs). */
  readonly dev: number;
  readonly ino: number;
  /** Read up to `len` (>= 1) bytes into `sink`: the count (0 at end of file); waits unless `f` is O_NONBLOCK (EAGAIN). */
  read(k: Kernel, v: Vfs, f: OpenFile, len: number, sink: Sink): Generator<Block, number, unknown>;
  /** Write `len` (>= 1) bytes from `src`: the count; waits unless O_NONBLOCK. */
  write(k: Kernel, v: Vfs, f: OpenFile, len: number, src: Source): Generator<Block, number, unknown>;
  poll(k: Kernel): Generator<Block, Readiness, unknown>;
  /** fstat's attributes. */
  attr(k: Kernel, v: Vfs, f: OpenFile): Generator<Block, Attr, unknown>;
  /** The /proc/self/fd link of a file without a node: "pipe:[5]", "anon_inode:[eventfd]". */
  link(): string;
  /** FIONREAD: bytes readable now; undefined where the object has no such count (ENOTTY). */
  available(k: Kernel): Generator<Block, number | undefined, unknown>;
  /** This process's last reference to the description went (its end, its count). */
  release(k: Kernel): Generator<Block, void, unknown>;
  /**
   * The object a forked process reaches the same description through, for its protection
   * domain `domain` (a pipe: another end handle, counted as a reader/writer until released).
   */
  share(k: Kernel, domain: number): Generator<Block, FileObject, unknown>;
}
