// The pipe server's interface: anonymous pipes (pipe/pipe2) and named pipes (FIFOs: a node of
// type FIFO on a file server names a pipe here by a key the client makes from the node), with
// Linux's semantics (pipe.ts). The server never waits: a call that would have to is refused
// with EAGAIN, and the client waits on the pipe's wait channels (the ids `create`/`openFifo`
// return) and calls again. The server notifies those channels whenever a pipe changes: it was
// given that capability (a Notifier) by whoever started it — it cannot reach the kernel.
//
// Two kinds of handle: the root handle (well-known; any domain may make pipes through it), and
// end handles, one per open file description of a pipe (what Linux's struct file is), owned by
// the domain that made it, with the rights of its access mode: Read and/or Write, and End (the
// other methods) and Grant. An end counts once among the pipe's readers and/or writers until
// it is closed; `grant` makes another end for another domain (a forked process that keeps the
// description in a separate heap), which counts too.

import { defineInterface, method, Rights } from "../../kernel/ppc/iface.js";
import { bool, bytes, handle, json, none, string, u32, type Handle } from "../../kernel/ppc/values.js";

/** The right every end holds (methods that neither read nor write). */
export const END = Rights.Close;

/**
 * What the pipe server is given to wake waiters, by whoever starts it (the kernel's wait
 * channels on that processor: kernel/sched/wait-channel.ts). Channel ids are plain numbers,
 * the same on every processor.
 */
export interface Notifier {
  create(): number;
  notify(channel: number): void;
  destroy(channel: number): void;
}

/** Access of an end: bit 1 reads, bit 2 writes. */
export const enum EndMode {
  Read = 1,
  Write = 2,
  Both = 3,
}

export const PipeIface = defineInterface("Pipe", {
  // ---- the root handle ----
  /** A new pipe: {read, write: end handles owned by the caller; ino; rd, wr: its wait channels}. */
  create: method([], json),
  /**
   * Open the FIFO named `key` for EndMode `mode`, `nonblock` or not (Linux's fifo_open):
   * {end, rd, wr, partner?}. `partner` (the other side's open count now) means the open must
   * wait until `partner` answers true (or give up by closing the end). ENXIO for a non-blocking
   * write open without a reader.
   */
  openFifo: method([string, u32, bool], json),

  // ---- an end ----
  /** Up to `max` bytes (max >= 1); none at end of file; EAGAIN when there is nothing yet. */
  read: method([u32], bytes, Rights.Read),
  /**
   * Write `data` (non-empty): the bytes taken. `merge`: how many of its first bytes may go into
   * the last buffer (the write call's length mod 4096 on its first request, else 0); `packet`:
   * O_DIRECT. EAGAIN when nothing fits now; EPIPE when no reader is left.
   */
  write: method([bytes, u32, bool], u32, Rights.Write),
  /** The poll bits of this end now. */
  poll: method([], u32, END),
  /** {bytes: FIONREAD, size: F_GETPIPE_SZ, ino}. */
  info: method([], json, END),
  /** F_SETPIPE_SZ(arg); `privileged`: the caller has CAP_SYS_RESOURCE. The new size. */
  setSize: method([u32, bool], u32, END),
  /** A FIFO open's wait: has the other side's open count moved from `counter`? */
  partner: method([u32], bool, END),
  /** Another end like this one, owned by domain `owner` (it counts as one more reader/writer). */
  grant: method([u32], handle, Rights.Grant),
  /** The end is gone (the description's last reference). */
  close: method([], none, END),
});

/** `create`'s answer. */
export interface PipePair {
  readonly read: Handle;
  readonly write: Handle;
  readonly ino: number;
  readonly rd: number;
  readonly wr: number;
}

/** `openFifo`'s answer. */
export interface FifoEnd {
  readonly end: Handle;
  readonly rd: number;
  readonly wr: number;
  readonly partner?: number;
}

/** `info`'s answer. */
export interface PipeInfo {
  readonly bytes: number;
  readonly size: number;
  readonly ino: number;
}
