// Host input: the k42 process's standard input (or another host descriptor) as a device the
// machine owns, readable from any thread of the machine (the deterministic driver's, any
// parallel-mode worker's).
//
// Two kinds of source:
//   - available up front: no input, given bytes, a regular file or /dev/null. The bytes are
//     read synchronously when the device opens; the device is at end of input from the start
//     (never *live*), so a run that reads it is as deterministic as one that does not.
//   - live: a pipe, FIFO, socket, terminal or other device. A small worker thread (the pump,
//     host-input-pump.ts) copies what arrives into a ring in shared memory; readers take bytes
//     with tryRead() and sleep in waitForInput(). The pump starts on the first read — a machine
//     whose software never reads its input never takes any from the host (a shell's type-ahead
//     stays the shell's) — and never drops a byte: when the ring is full it stops reading the
//     source until a reader makes room. It never blocks in a system call (it polls a
//     non-blocking descriptor of its own), so close() can always stop it, and it is unref'd:
//     it never keeps the process alive.
//
// Shared memory (one SharedArrayBuffer): HEADER_BYTES of int32 words, changed only with
// Atomics, then the data ring of CAPACITY bytes (a power of two):
//   HEAD     byte position (mod 2^32) of the next unread byte; readers advance it with
//            compareExchange after copying (many readers), and notify it (the pump waits on it
//            for room)
//   TAIL     byte position of the end of the written bytes; stored by the one writer after the
//            bytes
//   EOF      1 once the writer has written its last byte (end of input, or a read error)
//   NOTIFY   incremented by the writer after new bytes or EOF; readers Atomics.wait on it
//   DEMAND   1 once a reader asked for bytes (the owner then starts the pump)
//   STOP     1 once the owner closed the device (a later demand starts nothing)
//   CAPACITY data bytes
//   LIVE     1 for a pumped source (the pump writes), 0 for one read up front
//   FAILED   1 if the pump ended on a read error rather than at end of input
// Invariants: 0 <= TAIL - HEAD <= CAPACITY; the writer writes only in [TAIL, HEAD + CAPACITY);
// a reader that copied [HEAD, HEAD + n) owns those bytes only if its compareExchange of HEAD
// succeeds (else it retries: the bytes were someone else's, and may have been overwritten).

import { constants as fsc, fstatSync, openSync, readFileSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { assertNever } from "./assert.js";

/** Where the host input comes from. */
export type HostInputSource =
  /** No input: end of input at once. */
  | { readonly kind: "none" }
  /** These bytes, all available up front, then end of input (tests; data the caller read). */
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  /**
   * A host descriptor of this process: a regular file or /dev/null is read up front (from its
   * current offset), anything else (pipe, FIFO, socket, terminal, other device) is pumped live.
   * A closed descriptor is no input.
   */
  | { readonly kind: "fd"; readonly fd: number }
  /** The k42 process's standard input: `{ kind: "fd", fd: 0 }`. */
  | { readonly kind: "stdin" };

/** What a thread of the machine needs to attach to the device (structured-clonable). */
export interface HostInputShared {
  readonly sab: SharedArrayBuffer;
  /** The device's name in reports ("stdin"). */
  readonly name: string;
}

/** What the pump worker is started with (host-input-pump.ts). */
export interface PumpData {
  readonly sab: SharedArrayBuffer;
  readonly fd: number;
}

const HEAD = 0, TAIL = 1, EOF = 2, NOTIFY = 3, DEMAND = 4, STOP = 5, CAPACITY = 6, LIVE = 7, FAILED = 8;
const HEADER_BYTES = 64;
/** Default ring of a live source. */
export const HOST_INPUT_RING = 1 << 16;
/** Largest device (the ring of a live source, or the bytes of one read up front). */
const MAX_CAPACITY = 1 << 30;

const EMPTY = new Uint8Array(0);

interface WaitAsync {
  waitAsync(a: Int32Array, index: number, value: number, timeoutMs?: number): { async: boolean; value: Promise<string> | string };
}
/** Atomics.waitAsync (Node 16+; not in the ES2022 library typings). */
export function waitAsync(a: Int32Array, index: number, value: number, timeoutMs?: number): Promise<string> {
  const r = (Atomics as unknown as WaitAsync).waitAsync(a, index, value, timeoutMs);
  return r.async ? (r.value as Promise<string>) : Promise.resolve(r.value as string);
}

function capacityFor(n: number): number {
  if (n > MAX_CAPACITY) throw new RangeError(`host input of ${n} bytes exceeds ${MAX_CAPACITY}`);
  let c = 64;
  while (c < n) c *= 2;
  return c;
}

/** The device, as every thread of the machine sees it. */
export class HostInput {
  readonly name: string;
  private readonly h: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;
  /** Owner only: the descriptor to pump (live sources) and the pump once started. */
  private pumpFd: number | undefined;
  private pump: Worker | undefined;

  private constructor(readonly shared: HostInputShared, pumpFd?: number) {
    this.name = shared.name;
    this.h = new Int32Array(shared.sab, 0, HEADER_BYTES >> 2);
    const cap = Atomics.load(this.h, CAPACITY);
    this.data = new Uint8Array(shared.sab, HEADER_BYTES, cap);
    this.mask = cap - 1;
    this.pumpFd = pumpFd;
  }

  /**
   * Open the device on `source` (the owner: the thread that boots the machine; it closes the
   * device when the machine stops). `name` is the device's name in reports (default "stdin":
   * the device is the machine's standard input, whatever feeds it); `ringBytes` sizes a live
   * source's ring (a power of two).
   */
  static open(source: HostInputSource, opts: { name?: string; ringBytes?: number } = {}): HostInput {
    const name = opts.name ?? "stdin";
    const ring = opts.ringBytes ?? HOST_INPUT_RING;
    switch (source.kind) {
      case "none":
        return HostInput.upfront(EMPTY, name);
      case "bytes":
        return HostInput.upfront(source.bytes, name);
      case "stdin":
        return HostInput.openFd(0, name, ring);
      case "fd":
        return HostInput.openFd(source.fd, name, ring);
      default:
        return assertNever(source, "host input source");
    }
  }

  /** Attach to a device another thread opened. */
  static attach(shared: HostInputShared): HostInput {
    return new HostInput(shared);
  }

  private static upfront(bytes: Uint8Array, name: string): HostInput {
    const cap = capacityFor(bytes.length);
    const sab = new SharedArrayBuffer(HEADER_BYTES + cap);
    const h = new Int32Array(sab, 0, HEADER_BYTES >> 2);
    new Uint8Array(sab, HEADER_BYTES, cap).set(bytes);
    h[CAPACITY] = cap;
    h[TAIL] = bytes.length;
    h[EOF] = 1;
    return new HostInput({ sab, name });
  }

  private static openFd(fd: number, name: string, ringBytes: number): HostInput {
    let st;
    try {
      st = fstatSync(fd);
    } catch {
      return HostInput.upfront(EMPTY, name); // no such descriptor: no input
    }
    if (st.isFile()) return HostInput.upfront(readFileSync(fd), name);
    if (st.isCharacterDevice() && st.rdev === devNull()) return HostInput.upfront(EMPTY, name);
    if (!Number.isInteger(ringBytes) || ringBytes < 64 || ringBytes > MAX_CAPACITY || (ringBytes & (ringBytes - 1)) !== 0) {
      throw new RangeError(`host input ring of ${ringBytes} bytes is not a power of two in [64, 2^30]`);
    }
    const sab = new SharedArrayBuffer(HEADER_BYTES + ringBytes);
    const h = new Int32Array(sab, 0, HEADER_BYTES >> 2);
    h[CAPACITY] = ringBytes;
    h[LIVE] = 1;
    const dev = new HostInput({ sab, name }, fd);
    // A reader on another thread (a parallel-mode worker) raises DEMAND; the owner's thread
    // is free while the machine runs there, so it starts the pump from its event loop. (In
    // the deterministic mode the owner's own reads start it directly.)
    void waitAsync(h, DEMAND, 0).then(() => dev.startPump());
    return dev;
  }

  /**
   * Up to `max` bytes of input (max >= 1), or undefined when none is available yet; an empty
   * array at end of input. Never blocks.
   */
  tryRead(max: number): Uint8Array | undefined {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`host input read of ${max} bytes`);
    const h = this.h;
    for (;;) {
      const eof = Atomics.load(h, EOF); // before TAIL: at EOF the TAIL read next is final
      const head = Atomics.load(h, HEAD);
      const avail = (Atomics.load(h, TAIL) - head) >>> 0;
      if (avail === 0) {
        if (eof !== 0) return EMPTY;
        this.demand();
        return undefined;
      }
      const n = Math.min(max, avail);
      const out = new Uint8Array(n);
      const at = head & this.mask;
      const first = Math.min(n, this.data.length - at);
      out.set(this.data.subarray(at, at + first));
      if (first < n) out.set(this.data.subarray(0, n - first), first);
      if (Atomics.compareExchange(h, HEAD, head, (head + n) | 0) === head) {
        Atomics.notify(h, HEAD);
        return out;
      }
    }
  }

  /** True when a tryRead now returns bytes or end of input (not undefined). */
  readable(): boolean {
    const h = this.h;
    return Atomics.load(h, EOF) !== 0 || Atomics.load(h, TAIL) !== Atomics.load(h, HEAD);
  }

  /** True while input may still arrive (a live source not yet at its end). */
  get live(): boolean {
    return Atomics.load(this.h, EOF) === 0;
  }

  /** True if the source is pumped (live when opened), false if it was read up front. */
  get pumped(): boolean {
    return Atomics.load(this.h, LIVE) !== 0;
  }

  /** True if a live source ended on a read error rather than at its end. */
  get failed(): boolean {
    return Atomics.load(this.h, FAILED) !== 0;
  }

  /** Bytes available now (for statistics and tests). */
  get available(): number {
    return (Atomics.load(this.h, TAIL) - Atomics.load(this.h, HEAD)) >>> 0;
  }

  /**
   * Sleep until input is readable (bytes or end of input), at most `timeoutMs` (Atomics.wait:
   * any thread but a browser's main one). True if readable on return. Asks for input (starts
   * the pump) like a read.
   */
  waitForInput(timeoutMs: number): boolean {
    const h = this.h;
    const seen = Atomics.load(h, NOTIFY); // before the check: a write after it changes NOTIFY
    if (this.readable()) return true;
    this.demand();
    Atomics.wait(h, NOTIFY, seen, Math.max(0, timeoutMs));
    return this.readable();
  }

  /** Owner: stop the pump (the machine stopped). Readers see no more input; idempotent. */
  close(): void {
    const h = this.h;
    if (Atomics.exchange(h, STOP, 1) !== 0) return;
    Atomics.notify(h, DEMAND); // the owner's waitAsync: it resolves and starts nothing
    Atomics.notify(h, STOP); // a pump between polls
    if (this.pump !== undefined) void this.pump.terminate();
    this.pump = undefined;
  }

  private demand(): void {
    if (Atomics.load(this.h, DEMAND) !== 0 || Atomics.load(this.h, LIVE) === 0) return;
    Atomics.store(this.h, DEMAND, 1);
    if (this.pumpFd !== undefined) this.startPump();
    else Atomics.notify(this.h, DEMAND);
  }

  private startPump(): void {
    const fd = this.pumpFd;
    if (fd === undefined || Atomics.load(this.h, STOP) !== 0) return;
    this.pumpFd = undefined;
    const data: PumpData = { sab: this.shared.sab, fd };
    const w = new Worker(new URL("./host-input-pump.js", import.meta.url), { workerData: data });
    w.unref();
    // A pump that dies ends the input rather than leaving readers waiting forever.
    w.on("error", () => new HostInputWriter(this.shared.sab).end(true));
    this.pump = w;
  }
}

/** The one writer of a device's ring (the pump). */
export class HostInputWriter {
  private readonly h: Int32Array;
  private readonly data: Uint8Array;
  private readonly mask: number;

  constructor(sab: SharedArrayBuffer) {
    this.h = new Int32Array(sab, 0, HEADER_BYTES >> 2);
    const cap = Atomics.load(this.h, CAPACITY);
    this.data = new Uint8Array(sab, HEADER_BYTES, cap);
    this.mask = cap - 1;
  }

  /** Readers' position now (the pump waits for it to move when the ring is full). */
  head(): number {
    return Atomics.load(this.h, HEAD);
  }

  /** Sleep until readers move from `seen` (they made room), at most `timeoutMs`. */
  waitForRoom(seen: number, timeoutMs: number): void {
    Atomics.wait(this.h, HEAD, seen, timeoutMs);
  }

  /** The same without blocking the thread (for a pump driven by its event loop). */
  roomAfter(seen: number, timeoutMs: number): Promise<string> {
    return waitAsync(this.h, HEAD, seen, timeoutMs);
  }

  /** True once the owner closed the device: the pump exits. */
  stopped(): boolean {
    return Atomics.load(this.h, STOP) !== 0;
  }

  /** Sleep `ms`, or less if the owner closes the device meanwhile. */
  pause(ms: number): void {
    Atomics.wait(this.h, STOP, 0, ms);
  }

  /** Append as much of `bytes` as fits; returns how many bytes were written. */
  write(bytes: Uint8Array): number {
    const h = this.h;
    const tail = Atomics.load(h, TAIL);
    const free = this.data.length - ((tail - Atomics.load(h, HEAD)) >>> 0);
    const n = Math.min(free, bytes.length);
    if (n === 0) return 0;
    const at = tail & this.mask;
    const first = Math.min(n, this.data.length - at);
    this.data.set(bytes.subarray(0, first), at);
    if (first < n) this.data.set(bytes.subarray(first, n), 0);
    Atomics.store(h, TAIL, (tail + n) | 0);
    Atomics.add(h, NOTIFY, 1);
    Atomics.notify(h, NOTIFY);
    return n;
  }

  /** No more input (after the last write); `failed` if the source ended on an error. */
  end(failed = false): void {
    const h = this.h;
    if (failed) Atomics.store(h, FAILED, 1);
    Atomics.store(h, EOF, 1);
    Atomics.add(h, NOTIFY, 1);
    Atomics.notify(h, NOTIFY);
  }
}

/** The device number of /dev/null (undefined where there is none). */
function devNull(): number | undefined {
  try {
    return statSync("/dev/null").rdev;
  } catch {
    return undefined;
  }
}

/**
 * For the pump: a descriptor of its own on the same source, non-blocking, or undefined for a
 * source that cannot be reopened (a socket). Through /proc/self/fd a pipe, FIFO or terminal
 * opens as a new open file description, so the non-blocking flag does not leak to the
 * source's other users (the shell's terminal), and closing it closes nothing of theirs.
 */
export function pumpDescriptor(fd: number): number | undefined {
  try {
    return openSync(`/proc/self/fd/${fd}`, fsc.O_RDONLY | fsc.O_NONBLOCK | fsc.O_NOCTTY);
  } catch {
    return undefined;
  }
}
