// The memory objects' locks: words of shared memory taken with compare-and-swap. A lock is held
// only inside a synchronous section of a clustered-object call — never across a yield — so a
// processor never waits for a lock held by a thread of its own (in deterministic mode no lock
// is ever found taken; in parallel mode the holder is another worker, a few microseconds from
// releasing it).

import type { SharedWords } from "../shared.js";

/** A lock held far longer than any section could run means a yield inside one: a kernel bug. */
const SPIN_LIMIT = 1 << 28;

export function acquire(w: SharedWords, i: number): void {
  for (let n = 0; w.cas(i, 0, 1) !== 0; n++) {
    if (n > SPIN_LIMIT) throw new Error(`lock at ${w.addr + i * 4} held across a yield (a kernel bug)`);
  }
}

export function release(w: SharedWords, i: number): void {
  w.store(i, 0);
}
