// Chrome trace conversion, validation and summary tests.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChromeEvent, type ChromeTrace, tidOfCpu, toChrome, validateChrome, writeChrome } from "./chrome.js";
import { TraceArea } from "./area.js";
import { TraceDrain, type TraceEvent } from "./drain.js";
import { Control, HotSwap, Linux, Major, Mem, PPC, Sched, User } from "./events.js";
import { summarize } from "./summary.js";
import { TraceWriter } from "./writer.js";

const ev = (cpu: number, ts: number, major: number, minor: number, ...data: number[]): TraceEvent =>
  ({ cpu, ts, major, minor, data });

/** A thread that blocks inside a syscall inside a PPC call, and resumes on the other cpu. */
function scenario(): TraceEvent[] {
  return [
    ev(0, 1000, Major.Sched, Sched.Dispatch, 1, 0),
    ev(0, 1100, Major.Linux, Linux.SyscallEnter, 3, 0, 0, 0),
    ev(0, 1200, Major.PPC, PPC.Call, 7, 2, 1),
    ev(0, 1500, Major.PPC, PPC.Return, 7, 2),
    ev(0, 1550, Major.Mem, Mem.LineWait, 0x1000, 40, 7),
    ev(0, 1600, Major.PPC, PPC.Call, 7, 3, 1),
    ev(0, 1700, Major.Sched, Sched.Block, 1, 0),
    ev(0, 1800, Major.Sched, Sched.Idle),
    ev(1, 1900, Major.Sched, Sched.Dispatch, 1, 0),
    ev(1, 2000, Major.PPC, PPC.Return, 7, 3),
    ev(1, 2100, Major.Linux, Linux.SyscallExit, 3, 0),
    ev(1, 2200, Major.Sched, Sched.ThreadExit, 1, 0),
    ev(1, 2300, Major.PPC, PPC.Return, 7, 3), // no open call: an instant
    ev(0, 2400, Major.Sched, Sched.Dispatch, 2, 0),
    ev(0, 2500, Major.Control, Control.Lost, 100),
    ev(0, 2450, Major.User, User.Begin, 5), // ts goes back: clamped; never ended
    { ...ev(1, 2600, Major.User, User.Str, 9), str: "hello" },
  ];
}

const only = (t: ChromeTrace, tid: number): ChromeEvent[] => t.traceEvents.filter((e) => e.tid === tid && e.ph !== "M");

test("toChrome: slices nest, suspend on block, resume on dispatch; output validates", () => {
  const tr = toChrome(scenario(), { unit: "cycles", cpus: 2, title: "scenario" });
  assert.deepEqual(validateChrome(tr), []);
  assert.equal(tr.displayTimeUnit, "ns");
  const meta = tr.traceEvents.filter((e) => e.ph === "M");
  assert.deepEqual(meta.filter((e) => e.name !== "thread_sort_index").map((e) => [e.name, e.tid, e.args?.name]), [
    ["process_name", 0, "k42ts machine"], ["thread_name", 1, "cpu 0"], ["thread_name", 2, "cpu 1"],
  ]);
  const cpu0 = only(tr, tidOfCpu(0)).map((e) => `${e.ph} ${e.name} ${e.ts}${e.args?.synthetic ? " synthetic" : ""}`);
  assert.deepEqual(cpu0, [
    "B thread 1 1", "B syscall 3 1.1", "B ppc 7.2 1.2", "E ppc 7.2 1.5", "i Mem.LineWait 1.55",
    "B ppc 7.3 1.6", "E ppc 7.3 1.7 synthetic", "E syscall 3 1.7 synthetic", "E thread 1 1.7", "i Sched.Idle 1.8",
    "B thread 2 2.4", "E thread 2 2.5 synthetic", "i Control.Lost 2.5", "B user 5 2.5", "E user 5 2.5 synthetic",
  ]);
  const cpu1 = only(tr, tidOfCpu(1)).map((e) => `${e.ph} ${e.name} ${e.ts}${e.args?.resumed ? " resumed" : ""}${e.args?.unmatched ? " unmatched" : ""}`);
  assert.deepEqual(cpu1, [
    "B thread 1 1.9", "B syscall 3 1.9 resumed", "B ppc 7.3 1.9 resumed", "E ppc 7.3 2", "E syscall 3 2.1",
    "E thread 1 2.2", "i PPC.Return 2.3 unmatched", "i User.Str 2.6",
  ]);
  const str = only(tr, tidOfCpu(1)).find((e) => e.name === "User.Str");
  assert.deepEqual(str?.args, { a: 9, str: "hello" });
  assert.deepEqual(tr.otherData, { producer: "k42ts trace", unit: "cycles", cpus: 2, cyclesPerUs: 1000, title: "scenario" });
  assert.deepEqual(JSON.parse(JSON.stringify(tr)), tr);
});

test("toChrome: the drain's cpu-by-cpu order gives the same trace as time order", () => {
  const evs = scenario();
  const cpuMajor = [...evs.filter((e) => e.cpu === 0), ...evs.filter((e) => e.cpu === 1)];
  const opts = { unit: "cycles", cpus: 2 } as const;
  assert.deepEqual(toChrome(cpuMajor, opts), toChrome(evs, opts));
});

test("end to end: events written to the rings, drained, converted, validated", () => {
  const evs = scenario().filter((e) => e.major !== Major.User || e.minor !== User.Begin);
  const area = new TraceArea(new SharedArrayBuffer(TraceArea.bytesFor(2, 1024)), 0, 2, 1024);
  area.init();
  area.setMask(~0n);
  let t = 0;
  const w = [new TraceWriter(area, 0, () => t), new TraceWriter(area, 1, () => t)];
  for (const e of evs) {
    t = e.ts;
    const d = e.data;
    if (e.str !== undefined) w[e.cpu].str(e.major, e.minor, d[0], e.str);
    else if (d.length === 0) w[e.cpu].ev0(e.major, e.minor);
    else if (d.length === 1) w[e.cpu].ev1(e.major, e.minor, d[0]);
    else if (d.length === 2) w[e.cpu].ev2(e.major, e.minor, d[0], d[1]);
    else if (d.length === 3) w[e.cpu].ev3(e.major, e.minor, d[0], d[1], d[2]);
    else w[e.cpu].ev4(e.major, e.minor, d[0], d[1], d[2], d[3]);
  }
  const opts = { unit: "cycles", cpus: 2 } as const;
  const tr = toChrome(new TraceDrain(area).drain(), opts);
  assert.deepEqual(validateChrome(tr), []);
  assert.deepEqual(tr, toChrome(evs, opts));
});

test("toChrome: ns unit and cyclesPerUs scale timestamps", () => {
  const e = [ev(0, 5000, Major.Sched, Sched.Idle)];
  assert.equal(toChrome(e, { unit: "ns", cpus: 1 }).traceEvents.at(-1)?.ts, 5);
  assert.equal(toChrome(e, { unit: "cycles", cyclesPerUs: 2500, cpus: 1 }).traceEvents.at(-1)?.ts, 2);
});

test("validateChrome catches planted problems", () => {
  const good = toChrome(scenario(), { unit: "cycles", cpus: 2 });
  const plant = (f: (evs: ChromeEvent[]) => void): string[] => {
    const t = JSON.parse(JSON.stringify(good)) as ChromeTrace;
    f(t.traceEvents);
    return validateChrome(t);
  };
  const has = (problems: string[], re: RegExp): void =>
    assert.ok(problems.some((p) => re.test(p)), `expected ${re} in ${JSON.stringify(problems)}`);
  has(plant((evs) => evs.push({ name: "x", ph: "E", ts: 99, pid: 1, tid: 1 })), /unbalanced E/);
  has(plant((evs) => evs.splice(evs.map((e) => e.ph).lastIndexOf("E"), 1)), /never closed/);
  has(plant((evs) => { delete evs.find((e) => e.ph === "i")?.ts; }), /ts missing/);
  has(plant((evs) => { (evs.find((e) => e.ph === "B") as ChromeEvent).ph = "Q"; }), /bad ph "Q"/);
  has(plant((evs) => evs.push({ name: "late", ph: "B", ts: 0.5, pid: 1, tid: 1 }, { name: "late", ph: "E", ts: 0.6, pid: 1, tid: 1 })), /goes back/);
  has(plant((evs) => evs.push(
    { name: "a", ph: "X", ts: 10, dur: 5, pid: 1, tid: 9 }, { name: "b", ph: "X", ts: 12, dur: 5, pid: 1, tid: 9 },
  )), /overlaps/);
  has(plant((evs) => evs.push({ name: "a", ph: "X", ts: 10, pid: 1, tid: 9 })), /dur missing/);
  has(plant((evs) => evs.push({ name: "thread_name", ph: "M", pid: 1, tid: 3, args: {} })), /without args.name/);
  has(plant((evs) => evs.push({ name: "i", ph: "i", s: "x" as "t", ts: 3, pid: 1, tid: 1 })), /scope/);
  assert.deepEqual(validateChrome([]), ["not a JSON object"]);
  assert.deepEqual(validateChrome({ traceEvents: 3 }), ["traceEvents is missing or not an array"]);
  // Properly nested X events, and X inside B/E, are fine.
  assert.deepEqual(plant((evs) => evs.push(
    { name: "a", ph: "X", ts: 10, dur: 5, pid: 1, tid: 9 }, { name: "b", ph: "X", ts: 11, dur: 2, pid: 1, tid: 9 },
    { name: "c", ph: "X", ts: 15, dur: 0, pid: 1, tid: 9 },
  )), []);
});

test("writeChrome writes JSON that parses back to the same trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-trace-"));
  try {
    const tr = toChrome(scenario(), { unit: "ns", cpus: 2 });
    const f = join(dir, "t.json");
    writeChrome(f, tr);
    assert.deepEqual(JSON.parse(readFileSync(f, "utf8")), tr);
    const empty = toChrome([], { unit: "ns", cpus: 1 });
    writeChrome(f, empty);
    assert.deepEqual(JSON.parse(readFileSync(f, "utf8")), empty);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("summarize: per-class counts per processor, objects, PPC methods, line waits", () => {
  const text = summarize(toChrome(scenario(), { unit: "cycles", cpus: 2, title: "scenario" }));
  const row = (re: RegExp): void => assert.match(text, re, text);
  row(/^scenario: 17 events on 2 processors, 1\.000 \.\. 2\.600 us$/m);
  row(/^class\s+cpu0\s+cpu1\s+total$/m);
  row(/^Sched\s+4\s+2\s+6$/m);
  row(/^Linux\s+1\s+1\s+2$/m);
  row(/^PPC\s+3\s+2\s+5$/m);
  row(/^Mem\s+1\s+0\s+1$/m);
  row(/^Control\s+1\s+0\s+1$/m);
  row(/^User\s+1\s+1\s+2$/m);
  row(/^total\s+11\s+6\s+17$/m);
  row(/^7\s+6\s+PPC 5, Mem 1$/m);
  row(/^7\.2\s+1\s+0\.300$/m);
  row(/^7\.3\s+1\s+0\.200$/m);
  row(/^cpu0\s+1\s+40$/m);
});

test("summarize: hot-swaps with the mean time of each phase; unfinished swaps left out", () => {
  const hs = (ts: number, minor: number, obj: number, round: number) =>
    ({ cpu: 0, ts, major: Major.HotSwap, minor, data: [obj, round] });
  const ev = [
    // object 7, round 1: phases 100, 200, 300, 400 cycles long
    hs(1000, HotSwap.Forward, 7, 1), hs(1100, HotSwap.Block, 7, 1), hs(1300, HotSwap.Transfer, 7, 1),
    hs(1600, HotSwap.Complete, 7, 1), hs(2000, HotSwap.Done, 7, 1),
    // round 2: 300, 200, 100, 0
    hs(3000, HotSwap.Forward, 7, 2), hs(3300, HotSwap.Block, 7, 2), hs(3500, HotSwap.Transfer, 7, 2),
    hs(3600, HotSwap.Complete, 7, 2), hs(3600, HotSwap.Done, 7, 2),
    // an unfinished swap of another object
    hs(4000, HotSwap.Forward, 9, 3),
  ];
  const text = summarize(toChrome(ev, { unit: "cycles", cpus: 1 }));
  // 1000 cycles per us: means 0.2, 0.2, 0.2, 0.2 us, total 0.8 us
  assert.match(text, /^Hot-swaps \(mean time per phase, us\)$/m);
  const section = text.slice(text.indexOf("Hot-swaps"));
  assert.match(section, /^7\s+2\s+0\.200\s+0\.200\s+0\.200\s+0\.200\s+0\.800$/m);
  assert.doesNotMatch(section, /^9\s+/m);
});
