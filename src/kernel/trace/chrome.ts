// Drained trace events → Chrome Trace Event Format, "JSON Object Format", which Perfetto and
// chrome://tracing open: { traceEvents: [...], displayTimeUnit: "ns", otherData: {...} }.
//
// One process ("k42ts machine", pid 1); one track per processor, tid = cpu + 1, named "cpu N"
// (tid 0 is avoided because Perfetto reserves it for the idle/swapper thread). Begin/end events
// of events.ts become "B"/"E" slices, everything else thread-scoped instants ("i", s: "t").
// B/E must nest per track and have non-decreasing ts; the conversion guarantees it for any input:
//   - timestamps are clamped to be non-decreasing per track;
//   - an end event closes the innermost open slice of its kind, closing (with synthetic E events,
//     args.synthetic = true) any slice opened inside it;
//   - a sched slice (thread running) that ends suspends the slices open inside it; they are
//     reopened (args.resumed = true) when the same thread is dispatched again, on any processor;
//   - an end with no open slice of its kind becomes an instant (args.unmatched = true);
//   - a Lost event closes every open slice of its processor; the end of the input closes the rest.
// validateChrome() checks what Perfetto's JSON importer needs.

import { closeSync, openSync, writeSync } from "node:fs";
import type { TraceEvent } from "./drain.js";
import { Control, Major, type SliceKind, eventInfo, fieldName, majorName } from "./events.js";
import { assertNever } from "../../machine/assert.js";

export type ChromeArg = number | string | boolean;

export interface ChromeEvent {
  name: string;
  cat?: string;
  ph: string;
  /** Microseconds. Absent only on metadata ("M") events. */
  ts?: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: "g" | "p" | "t";
  args?: Record<string, ChromeArg>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: "ns" | "ms";
  otherData: Record<string, string | number>;
}

export interface ChromeOptions {
  /** What TraceEvent.ts counts: virtual cycles (deterministic mode) or ns (parallel mode). */
  unit: "cycles" | "ns";
  /** Cycles per microsecond when unit = "cycles" (default 1000: a 1 GHz clock). */
  cyclesPerUs?: number;
  cpus: number;
  title?: string;
}

export const CHROME_PID = 1;
export const PROCESS_NAME = "k42ts machine";
export function tidOfCpu(cpu: number): number {
  return cpu + 1;
}
export function cpuOfTid(tid: number): number {
  return tid - 1;
}

interface Open {
  name: string;
  cat: string;
  slice: SliceKind;
  args: Record<string, ChromeArg>;
  /** For sched slices: the thread (Dispatch data word 0). */
  thread: number;
}

interface Track {
  stack: Open[];
  last: number;
}

/** Convert drained events (each cpu's in buffer order, cpus in any interleaving) to a Chrome trace. */
export function toChrome(events: readonly TraceEvent[], opts: ChromeOptions): ChromeTrace {
  const perUs = opts.unit === "cycles" ? (opts.cyclesPerUs ?? 1000) : 1000;
  if (!(perUs > 0)) throw new RangeError(`trace: bad cyclesPerUs ${perUs}`);
  const conv = new Converter(perUs);
  for (const e of timeOrder(events)) conv.add(e);
  conv.finish();
  const cpus = new Set<number>();
  for (let c = 0; c < opts.cpus; c++) cpus.add(c);
  for (const e of events) cpus.add(e.cpu);
  const meta: ChromeEvent[] = [
    { name: "process_name", ph: "M", pid: CHROME_PID, tid: 0, args: { name: PROCESS_NAME } },
  ];
  for (const c of [...cpus].sort((x, y) => x - y)) {
    meta.push({ name: "thread_name", ph: "M", pid: CHROME_PID, tid: tidOfCpu(c), args: { name: `cpu ${c}` } });
    meta.push({ name: "thread_sort_index", ph: "M", pid: CHROME_PID, tid: tidOfCpu(c), args: { sort_index: c } });
  }
  const otherData: Record<string, string | number> = {
    producer: "k42ts trace",
    unit: opts.unit,
    cpus: opts.cpus,
  };
  if (opts.unit === "cycles") otherData.cyclesPerUs = perUs;
  if (opts.title !== undefined) otherData.title = opts.title;
  return { traceEvents: meta.concat(conv.out), displayTimeUnit: "ns", otherData };
}

/**
 * The events merged into one time order (a thread can stop on one processor and resume on
 * another): each processor's order is kept, its timestamps clamped to be non-decreasing; ties
 * go to the lower processor. Any interleaving of the same per-processor sequences gives the
 * same result.
 */
function timeOrder(events: readonly TraceEvent[]): TraceEvent[] {
  const last = new Map<number, number>();
  const keyed = events.map((e, i) => {
    const t = Math.max(e.ts, last.get(e.cpu) ?? -Infinity);
    last.set(e.cpu, t);
    return { e, t, i };
  });
  keyed.sort((a, b) => a.t - b.t || a.e.cpu - b.e.cpu || a.i - b.i);
  return keyed.map((k) => k.e);
}

class Converter {
  readonly out: ChromeEvent[] = [];
  private readonly tracks = new Map<number, Track>();
  /** Slices suspended when their thread stopped running, by thread. */
  private readonly suspended = new Map<number, Open[]>();

  constructor(private readonly perUs: number) {}

  add(e: TraceEvent): void {
    const tid = tidOfCpu(e.cpu);
    const tr = this.track(tid);
    const ts = Math.max(e.ts / this.perUs, tr.last);
    tr.last = ts;
    const info = eventInfo(e.major, e.minor);
    const args = argsOf(e);
    const cat = majorName(e.major);
    if (e.major === Major.Control && e.minor === Control.Lost) this.closeAll(tid, tr, ts);
    const shape = info.chrome;
    switch (shape.kind) {
      case "internal":
        return;
      case "instant":
        this.out.push({ name: info.fullName, cat, ph: "i", s: "t", ts, pid: CHROME_PID, tid, args });
        return;
      case "begin": {
        const name = info.label ? info.label(e.data) : info.fullName;
        const thread = e.data[0] ?? -1;
        if (shape.slice === "sched") {
          const j = findSlice(tr.stack, "sched");
          if (j >= 0) {
            // Dispatched without a stop event: stop the running thread first.
            this.closeAbove(tid, tr, j, ts);
            this.syntheticEnd(tid, tr.stack.pop() as Open, ts);
          }
        }
        this.open(tid, tr, { name, cat, slice: shape.slice, args, thread }, ts);
        if (shape.slice === "sched") {
          const again = this.suspended.get(thread);
          if (again) {
            this.suspended.delete(thread);
            for (const o of again) this.open(tid, tr, { ...o, args: { ...o.args, resumed: true } }, ts);
          }
        }
        return;
      }
      case "end": {
        const j = findSlice(tr.stack, shape.slice);
        if (j < 0) {
          this.out.push({ name: info.fullName, cat, ph: "i", s: "t", ts, pid: CHROME_PID, tid, args: { ...args, unmatched: true } });
          return;
        }
        this.closeAbove(tid, tr, j, ts);
        const o = tr.stack.pop() as Open;
        this.out.push({ name: o.name, cat: o.cat, ph: "E", ts, pid: CHROME_PID, tid, args: { ...args, end: info.name } });
        return;
      }
      default:
        assertNever(shape, "chrome shape");
    }
  }

  finish(): void {
    for (const [tid, tr] of this.tracks) this.closeAll(tid, tr, tr.last);
  }

  private track(tid: number): Track {
    let tr = this.tracks.get(tid);
    if (!tr) {
      tr = { stack: [], last: 0 };
      this.tracks.set(tid, tr);
    }
    return tr;
  }

  private open(tid: number, tr: Track, o: Open, ts: number): void {
    tr.stack.push(o);
    this.out.push({ name: o.name, cat: o.cat, ph: "B", ts, pid: CHROME_PID, tid, args: o.args });
  }

  /**
   * Close the slices above stack[j], innermost first, with synthetic E events. If stack[j] is a
   * sched slice they are suspended: kept, outermost first, to reopen when its thread runs again.
   */
  private closeAbove(tid: number, tr: Track, j: number, ts: number): void {
    const closed: Open[] = [];
    while (tr.stack.length > j + 1) {
      const o = tr.stack.pop() as Open;
      closed.push(o);
      this.syntheticEnd(tid, o, ts);
    }
    const owner = tr.stack[j];
    if (owner.slice === "sched" && closed.length > 0) this.suspended.set(owner.thread, closed.reverse());
  }

  private syntheticEnd(tid: number, o: Open, ts: number): void {
    this.out.push({ name: o.name, cat: o.cat, ph: "E", ts, pid: CHROME_PID, tid, args: { synthetic: true } });
  }

  private closeAll(tid: number, tr: Track, ts: number): void {
    while (tr.stack.length > 0) this.syntheticEnd(tid, tr.stack.pop() as Open, ts);
  }
}

function findSlice(stack: readonly Open[], slice: SliceKind): number {
  for (let j = stack.length - 1; j >= 0; j--) if (stack[j].slice === slice) return j;
  return -1;
}

function argsOf(e: TraceEvent): Record<string, ChromeArg> {
  const info = eventInfo(e.major, e.minor);
  const args: Record<string, ChromeArg> = {};
  e.data.forEach((v, i) => (args[fieldName(info, i)] = v));
  if (e.str !== undefined) args.str = e.str;
  if (e.layer !== undefined) args.layer = e.layer;
  return args;
}

/** Write a Chrome trace as JSON, one event per line (streamed: no single huge string). */
export function writeChrome(path: string, trace: ChromeTrace): void {
  const fd = openSync(path, "w");
  try {
    writeSync(fd, '{"traceEvents":[\n');
    const evs = trace.traceEvents;
    const CHUNK = 2000;
    for (let i = 0; i < evs.length; i += CHUNK) {
      const lines = evs.slice(i, i + CHUNK).map((e) => JSON.stringify(e));
      writeSync(fd, lines.join(",\n") + (i + CHUNK < evs.length ? ",\n" : "\n"));
    }
    writeSync(fd, `],\n"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},\n`);
    writeSync(fd, `"otherData":${JSON.stringify(trace.otherData)}}\n`);
  } finally {
    closeSync(fd);
  }
}

// ---- validation ----------------------------------------------------------------------------

/** Phases of the Trace Event Format. */
const PHASES: ReadonlySet<string> = new Set([
  "B", "E", "X", "i", "I", "C", "b", "n", "e", "s", "t", "f", "P", "N", "O", "D", "M", "V", "v",
  "R", "c", "(", ")",
]);
const METADATA: ReadonlySet<string> = new Set(["process_name", "process_labels", "process_sort_index", "thread_name", "thread_sort_index"]);
const MAX_PROBLEMS = 50;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Problems that would stop Perfetto (or chrome://tracing) from reading `obj` as intended; empty
 * when valid. Checks the JSON Object Format, the fields each phase needs, and per (pid, tid):
 * B/E balanced and in non-decreasing ts order (file order), and slices (B/E and X) nesting
 * without partial overlap.
 */
export function validateChrome(obj: unknown): string[] {
  const problems: string[] = [];
  let more = 0;
  const bad = (msg: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(msg);
    else more++;
  };
  if (!isObj(obj)) return ["not a JSON object"];
  const evs = obj.traceEvents;
  if (!Array.isArray(evs)) return ["traceEvents is missing or not an array"];
  const dtu = obj.displayTimeUnit;
  if (dtu !== undefined && dtu !== "ms" && dtu !== "ns") bad(`displayTimeUnit ${JSON.stringify(dtu)} is not "ms" or "ns"`);
  if (obj.otherData !== undefined && !isObj(obj.otherData)) bad("otherData is not an object");

  interface Span { start: number; end: number; what: string }
  const stacks = new Map<string, { ts: number; what: string }[]>();
  const lastTs = new Map<string, number>();
  const spans = new Map<string, Span[]>();
  const spansOf = (k: string): Span[] => {
    let l = spans.get(k);
    if (!l) spans.set(k, (l = []));
    return l;
  };

  evs.forEach((e: unknown, i: number) => {
    const at = `event ${i}`;
    if (!isObj(e)) return bad(`${at}: not an object`);
    const ph = e.ph;
    if (typeof ph !== "string" || !PHASES.has(ph)) return bad(`${at}: bad ph ${JSON.stringify(ph)}`);
    if (ph !== "E" && typeof e.name !== "string") bad(`${at} (${ph}): name missing or not a string`);
    if (e.cat !== undefined && typeof e.cat !== "string") bad(`${at}: cat is not a string`);
    if (e.args !== undefined && !isObj(e.args)) bad(`${at}: args is not an object`);
    const idOk = (v: unknown): boolean => (typeof v === "number" && Number.isInteger(v)) || typeof v === "string";
    if (!idOk(e.pid)) bad(`${at} (${ph}): pid missing or not an integer/string`);
    if (e.tid !== undefined && !idOk(e.tid)) bad(`${at} (${ph}): tid not an integer/string`);
    if (ph === "M") {
      if (typeof e.name === "string" && !METADATA.has(e.name)) bad(`${at}: unknown metadata name ${e.name}`);
      const a = e.args;
      if (typeof e.name === "string" && e.name.endsWith("_name") && !(isObj(a) && typeof a.name === "string")) {
        bad(`${at}: ${e.name} without args.name`);
      }
      return;
    }
    const ts = e.ts;
    if (typeof ts !== "number" || !Number.isFinite(ts)) return bad(`${at} (${ph}): ts missing or not a finite number`);
    const key = `${String(e.pid)}/${String(e.tid ?? e.pid)}`;
    const what = `${at} (${ph} ${typeof e.name === "string" ? e.name : ""})`;
    switch (ph) {
      case "X": {
        const dur = e.dur;
        if (typeof dur !== "number" || !Number.isFinite(dur) || dur < 0) return bad(`${at} (X): dur missing or negative`);
        spansOf(key).push({ start: ts, end: ts + dur, what });
        return;
      }
      case "i":
      case "I":
        if (e.s !== undefined && e.s !== "g" && e.s !== "p" && e.s !== "t") bad(`${at}: instant scope s=${JSON.stringify(e.s)}`);
        return;
      case "B":
      case "E": {
        const prev = lastTs.get(key);
        if (prev !== undefined && ts < prev) bad(`${what}: ts ${ts} goes back (previous B/E at ${prev}) on ${key}`);
        lastTs.set(key, Math.max(ts, prev ?? ts));
        let st = stacks.get(key);
        if (!st) stacks.set(key, (st = []));
        if (ph === "B") st.push({ ts, what });
        else {
          const b = st.pop();
          if (!b) bad(`${what}: unbalanced E (no open B on ${key})`);
          else spansOf(key).push({ start: b.ts, end: ts, what: b.what });
        }
        return;
      }
      default:
        return;
    }
  });
  for (const [key, st] of stacks) for (const b of st) bad(`${b.what}: B never closed (unbalanced) on ${key}`);
  for (const [key, list] of spans) checkNesting(key, list, bad);
  if (more > 0) problems.push(`... and ${more} more problems`);
  return problems;
}

/** Slices of one track must nest: sorted by start (longest first), none may end after its parent. */
function checkNesting(
  key: string, list: { start: number; end: number; what: string }[], bad: (m: string) => void,
): void {
  list.sort((a, b) => a.start - b.start || b.end - a.end);
  const open: { start: number; end: number; what: string }[] = [];
  for (const s of list) {
    while (open.length > 0 && open[open.length - 1].end <= s.start) open.pop();
    const parent = open[open.length - 1];
    if (parent && s.end > parent.end) {
      bad(`${s.what} [${s.start}, ${s.end}] overlaps ${parent.what} [${parent.start}, ${parent.end}] on ${key}`);
      continue;
    }
    open.push(s);
  }
}
