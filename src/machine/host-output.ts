// Host output: the k42 process's standard output and error as devices the machine writes to,
// from any thread of the machine (the deterministic driver's, a parallel-mode worker's).
//
// Writes are synchronous system calls on the host descriptor (never Node's stream objects:
// a stream reports a closed pipe later, as an 'error' event that ends the process with a
// stack trace, and buffers without limit). A write either goes out whole or stops at a host
// error the guest can be told about: a reader that went away (EPIPE — `k42 run … | head -2`)
// is the guest's EPIPE/SIGPIPE, and k42 then exits with the guest's status. A descriptor in
// non-blocking mode (a terminal or pipe another program shares with us) answers EAGAIN when
// full: the writer waits for it briefly and tries again rather than losing output.

import { writeSync } from "node:fs";

/** What became of one write. */
export type HostWrite =
  | { readonly ok: true; readonly n: number }
  /** The host refused (EPIPE: nobody reads the other end; EBADF: the descriptor is closed; …). */
  | { readonly ok: false; readonly code: string; readonly n: number };

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `data` to host descriptor `fd` (the bytes up to a failure stay written). */
export function hostWrite(fd: number, data: Uint8Array): HostWrite {
  let n = 0;
  let waits = 0;
  while (n < data.length) {
    try {
      n += writeSync(fd, data, n, data.length - n);
      waits = 0;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? "EIO";
      if (code === "EAGAIN" && waits < 10_000) {
        // Non-blocking and full: give the reader a moment (at most ~10 s in all, then EAGAIN).
        Atomics.wait(pause, 0, 0, 1);
        waits++;
        continue;
      }
      return { ok: false, code, n };
    }
  }
  return { ok: true, n };
}
