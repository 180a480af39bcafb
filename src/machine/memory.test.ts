// Physical memory's allocator: every frame it hands out is zero, whether it comes from the free
// list (a used frame, cleared) or from the bump pointer (never used, not touched), on this view
// of the memory and on a view attached to it the way a parallel-mode worker attaches.

import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_SIZE, PhysicalMemory } from "./memory.js";

/** Fill a frame with non-zero bytes, as a guest or the kernel would leave it. */
function dirty(mem: PhysicalMemory, pa: number, frames = 1): void {
  mem.bytes.fill(0xa5, pa, pa + frames * PAGE_SIZE);
}

function assertZero(mem: PhysicalMemory, pa: number, what: string, frames = 1): void {
  const bytes = mem.bytes.subarray(pa, pa + frames * PAGE_SIZE);
  const at = bytes.findIndex((b) => b !== 0);
  assert.equal(at, -1, `${what}: byte ${at} of the frame at ${pa.toString(16)} is not zero`);
}

test("a freed frame comes back zeroed (allocFrame, allocFrameOn, another node's fallback)", () => {
  const mem = new PhysicalMemory({ bytes: 1 << 20, nodes: 2 });
  const a = mem.allocFrame(0);
  const b = mem.allocFrameOn(1);
  dirty(mem, a);
  dirty(mem, b);
  mem.freeFrame(a);
  mem.freeFrame(b);
  // the free lists are last in, first out: the same frames come back
  assert.equal(mem.allocFrame(0), a);
  assertZero(mem, a, "allocFrame");
  assert.equal(mem.allocFrameOn(1), b);
  assertZero(mem, b, "allocFrameOn");
  // node 1 exhausted: allocFrame(1) falls back to node 0, whose free list holds a used frame
  while (mem.allocFrameOn(1) >= 0) { /* drain node 1 */ }
  dirty(mem, a);
  mem.freeFrame(a);
  assert.equal(mem.allocFrame(1), a);
  assertZero(mem, a, "allocFrame falling back to another node");
});

test("fresh frames are zero, and contiguous frames never come from the free list", () => {
  const mem = new PhysicalMemory({ bytes: 1 << 20, nodes: 1 });
  const used = [mem.allocFrame(), mem.allocFrame(), mem.allocFrame()];
  for (const pa of used) dirty(mem, pa);
  for (const pa of used) mem.freeFrame(pa);
  const c = mem.allocContiguous(4);
  for (const pa of used) assert.ok(pa < c || pa >= c + 4 * PAGE_SIZE, "a freed frame inside a contiguous block");
  assertZero(mem, c, "allocContiguous", 4);
  // more frames than the free list holds: the free ones (cleared), then fresh ones
  const got = Array.from({ length: 5 }, () => mem.allocFrame());
  for (const pa of got) assertZero(mem, pa, "allocFrame after the free list");
  assert.deepEqual(got.slice(0, 3).sort(), [...used].sort());
});

test("a view attached to the memory (a worker's) hands out the same zeroed frames", () => {
  const main = new PhysicalMemory({ bytes: 1 << 20, nodes: 2 });
  const worker = new PhysicalMemory(main.config, main.wasm);
  const a = main.allocFrame(1);
  dirty(main, a);
  main.freeFrame(a);
  // the allocator state lives in the memory: the worker's view takes the frame main freed
  assert.equal(worker.allocFrame(1), a);
  assertZero(worker, a, "a frame freed by another view");
  // and its fresh frames are ones main never handed out
  const fresh = worker.allocContiguous(2, 1);
  dirty(worker, fresh, 2);
  const next = main.allocFrame(1);
  assert.ok(next >= fresh + 2 * PAGE_SIZE, "main hands out a frame the worker already has");
  assertZero(main, next, "a fresh frame after another view's");
});
