// The host input device: sources read up front, a live FIFO pumped through a small ring,
// lazy start (no input taken from a source nobody reads), several readers on several threads.

import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { HostInput } from "./host-input.js";
import { fifoFed } from "./testing/fifo.js";

/** Read everything (sleeping in waitForInput), `max` bytes at a time. */
function drain(d: HostInput, max: number): Uint8Array {
  const parts: number[] = [];
  for (;;) {
    const b = d.tryRead(max);
    if (b === undefined) {
      d.waitForInput(1000);
      continue;
    }
    if (b.length === 0) return new Uint8Array(parts);
    assert.ok(b.length <= max);
    parts.push(...b);
  }
}

test("no input, given bytes: available up front, never live", () => {
  const none = HostInput.open({ kind: "none" });
  assert.equal(none.live, false);
  assert.equal(none.readable(), true);
  assert.deepEqual(none.tryRead(10), new Uint8Array(0));
  const d = HostInput.open({ kind: "bytes", bytes: new TextEncoder().encode("hello, world") });
  assert.equal(d.live, false);
  assert.equal(d.pumped, false);
  assert.equal(d.name, "stdin");
  assert.equal(new TextDecoder().decode(d.tryRead(5)), "hello");
  assert.equal(new TextDecoder().decode(drain(d, 3)), ", world");
  assert.deepEqual(d.tryRead(1), new Uint8Array(0), "end of input stays");
  assert.throws(() => d.tryRead(0), RangeError);
});

test("a regular file and /dev/null are read up front", () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-in-"));
  try {
    const path = join(dir, "input");
    writeFileSync(path, "line 1\nline 2\n");
    const fd = openSync(path, "r");
    const d = HostInput.open({ kind: "fd", fd });
    closeSync(fd); // the bytes are the device's now
    assert.equal(d.live, false);
    assert.equal(d.available, 14);
    assert.equal(new TextDecoder().decode(drain(d, 4)), "line 1\nline 2\n");
    const nul = openSync("/dev/null", "r");
    const n = HostInput.open({ kind: "fd", fd: nul });
    closeSync(nul);
    assert.equal(n.live, false);
    assert.deepEqual(n.tryRead(8), new Uint8Array(0));
    assert.equal(HostInput.open({ kind: "fd", fd: 987654 }).live, false, "a closed descriptor is no input");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a FIFO is pumped live through a 64-byte ring: every byte, in order, then end of input", () => {
  // 3000 bytes after a pause: the ring wraps and fills many times (the pump waits for room).
  const f = fifoFed("sleep 0.05; i=0; while [ $i -lt 30 ]; do printf '%0100d' $i; i=$((i+1)); done");
  const d = HostInput.open({ kind: "fd", fd: f.fd }, { ringBytes: 64 });
  try {
    assert.equal(d.live, true);
    assert.equal(d.pumped, true);
    assert.equal(d.readable(), false);
    const t0 = performance.now();
    const got = new TextDecoder().decode(drain(d, 7));
    assert.ok(performance.now() - t0 >= 40, "waited for the writer");
    let want = "";
    for (let i = 0; i < 30; i++) want += String(i).padStart(100, "0");
    assert.equal(got, want);
    assert.equal(d.live, false);
    assert.equal(d.failed, false);
  } finally {
    d.close();
    f.cleanup();
  }
});

test("a live source nobody reads is not read: its bytes stay in the source", async () => {
  const f = fifoFed("printf untouched");
  await new Promise<void>((r) => f.child.on("exit", () => r()));
  const d = HostInput.open({ kind: "fd", fd: f.fd });
  try {
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(d.available, 0);
    d.close();
    const buf = Buffer.alloc(64);
    const n = readSync(f.fd, buf, 0, 64, null);
    assert.equal(buf.subarray(0, n).toString(), "untouched");
    assert.equal(d.tryRead(4), undefined, "a closed device starts no pump");
  } finally {
    f.cleanup();
  }
});

test("readers on several threads share the input: each byte read exactly once", async () => {
  const f = fifoFed("i=0; while [ $i -lt 2000 ]; do printf '%05d\\n' $i; i=$((i+1)); done");
  const d = HostInput.open({ kind: "fd", fd: f.fd }, { ringBytes: 256 });
  const reader = `
    const { workerData, parentPort } = require("node:worker_threads");
    import(workerData.mod).then(({ HostInput }) => {
      const d = HostInput.attach(workerData.shared);
      const got = [];
      for (;;) {
        const b = d.tryRead(6);
        if (b === undefined) { d.waitForInput(1000); continue; }
        if (b.length === 0) break;
        got.push(...b);
      }
      parentPort.postMessage(got);
    });`;
  try {
    const mod = new URL("./host-input.js", import.meta.url).href;
    const parts = await Promise.all([0, 1, 2].map(() => new Promise<number[]>((resolve, reject) => {
      const w = new Worker(reader, { eval: true, workerData: { mod, shared: d.shared } });
      w.on("message", resolve);
      w.on("error", reject);
    })));
    // Together the readers got every byte exactly once (as a multiset: the readers interleave).
    let want = "";
    for (let i = 0; i < 2000; i++) want += `${String(i).padStart(5, "0")}\n`;
    const sorted = (xs: number[]): number[] => xs.sort((a, b) => a - b);
    assert.deepEqual(sorted(parts.flat()), sorted([...Buffer.from(want)]));
  } finally {
    d.close();
    f.cleanup();
  }
});
