// Advisory file locks, as Linux keeps them per inode (fs/locks.c):
//
//   record locks  fcntl F_SETLK/F_SETLKW/F_GETLK (owner: the process) and F_OFD_* (owner: the
//                 open file description). Both kinds live in one list per file and conflict
//                 with each other by owner: a process's POSIX locks never conflict among
//                 themselves, a read lock conflicts only with another owner's write lock. A new
//                 lock replaces the owner's locks over its range (splitting them), and adjacent
//                 or overlapping locks of one owner and type merge. Closing any descriptor of a
//                 file drops the process's POSIX locks on it; the last close of a description
//                 drops its OFD locks.
//   flock         whole-file shared/exclusive locks owned by the open file description, a
//                 separate list that never conflicts with record locks.
//
// A blocking request that conflicts waits (F_SETLKW, flock without LOCK_NB) and is retried
// whenever a lock of that file is released or changed. A POSIX request that would wait on an
// owner that (transitively) waits on the requester is EDEADLK, as Linux detects it; OFD and
// flock requests are not checked (neither does Linux).
//
// The manager is one per machine's process set: owners are strings ("p<pid>" for a process,
// "o<pid>.<id>" for an open file description) so that several processes can share it (the
// next issue adds them; the tests here use several owners already).

import { E } from "../errno.js";

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface RecordLock {
  readonly owner: string;
  /** F_RDLCK or F_WRLCK. */
  readonly type: number;
  /** First byte. */
  readonly start: number;
  /** Last byte (inclusive); Infinity: to the end of the file and beyond. */
  readonly end: number;
  /** The pid F_GETLK reports: the process for a POSIX lock, -1 for an OFD lock. */
  readonly pid: number;
}

/** A waiter: woken (to retry) when the file's locks change. */
export interface LockWaiter {
  readonly owner: string;
  /** What it waits on (for deadlock detection). */
  blocker: string;
  wake(): void;
}

interface FileLocks {
  records: RecordLock[];
  flocks: Map<string, number>;
  waiters: Set<LockWaiter>;
}

export const isPosixOwner = (owner: string): boolean => owner.startsWith("p");

export class LockManager {
  private readonly files = new Map<string, FileLocks>();

  private of(key: string): FileLocks {
    let f = this.files.get(key);
    if (f === undefined) this.files.set(key, (f = { records: [], flocks: new Map(), waiters: new Set() }));
    return f;
  }

  private tidy(key: string, f: FileLocks): void {
    if (f.records.length === 0 && f.flocks.size === 0 && f.waiters.size === 0) this.files.delete(key);
  }

  /** The first lock of another owner that conflicts with (type, start..end), as F_GETLK reports it. */
  conflict(key: string, owner: string, type: number, start: number, end: number): RecordLock | undefined {
    const f = this.files.get(key);
    if (f === undefined) return undefined;
    return f.records.find((l) => l.owner !== owner && l.start <= end && start <= l.end && (type === F_WRLCK || l.type === F_WRLCK));
  }

  /**
   * Set (type F_RDLCK/F_WRLCK) or clear (F_UNLCK) `owner`'s lock over start..end: 0, -EAGAIN on
   * a conflict (the conflicting owner is reported through `blocked`), or -EDEADLK when waiting
   * would deadlock (only when `wouldWait`).
   */
  setRecord(key: string, owner: string, pid: number, type: number, start: number, end: number, wouldWait = false): number {
    if (type !== F_UNLCK) {
      const c = this.conflict(key, owner, type, start, end);
      if (c !== undefined) {
        if (wouldWait && isPosixOwner(owner) && this.waitsOn(c.owner, owner)) return -E.EDEADLK;
        return -E.EAGAIN;
      }
    }
    const f = this.of(key);
    const kept: RecordLock[] = [];
    for (const l of f.records) {
      if (l.owner !== owner || l.end < start || l.start > end) {
        kept.push(l);
        continue;
      }
      // The owner's lock overlaps the new range: keep the parts outside it.
      if (l.start < start) kept.push({ ...l, end: start - 1 });
      if (l.end > end) kept.push({ ...l, start: end + 1 });
    }
    if (type !== F_UNLCK) {
      let s = start, e = end;
      // Merge with the owner's adjacent locks of the same type.
      const rest: RecordLock[] = [];
      for (const l of kept) {
        if (l.owner === owner && l.type === type && l.start <= e + 1 && s <= l.end + 1) {
          s = Math.min(s, l.start);
          e = Math.max(e, l.end);
        } else rest.push(l);
      }
      rest.push({ owner, type, start: s, end: e, pid });
      f.records = rest.sort((a, b) => a.start - b.start);
    } else f.records = kept;
    this.changed(key, f);
    return 0;
  }

  /** Drop every record lock of `owner` on `key` (a close, for POSIX owners; the last close for OFD ones). */
  dropRecords(key: string, owner: string): void {
    const f = this.files.get(key);
    if (f === undefined) return;
    const n = f.records.length;
    f.records = f.records.filter((l) => l.owner !== owner);
    if (f.records.length !== n) this.changed(key, f);
    else this.tidy(key, f);
  }

  /** flock: LOCK_SH (1) / LOCK_EX (2) / LOCK_UN (8) by `owner`; 0 or -EAGAIN (EWOULDBLOCK). */
  flock(key: string, owner: string, op: number): number {
    const f = this.of(key);
    if (op === 8) {
      if (f.flocks.delete(owner)) this.changed(key, f);
      else this.tidy(key, f);
      return 0;
    }
    const want = op === 2 ? F_WRLCK : F_RDLCK;
    for (const [o, t] of f.flocks) {
      if (o !== owner && (want === F_WRLCK || t === F_WRLCK)) {
        this.tidy(key, f);
        return -E.EAGAIN;
      }
    }
    f.flocks.set(owner, want);
    this.changed(key, f);
    return 0;
  }

  /** Wait for a change of `key`'s locks: `w.wake` is called once, then the waiter is gone. */
  wait(key: string, w: LockWaiter): void {
    this.of(key).waiters.add(w);
  }

  /** Stop waiting (the waiter gave up or got its lock). */
  unwait(key: string, w: LockWaiter): void {
    const f = this.files.get(key);
    if (f === undefined) return;
    f.waiters.delete(w);
    this.tidy(key, f);
  }

  /** The record locks of a file (for /proc/locks and tests). */
  records(key: string): readonly RecordLock[] {
    return this.files.get(key)?.records ?? [];
  }

  /** Does `owner` wait (directly or through others) on `target`? */
  private waitsOn(owner: string, target: string): boolean {
    const seen = new Set<string>();
    let cur: string | undefined = owner;
    while (cur !== undefined && !seen.has(cur)) {
      if (cur === target) return true;
      seen.add(cur);
      cur = this.blockerOf(cur);
    }
    return false;
  }

  private blockerOf(owner: string): string | undefined {
    for (const f of this.files.values()) for (const w of f.waiters) if (w.owner === owner && isPosixOwner(w.blocker)) return w.blocker;
    return undefined;
  }

  private changed(key: string, f: FileLocks): void {
    const ws = [...f.waiters];
    f.waiters.clear();
    this.tidy(key, f);
    for (const w of ws) w.wake();
  }
}
