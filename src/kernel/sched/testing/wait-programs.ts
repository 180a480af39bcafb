// Programs for the wait-channel tests (wait-channel.test.ts), booted on every processor. They
// meet in the last words of the kernel control block (free above the quiescence and PPC words):
// processor 0 makes the channel and publishes its id there.

import type { Kernel } from "../../kernel.js";
import type { Finisher } from "../../boot.js";
import type { Block } from "../thread.js";
import { Xoshiro128 } from "../../../machine/xoshiro.js";
import type { WaitEnd } from "../wait-channel.js";

type Gen<T = void> = Generator<Block, T, unknown>;

/** Control-block words of the tests: the channel's id and the turn counter. */
const W_CHANNEL = 1000, W_TURN = 1001;

/** Wait until processor 0 has published the channel; its id. */
function* channelOf(k: Kernel): Gen<number> {
  for (;;) {
    const ch = k.ctl.load(W_CHANNEL);
    if (ch !== 0) return ch;
    yield { kind: "yield" };
  }
}

/**
 * Turns: processor p may move the turn counter from r·cpus + p to r·cpus + p + 1 (round r), then
 * notifies the channel; every other processor waits on the channel for its turn. Each wait is
 * W1–W5 of wait-channel.ts. With `seed`, a seeded generator puts yields between the steps
 * (between prepare and the second check, between that check and the block: a notify then lands
 * while the thread is not yet blocked) and random work before each move. `prepareLate`: the
 * broken order — check, then subscribe, then block with no second check — which loses wakes
 * (the test shows the torture can see a lost wake). A lost wake leaves every processor waiting:
 * the machine stops deadlocked.
 */
export function turns(k: Kernel, args: unknown): Finisher {
  const a = args as { rounds: number; seed?: number; prepareLate?: boolean };
  const cpus = k.topology.cpus;
  const rng = a.seed === undefined ? undefined : new Xoshiro128((a.seed * 131 + k.cpu) >>> 0);
  const maybeYield = function* (): Gen {
    if (rng !== undefined && (rng.u32() & 3) === 0) yield { kind: "yield" };
  };
  let moves = 0, waits = 0;
  if (k.cpu === 0) {
    k.ctl.store(W_TURN, 0);
    k.ctl.store(W_CHANNEL, k.waits.create());
  }
  k.sched.spawn("turns", (function* (): Gen {
    const ch = yield* channelOf(k);
    for (let r = 0; r < a.rounds; r++) {
      const mine = r * cpus + k.cpu;
      for (;;) {
        if (k.ctl.load(W_TURN) === mine) break; // W1
        if (a.prepareLate === true) {
          yield* maybeYield();
          const w = k.waits.prepare([ch], "turn (late)");
          try {
            waits++;
            yield* k.waits.block(w);
          } finally {
            k.waits.finish(w);
          }
          continue;
        }
        const w = k.waits.prepare([ch], `turn ${mine}`); // W2
        try {
          yield* maybeYield();
          if (k.ctl.load(W_TURN) === mine) break; // W3
          yield* maybeYield();
          waits++;
          yield* k.waits.block(w); // W4
        } finally {
          k.waits.finish(w); // W5
        }
      }
      if (rng !== undefined) k.port.charge(rng.u32() % 2000);
      k.ctl.store(W_TURN, mine + 1); // N1
      moves++;
      k.waits.notify(ch); // N1–N2
    }
  })());
  return () => ({ moves, waits, turn: k.ctl.load(W_TURN), notifies: k.waits.notifies, messages: k.waits.wakeMessages });
}

/**
 * Deadlines and the immediate answers, on processor 0 (one processor is enough): a wait that
 * nobody notifies ends at its deadline; a notify between prepare and block, or one that moved
 * SEQ before a processor's map could note it, makes block return at once; a notify from another
 * processor wakes a blocked waiter (when the machine has two).
 */
export function deadlines(k: Kernel): Finisher {
  const log: string[] = [];
  if (k.cpu === 0) k.ctl.store(W_CHANNEL, k.waits.create());
  if (k.cpu === 1) {
    // The remote notifier: waits until processor 0 says it blocked, then notifies.
    k.sched.spawn("notifier", (function* (): Gen {
      const ch = yield* channelOf(k);
      while (k.ctl.load(W_TURN) !== 1) yield { kind: "yield" };
      k.waits.notify(ch);
    })());
  }
  if (k.cpu !== 0) return () => undefined;
  k.sched.spawn("deadlines", (function* (): Gen {
    const ch = yield* channelOf(k);
    let w = k.waits.prepare([ch], "nothing");
    const t0 = k.port.now();
    let end: WaitEnd;
    try {
      end = yield* k.waits.block(w, t0 + 50_000);
    } finally {
      k.waits.finish(w);
    }
    log.push(`unnotified: ${end}, at or after its deadline: ${k.port.now() >= t0 + 50_000}, subscribed after: ${k.waits.waiters(ch)}`);

    w = k.waits.prepare([ch], "notified before blocking");
    k.waits.notify(ch);
    try {
      end = yield* k.waits.block(w, k.port.now() + 50_000);
    } finally {
      k.waits.finish(w);
    }
    log.push(`notify between prepare and block: ${end}`);

    w = k.waits.prepare([ch], "seq moved");
    k.waits.finish(w); // the map entry went (as a wake elsewhere takes it) but the wait goes on
    k.waits.notify(ch);
    end = yield* k.waits.block(w, k.port.now() + 50_000);
    log.push(`SEQ moved since prepare: ${end}`);

    if (k.topology.cpus > 1) {
      w = k.waits.prepare([ch], "remote notify");
      k.ctl.store(W_TURN, 1);
      try {
        end = yield* k.waits.block(w);
      } finally {
        k.waits.finish(w);
      }
      log.push(`notified from processor 1: ${end}`);
    }
  })());
  return () => log;
}
