// Wait channels: "block until object X changes", for threads on any processor, in both run
// modes. An object that others wait on (a pipe, an eventfd) owns one channel per thing to wait
// for; whoever changes the object notifies the channel, and every thread subscribed to it,
// wherever it runs, wakes and looks again. A channel carries no data: a woken thread always
// re-checks its condition, so a spurious wake costs a retry and nothing else.
//
// A channel is four words of shared memory (its id is their byte address):
//   SEQ          bumped by every notify (changed only with Atomics, by any processor)
//   MASK0/MASK1  processors that may have a waiter: bit c for processor c (set by the waiter's
//                processor, taken — swapped to 0 — by a notifier, cleared by the waiter's
//                processor when its last local waiter leaves)
//   (spare)
// Which threads of a processor wait on a channel is that processor's own business: a map
// from channel to waits, per processor (WaitChannels below), never shared.
//
// The protocol, as numbered steps (a waiter W on processor p, a notifier N anywhere):
//   W1. W checks its condition; if it holds, done (the fast path: nothing subscribed).
//   W2. W prepares: its wait goes into p's map under every channel, p's bit is set in each
//       channel's mask, and each channel's SEQ is remembered.
//   W3. W checks its condition again (it may wait for a PPC meanwhile); if it holds, finish.
//   W4. W blocks, unless it was notified since W2 or a SEQ moved (then it goes back to W3):
//       a `channel` block, with the deadline if it has one.
//   W5. Woken (notified, or the deadline, or anything else): W finishes — leaves p's map,
//       clearing p's bit where no local waiter is left — and goes back to W1.
//   N1. N changes the object, then notifies: SEQ + 1, then takes the mask.
//   N2. For its own processor N wakes the local waiters directly; every other processor in the
//       mask gets a ChannelWake message, whose handler does the same there: each waiter of the
//       channel is marked notified and leaves the channel's map entry, and one already
//       blocked on its wait is woken.
// No wake is lost: a notify whose mask take came after W2 reaches p (N2) and marks W, whether
// W has blocked yet (woken) or not (W4 sees the mark); one whose take came before W2 changed
// the object before W3 looked. The SEQ check in W4 is the same guarantee for a waiter whose
// mark could not be set (its map entry was taken by an earlier wake): a notify since W2 moved
// SEQ. A thread that moved to another processor between W2 and W4 does not block (it counts as
// notified) and prepares again where it is.
//
// Channels live as long as their object; a freed channel's words may be reused at once: a
// waiter still subscribed to it (its object gone under it) sees at most a spurious wake, and a
// stale mask bit costs one message that finds nobody. SEQ is never reset.

import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import { LINE, SharedWords } from "../shared.js";
import { ThreadState, type Block, type Thread } from "./thread.js";

/** Bytes of one channel (SEQ, MASK0, MASK1, spare). */
export const CHANNEL_BYTES = 16;
const SEQ = 0, MASK = 1;

/** How a wait ended: a notify (or another wake: look again), or its deadline passed. */
export type WaitEnd = "notified" | "timeout";

/**
 * One thread's subscription to some channels (steps W2–W5). Made by `prepare`, ended by
 * `finish` (always: use try/finally). Per processor, owned by its thread.
 */
export class ChannelWait {
  /** A notify reached this processor for one of the channels since `prepare`. */
  notified = false;
  /** The block the thread is waiting on now (W4), if it is. */
  block: Block | undefined = undefined;

  constructor(
    readonly k: Kernel,
    readonly thread: Thread,
    readonly channels: readonly number[],
    /** Each channel's SEQ at `prepare`. */
    readonly seqs: readonly number[],
    readonly what: string,
    /** The machine's host input may also end the wait (the console's input, polled with the channels). */
    readonly host: boolean,
  ) {}
}

/** What an object's owner may do with channels (the capability a server is given: see `channelNotifier`). */
export interface ChannelNotifier {
  /** A new channel; its id (an address of shared memory, the same on every processor). */
  create(): number;
  /** Wake every thread waiting on the channel, on every processor. */
  notify(channel: number): void;
  /** The channel's object is gone. */
  destroy(channel: number): void;
}

/** The wait channels of one processor: its allocator of channel words and its map of waiters. */
export class WaitChannels {
  /** The whole of shared memory as words (a channel's word i of id a is at index a/4 + i). */
  private readonly words: SharedWords;
  /** Channel → this processor's waits on it. */
  private readonly waiting = new Map<number, Set<ChannelWait>>();
  /** Freed channels of this processor, and the rest of the line being carved. */
  private readonly free: number[] = [];
  private carve = 0;
  private carveEnd = 0;
  /** Notifies made here, and messages they sent (tests and reports). */
  notifies = 0;
  wakeMessages = 0;

  constructor(private readonly k: Kernel) {
    this.words = new SharedWords(k.port, k.trace, 0);
    k.msg.on(MsgKind.ChannelWake, (_from, body) => this.wakeHere(body as number));
  }

  // ---- channels ----

  create(): number {
    const f = this.free.pop();
    if (f !== undefined) return f;
    if (this.carve >= this.carveEnd) {
      this.carve = this.k.heap.alloc(LINE);
      this.carveEnd = this.carve + LINE;
    }
    const c = this.carve;
    this.carve += CHANNEL_BYTES;
    return c;
  }

  destroy(ch: number): void {
    check(ch);
    this.free.push(ch);
  }

  /** The channel's notify count. */
  seq(ch: number): number {
    return this.words.load((ch >>> 2) + SEQ);
  }

  /** N1–N2: wake every waiter of `ch`, here directly, elsewhere by message. */
  notify(ch: number): void {
    check(ch);
    const base = ch >>> 2;
    this.notifies++;
    this.words.add(base + SEQ, 1);
    for (let i = 0; i < 2; i++) {
      const m = this.take(base + MASK + i);
      for (let b = 0; m >>> b !== 0 && b < 32; b++) {
        if (((m >>> b) & 1) === 0) continue;
        const cpu = i * 32 + b;
        if (cpu === this.k.cpu) this.wakeHere(ch);
        else {
          this.wakeMessages++;
          this.k.msg.send(cpu, MsgKind.ChannelWake, ch);
        }
      }
    }
  }

  /** The capability to make, notify and free channels on this processor, without the rest of the kernel. */
  notifier(): ChannelNotifier {
    return Object.freeze({
      create: () => this.create(),
      notify: (ch: number) => this.notify(ch),
      destroy: (ch: number) => this.destroy(ch),
    });
  }

  // ---- waiting ----

  /**
   * W2: subscribe the running thread to `channels` (after a first check failed; check again
   * before `block`). `what` is shown while it waits; `host`: host input ends the wait too.
   */
  prepare(channels: readonly number[], what: string, host = false): ChannelWait {
    const t = this.k.sched.current;
    if (t === undefined) throw new Error("a wait-channel wait outside a thread");
    const bit = 1 << (this.k.cpu & 31), word = MASK + (this.k.cpu >> 5);
    const seqs: number[] = [];
    const w = new ChannelWait(this.k, t, channels, seqs, what, host);
    for (const ch of channels) {
      check(ch);
      let set = this.waiting.get(ch);
      if (set === undefined) this.waiting.set(ch, (set = new Set()));
      set.add(w);
      this.words.or((ch >>> 2) + word, bit);
      seqs.push(this.seq(ch));
    }
    return w;
  }

  /**
   * W4: block until a notify, the deadline `until` (machine time; Infinity: none), or another
   * wake — at once if a notify came since `prepare`. Not inside a clustered-object call. `wait`
   * yields the block instead of a bare `yield` (the Linux personality's interruptible wait: it
   * may also end the wait early, or not wait at all).
   */
  *block(w: ChannelWait, until = Infinity, wait?: (b: Block) => Generator<Block, unknown, unknown>): Generator<Block, WaitEnd, unknown> {
    const k = this.k;
    if (w.k !== k || k.sched.current !== w.thread) return "notified"; // moved: prepare again where it runs
    if (w.notified || w.channels.some((ch, i) => this.seq(ch) !== w.seqs[i])) return "notified";
    if (until <= k.port.now()) return "timeout";
    const b: Block = { kind: "channel", what: w.what, until };
    w.block = b;
    if (w.host) k.sched.hostWaiters.add(w.thread);
    try {
      if (wait === undefined) yield b;
      else yield* wait(b);
    } finally {
      w.block = undefined;
      if (w.host) k.sched.hostWaiters.delete(w.thread);
    }
    return !w.notified && until !== Infinity && k.port.now() >= until ? "timeout" : "notified";
  }

  /** W5: leave every channel's map entry; this processor's bit goes where no local waiter is left. */
  finish(w: ChannelWait): void {
    // A wait prepared on another processor stays in that processor's map until a notify there
    // takes it (one wasted message at most): a processor's map is its own.
    if (w.k !== this.k) return;
    const bit = 1 << (this.k.cpu & 31), word = MASK + (this.k.cpu >> 5);
    for (const ch of w.channels) {
      const set = this.waiting.get(ch);
      if (set === undefined || !set.delete(w) || set.size > 0) continue;
      this.waiting.delete(ch);
      const i = (ch >>> 2) + word;
      for (let m = this.words.load(i); (m & bit) !== 0;) {
        const was = this.words.cas(i, m, m & ~bit);
        if (was === m) break;
        m = was;
      }
    }
  }

  /** Waits of this processor on `ch` now (tests, debuggers). */
  waiters(ch: number): number {
    return this.waiting.get(ch)?.size ?? 0;
  }

  /** N2 on this processor: mark the channel's waiters notified and wake those already blocked. */
  private wakeHere(ch: number): void {
    const set = this.waiting.get(ch);
    if (set === undefined) return;
    this.waiting.delete(ch);
    for (const w of set) {
      w.notified = true;
      const t = w.thread;
      if (w.block !== undefined && t.state === ThreadState.Blocked && t.block === w.block) this.k.sched.wake(t);
    }
  }

  /** Swap a mask word to 0; its old value. */
  private take(i: number): number {
    let m = this.words.load(i);
    while (m !== 0) {
      const was = this.words.cas(i, m, 0);
      if (was === m) break;
      m = was;
    }
    return m;
  }
}

function check(ch: number): void {
  if (!Number.isInteger(ch) || ch <= 0 || ch % CHANNEL_BYTES !== 0) throw new RangeError(`not a wait channel: ${ch}`);
}
