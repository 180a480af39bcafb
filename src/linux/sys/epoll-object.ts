// An epoll instance (fs/eventpoll.c) over the readiness contract (vfs/file-object.ts): its
// registrations ("items") name an open file and the descriptor it was added under — the key is
// (descriptor, open file description), as Linux's (struct file, fd) — with the events asked for
// and the user's 64-bit data. There is no ready list kept up by callbacks: a wait scans the
// items' readiness, and when nothing is to report, waits on the channels they name (and on the
// instance's own, which epoll_ctl notifies).
//
// Edge-triggered items (EPOLLET) are reported when ready and something was notified on one of
// their channels since their last report (each notify is a wake-up of Linux's wait queue, which
// is what re-arms an edge-triggered item there); EPOLLONESHOT disables an item after one report
// until EPOLL_CTL_MOD. Level-triggered items reported go to the back, so that a small maxevents
// still sees every ready item in turn, as Linux's ready list rotates.
//
// An item lives as long as its open file description does anywhere (Linux's eventpoll_release at
// the file's last close): a child's close of an inherited copy leaves it alone, and when the
// registering process closes its own while another process still holds the description, the
// item goes on through that process's OpenFile (each process reaches a description through its
// own), reporting its events, until the description's last holder lets go.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { Attr } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import type { FileObject, Readiness } from "../vfs/file-object.js";
import type { OpenFile } from "../vfs/open-file.js";
import { POLL, readiness } from "../vfs/ready.js";
import { ANON_DEV, ANON_INO } from "../vfs/eventfd.js";
import { SysError } from "./guest-mem.js";

export const EPOLL = {
  IN: 0x1, PRI: 0x2, OUT: 0x4, ERR: 0x8, HUP: 0x10, RDNORM: 0x40, RDBAND: 0x80, WRNORM: 0x100, WRBAND: 0x200,
  MSG: 0x400, RDHUP: 0x2000, EXCLUSIVE: 1 << 28, WAKEUP: 1 << 29, ONESHOT: 1 << 30, ET: 0x80000000,
} as const;

/** What an item's events may hold besides the poll bits: the input flags. */
const INPUT_FLAGS = EPOLL.EXCLUSIVE | EPOLL.WAKEUP | EPOLL.ONESHOT | EPOLL.ET;

export interface Item {
  readonly fd: number;
  /** The description, as one process that still holds it reaches it (prune moves it on). */
  file: OpenFile;
  events: number;
  data: bigint;
  /** EPOLLONESHOT fired: nothing more until EPOLL_CTL_MOD. */
  disabled: boolean;
  /** EPOLLET: the channels' sequence numbers at the last report (undefined: not reported since armed). */
  seqs: number[] | undefined;
}

/** One ready event of a scan. */
export interface Event {
  readonly events: number;
  readonly data: bigint;
}

/** Linux's EP_MAX_NESTS: epoll instances nested deeper than this are refused. */
const MAX_NESTS = 4;

export class EpollInstance {
  items: Item[] = [];
  refs = 1;
  constructor(readonly ch: number) {}

  find(fd: number, f: OpenFile): Item | undefined {
    return this.items.find((i) => i.fd === fd && i.file.desc === f.desc);
  }

  /**
   * Items whose OpenFile its process closed for good: carried on through another holder of the
   * description, or dropped when there is none (the description closed).
   */
  prune(): void {
    if (!this.items.some((i) => i.file.refs <= 0)) return;
    this.items = this.items.filter((i) => {
      const d = i.file.desc;
      if (i.file.refs > 0) return true;
      if (d.holders.size === 0) {
        d.watchers--;
        return false;
      }
      if (!d.parked.has(i.file)) i.file = d.holders.keys().next().value as OpenFile;
      return true;
    });
  }

  /** Forget every item (the instance closes). */
  clear(): void {
    for (const i of this.items) i.file.desc.watchers--;
    this.items = [];
  }

  /**
   * Look at every item: the events to report (at most `max`; `consume`: an actual wait, which
   * fires ONESHOT items and re-arms ET ones), and the channels to wait on when there are none.
   */
  *scan(k: Kernel, max: number, consume: boolean, depth = 0, poller?: object): Generator<Block, { events: Event[]; channels: number[]; host: boolean }, unknown> {
    this.prune();
    const events: Event[] = [];
    const channels = [this.ch];
    let host = false;
    const again: Item[] = [];
    for (const it of [...this.items]) {
      if (it.disabled) continue;
      const r = yield* itemReadiness(k, via(it, poller), depth, poller);
      const got = r.mask & (it.events & ~INPUT_FLAGS);
      let report = got !== 0 && events.length < max;
      if (report && (it.events & EPOLL.ET) !== 0 && it.seqs !== undefined) {
        const now = r.channels.map((c) => k.waits.seq(c));
        report = it.seqs.length !== now.length || now.some((s, i) => s !== it.seqs?.[i]);
      }
      if (!report) {
        channels.push(...r.channels);
        host ||= r.host === true;
        continue;
      }
      events.push({ events: got, data: it.data });
      if (!consume) continue;
      if ((it.events & EPOLL.ONESHOT) !== 0) it.disabled = true;
      else if ((it.events & EPOLL.ET) !== 0) it.seqs = r.channels.map((c) => k.waits.seq(c));
      else again.push(it);
    }
    // Level-triggered items reported go to the back of the list (Linux's ready list rotates).
    if (again.length > 0) this.items = [...this.items.filter((i) => !again.includes(i)), ...again];
    return { events, channels: [...new Set(channels)], host };
  }

  /** Can `target` reach this instance through nested instances (a loop), or is it nested too deep? */
  reaches(target: EpollInstance, depth = 0): boolean {
    if (depth > MAX_NESTS) return true;
    if (target === this) return true;
    for (const it of target.items) {
      const o = it.file.obj;
      if (o instanceof EpollFile && this.reaches(o.ep, depth + 1)) return true;
    }
    return false;
  }
}

/**
 * The OpenFile to poll an item through: the polling process's own on the description (one it
 * holds, or one it let go of that is kept for epoll), when it has one — a process's objects
 * answer only to its domain — else the item's.
 */
function via(it: Item, poller: object | undefined): OpenFile {
  if (poller === undefined) return it.file;
  const d = it.file.desc;
  for (const [f, owner] of d.holders) if (owner === poller && f.refs > 0) return f;
  for (const [f, p] of d.parked) if (p.owner === poller) return f;
  return it.file;
}

/** An item's readiness (a nested epoll is asked without consuming its events). */
function* itemReadiness(k: Kernel, f: OpenFile, depth: number, poller: object | undefined): Generator<Block, Readiness, unknown> {
  const o = f.obj;
  if (o instanceof EpollFile) {
    if (depth >= MAX_NESTS) return { mask: 0, channels: [] };
    const s = yield* o.ep.scan(k, 1, false, depth + 1, poller);
    return { mask: s.events.length > 0 ? POLL.IN | POLL.RDNORM : 0, channels: s.channels, host: s.host };
  }
  return yield* readiness(k, f);
}

/** The open file of an epoll descriptor: anon_inode:[eventpoll]. */
export class EpollFile implements FileObject {
  readonly kind = "epoll";
  readonly dev = ANON_DEV;
  readonly ino = ANON_INO;
  constructor(readonly ep: EpollInstance) {}

  *read(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL);
  }

  *write(): Generator<Block, number, unknown> {
    throw new SysError(E.EINVAL);
  }

  *poll(k: Kernel): Generator<Block, Readiness, unknown> {
    const s = yield* this.ep.scan(k, 1, false, 1);
    return { mask: s.events.length > 0 ? POLL.IN | POLL.RDNORM : 0, channels: s.channels, host: s.host };
  }

  *attr(): Generator<Block, Attr, unknown> {
    const t: [number, number] = [0, 0];
    return { ino: ANON_INO, mode: 0o600, nlink: 1, uid: 0, gid: 0, size: 0, blocks: 0, blksize: 4096, rdev: 0, atime: t, mtime: t, ctime: t, btime: t };
  }

  link(): string {
    return "anon_inode:[eventpoll]";
  }

  *available(): Generator<Block, number | undefined, unknown> {
    return undefined;
  }

  *release(k: Kernel): Generator<Block, void, unknown> {
    if (--this.ep.refs > 0) return;
    this.ep.clear();
    k.waits.destroy(this.ep.ch);
  }

  *share(): Generator<Block, EpollFile, unknown> {
    this.ep.refs++;
    return new EpollFile(this.ep);
  }
}
