// The pipe server without a machine: the pipe's byte arithmetic (Linux's slots and merges,
// packets, sizes, poll bits) and the server's ends (handles, counts, FIFO opens, wait-channel
// notifies, the end of a pipe), through a fake ServerEnv and a recording notifier.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PPCError, ServerErrno } from "../../kernel/ppc/errors.js";
import type { CallContext, ServerEnv } from "../../kernel/ppc/iface.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { EndMode, type FifoEnd, type Notifier, type PipeInfo, type PipePair } from "./iface.js";
import { EMPTY, FULL, PAGE, Pipe, PollBits as P, roundPipeSize } from "./pipe.js";
import { PipeServer, PipeTable } from "./server.js";

const bytes = (n: number, v = 1): Uint8Array => new Uint8Array(n).fill(v);

function fillNonblock(p: Pipe, size: number): { total: number; writes: number } {
  let total = 0, writes = 0;
  for (;;) {
    const r = p.write(bytes(size), size & (PAGE - 1), false);
    if (r === FULL) return { total, writes };
    assert.equal(typeof r, "number");
    total += r as number;
    writes++;
    if ((r as number) < size) return { total, writes };
  }
}

function fresh(): Pipe {
  const p = new Pipe(1, 16, 32);
  p.readers = p.writers = 1;
  p.rCounter = p.wCounter = 1;
  return p;
}

test("a pipe holds 16 slots: 65536 one-byte writes, 64000 in 1000-byte writes, 16 pages of 4096", () => {
  assert.deepEqual(fillNonblock(fresh(), 1), { total: 65536, writes: 65536 });
  assert.deepEqual(fillNonblock(fresh(), 1000), { total: 64000, writes: 64 });
  assert.deepEqual(fillNonblock(fresh(), 4096), { total: 65536, writes: 16 });
  // 5000-byte writes: the first takes a page and 904 bytes of the next; the second merges its
  // head (904 bytes) after those and takes a fresh page; and so on until a write is short.
  const p = fresh();
  assert.equal(p.write(bytes(5000), 5000 & 4095, false), 5000);
  assert.equal(p.used, 2);
  assert.equal(p.write(bytes(5000), 5000 & 4095, false), 5000);
  assert.equal(p.used, 3);
  assert.equal(p.bytes, 10000);
});

test("writes of at most PIPE_BUF are atomic: all or nothing when no slot is free", () => {
  const p = fresh();
  for (let i = 0; i < 15; i++) assert.equal(p.write(bytes(4096), 0, false), 4096);
  assert.equal(p.write(bytes(100), 100, false), 100); // a fresh slot (the last page is full)
  assert.equal(p.write(bytes(3996), 3996, false), 3996); // merges: exactly fills the page
  assert.equal(p.write(bytes(1), 1, false), FULL);
  assert.equal(p.read(10).length, 10); // a partial read frees no slot
  assert.equal(p.write(bytes(1), 1, false), FULL, "room at the front of a buffer is not merged into");
  assert.equal(p.read(4086).length, 4086);
  assert.equal(p.write(bytes(4096), 0, false), 4096);
});

test("a larger write is split: partial when the pipe fills; reads take what is there", () => {
  const p = fresh();
  for (let i = 0; i < 14; i++) p.write(bytes(4096), 0, false);
  assert.equal(p.write(bytes(10000), 10000 & 4095, false), 8192, "two free slots; the head could not merge");
  assert.equal(p.bytes, 65536);
  assert.equal((p.read(100000) as Uint8Array).length, 65536);
  assert.equal(p.read(1), EMPTY);
  p.writers = 0;
  assert.equal((p.read(1) as Uint8Array).length, 0, "end of file with no writer");
  p.readers = 0;
  assert.equal(p.write(bytes(1), 1, false), "epipe");
});

test("packets (O_DIRECT): one per write (per page of a larger one), never merged, read one at a time", () => {
  const p = fresh();
  assert.equal(p.write(bytes(10, 1), 10, true), 10);
  assert.equal(p.write(bytes(20, 2), 20, true), 20);
  assert.equal(p.write(bytes(5000, 3), 5000 & 4095, true), 5000);
  assert.equal(p.used, 4);
  assert.deepEqual([...(p.read(100) as Uint8Array)], Array(10).fill(1));
  assert.deepEqual([...(p.read(5) as Uint8Array)], Array(5).fill(2), "the rest of the packet is dropped");
  assert.equal((p.read(100000) as Uint8Array).length, 4096);
  assert.equal((p.read(100000) as Uint8Array).length, 904);
  assert.equal(p.read(1), EMPTY);
});

test("F_SETPIPE_SZ: rounding, EINVAL, EPERM without the capability, EBUSY below the buffers in use", () => {
  assert.deepEqual([0, 1, 4096, 4097, 65536, 100000, 2 ** 31, 2 ** 31 + 1].map(roundPipeSize), [4096, 4096, 4096, 8192, 65536, 131072, 2 ** 31, 0]);
  const p = fresh();
  const err = (f: () => unknown): number => {
    try {
      f();
    } catch (e) {
      if (e instanceof ServerErrno) return e.errno;
      throw e;
    }
    return 0;
  };
  assert.equal(p.setSize(0, false), 4096);
  assert.equal(p.setSize(1 << 20, false), 1 << 20);
  assert.equal(err(() => p.setSize((1 << 20) + 1, false)), 1, "EPERM");
  assert.equal(p.setSize((1 << 20) + 1, true), 2 << 20, "CAP_SYS_RESOURCE may");
  assert.equal(err(() => p.setSize(0xffffffff, true)), 22, "EINVAL past 2^31");
  p.setSize(65536, false);
  for (let i = 0; i < 5; i++) p.write(bytes(4096), 0, false);
  assert.equal(err(() => p.setSize(16384, false)), 16, "EBUSY: 5 buffers, 4 slots");
  assert.equal(p.setSize(32768, false), 32768);
});

test("poll bits: data, room, no writer (HUP), no reader (ERR); a FIFO reader's version hides HUP", () => {
  const p = fresh();
  assert.equal(p.poll(true, false, 0), 0);
  assert.equal(p.poll(false, true, 0), P.OUT | P.WRNORM);
  p.write(bytes(1), 1, false);
  assert.equal(p.poll(true, false, 0), P.IN | P.RDNORM);
  p.writers = 0;
  assert.equal(p.poll(true, false, 0), P.IN | P.RDNORM | P.HUP);
  assert.equal(p.poll(true, false, p.wCounter), P.IN | P.RDNORM, "version = w_counter: no writer was seen");
  p.readers = 0;
  assert.equal(p.poll(false, true, 0), P.OUT | P.WRNORM | P.ERR);
});

// ---- the server ----

interface Slot {
  clientData: number;
  owner: number;
  rights: number;
  live: boolean;
}

/** A server over a fake environment: handles in a map, notifies recorded. */
function harness() {
  const slots: Slot[] = [{ clientData: 0, owner: 0, rights: 0, live: true }];
  const notified: number[] = [];
  let channels = 0;
  const destroyed: number[] = [];
  const notifier: Notifier = { create: () => (channels += 16), notify: (c) => notified.push(c), destroy: (c) => destroyed.push(c) };
  const env = {
    cpu: 0, server: 0, name: "Pipe", domain: 7, root: { server: 0, xh: 0 },
    createHandle: (owner: number, rights: number, _other: number, clientData = 0): Handle => {
      slots.push({ clientData, owner, rights, live: true });
      return { server: 0, xh: slots.length - 1 };
    },
    revoke: (h: Handle) => {
      const s = slots[h.xh];
      const was = s.live;
      s.live = false;
      return was;
    },
  } as unknown as ServerEnv;
  const table = new PipeTable(100);
  const s = new PipeServer(table, env, notifier);
  const ctx = (h: Handle, caller = 1): CallContext => {
    const sl = slots[h.xh];
    if (!sl.live) throw new PPCError(5, "stale");
    return { env, caller, callerCpu: 0, handle: h, clientData: sl.clientData, rights: caller === sl.owner ? sl.rights : 0 };
  };
  const root = ctx({ server: 0, xh: 0 });
  return { s, ctx, root, notified, destroyed, table };
}

function errno(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof ServerErrno) return e.errno;
    throw e;
  }
  return 0;
}

test("server: a pipe's two ends, read and write through them, EAGAIN, EOF, EPIPE, EBADF for others", () => {
  const { s, ctx, root, notified, destroyed, table } = harness();
  const p = s.create(root) as unknown as PipePair;
  assert.equal(errno(() => s.read(10, ctx(p.read))), 11, "EAGAIN when empty");
  assert.equal(s.write(new TextEncoder().encode("hello"), 5, false, ctx(p.write)), 5);
  assert.ok(notified.includes(p.rd), "a write notifies the readers' channel");
  assert.equal(new TextDecoder().decode(s.read(3, ctx(p.read))), "hel");
  assert.deepEqual(s.info(ctx(p.read)), { bytes: 2, size: 65536, ino: p.ino });
  assert.equal(errno(() => s.read(1, ctx(p.read, 2))), 9, "another domain holds no rights on the end: EBADF");
  notified.length = 0;
  s.close(ctx(p.write));
  assert.deepEqual(notified.sort(), [p.rd, p.wr].sort(), "closing an end notifies both channels");
  assert.equal(new TextDecoder().decode(s.read(10, ctx(p.read))), "lo");
  assert.equal(s.read(10, ctx(p.read)).length, 0, "EOF");
  assert.equal(s.poll(ctx(p.read)), P.HUP);
  assert.throws(() => s.read(1, ctx(p.write)), PPCError, "a closed end's handle is revoked");
  assert.equal(table.pipes, 1);
  s.close(ctx(p.read));
  assert.equal(table.pipes, 0);
  assert.deepEqual(destroyed.sort(), [p.rd, p.wr].sort(), "the last close frees the channels");
});

test("server: a closed reader breaks the pipe; grant adds a counted end for another domain", () => {
  const { s, ctx, root } = harness();
  const p = s.create(root) as unknown as PipePair;
  const g = s.grant(2, ctx(p.read));
  s.close(ctx(p.read));
  assert.equal(s.write(bytes(3), 3, false, ctx(p.write)), 3, "the granted end still reads");
  assert.equal(s.read(10, ctx(g, 2)).length, 3);
  s.close(ctx(g, 2));
  assert.equal(errno(() => s.write(bytes(3), 3, false, ctx(p.write))), 32, "EPIPE");
  assert.equal(s.poll(ctx(p.write)), P.OUT | P.WRNORM | P.ERR);
});

test("server: FIFO opens — a reader waits for a writer, non-blocking ones don't, ENXIO, O_RDWR never waits", () => {
  const { s, ctx, root, table } = harness();
  const r = s.openFifo("1:42", EndMode.Read, false, root) as unknown as FifoEnd;
  assert.equal(typeof r.partner, "number", "a blocking reader must wait for a writer");
  assert.equal(s.partner(r.partner as number, ctx(r.end)), false);
  const w = s.openFifo("1:42", EndMode.Write, false, root) as unknown as FifoEnd;
  assert.equal(w.partner, undefined, "a reader is there");
  assert.equal(s.partner(r.partner as number, ctx(r.end)), true, "the writer came");
  assert.equal(w.rd, r.rd, "one pipe per FIFO");
  s.write(bytes(5), 5, false, ctx(w.end));
  s.close(ctx(w.end));
  s.close(ctx(r.end));
  assert.equal(table.pipes, 0, "the FIFO's pipe (and its unread bytes) went with its last end");

  assert.equal(errno(() => s.openFifo("1:43", EndMode.Write, true, root)), 6, "ENXIO: non-blocking writer, no reader");
  assert.equal(table.pipes, 0);
  const nr = s.openFifo("1:43", EndMode.Read, true, root) as unknown as FifoEnd;
  assert.equal(nr.partner, undefined, "a non-blocking reader does not wait");
  assert.equal(s.poll(ctx(nr.end)), 0, "and sees no POLLHUP before a writer came");
  const nw = s.openFifo("1:43", EndMode.Write, true, root) as unknown as FifoEnd;
  s.close(ctx(nw.end));
  assert.equal(s.poll(ctx(nr.end)), P.HUP, "the writer came and went");
  const rw = s.openFifo("1:43", EndMode.Both, false, root) as unknown as FifoEnd;
  assert.equal(rw.partner, undefined);
  assert.equal(s.poll(ctx(rw.end)), P.OUT | P.WRNORM);
  assert.equal(errno(() => s.openFifo("1:44", 0, false, root)), 22);
  const info = s.info(ctx(rw.end)) as unknown as PipeInfo;
  assert.equal(info.bytes, 0);
});
