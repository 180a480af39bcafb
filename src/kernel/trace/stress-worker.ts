// Worker for the trace concurrency test: writes a known sequence of events into a shared ring
// (cpu 0, which other workers write too) and into its own ring, on a clock shared by all
// writers (an Atomics counter in the same SharedArrayBuffer). stressEvent() is the sequence,
// used by the worker to write and by the test to check.

import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { TraceArea } from "./area.js";
import { Major } from "./events.js";
import { TraceWriter } from "./writer.js";

export interface StressJob {
  buffer: SharedArrayBuffer;
  addr: number;
  cpus: number;
  words: number;
  /** Byte offset of two shared i32: the clock counter, and a start barrier (workers ready). */
  clockAddr: number;
  clockBase: number;
  worker: number;
  workers: number;
  count: number;
  seed: number;
}

export interface StressEvent {
  minor: number;
  data: number[];
  str?: string;
}

function mix(a: number, b: number): number {
  let z = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Event `seq` of writer `writer` (minor = writer id; data[0] = seq). */
export function stressEvent(seed: number, writer: number, seq: number): StressEvent {
  const h = mix(mix(seed, writer), seq);
  if (h % 17 === 0) return { minor: writer, data: [seq], str: `w${writer}#${seq} é日😀`.repeat(1 + (h % 5)) };
  const arity = 1 + (h % 4);
  const data = [seq];
  for (let k = 1; k < arity; k++) {
    const v = mix(h, k);
    data.push((v & 1) === 0 ? v * 2048 + k : -(v * 1024) - k);
  }
  return { minor: writer, data };
}

function write(w: TraceWriter, e: StressEvent): void {
  const d = e.data;
  if (e.str !== undefined) w.str(Major.Test, e.minor, d[0], e.str);
  else if (d.length === 1) w.ev1(Major.Test, e.minor, d[0]);
  else if (d.length === 2) w.ev2(Major.Test, e.minor, d[0], d[1]);
  else if (d.length === 3) w.ev3(Major.Test, e.minor, d[0], d[1], d[2]);
  else w.ev4(Major.Test, e.minor, d[0], d[1], d[2], d[3]);
}

/** Writer ids: worker w writes cpu 0 as writer w, and its own cpu 1 + w as writer 10 + w. */
export const ownWriter = (worker: number): number => 10 + worker;

function run(job: StressJob): number {
  const area = new TraceArea(job.buffer, job.addr, job.cpus, job.words);
  const clock = new Int32Array(job.buffer, job.clockAddr, 2);
  // A slow clock (like reading a hardware timebase) widens the window between a writer's read of
  // the index and its compare-exchange, so that the writers of cpu 0 really collide.
  const now = (): number => {
    const t = Atomics.add(clock, 0, 1);
    for (let k = 0; k < 20; k++) Atomics.load(clock, 0);
    return job.clockBase + t;
  };
  const shared = new TraceWriter(area, 0, now);
  const own = new TraceWriter(area, 1 + job.worker, now);
  const sharedEvs: StressEvent[] = [];
  const ownEvs: StressEvent[] = [];
  for (let seq = 0; seq < job.count; seq++) {
    sharedEvs.push(stressEvent(job.seed, job.worker, seq));
    ownEvs.push(stressEvent(job.seed, ownWriter(job.worker), seq));
  }
  // Start together, so that the writers of cpu 0 really race.
  Atomics.add(clock, 1, 1);
  Atomics.notify(clock, 1);
  for (let v = Atomics.load(clock, 1); v < job.workers; v = Atomics.load(clock, 1)) Atomics.wait(clock, 1, v, 50);
  for (let seq = 0; seq < job.count; seq++) {
    write(shared, sharedEvs[seq]);
    write(own, ownEvs[seq]);
  }
  return shared.casRetries;
}

if (!isMainThread && parentPort && (workerData as { kind?: string } | null)?.kind === "trace-stress") {
  const job = (workerData as { job: StressJob }).job;
  parentPort.postMessage({ retries: run(job) });
}
