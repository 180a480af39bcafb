// Trace ring tests (deterministic, one thread): round trip of every event shape across
// sub-buffer boundaries and 2^32 timestamp wraps, the enable mask, and overflow (Lost events).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../machine/power/difftest/rng.js";
import { SUB_WORDS, TraceArea, headerLow } from "./area.js";
import { TraceDrain, type TraceEvent, formatEvent } from "./drain.js";
import { Control, MAJOR_LIMIT, MAJOR_NAMES, MINOR_LIMIT, Major, Sched, Test, eventInfo } from "./events.js";
import { MAX_STR_BYTES, TraceWriter } from "./writer.js";

const TWO32 = 4294967296;
const SEED = Number(process.env.TRACE_SEED ?? 0x42) >>> 0;

function makeArea(cpus: number, words: number, addr = 64): TraceArea {
  const sab = new SharedArrayBuffer(addr + TraceArea.bytesFor(cpus, words) + 64);
  const area = new TraceArea(sab, addr, cpus, words);
  area.init();
  area.setMask(0xffffffffffffffffn);
  return area;
}

const SPECIAL = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1)];

function randSafe(rng: Rng): number {
  if (rng.below(4) === 0) return SPECIAL[rng.below(SPECIAL.length)];
  const v = rng.below(2 ** 21) * TWO32 + rng.u32();
  return rng.below(2) === 0 ? v : -v;
}

const ALPHABET = ["a", "Z", " ", "é", "日本", "😀", "\n", "\"", "\u0000"];

function randString(rng: Rng): string {
  const n = rng.below(20) === 0 ? 1500 + rng.below(1500) : rng.below(60);
  let s = "";
  for (let i = 0; i < n; i++) s += ALPHABET[rng.below(ALPHABET.length)];
  return s;
}

/** The longest prefix of s (whole code points) whose UTF-8 form fits in MAX_STR_BYTES. */
function truncated(s: string): string {
  const enc = new TextEncoder();
  let bytes = 0, out = "";
  for (const ch of s) {
    bytes += enc.encode(ch).length;
    if (bytes > MAX_STR_BYTES) break;
    out += ch;
  }
  return out;
}

function byCpu(evs: readonly TraceEvent[], cpus: number): TraceEvent[][] {
  const out: TraceEvent[][] = Array.from({ length: cpus }, () => []);
  for (const e of evs) out[e.cpu].push(e);
  return out;
}

test("events: table and lookup", () => {
  for (const [name, id] of Object.entries(Major)) assert.equal(MAJOR_NAMES[id], name);
  assert.ok(MAJOR_NAMES.length <= MAJOR_LIMIT);
  assert.equal(eventInfo(Major.Sched, Sched.Dispatch).fullName, "Sched.Dispatch");
  assert.deepEqual(eventInfo(Major.Sched, Sched.Dispatch).chrome, { kind: "begin", slice: "sched" });
  assert.equal(eventInfo(Major.Control, Control.Heartbeat).chrome.kind, "internal");
  assert.equal(eventInfo(40, 7).fullName, "M40.m7");
});

test("round trip: every arity and str, across sub-buffers and 2^32 wraps, decodes exactly", () => {
  const rng = new Rng(SEED);
  const cpus = 2;
  const area = makeArea(cpus, 1 << 16);
  let t = TWO32 - 50_000;
  const now = (): number => t;
  const writers = [new TraceWriter(area, 0, now), new TraceWriter(area, 1, now, 3)];
  const drain = new TraceDrain(area);
  const expected: TraceEvent[] = [];
  const got: TraceEvent[] = [];
  let wraps = 0;
  for (let i = 0; i < 2500; i++) {
    if (rng.below(40) === 0) {
      const before = Math.floor(t / TWO32);
      t += rng.below(3) * TWO32 + rng.u32();
      wraps += Math.floor(t / TWO32) - before;
    } else t += rng.below(2000);
    const cpu = rng.below(cpus);
    const w = writers[cpu];
    const major = 1 + rng.below(MAJOR_NAMES.length - 1);
    const minor = rng.below(MINOR_LIMIT);
    const kind = rng.below(6);
    const data: number[] = [];
    const e: TraceEvent = { cpu, ts: t, major, minor, data };
    if (cpu === 1) e.layer = 3;
    if (kind === 5) {
      const a = randSafe(rng);
      const s = randString(rng);
      w.str(major, minor, a, s);
      data.push(a);
      e.str = truncated(s);
    } else {
      for (let k = 0; k < kind; k++) data.push(randSafe(rng));
      const [a, b, c, d] = data;
      if (kind === 0) w.ev0(major, minor);
      else if (kind === 1) w.ev1(major, minor, a);
      else if (kind === 2) w.ev2(major, minor, a, b);
      else if (kind === 3) w.ev3(major, minor, a, b, c);
      else w.ev4(major, minor, a, b, c, d);
    }
    expected.push(e);
    if (rng.below(300) === 0) got.push(...drain.drain());
  }
  got.push(...drain.drain());
  assert.deepEqual(drain.drain(), [], "a second drain returns nothing new");
  assert.ok(wraps >= 20, `seed ${SEED}: only ${wraps} 2^32 wraps`);
  assert.ok(area.reserved(0) > 5 * SUB_WORDS, `seed ${SEED}: too few sub-buffers used`);
  const g = byCpu(got, cpus), x = byCpu(expected, cpus);
  for (let c = 0; c < cpus; c++) {
    assert.equal(g[c].length, x[c].length, `seed ${SEED}: cpu ${c} event count`);
    for (let i = 0; i < x[c].length; i++) {
      assert.deepEqual(g[c][i], x[c][i], `seed ${SEED}: cpu ${c} event ${i}: got ${formatEvent(g[c][i])}`);
    }
  }
});

test("layout: filler pads to the sub-buffer end, each sub-buffer starts with a heartbeat", () => {
  const area = makeArea(1, 4096);
  let t = 7;
  const w = new TraceWriter(area, 0, () => t++);
  // Heartbeat (2 words) + 340 events of 3 words = 1022 words: the 341st does not fit.
  for (let i = 0; i < 341; i++) w.ev2(Major.Test, Test.Data, i, 0 - i);
  assert.equal(area.reserved(0), SUB_WORDS + 2 + 3);
  const ring = area.ringWord(0);
  const hdr = (word: number): [number, number, number] => {
    const lo = area.i32[ring + 2 * word];
    return [lo >>> 24, (lo >>> 14) & 63, lo & 0x3fff];
  };
  assert.deepEqual(hdr(0), [2, Major.Control, Control.Heartbeat]);
  assert.deepEqual(hdr(1022).slice(1), [Major.Control, Control.Filler]);
  assert.deepEqual(hdr(SUB_WORDS), [2, Major.Control, Control.Heartbeat]);
  assert.deepEqual(hdr(SUB_WORDS + 2), [3, Major.Test, Test.Data]);
  const evs = new TraceDrain(area).drain();
  assert.equal(evs.length, 341);
  evs.forEach((e, i) => assert.deepEqual(e, { cpu: 0, ts: 7 + i, major: Major.Test, minor: Test.Data, data: [i, 0 - i] }));
});

test("str: lone surrogates become U+FFFD, empty strings survive", () => {
  const area = makeArea(1, 1024);
  const w = new TraceWriter(area, 0, () => 5);
  w.str(Major.User, 1, 9, "a\ud800b");
  w.str(Major.User, 1, -9, "");
  const evs = new TraceDrain(area).drain();
  assert.deepEqual(evs.map((e) => [e.data, e.str]), [[[9], "a\ufffdb"], [[-9], ""]]);
});

test("mask: disabled classes write nothing", () => {
  const area = makeArea(1, 1024);
  const w = new TraceWriter(area, 0, () => 100);
  area.setMask(0);
  assert.equal(area.mask, 0n);
  for (let m = 0; m < MAJOR_LIMIT; m++) {
    assert.equal(w.on(m), false);
    w.ev0(m, 0);
    w.ev4(m, 1, 1, 2, 3, 4);
    w.str(m, 2, 1, "x");
  }
  assert.equal(area.reserved(0), 0, "nothing reserved while all classes are off");
  area.setMask((1n << BigInt(Major.Sched)) | (1n << 40n));
  assert.equal(area.mask, (1n << 3n) | (1n << 40n));
  assert.equal(w.on(Major.Sched), true);
  assert.equal(w.on(40), true);
  assert.equal(w.on(Major.PPC), false);
  assert.equal(w.on(41), false);
  for (let m = 0; m < MAJOR_LIMIT; m++) w.ev1(m, 0, m);
  const evs = new TraceDrain(area).drain();
  assert.deepEqual(evs.map((e) => e.major), [Major.Sched, 40]);
  area.setMask(2 ** 40 + 2 ** Major.Mem);
  assert.equal(area.mask, (1n << 40n) | (1n << BigInt(Major.Mem)));
});

/** ev1 events are 2 words; with a heartbeat opening each sub-buffer, 511 fit in one. */
const PER_SUB = (SUB_WORDS - 2) / 2;

test("overflow: a writer that laps the drain yields one Lost event, later events intact", () => {
  const W = 2048;
  const area = makeArea(1, W);
  let t = 1000;
  const w = new TraceWriter(area, 0, () => t);
  const drain = new TraceDrain(area);
  const write = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      t = 1000 + 10 * i;
      w.ev1(Major.Test, Test.Data, i);
    }
  };
  const ev = (i: number): TraceEvent => ({ cpu: 0, ts: 1000 + 10 * i, major: Major.Test, minor: Test.Data, data: [i] });
  const check = (got: TraceEvent[], lost: number, first: number, end: number): void => {
    assert.deepEqual(got[0], { cpu: 0, ts: 1000 + 10 * first, major: Major.Control, minor: Control.Lost, data: [lost] });
    assert.equal(got.length - 1, end - first);
    for (let i = first; i < end; i++) assert.deepEqual(got[1 + i - first], ev(i), `event ${i}`);
  };

  write(0, 200);
  assert.equal(drain.drain().length, 200);
  const pos = 2 + 200 * 2; // words consumed so far
  write(200, 3200);
  const r = area.reserved(0);
  const firstSub = Math.ceil((r - W) / SUB_WORDS);
  check(drain.drain(), firstSub * SUB_WORDS - pos, firstSub * PER_SUB, 3200);

  write(3200, 3300);
  assert.deepEqual(drain.drain(), Array.from({ length: 100 }, (_, k) => ev(3200 + k)));

  // Lapped from a sub-buffer boundary, far behind: one Lost covering several laps.
  write(3300, 9000);
  const r2 = area.reserved(0);
  const first2 = Math.ceil((r2 - W) / SUB_WORDS);
  const pos2 = Math.ceil(3300 / PER_SUB) * SUB_WORDS - (PER_SUB - (3300 % PER_SUB)) * 2;
  check(drain.drain(), first2 * SUB_WORDS - pos2, first2 * PER_SUB, 9000);
});

test("lock-free reservation: a writer that traces inside another's reservation (an interrupt)", () => {
  const area = makeArea(1, 8192);
  let t = 100;
  const inner = new TraceWriter(area, 0, () => t);
  let inject = 0;
  // The outer writer's clock read sits between its index read and its compare-exchange: an
  // event logged there by the inner writer makes the compare-exchange fail, and it must retry.
  const outer = new TraceWriter(area, 0, () => {
    while (inject > 0) inner.ev2(Major.Test, 2, 555, --inject);
    return t;
  });
  const expected: TraceEvent[] = [];
  let interrupted = 0;
  for (let i = 0; i < 900; i++) {
    t++;
    inject = i % 3;
    if (inject > 0) interrupted++;
    for (let k = inject - 1; k >= 0; k--) expected.push({ cpu: 0, ts: t, major: Major.Test, minor: 2, data: [555, k] });
    outer.ev1(Major.Test, 1, i);
    expected.push({ cpu: 0, ts: t, major: Major.Test, minor: 1, data: [i] });
  }
  assert.equal(outer.casRetries, interrupted, "each interrupted reservation is retried once");
  assert.ok(area.reserved(0) > 2 * SUB_WORDS);
  assert.deepEqual(new TraceDrain(area).drain(), expected);
});

test("commit protocol: a reserved but unwritten event holds back its sub-buffer", () => {
  const area = makeArea(1, 4096);
  let t = 10;
  const w = new TraceWriter(area, 0, () => t);
  const drain = new TraceDrain(area);
  w.ev1(Major.Test, 0, 1); // heartbeat + event: words [0, 4)
  // A writer reserves words [4, 7) and is preempted before writing them.
  Atomics.add(area.i32, area.indexWord(0), 3);
  t = 20;
  w.ev1(Major.Test, 0, 3); // words [7, 9)
  // The commit counter (6 of 9 words) cannot say which words are missing: nothing is decoded.
  assert.deepEqual(drain.drain(), []);
  t = 30;
  w.ev1(Major.Test, 0, 4); // words [9, 11)
  assert.deepEqual(drain.drain(), [], "still waiting for the stalled writer");
  // The stalled writer resumes: header, two data words, then the commit.
  const o = area.ringWord(0) + 2 * 4;
  area.i32[o] = headerLow(3, 0, Major.Test, 0);
  area.i32[o + 1] = 15;
  area.i32.set([2, 0, -2, -1], o + 2);
  Atomics.add(area.i32, area.commitWord(0, 0), 3);
  assert.deepEqual(drain.drain().map((e) => [e.ts, ...e.data]), [[10, 1], [15, 2, -2], [20, 3], [30, 4]]);
});
