// The pump of a live host input (host-input.ts): a worker thread that copies what arrives on
// a host descriptor into the device's ring. When the ring is full it stops reading until
// readers make room, so no byte is lost; at the source's end (or on a read error) it marks end
// of input and exits; it exits too when the owner closes the device.
//
// It never sits in a blocking read(2): a worker stuck in a system call can be neither
// terminated nor joined, and would keep the process from exiting. A pipe, FIFO, terminal or
// other device is read on a non-blocking descriptor of the pump's own (pumpDescriptor), polled
// with a short back-off while nothing comes (only while the machine wants input). Polling,
// not libuv's epoll: a pipe reopened through /proc never reports a hang-up to epoll (Linux
// signals POLLHUP on a FIFO only to readers that were open when a writer connected), so an
// event-driven pump would never see the end of a pipe. A socket cannot be reopened: it is read
// through libuv on the descriptor itself (sockets report their end to epoll).

import { workerData } from "node:worker_threads";
import { readSync } from "node:fs";
import { Socket } from "node:net";
import { HostInputWriter, pumpDescriptor, type PumpData } from "./host-input.js";

/** Poll back-off while the source has nothing: from 1 ms, doubling up to 8 ms. */
const POLL_MIN_MS = 1, POLL_MAX_MS = 8;
/** Longest wait for room in the ring before looking again (readers wake the pump when they read). */
const ROOM_WAIT_MS = 50;

/** Write all of `bytes`, waiting for room; false if the device was closed meanwhile. */
function put(w: HostInputWriter, bytes: Uint8Array): boolean {
  let rest = bytes;
  for (;;) {
    const seen = w.head();
    rest = rest.subarray(w.write(rest));
    if (rest.length === 0) return true;
    if (w.stopped()) return false;
    w.waitForRoom(seen, ROOM_WAIT_MS);
  }
}

function poll(w: HostInputWriter, fd: number): void {
  const buf = new Uint8Array(1 << 16);
  let backoff = POLL_MIN_MS;
  while (!w.stopped()) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "EINTR") {
        w.pause(backoff);
        backoff = Math.min(2 * backoff, POLL_MAX_MS);
        continue;
      }
      w.end(true);
      return;
    }
    if (n === 0) {
      w.end();
      return;
    }
    backoff = POLL_MIN_MS;
    if (!put(w, buf.subarray(0, n))) return;
  }
}

function stream(w: HostInputWriter, fd: number): void {
  const s = new Socket({ fd, readable: true, writable: false });
  let rest: Uint8Array | undefined;
  let ended = false;
  const flush = (): void => {
    while (rest !== undefined) {
      const seen = w.head();
      const n = w.write(rest);
      rest = n === rest.length ? undefined : rest.subarray(n);
      if (rest !== undefined && n === 0) {
        if (w.stopped()) return void s.destroy();
        void w.roomAfter(seen, ROOM_WAIT_MS).then(flush);
        return;
      }
    }
    if (ended) w.end();
    else s.resume();
  };
  s.on("data", (chunk: Buffer) => {
    rest = chunk;
    s.pause();
    flush();
  });
  s.on("end", () => {
    ended = true;
    if (rest === undefined) w.end();
  });
  s.on("error", () => w.end(true));
}

const d = workerData as PumpData;
const w = new HostInputWriter(d.sab);
try {
  const own = pumpDescriptor(d.fd);
  if (own !== undefined) poll(w, own);
  else stream(w, d.fd);
} catch {
  // A source the pump cannot read: end of input (with the error flag), not a reader waiting forever.
  w.end(true);
}
