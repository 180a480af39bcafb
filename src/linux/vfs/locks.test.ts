// The lock manager's conflict logic with several owners (processes and open file descriptions),
// as fs/locks.c behaves: read/write conflicts, an owner's own locks never conflicting, splitting
// and merging, unlocking parts, OFD against POSIX, flock's separate list, waiters woken on
// change, and EDEADLK for a POSIX wait cycle. And the descriptor table's numbering.

import { test } from "node:test";
import assert from "node:assert/strict";
import { E } from "../errno.js";
import { F_RDLCK, F_UNLCK, F_WRLCK, LockManager } from "./locks.js";
import { FdTable } from "./fdtable.js";
import { Description, OpenFile } from "./open-file.js";

const K = "1:7";
const ranges = (m: LockManager): string[] => m.records(K).map((l) => `${l.owner}:${l.type === F_RDLCK ? "R" : "W"}:${l.start}-${l.end === Infinity ? "eof" : l.end}`);

test("read locks share, write locks exclude, an owner never conflicts with itself", () => {
  const m = new LockManager();
  assert.equal(m.setRecord(K, "p1", 1, F_RDLCK, 0, 99), 0);
  assert.equal(m.setRecord(K, "p2", 2, F_RDLCK, 50, 149), 0, "two readers");
  assert.equal(m.setRecord(K, "p3", 3, F_WRLCK, 140, 200), -E.EAGAIN, "a writer over a reader");
  assert.equal(m.setRecord(K, "p3", 3, F_WRLCK, 150, 200), 0, "adjacent is not overlapping");
  assert.equal(m.setRecord(K, "p1", 1, F_WRLCK, 0, 49), 0, "upgrading its own read lock where nobody else reads");
  assert.equal(m.setRecord(K, "p1", 1, F_WRLCK, 0, 60), -E.EAGAIN, "p2 reads 50..");
  const c = m.conflict(K, "p9", F_RDLCK, 10, 10);
  assert.equal(c?.owner, "p1");
  assert.equal(c?.pid, 1);
  assert.deepEqual(ranges(m), ["p1:W:0-49", "p1:R:50-99", "p2:R:50-149", "p3:W:150-200"]);
});

test("a lock replaces the owner's locks over its range, splitting them; same-type neighbours merge", () => {
  const m = new LockManager();
  m.setRecord(K, "p1", 1, F_WRLCK, 0, Infinity);
  m.setRecord(K, "p1", 1, F_RDLCK, 100, 199);
  assert.deepEqual(ranges(m), ["p1:W:0-99", "p1:R:100-199", "p1:W:200-eof"]);
  m.setRecord(K, "p1", 1, F_UNLCK, 50, 249);
  assert.deepEqual(ranges(m), ["p1:W:0-49", "p1:W:250-eof"]);
  m.setRecord(K, "p1", 1, F_WRLCK, 50, 249);
  assert.deepEqual(ranges(m), ["p1:W:0-eof"], "filling the gap merges all three");
  m.dropRecords(K, "p1");
  assert.deepEqual(ranges(m), []);
});

test("OFD locks conflict with POSIX locks and with other descriptions of the same process", () => {
  const m = new LockManager();
  assert.equal(m.setRecord(K, "o1.3", -1, F_WRLCK, 0, 9), 0);
  assert.equal(m.setRecord(K, "o1.4", -1, F_WRLCK, 5, 9), -E.EAGAIN, "another description of process 1");
  assert.equal(m.setRecord(K, "p1", 1, F_RDLCK, 0, 0), -E.EAGAIN, "process 1's own POSIX lock");
  assert.equal(m.conflict(K, "p2", F_RDLCK, 0, 0)?.pid, -1, "F_GETLK reports -1 for an OFD owner");
  // flock is a separate list: it ignores record locks.
  assert.equal(m.flock(K, "o1.4", 2), 0);
  assert.equal(m.flock(K, "o1.5", 1), -E.EAGAIN);
  assert.equal(m.flock(K, "o1.4", 1), 0, "converting its own lock");
  assert.equal(m.flock(K, "o1.5", 1), 0, "two shared");
  assert.equal(m.flock(K, "o1.6", 2), -E.EAGAIN);
});

test("waiters are woken when a lock of the file changes; a POSIX wait cycle is EDEADLK", () => {
  const m = new LockManager();
  m.setRecord(K, "p1", 1, F_WRLCK, 0, 9);
  m.setRecord(K, "p2", 2, F_WRLCK, 10, 19);
  let woken = 0;
  // p1 waits for p2's range.
  assert.equal(m.setRecord(K, "p1", 1, F_WRLCK, 10, 19, true), -E.EAGAIN);
  m.wait(K, { owner: "p1", blocker: "p2", wake: () => woken++ });
  // p2 asking for p1's range would wait on a process that waits on it.
  assert.equal(m.setRecord(K, "p2", 2, F_WRLCK, 0, 9, true), -E.EDEADLK);
  assert.equal(m.setRecord(K, "p2", 2, F_WRLCK, 0, 9, false), -E.EAGAIN, "without waiting it is only busy");
  // An OFD owner is not checked for deadlock (neither does Linux).
  assert.equal(m.setRecord(K, "o2.1", -1, F_WRLCK, 0, 9, true), -E.EAGAIN);
  m.setRecord(K, "p2", 2, F_UNLCK, 10, 19);
  assert.equal(woken, 1);
  assert.equal(m.setRecord(K, "p1", 1, F_WRLCK, 10, 19, true), 0);
});

test("descriptor numbers: lowest free, a minimum, the RLIMIT_NOFILE limit", () => {
  let limit = 8;
  const t = new FdTable(() => limit);
  const f = (): OpenFile => new OpenFile(1, "path", new Description("1.1", 0), undefined, undefined, undefined);
  assert.deepEqual([t.alloc(f(), false), t.alloc(f(), false), t.alloc(f(), false)], [0, 1, 2]);
  t.remove(1);
  assert.equal(t.alloc(f(), false), 1);
  assert.equal(t.alloc(f(), true, 5), 5);
  assert.equal(t.alloc(f(), false), 3);
  assert.equal(t.get(5)?.cloexec, true);
  assert.equal(t.alloc(f(), false, 7), 7);
  assert.equal(t.alloc(f(), false, 7), -E.EMFILE);
  assert.equal(t.alloc(f(), false), 4);
  assert.equal(t.alloc(f(), false), 6);
  assert.equal(t.alloc(f(), false), -E.EMFILE);
  limit = 16;
  assert.equal(t.alloc(f(), false), 8);
  assert.equal(t.inRange(15), true);
  assert.equal(t.inRange(16), false);
});
