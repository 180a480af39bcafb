// Trace concurrency test: two worker threads write into the SAME processor's ring at once
// (lock-free reservation) and each into its own ring, while this thread drains concurrently.
// Every event must come out exactly once, intact, each writer's in order, with strictly
// increasing 64-bit timestamps per ring (the shared clock crosses 2^32 during the run).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { TraceArea } from "./area.js";
import { TraceDrain, type TraceEvent, formatEvent } from "./drain.js";
import { Major } from "./events.js";
import { type StressJob, ownWriter, stressEvent } from "./stress-worker.js";

const SEED = Number(process.env.TRACE_SEED ?? 0x5eed) >>> 0;
const WORKERS = 2;
const COUNT = 6000;
const TWO32 = 4294967296;

test("concurrency: 2 workers share cpu 0's ring; every event decoded exactly once, none torn", async (t) => {
  const cpus = 1 + WORKERS, words = 1 << 16, addr = 64;
  const clockAddr = addr + TraceArea.bytesFor(cpus, words);
  const buffer = new SharedArrayBuffer(clockAddr + 8);
  const area = new TraceArea(buffer, addr, cpus, words);
  area.init();
  area.setMask(1n << BigInt(Major.Test));
  const clockBase = TWO32 - 10_000; // crossed after 10,000 of the ~24,000 clock reads
  const drain = new TraceDrain(area);
  const workers: Worker[] = [];
  const got: TraceEvent[] = [];
  let retries = 0;
  try {
    const done = [];
    for (let w = 0; w < WORKERS; w++) {
      const job: StressJob = { buffer, addr, cpus, words, clockAddr, clockBase, worker: w, workers: WORKERS, count: COUNT, seed: SEED };
      const wk = new Worker(new URL("./stress-worker.js", import.meta.url), { workerData: { kind: "trace-stress", job } });
      workers.push(wk);
      done.push(new Promise<void>((resolve, reject) => {
        wk.once("message", (m: { retries: number }) => { retries += m.retries; resolve(); });
        wk.once("error", reject);
        wk.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exit ${code}`))));
      }));
    }
    let finished = false;
    const all = Promise.all(done).then(() => { finished = true; });
    while (!finished) {
      got.push(...drain.drain());
      await new Promise((r) => setTimeout(r, 1));
    }
    await all;
    got.push(...drain.drain());
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  t.diagnostic(`seed ${SEED}: ${got.length} events, ${retries} compare-exchange retries on cpu 0`);

  const msg = (s: string): string => `seed ${SEED}: ${s}`;
  assert.equal(got.filter((e) => e.major !== Major.Test).map(formatEvent).join("\n"), "", msg("no Lost or other events"));
  const perCpu: TraceEvent[][] = Array.from({ length: cpus }, () => []);
  for (const e of got) perCpu[e.cpu].push(e);
  for (let c = 0; c < cpus; c++) {
    const evs = perCpu[c];
    for (let i = 1; i < evs.length; i++) {
      assert.ok(evs[i].ts > evs[i - 1].ts, msg(`cpu ${c} ts not increasing at ${i}: ${formatEvent(evs[i])}`));
    }
    if (evs.length > 0) {
      assert.ok(evs[0].ts >= clockBase && evs[evs.length - 1].ts < clockBase + 4 * WORKERS * COUNT, msg(`cpu ${c} ts range`));
    }
  }
  const writersOf = (c: number): number[] => (c === 0 ? Array.from({ length: WORKERS }, (_, w) => w) : [ownWriter(c - 1)]);
  for (let c = 0; c < cpus; c++) {
    for (const wr of writersOf(c)) {
      const mine = perCpu[c].filter((e) => e.minor === wr);
      assert.equal(mine.length, COUNT, msg(`cpu ${c} writer ${wr}: ${mine.length} events`));
      mine.forEach((e, seq) => {
        const x = stressEvent(SEED, wr, seq);
        const want: TraceEvent = { cpu: c, ts: e.ts, major: Major.Test, minor: wr, data: x.data };
        if (x.str !== undefined) want.str = x.str;
        assert.deepEqual(e, want, msg(`cpu ${c} writer ${wr} event ${seq}`));
      });
    }
    assert.equal(perCpu[c].length, writersOf(c).length * COUNT, msg(`cpu ${c}: stray events`));
  }
  assert.ok(perCpu[0].some((e) => e.ts >= TWO32) && perCpu[0][0].ts < TWO32, msg("clock crossed 2^32 on cpu 0"));
});
