// A text summary of a Chrome trace written by toChrome(): events per major class per
// processor, the most traced objects, PPC methods by calls and time, hot-swaps with the time
// of each phase, and the time spent waiting for contended shared lines (Mem.LineWait) per
// processor.
//
// Counting rules: every trace event counts once (a PPC call and its return are two events);
// the E/B events the conversion made up to keep slices nested (args.synthetic, args.resumed)
// and metadata events do not count.

import { type ChromeArg, type ChromeEvent, type ChromeTrace, cpuOfTid } from "./chrome.js";
import { MAJOR_NAMES } from "./events.js";

const TOP = 10;

function real(e: ChromeEvent): boolean {
  if (e.ph === "M") return false;
  const a = e.args;
  return !(a && (a.synthetic === true || a.resumed === true));
}

function num(a: Record<string, ChromeArg> | undefined, k: string): number | undefined {
  const v = a?.[k];
  return typeof v === "number" ? v : undefined;
}

/** Columns: the first and those marked "l" in `align` left-aligned, the others right-aligned. */
function table(head: string[], rows: string[][], align = ""): string[] {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = (i: number): boolean => i === 0 || align[i] === "l";
  const line = (r: string[]): string =>
    r.map((c, i) => (left(i) ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ").trimEnd();
  return [line(head), ...rows.map(line)];
}

function cpusOf(trace: ChromeTrace): number[] {
  const s = new Set<number>();
  const n = trace.otherData?.cpus;
  if (typeof n === "number") for (let c = 0; c < n; c++) s.add(c);
  for (const e of trace.traceEvents) if (typeof e.tid === "number" && e.tid > 0) s.add(cpuOfTid(e.tid));
  return [...s].sort((a, b) => a - b);
}

function top<K>(m: Map<K, number>, n: number): [K, number][] {
  return [...m.entries()].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0]))).slice(0, n);
}

/** Per-class, per-processor counts table (rows: classes in major order, then the total). */
function classTable(trace: ChromeTrace, cpus: number[]): string[] {
  const counts = new Map<string, Map<number, number>>();
  for (const e of trace.traceEvents) {
    if (!real(e)) continue;
    const cat = e.cat ?? "?";
    let row = counts.get(cat);
    if (!row) counts.set(cat, (row = new Map()));
    const cpu = cpuOfTid(e.tid);
    row.set(cpu, (row.get(cpu) ?? 0) + 1);
  }
  const cols = cpus.map((c) => `cpu${c}`);
  const rows: string[][] = [];
  const colTotal = cpus.map(() => 0);
  let grand = 0;
  const order = (c: string): number => {
    const i = MAJOR_NAMES.indexOf(c);
    return i < 0 ? MAJOR_NAMES.length : i;
  };
  const cats = [...counts.keys()].sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const cat of cats) {
    const row = counts.get(cat) as Map<number, number>;
    let t = 0;
    const cells = cpus.map((c, i) => {
      const v = row.get(c) ?? 0;
      colTotal[i] += v;
      t += v;
      return String(v);
    });
    grand += t;
    rows.push([cat, ...cells, String(t)]);
  }
  rows.push(["total", ...colTotal.map(String), String(grand)]);
  return table(["class", ...cols, "total"], rows);
}

/** Objects (args.obj) by number of events, with their classes. */
function objectTable(trace: ChromeTrace): string[] {
  const count = new Map<number, number>();
  const cats = new Map<number, Map<string, number>>();
  for (const e of trace.traceEvents) {
    const obj = num(e.args, "obj");
    if (obj === undefined || !real(e)) continue;
    count.set(obj, (count.get(obj) ?? 0) + 1);
    let c = cats.get(obj);
    if (!c) cats.set(obj, (c = new Map()));
    const cat = e.cat ?? "?";
    c.set(cat, (c.get(cat) ?? 0) + 1);
  }
  if (count.size === 0) return [];
  const rows = top(count, TOP).map(([obj, n]) => {
    const by = top(cats.get(obj) as Map<string, number>, 4).map(([k, v]) => `${k} ${v}`).join(", ");
    return [String(obj), String(n), by];
  });
  return [`Top ${Math.min(TOP, count.size)} objects (of ${count.size})`, ...table(["obj", "events", "classes"], rows, "lrl")];
}

/** PPC slices by obj.method: calls and time inside (µs), pairing B/E per track. */
function ppcTable(trace: ChromeTrace): string[] {
  const calls = new Map<string, number>();
  const time = new Map<string, number>();
  const stacks = new Map<number, { key: string | undefined; ts: number }[]>();
  for (const e of trace.traceEvents) {
    if (e.ph !== "B" && e.ph !== "E") continue;
    let st = stacks.get(e.tid);
    if (!st) stacks.set(e.tid, (st = []));
    if (e.ph === "B") {
      const ppc = e.cat === "PPC";
      const key = ppc ? `${num(e.args, "obj") ?? "?"}.${num(e.args, "method") ?? "?"}` : undefined;
      if (key !== undefined && e.args?.resumed !== true) calls.set(key, (calls.get(key) ?? 0) + 1);
      st.push({ key, ts: e.ts ?? 0 });
    } else {
      const b = st.pop();
      if (b?.key !== undefined) time.set(b.key, (time.get(b.key) ?? 0) + (e.ts ?? 0) - b.ts);
    }
  }
  if (calls.size === 0) return [];
  const rows = top(calls, TOP).map(([k, n]) => [k, String(n), (time.get(k) ?? 0).toFixed(3)]);
  return [`Top PPC methods (of ${calls.size})`, ...table(["obj.method", "calls", "time(us)"], rows)];
}

/** Mem.LineWait: events and total wait (args.wait, in the trace's clock unit) per processor. */
function lineWaitTable(trace: ChromeTrace, cpus: number[]): string[] {
  const n = new Map<number, number>();
  const wait = new Map<number, number>();
  for (const e of trace.traceEvents) {
    if (e.name !== "Mem.LineWait" || !real(e)) continue;
    const cpu = cpuOfTid(e.tid);
    n.set(cpu, (n.get(cpu) ?? 0) + 1);
    wait.set(cpu, (wait.get(cpu) ?? 0) + (num(e.args, "wait") ?? 0));
  }
  if (n.size === 0) return [];
  const unit = trace.otherData?.unit === "ns" ? "ns" : "cycles";
  const rows = cpus.map((c) => [`cpu${c}`, String(n.get(c) ?? 0), String(wait.get(c) ?? 0)]);
  const total = [...wait.values()].reduce((a, b) => a + b, 0);
  rows.push(["total", String([...n.values()].reduce((a, b) => a + b, 0)), String(total)]);
  return ["Contended shared lines (Mem.LineWait)", ...table(["cpu", "waits", `wait(${unit})`], rows)];
}

const PHASES = ["Forward", "Block", "Transfer", "Complete", "Done"];

/**
 * Hot-swaps: per object, the swaps (a Forward … Done sequence of one round on the
 * coordinator) and the mean time of each phase (Forward → Block → Transfer → Complete → Done).
 */
function hotSwapTable(trace: ChromeTrace): string[] {
  // (obj, round) → phase start times, in phase order
  const swaps = new Map<string, { obj: number; t: (number | undefined)[] }>();
  for (const e of trace.traceEvents) {
    if (!real(e) || !e.name.startsWith("HotSwap.") || e.ts === undefined) continue;
    const ph = PHASES.indexOf(e.name.slice(8));
    const obj = num(e.args, "obj"), round = num(e.args, "round");
    if (ph < 0 || obj === undefined || round === undefined) continue;
    const key = `${obj}/${round}`;
    let s = swaps.get(key);
    if (!s) swaps.set(key, (s = { obj, t: [] }));
    s.t[ph] = e.ts;
  }
  const byObj = new Map<number, { n: number; sum: number[]; whole: number }>();
  for (const { obj, t } of swaps.values()) {
    if (t.length !== PHASES.length || t.some((x) => x === undefined)) continue; // unfinished or lost
    let o = byObj.get(obj);
    if (!o) byObj.set(obj, (o = { n: 0, sum: [0, 0, 0, 0], whole: 0 }));
    o.n++;
    for (let i = 0; i < 4; i++) o.sum[i] += (t[i + 1] as number) - (t[i] as number);
    o.whole += (t[4] as number) - (t[0] as number);
  }
  if (byObj.size === 0) return [];
  const rows = [...byObj.entries()].sort((a, b) => a[0] - b[0]).map(([obj, o]) =>
    [String(obj), String(o.n), ...o.sum.map((x) => (x / o.n).toFixed(3)), (o.whole / o.n).toFixed(3)]);
  return ["Hot-swaps (mean time per phase, us)",
    ...table(["obj", "swaps", "forward", "block", "transfer", "complete", "total"], rows)];
}

/** The summary text (lines joined with "\n", ending without a newline). */
export function summarize(trace: ChromeTrace): string {
  const cpus = cpusOf(trace);
  let first = Infinity, last = -Infinity, count = 0;
  for (const e of trace.traceEvents) {
    if (!real(e) || e.ts === undefined) continue;
    count++;
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts);
  }
  const title = typeof trace.otherData?.title === "string" ? `${trace.otherData.title}: ` : "";
  const span = count > 0 ? `, ${first.toFixed(3)} .. ${last.toFixed(3)} us` : "";
  const out = [`${title}${count} events on ${cpus.length} processors${span}`, "", "Events per class and processor"];
  out.push(...classTable(trace, cpus));
  for (const part of [objectTable(trace), ppcTable(trace), hotSwapTable(trace), lineWaitTable(trace, cpus)]) {
    if (part.length > 0) out.push("", ...part);
  }
  return out.join("\n");
}
