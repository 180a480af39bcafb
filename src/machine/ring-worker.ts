// Test worker for ring.test.ts: one producer processor pushing numbered messages into a ring
// it shares with the main thread, waking the consumer on every Woke, backing off on Full.
// Also exports the payload each message carries, so the test can check it.

import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { Push, Ring } from "./ring.js";

export interface ProducerJob {
  buffer: SharedArrayBuffer;
  addr: number;
  capacity: number;
  /** This producer's processor number (the records' `from`). */
  id: number;
  /** Messages to push, sequence numbers 0..count-1. */
  count: number;
  /** Seed for the payload lengths. */
  seed: number;
}

export interface ProducerResult {
  id: number;
  woke: number;
  fulls: number;
}

/** Message `seq` of producer `id`: 4 bytes of seq (little-endian), then 0..60 bytes (length
 *  and contents a function of id, seq and seed) that the consumer checks byte for byte. */
export function producerPayload(id: number, seq: number, seed: number): Uint8Array {
  let x = Math.imul(seq + 1, 0x9e3779b1) ^ Math.imul(id + 1, 0x85ebca6b) ^ seed;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  const extra = (x >>> 8) % 61;
  const p = new Uint8Array(4 + extra);
  new DataView(p.buffer).setUint32(0, seq, true);
  for (let i = 0; i < extra; i++) p[4 + i] = (x + i * 31 + id) & 0xff;
  return p;
}

function produce(job: ProducerJob): ProducerResult {
  const ring = new Ring(job.buffer, job.addr, job.capacity);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let woke = 0;
  let fulls = 0;
  for (let seq = 0; seq < job.count; seq++) {
    const payload = producerPayload(job.id, seq, job.seed);
    for (;;) {
      const r = ring.push(job.id, seq & 0xffff, seq + 0.25, payload);
      if (r === Push.Full) {
        fulls++;
        Atomics.wait(nap, 0, 0, 0.05); // let the consumer drain
        continue;
      }
      if (r === Push.Woke) {
        woke++;
        ring.wake();
      }
      break;
    }
  }
  return { id: job.id, woke, fulls };
}

// The worker body; importing this file on the main thread (for producerPayload) runs nothing.
if (!isMainThread && parentPort !== null) {
  parentPort.postMessage(produce(workerData as ProducerJob));
}
