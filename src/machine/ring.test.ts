// The interconnect ring: order, exact bytes and stamps, wrap-around against a model of the
// documented layout, Full and Woke, a stalled producer, and producers on real worker threads.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { PhysicalMemory } from "./memory.js";
import { Push, Ring, RING_HEADER_BYTES, recordBytes, type RingMessage } from "./ring.js";
import { producerPayload, type ProducerJob, type ProducerResult } from "./ring-worker.js";

/** mulberry32: a small seeded generator, so every failure names a reproducible run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fresh(capacity: number, at = 64): { ring: Ring; buffer: SharedArrayBuffer; addr: number } {
  const buffer = new SharedArrayBuffer(at + Ring.bytesFor(capacity) + 64);
  new Uint8Array(buffer).fill(0xa5); // garbage: init() must clear what the ring relies on
  const ring = new Ring(buffer, at, capacity);
  ring.init();
  return { ring, buffer, addr: at };
}

const bytes = (n: number, salt: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + salt) & 0xff);

function dataIsZero(buffer: SharedArrayBuffer, addr: number, capacity: number): boolean {
  return new Uint8Array(buffer, addr + RING_HEADER_BYTES, capacity).every((b) => b === 0);
}

test("layout: sizes, capacity and alignment checks", () => {
  assert.equal(Ring.bytesFor(64), RING_HEADER_BYTES + 64);
  assert.equal(Ring.bytesFor(4096), RING_HEADER_BYTES + 4096);
  assert.throws(() => Ring.bytesFor(100), RangeError);
  assert.throws(() => Ring.bytesFor(32), RangeError);
  const buffer = new SharedArrayBuffer(8192);
  assert.throws(() => new Ring(buffer, 4, 256), RangeError); // not 8-byte aligned
  assert.throws(() => new Ring(buffer, 8192 - 200, 256), RangeError); // past the end
  assert.equal(recordBytes(0), 16);
  assert.equal(recordBytes(1), 24);
  assert.equal(recordBytes(8), 24);
  assert.equal(recordBytes(9), 32);
});

test("FIFO order, exact payloads (incl. empty) and exact stamps", () => {
  const { ring } = fresh(1024);
  const stamps = [0, -0, 0.1, Math.PI, -1e-300, 2 ** 53 + 2, 5e-324, Infinity, -Infinity, NaN, 1234.5678];
  const sent: RingMessage[] = stamps.map((stamp, i) => ({
    from: (i * 4099) & 0xffff,
    kind: 0xffff - i * 3,
    stamp,
    payload: bytes(i === 0 ? 0 : (i * 5) % 40, i),
  }));
  sent.push({ from: 0, kind: 0, stamp: 1, payload: new Uint8Array(0) });
  for (const m of sent) assert.notEqual(ring.push(m.from, m.kind, m.stamp, m.payload), Push.Full);
  const noPayload = ring.push(7, 8, 9.5);
  assert.equal(noPayload, Push.Ok);
  assert.equal(ring.count, sent.length + 1);
  for (const m of sent) {
    assert.equal(ring.peekStamp(), m.stamp);
    const got = ring.pop();
    assert.ok(got !== undefined);
    assert.equal(got.from, m.from);
    assert.equal(got.kind, m.kind);
    assert.equal(got.stamp, m.stamp); // Object.is: -0 and NaN exact too
    assert.deepEqual(got.payload, m.payload);
    assert.ok(!(got.payload.buffer instanceof SharedArrayBuffer), "payload is a private copy");
  }
  assert.deepEqual(ring.pop(), { from: 7, kind: 8, stamp: 9.5, payload: new Uint8Array(0) });
  assert.equal(ring.pop(), undefined);
  assert.equal(ring.peekStamp(), undefined);
  assert.equal(ring.count, 0);
});

test("Woke exactly on empty -> non-empty; stats count pushes, wakeups, fulls", () => {
  const { ring } = fresh(256);
  assert.equal(ring.push(1, 1, 0), Push.Woke);
  assert.equal(ring.push(1, 2, 0), Push.Ok);
  assert.equal(ring.push(2, 3, 0), Push.Ok);
  ring.pop();
  ring.pop();
  assert.equal(ring.push(1, 4, 0), Push.Ok, "one record still pending");
  ring.pop();
  ring.pop();
  assert.equal(ring.pop(), undefined);
  assert.equal(ring.push(3, 5, 0), Push.Woke);
  ring.pop();
  assert.equal(ring.push(3, 6, 0), Push.Woke);
  // 16 bytes pending, 240 free: 7 records of 32 bytes (wrapping), then Full
  for (let i = 0; i < 8; i++) assert.equal(ring.push(4, 7, 0, bytes(16, i)), i === 7 ? Push.Full : Push.Ok, `push ${i}`);
  assert.deepEqual(ring.stats(), { pushes: 13, wakeups: 3, fulls: 1 });
});

test("Full when no room writes nothing and leaves the ring consistent", () => {
  const { ring, buffer, addr } = fresh(256);
  const p = (i: number): Uint8Array => bytes(16, i); // 32-byte records: 8 fit
  for (let i = 0; i < 8; i++) assert.notEqual(ring.push(0, i, i, p(i)), Push.Full, `push ${i}`);
  const before = new Uint8Array(buffer).slice();
  assert.equal(ring.push(0, 99, 99, p(99)), Push.Full);
  assert.equal(ring.push(0, 99, 99), Push.Full, "even a 16-byte record");
  const after = new Uint8Array(buffer);
  // only the fulls counter (header word 4) changed
  for (let i = 0; i < before.length; i++) {
    if (i >= addr + 16 && i < addr + 20) continue;
    assert.equal(after[i], before[i], `byte ${i} changed by a Full push`);
  }
  assert.equal(ring.count, 8);
  assert.equal(ring.pop()?.kind, 0);
  assert.equal(ring.push(0, 8, 8, p(8)), Push.Ok, "room again after one pop (wraps to offset 0)");
  assert.equal(ring.push(0, 100, 100), Push.Full);
  for (let i = 1; i <= 8; i++) {
    const m = ring.pop();
    assert.equal(m?.kind, i);
    assert.equal(m?.stamp, i);
    assert.deepEqual(m?.payload, p(i));
  }
  assert.equal(ring.pop(), undefined);
  assert.ok(dataIsZero(buffer, addr, 256), "a drained ring's data area is all zero");
  assert.deepEqual(ring.stats(), { pushes: 9, wakeups: 1, fulls: 3 });
});

test("a record that would straddle the end goes to the start behind a padding record", () => {
  const { ring, buffer, addr } = fresh(256);
  for (let i = 0; i < 5; i++) ring.push(0, i, i, bytes(32, i)); // 5 x 48 = 240 bytes
  for (let i = 0; i < 5; i++) ring.pop();
  assert.equal(ring.push(1, 2, 3.5, bytes(32, 9)), Push.Woke); // 16 left at the end: padded
  const d32 = new Int32Array(buffer, addr + RING_HEADER_BYTES, 64);
  assert.equal(d32[240 / 4], -16, "padding mark at offset 240");
  assert.equal(d32[0], 33, "message mark at offset 0: payload length + 1");
  assert.equal(ring.peekStamp(), 3.5);
  assert.deepEqual(ring.pop(), { from: 1, kind: 2, stamp: 3.5, payload: bytes(32, 9) });
  assert.ok(dataIsZero(buffer, addr, 256));
  // the biggest record (half the ring) always fits in an empty ring, whatever the position
  assert.equal(ring.maxPayload, 112);
  // (records are >= 16 bytes and never straddle, so offset 8 can never be a record's start)
  const reserve = (): number => new Int32Array(buffer, addr, 1)[0] & 255;
  for (let o = 0; o < 256; o += o === 0 ? 16 : 8) {
    // step the empty ring to offset o with 16- and 24-byte records
    for (let guard = 0; reserve() !== o; guard++) {
      assert.ok(guard < 40, `cannot reach offset ${o}`);
      const off = reserve();
      const d = (o - off) & 255;
      const long = off < o && d >= 16 ? d % 16 === 8 : off % 16 === 8 && off + 24 <= 256;
      ring.push(0, 0, 0, long ? bytes(8, 0) : undefined);
      ring.pop();
    }
    assert.equal(ring.push(0, o, 0, bytes(ring.maxPayload, o)), Push.Woke, `offset ${o}`);
    assert.deepEqual(ring.pop()?.payload, bytes(ring.maxPayload, o), `offset ${o}`);
  }
  assert.throws(() => ring.push(0, 0, 0, new Uint8Array(ring.maxPayload + 1)), RangeError);
  assert.throws(() => ring.push(0x10000, 0, 0), RangeError);
  assert.throws(() => ring.push(0, -1, 0), RangeError);
  assert.equal(ring.count, 0);
});

test("wrap-around many times with varied sizes, against a model of the layout (seeded)", () => {
  for (const seed of [1, 0xdecafbad, 20240607]) {
    const capacity = 512;
    const { ring, buffer, addr } = fresh(capacity);
    const rand = rng(seed);
    const queue: { m: RingMessage; span: number }[] = [];
    let head = 0;
    let tail = 0;
    let pushes = 0;
    let wakeups = 0;
    let fulls = 0;
    let popped = 0;
    for (let step = 0; step < 20000; step++) {
      const ctx = `seed ${seed} step ${step}`;
      if (rand() < 0.55) {
        const len = rand() < 0.3 ? 0 : Math.floor(rand() ** 2 * (ring.maxPayload + 1));
        const m: RingMessage = {
          from: Math.floor(rand() * 0x10000),
          kind: Math.floor(rand() * 0x10000),
          stamp: (rand() - 0.5) * 1e9,
          payload: bytes(len, step),
        };
        const rec = recordBytes(len);
        const off = head % capacity;
        const span = (off + rec > capacity ? capacity - off : 0) + rec;
        const expect = head - tail + span > capacity ? Push.Full : queue.length === 0 ? Push.Woke : Push.Ok;
        assert.equal(ring.push(m.from, m.kind, m.stamp, m.payload), expect, ctx);
        if (expect === Push.Full) fulls++;
        else {
          pushes++;
          if (expect === Push.Woke) wakeups++;
          head += span;
          queue.push({ m, span });
        }
      } else {
        const want = queue.shift();
        assert.equal(ring.peekStamp(), want?.m.stamp, ctx);
        assert.deepEqual(ring.pop(), want?.m, ctx);
        if (want !== undefined) {
          tail += want.span;
          popped++;
        }
      }
      assert.equal(ring.count, queue.length, ctx);
    }
    assert.ok(head / capacity > 100, `seed ${seed}: only ${head / capacity} laps`);
    assert.ok(popped > 5000 && fulls > 100, `seed ${seed}: popped ${popped}, fulls ${fulls}`);
    assert.deepEqual(ring.stats(), { pushes, wakeups, fulls }, `seed ${seed}`);
    while (queue.length > 0) assert.deepEqual(ring.pop(), queue.shift()?.m, `seed ${seed} drain`);
    assert.ok(dataIsZero(buffer, addr, capacity), `seed ${seed}: drained data area not zero`);
  }
});

test("the state is in shared memory: two views of one ring are one ring", () => {
  const mem = new PhysicalMemory({ bytes: 1 << 20, nodes: 2 });
  const addr = mem.allocContiguous(1, 1);
  const a = new Ring(mem.buffer, addr, 2048);
  a.init();
  const b = new Ring(mem.buffer, addr, 2048);
  assert.equal(a.push(3, 4, 5, bytes(10, 1)), Push.Woke);
  assert.equal(b.push(6, 7, 8), Push.Ok);
  assert.equal(b.count, 2);
  assert.deepEqual(b.pop(), { from: 3, kind: 4, stamp: 5, payload: bytes(10, 1) });
  assert.equal(a.pop()?.from, 6);
  assert.deepEqual(b.stats(), a.stats());
  assert.equal(mem.i32[(addr >> 2) + 5], 2048, "init() records the capacity in the header");
});

test("a producer stalled between reservation and publication holds back later records", () => {
  const { ring, buffer, addr } = fresh(256);
  const head = new Int32Array(buffer, addr, RING_HEADER_BYTES / 4);
  // The stalled producer's reservation: 24 bytes (8-byte payload) at position 0, count + 1.
  assert.equal(Atomics.compareExchange(head, 0, 0, 24), 0);
  assert.equal(Atomics.add(head, 1, 1), 0);
  assert.equal(ring.push(2, 2, 2.5, bytes(3, 2)), Push.Ok, "the ring was not empty");
  assert.equal(ring.count, 2);
  assert.equal(ring.pop(), undefined, "the later record must not overtake");
  assert.equal(ring.peekStamp(), undefined);
  // The stalled producer finishes: from/kind, stamp, payload, then the mark.
  const data = addr + RING_HEADER_BYTES;
  new Int32Array(buffer, data, 2)[1] = 1 | (1 << 16);
  new Float64Array(buffer, data, 2)[1] = 1.5;
  new Uint8Array(buffer, data + 16, 8).set(bytes(8, 1));
  Atomics.store(new Int32Array(buffer, data, 1), 0, 9);
  assert.deepEqual(ring.pop(), { from: 1, kind: 1, stamp: 1.5, payload: bytes(8, 1) });
  assert.deepEqual(ring.pop(), { from: 2, kind: 2, stamp: 2.5, payload: bytes(3, 2) });
  assert.equal(ring.count, 0);
});

test("producers on 3 worker threads, consumer on the main thread sleeping in wait()", async () => {
  const seed = 0x5eed42;
  const producers = 3;
  const perProducer = 3000;
  const capacity = 4096;
  const mem = new PhysicalMemory({ bytes: 1 << 20, nodes: 1 });
  const addr = mem.allocContiguous(Math.ceil(Ring.bytesFor(capacity) / 4096));
  const ring = new Ring(mem.buffer, addr, capacity);
  ring.init();
  const workers: Worker[] = [];
  try {
    const results: Promise<ProducerResult>[] = [];
    for (let id = 0; id < producers; id++) {
      const job: ProducerJob = { buffer: mem.buffer, addr, capacity, id, count: perProducer, seed };
      const w = new Worker(new URL("./ring-worker.js", import.meta.url), { workerData: job });
      workers.push(w);
      results.push(
        new Promise((resolve, reject) => {
          w.once("message", (r: ProducerResult) => resolve(r));
          w.once("error", reject);
        }),
      );
    }
    const next = new Array<number>(producers).fill(0);
    const total = producers * perProducer;
    const deadline = Date.now() + 4000; // a guard against hanging, not a timing assertion
    let received = 0;
    while (received < total && Date.now() < deadline) {
      const m = ring.pop();
      if (m === undefined) {
        ring.wait(20);
        continue;
      }
      const ctx = `seed ${seed}, message ${received}`;
      assert.ok(m.from < producers, `${ctx}: from ${m.from}`);
      const seq = new DataView(m.payload.buffer).getUint32(0, true);
      assert.equal(seq, next[m.from], `${ctx}: producer ${m.from} out of order or duplicated`);
      assert.equal(m.kind, seq & 0xffff, ctx);
      assert.equal(m.stamp, seq + 0.25, ctx);
      assert.deepEqual(m.payload, producerPayload(m.from, seq, seed), ctx);
      next[m.from]++;
      received++;
    }
    assert.equal(received, total, `seed ${seed}: received ${received} of ${total}, per producer ${next.join(",")}`);
    const done = await Promise.all(results);
    assert.equal(ring.pop(), undefined);
    assert.equal(ring.count, 0);
    const s = ring.stats();
    assert.equal(s.pushes, total);
    assert.equal(s.wakeups, done.reduce((n, r) => n + r.woke, 0), "every Woke a producer saw is counted");
    assert.equal(s.fulls, done.reduce((n, r) => n + r.fulls, 0));
    assert.ok(s.wakeups >= 1 && s.wakeups <= s.pushes, `wakeups ${s.wakeups}, pushes ${s.pushes}`);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
});
