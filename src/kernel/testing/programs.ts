// Programs that exercise the kernel, booted on every processor by tests and benchmarks
// (boot.ts). Each returns a finisher whose value is that processor's result.

import type { Kernel } from "../kernel.js";
import type { Finisher } from "../boot.js";
import type { Block } from "../sched/thread.js";
import type { ObjRef } from "../cos/manager.js";
import { ObjectError } from "../cos/manager.js";
import { RootKind, type ObjectType } from "../cos/types.js";
import { SwapError } from "../hotswap/swap.js";
import type { SharedWords } from "../shared.js";
import { PartitionedCounter, SharedCounter, type Counter } from "../objects/counter.js";
import { Major, Test } from "../trace/events.js";
import { nullRoundTrip, nullRoundTripRemote, serveNull } from "../ppc/bench.js";
import { Rights, defineInterface, method } from "../ppc/iface.js";
import { PPCError } from "../ppc/errors.js";
import { none, u32, type Handle } from "../ppc/values.js";

type Gen<T = void> = Generator<Block, T, unknown>;

/**
 * Tornado's counter: every processor increments one counter `iters` times with `work` cycles
 * between; start/end time the steady state (after each processor's first call, its miss).
 */
export function counterLoop(k: Kernel, args: unknown): Finisher {
  const a = args as { impl: "shared" | "partitioned"; iters: number; work: number };
  const ctr = k.cos.wellKnown(1, a.impl === "shared" ? SharedCounter : PartitionedCounter);
  let start = 0, end = 0;
  k.sched.spawn("counter", (function* (): Gen {
    yield* k.cos.call(ctr, (r) => r.inc()); // warm-up: the miss that installs this processor's rep
    start = k.port.now();
    for (let i = 1; i < a.iters; i++) {
      yield* k.cos.call(ctr, (r) => r.inc());
      k.port.charge(a.work);
    }
    end = k.port.now();
  })());
  return () => ({ start, end, value: k.cpu === 0 ? (k.cos.local(ctr) as Counter | undefined)?.value() : undefined });
}

/** A call that re-enters the object `depth` times, yielding inside (so a swap can reach BLOCK meanwhile). */
function* recursiveAdd(k: Kernel, id: ObjRef<Counter>, depth: number, v: number, rep: Counter): Gen {
  if (depth === 0) {
    rep.add(v);
    return;
  }
  yield { kind: "yield" };
  yield* k.cos.callGen(id, (r) => recursiveAdd(k, id, depth - 1, v, r));
}

/**
 * The hot-swap torture: every processor adds to one counter in a loop (some calls recursive)
 * while processor 0 swaps it between the shared and partitioned implementations `swaps` times.
 */
export function swapTorture(k: Kernel, args: unknown): Finisher {
  const a = args as { iters: number; swaps: number };
  k.cos.registerType(PartitionedCounter);
  const ctr = k.cos.wellKnown(1, SharedCounter);
  const done = k.cos.wellKnown(2, SharedCounter);
  let added = 0, calls = 0, recursive = 0;
  k.sched.spawn("caller", (function* (): Gen {
    for (let i = 0; ; i++) {
      if (i >= a.iters && (yield* k.cos.call(done, (r) => r.value())) > 0) break;
      const v = ((k.cpu * 7 + i) % 13) + 1;
      if (i % 16 === 5) {
        yield* k.cos.callGen(ctr, (r) => recursiveAdd(k, ctr, 3, v, r));
        recursive++;
      } else {
        yield* k.cos.call(ctr, (r) => r.add(v));
      }
      added += v;
      calls++;
      k.port.charge(50);
    }
  })());
  let value: number | undefined;
  let swapTime = 0;
  if (k.cpu === 0) {
    k.sched.spawn("swapper", (function* (): Gen {
      for (let s = 0; s < a.swaps; s++) {
        const t0 = k.port.now();
        yield* k.swap.switchObject(ctr, s % 2 === 0 ? PartitionedCounter : SharedCounter);
        swapTime += k.port.now() - t0;
        k.trace.ev2(Major.Test, Test.Data, s, 0);
      }
      yield* k.cos.call(done, (r) => r.inc());
    })());
  }
  return () => {
    if (k.cpu === 0) value = (k.cos.local(ctr) as Counter | undefined)?.value() ?? (k.cos.miss(ctr) as Counter).value();
    return { added, calls, recursive, value, swaps: k.swap.stats, swapTime: a.swaps > 0 ? swapTime / a.swaps : 0 };
  };
}

/**
 * Deferred destruction: processor 1 holds a call open on an object (blocked inside it) while
 * processor 0 destroys the object and keeps creating new objects; the destroyed id must not be
 * reused until processor 1 has left the call, and must be reused after.
 */
export function destroyQuiescence(k: Kernel, _args: unknown): Finisher {
  const obj = k.cos.wellKnown(3, SharedCounter);
  const gate = k.cos.wellKnown(4, SharedCounter);
  const log: string[] = [];
  let victim = 0;
  if (k.cpu === 1) {
    k.sched.spawn("holder", (function* (): Gen {
      // Wait until processor 0 created the victim (gate = 1), then sit inside a call on the
      // victim until processor 0 has created 50 objects after destroying it (gate = 2).
      while ((yield* k.cos.call(gate, (r) => r.value())) < 1) yield { kind: "yield" };
      const id = (yield* k.cos.call(obj, (r) => r.value())) as ObjRef<Counter>;
      yield* k.cos.callGen(id, function* (r: Counter): Gen {
        r.inc();
        log.push("inside");
        while ((yield* k.cos.call(gate, (g) => g.value())) < 2) yield { kind: "yield" };
        log.push("leaving");
      });
    })());
  }
  if (k.cpu === 0) {
    k.sched.spawn("destroyer", (function* (): Gen {
      const id = k.cos.create(SharedCounter);
      victim = id;
      yield* k.cos.call(obj, (r) => r.add(id));
      yield* k.cos.call(gate, (r) => r.inc());
      // Wait until the holder is inside (the victim's count is 1).
      while ((yield* k.cos.call(id, (r) => r.value())) < 1) yield { kind: "yield" };
      k.reclaim.destroy(id);
      try {
        yield* k.cos.call(id, (r) => r.value());
        log.push("call after destroy succeeded on cached rep");
      } catch (e) {
        log.push(e instanceof ObjectError ? "call after destroy refused" : `unexpected ${String(e)}`);
      }
      const made: number[] = [];
      for (let i = 0; i < 50; i++) {
        made.push(k.cos.create(SharedCounter));
        for (let j = 0; j < 20; j++) yield { kind: "yield" };
      }
      log.push(made.includes(id) ? "REUSED WHILE HELD" : "not reused while held");
      yield* k.cos.call(gate, (r) => r.inc());
      // Now the id must come back once two global quiescences have passed.
      let reused = false;
      for (let i = 0; i < 2000 && !reused; i++) {
        const n = k.cos.create(SharedCounter);
        if (n === id) reused = true;
        else k.reclaim.destroy(n);
        yield { kind: "yield" };
      }
      log.push(reused ? "reused after quiescence" : "never reused");
    })());
  }
  return () => ({ log, victim, reclaimed: k.reclaim.reclaimed });
}

/** Round trips of an empty request from processor 0 to processor `peer`; returns cycles (or ns) per round trip. */
export function pingPong(k: Kernel, args: unknown): Finisher {
  const a = args as { peer: number; rounds: number; busy?: number };
  k.onRequest(1000, (_from, _b, reply) => reply(k.cpu));
  let perTrip = 0;
  if (k.cpu === 0) {
    k.sched.spawn("ping", (function* (): Gen {
      const t0 = k.port.now();
      for (let i = 0; i < a.rounds; i++) {
        const [who] = yield* k.ask([a.peer], 1000);
        if (who !== a.peer) throw new Error(`answer from ${String(who)}`);
      }
      perTrip = (k.port.now() - t0) / a.rounds;
    })());
  }
  if (k.cpu === a.peer && (a.busy ?? 0) > 0) {
    // Keep the peer busy in long slices: messages queue behind them.
    k.sched.spawn("busy", (function* (): Gen {
      for (let i = 0; i < a.rounds; i++) {
        k.port.charge(a.busy ?? 0);
        yield { kind: "yield" };
      }
    })());
  }
  return () => ({ perTrip });
}

/** Rep enumeration: every processor adds cpu+1 to a partitioned counter; processor 0 gathers the reps. */
export function gatherReps(k: Kernel, _args: unknown): Finisher {
  const ctr = k.cos.wellKnown(1, PartitionedCounter);
  const barrier = k.cos.wellKnown(2, SharedCounter);
  let gathered: { cpu: number; value: unknown }[] = [];
  let total = 0;
  k.sched.spawn("adder", (function* (): Gen {
    yield* k.cos.call(ctr, (r) => r.add(k.cpu + 1));
    yield* k.cos.call(barrier, (r) => r.inc());
    if (k.cpu !== 0) return;
    while ((yield* k.cos.call(barrier, (r) => r.value())) < k.topology.cpus) yield { kind: "yield" };
    gathered = yield* k.cos.gather(ctr, "local");
    total = yield* k.cos.call(ctr, (r) => r.value());
  })());
  return () => ({ gathered, total });
}

/** Dynamic update: processor 0 makes counters, then replaces the SharedCounter implementation by the partitioned one. */
export function dynamicUpdate(k: Kernel, _args: unknown): Finisher {
  k.cos.registerType(SharedCounter);
  k.cos.registerType(PartitionedCounter);
  const out: { before: number[]; after: number[]; swapped: number; newKind: number; types: number[] } = {
    before: [], after: [], swapped: 0, newKind: 0, types: [],
  };
  if (k.cpu === 0) {
    k.sched.spawn("updater", (function* (): Gen {
      const ids: ObjRef<Counter>[] = [];
      for (let i = 0; i < 5; i++) {
        const id = k.cos.create(k.cos.current("SharedCounter") as typeof SharedCounter);
        yield* k.cos.call(id, (r) => r.add(10 * (i + 1)));
        ids.push(id);
      }
      for (const id of ids) out.before.push(yield* k.cos.call(id, (r) => r.value()));
      out.swapped = yield* k.swap.update("SharedCounter", PartitionedCounter);
      for (const id of ids) out.after.push(yield* k.cos.call(id, (r) => r.value()));
      out.types = ids.map((id) => k.gtt.get(id, 1 /* Gte.Type */));
      out.newKind = k.cos.current("SharedCounter").id;
    })());
  }
  return () => out;
}

/** A kernel thread that throws: the processor reports it and goes on running the others. */
export function threadFault(k: Kernel, _args: unknown): Finisher {
  let after = false;
  k.sched.spawn("faulty", (function* (): Gen {
    yield { kind: "yield" };
    throw new Error(`deliberate fault on cpu ${k.cpu}`);
  })());
  k.sched.spawn("survivor", (function* (): Gen {
    for (let i = 0; i < 5; i++) yield { kind: "yield" };
    after = true;
  })());
  return () => ({ after });
}

/** PPC null round trips: processor 0 calls the local null server `n` times (after a warm-up). */
export function benchNullPpc(k: Kernel, args: unknown): Finisher {
  const a = args as { n: number; remote?: boolean };
  serveNull(k);
  let nsPerCall = 0;
  const caller = a.remote === true ? 1 : 0;
  if (k.cpu === caller) {
    k.sched.spawn("ppc bench", (function* (): Gen {
      const f = a.remote === true ? nullRoundTripRemote : nullRoundTrip;
      yield* f(k, Math.ceil(a.n / 10));
      const t0 = k.port.now();
      yield* f(k, a.n);
      nsPerCall = (k.port.now() - t0) / a.n;
    })());
  }
  return () => ({ nsPerCall });
}

interface Tally {
  add(v: number): void;
  clusterValue(): number;
}

/** One rep per cluster of two processors; reps of one cluster share their state. */
export const ClusterTally: ObjectType<Tally> = {
  id: 0x1f0,
  name: "ClusterTally",
  kind: RootKind.PerCluster,
  clusterSize: 2,
  sharedBytes: 8,
  create: (ctx) => {
    const w = ctx.shared as SharedWords;
    return { add: (v) => void w.add(0, v), clusterValue: () => w.load(0) };
  },
};

/** A type that speaks no state format the counters speak: a swap to it must be refused. */
export const Incompatible: ObjectType<Counter> = {
  ...SharedCounter, id: 0x1f1, name: "Incompatible", exports: [7], imports: [7],
};

/** Root kinds: PerCluster reps; and a hot-swap without a common format is refused, the object intact. */
export function clustersAndRefusal(k: Kernel, _args: unknown): Finisher {
  const tally = k.cos.wellKnown(5, ClusterTally);
  const ctr = k.cos.wellKnown(6, SharedCounter);
  const barrier = k.cos.wellKnown(7, SharedCounter);
  const out: { clusters: number[]; refused: string; after: number } = { clusters: [], refused: "", after: 0 };
  k.sched.spawn("tally", (function* (): Gen {
    yield* k.cos.call(tally, (r) => r.add(k.cpu + 1));
    yield* k.cos.call(barrier, (r) => r.inc());
    if (k.cpu !== 0) return;
    while ((yield* k.cos.call(barrier, (r) => r.value())) < k.topology.cpus) yield { kind: "yield" };
    const t = k.cos.target(ClusterTally as ObjectType, k.gtt.get(tally, 3 /* Gte.Shared */), tally);
    for (let c = 0; c < t.clusters; c++) out.clusters.push(t.block(c).load(0));
    yield* k.cos.call(ctr, (r) => r.add(5));
    try {
      yield* k.swap.switchObject(ctr, Incompatible);
      out.refused = "swapped";
    } catch (e) {
      out.refused = e instanceof SwapError ? e.message : `unexpected ${String(e)}`;
    }
    yield* k.cos.call(ctr, (r) => r.add(1));
    out.after = yield* k.cos.call(ctr, (r) => r.value());
  })());
  return () => out;
}

/** A rep method that throws: on the miss path and on the fast path the caller catches it; nothing stays active. */
export function repThrows(k: Kernel, _args: unknown): Finisher {
  const Thrower: ObjectType<{ boom(): number }> = {
    id: 0x1f2, name: "Thrower", kind: RootKind.PerProcessor,
    create: () => ({ boom: () => { throw new Error("rep fault"); } }),
  };
  const id = k.cos.wellKnown(8, Thrower);
  const log: string[] = [];
  k.sched.spawn("caller", (function* (): Gen {
    for (let i = 0; i < 2; i++) {
      try {
        yield* k.cos.call(id, (r) => r.boom());
        log.push("no exception");
      } catch (e) {
        log.push(`${i === 0 ? "miss" : "fast"} path: ${(e as Error).message}`);
      }
    }
    log.push(`depth ${k.sched.current?.coDepth} active ${k.quiesce.activeThreads}`);
  })());
  return () => log;
}

const AdderIface = defineInterface("Adder", { addTo: method([u32], none) });

/**
 * Recursion across processors during hot-swaps: callers on processors 1..n-1 enter the counter
 * and, from inside it, make a PPC to a server pinned on processor 0 whose method adds to the
 * same counter — a recursive call that arrives on another processor's mediator. Processor 0
 * swaps the counter `swaps` times meanwhile. A mediator that blocked that call would deadlock.
 */
export function swapRemoteRecursion(k: Kernel, args: unknown): Finisher {
  const a = args as { iters: number; swaps: number };
  k.cos.registerType(PartitionedCounter);
  const ctr = k.cos.wellKnown(1, SharedCounter);
  const done = k.cos.wellKnown(2, SharedCounter);
  // A kernel-side test server: it reaches the counter through the booting kernel `k` (a server
  // under src/servers could not: its ServerEnv has no clustered objects).
  const adder = k.ppc.serve(AdderIface, 2, () => ({
    *addTo(v: number): Gen {
      yield { kind: "yield" };
      yield* k.cos.call(ctr, (r) => r.add(v));
    },
  }), { cpus: [0], root: { owner: 0, ownerRights: Rights.All, otherRights: Rights.All } });
  let added = 0, remote = 0, swapsDone = 0;
  if (k.cpu !== 0) {
    const stub = k.ppc.stub(AdderIface, adder.root as Handle);
    k.sched.spawn("caller", (function* (): Gen {
      for (let i = 0; ; i++) {
        if (i >= a.iters && (yield* k.cos.call(done, (r) => r.value())) > 0) break;
        const v = ((k.cpu * 5 + i) % 7) + 1;
        if (i % 4 === 0) {
          yield* k.cos.callGen(ctr, function* (): Gen {
            yield { kind: "yield" };
            yield* stub.addTo(v); // from inside the counter, into it again on processor 0
          });
          remote++;
        } else {
          yield* k.cos.call(ctr, (r) => r.add(v));
        }
        added += v;
      }
    })());
  } else {
    k.sched.spawn("swapper", (function* (): Gen {
      for (let s = 0; s < a.swaps; s++) {
        yield* k.swap.switchObject(ctr, s % 2 === 0 ? PartitionedCounter : SharedCounter);
        swapsDone++;
      }
      yield* k.cos.call(done, (r) => r.inc());
    })());
  }
  return () => ({
    added, remote, swapsDone,
    value: k.cpu === 0 ? ((k.cos.local(ctr) as Counter | undefined) ?? (k.cos.miss(ctr) as Counter)).value() : undefined,
    passes: k.swap.stats.recursivePasses,
  });
}

const TallyIface = defineInterface("Tally", { add: method([u32], u32), poison: method([], none) });

/**
 * A server that restarts on a fault: its per-processor object keeps a running total; `poison`
 * throws. The caller sees a ServerFault, the next call finds a fresh object (total from 0);
 * without restartOnFault the state survives the fault.
 */
export function serverRestart(k: Kernel, _args: unknown): Finisher {
  const make = () => {
    let total = 0;
    return {
      add: (v: number): number => (total += v),
      poison: (): void => { throw new Error("poisoned"); },
    };
  };
  const open = { owner: 0, ownerRights: Rights.All, otherRights: Rights.All };
  const restarting = k.ppc.serve(TallyIface, 4, make, { root: open, restartOnFault: true });
  const plain = k.ppc.serve(TallyIface, 5, make, { root: open });
  const log: string[] = [];
  k.sched.spawn("client", (function* (): Gen {
    for (const [name, s] of [["restarting", restarting], ["plain", plain]] as const) {
      const stub = k.ppc.stub(TallyIface, s.root as Handle);
      const before = yield* stub.add(5);
      try {
        yield* stub.poison();
        log.push(`${name}: no fault`);
      } catch (e) {
        log.push(`${name}: ${e instanceof PPCError ? `fault ${e.message}` : String(e)}`);
      }
      const after = yield* stub.add(1);
      log.push(`${name}: ${before} then ${after}, restarts ${s.restarts}`);
    }
  })());
  return () => log;
}

// ---- idle, deadlock and the host ----

/** Threads "a" on processor 0 and "b" on processor 1, each waiting for the other: a deadlock. */
export function deadlockPair(k: Kernel, _args: unknown): Finisher | void {
  if (k.cpu > 1) return;
  const [me, other] = k.cpu === 0 ? ["a", "b"] : ["b", "a"];
  k.sched.spawn(me, (function* (): Gen {
    yield { kind: "event", what: `${other} done` };
  })());
  // A daemon waiting forever for requests is no part of a deadlock (nor a reason to report one).
  k.sched.spawn("server", (function* (): Gen {
    yield { kind: "event", what: "request" };
  })(), undefined, { daemon: true });
}

/** A daemon waiting forever and threads that finish: the machine stops, no deadlock. */
export function daemonOnly(k: Kernel, _args: unknown): Finisher {
  let done = false;
  k.sched.spawn("server", (function* (): Gen {
    yield { kind: "event", what: "request" };
  })(), undefined, { daemon: true });
  k.sched.spawn("worker", (function* (): Gen {
    yield { kind: "yield" };
    done = true;
  })());
  return () => done;
}

export interface HostEchoResult {
  text: string;
  chunks: number;
  eof: boolean;
  /** Real (ms, performance.now) and virtual (port clock) time of the first read and of the first data. */
  startReal: number;
  startVirt: number;
  dataReal: number;
  dataVirt: number;
  end: number;
}

/** Processor `cpu` reads the host input to its end, `max` bytes at a time. */
export function hostEcho(k: Kernel, args: unknown): Finisher {
  const a = args as { cpu: number; max?: number };
  const out: HostEchoResult = { text: "", chunks: 0, eof: false, startReal: 0, startVirt: 0, dataReal: 0, dataVirt: 0, end: 0 };
  if (k.cpu === a.cpu) {
    k.sched.spawn("reader", (function* (): Gen {
      const dec = new TextDecoder();
      // Ask for input once before timing the wait: starting the pump (a worker thread) takes
      // real time inside this slice, which the virtual clock does not see.
      k.port.input.waitForInput(0);
      out.startReal = performance.now();
      out.startVirt = k.port.now();
      for (;;) {
        const b = yield* k.hostRead(a.max ?? 64);
        if (out.dataReal === 0) {
          out.dataReal = performance.now();
          out.dataVirt = k.port.now();
        }
        if (b.length === 0) break;
        out.text += dec.decode(b, { stream: true });
        out.chunks++;
      }
      out.eof = true;
      out.end = k.port.now();
    })());
  }
  return () => out;
}

/** Processor 0 sleeps `cycles` and nothing else happens: the machine skips ahead. */
export function sleepFar(k: Kernel, args: unknown): Finisher {
  const a = args as { cycles: number };
  let woke = -1, until = -1;
  if (k.cpu === 0) {
    k.sched.spawn("sleeper", (function* (): Gen {
      until = k.port.now() + a.cycles;
      yield { kind: "sleep", until };
      woke = k.port.now();
    })());
  }
  return () => ({ woke, until });
}

/**
 * Blocking inside a clustered-object call: a kernel thread waiting for an event and a guest
 * thread waiting for a reply inside a call are refused (the error is thrown at their wait and
 * unwinds the call); a kernel thread may wait for a reply there. Processor 0 reports.
 */
export function blockInsideObject(k: Kernel, _args: unknown): Finisher | void {
  const ctr = k.cos.wellKnown(1, SharedCounter);
  k.onRequest(1001, (_from, _b, reply) => reply(k.cpu));
  if (k.cpu !== 0) return;
  const log: string[] = [];
  const attempt = (what: string, inside: () => Gen<unknown>) => function* (): Gen {
    try {
      const v = yield* k.cos.callGen(ctr, inside);
      log.push(`${what}: ok ${String(v)}`);
    } catch (e) {
      log.push(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    }
    log.push(`${what} after: depth ${k.sched.current?.coDepth}`);
  };
  const peer = k.topology.cpus > 1 ? 1 : 0;
  k.sched.spawn("kernel event", attempt("kernel event", function* (): Gen<unknown> {
    yield { kind: "event", what: "never" };
    return "woken";
  })());
  k.sched.spawn("kernel reply", attempt("kernel reply", function* (): Gen<unknown> {
    return (yield* k.ask([peer], 1001))[0];
  })());
  k.sched.spawn("guest reply", attempt("guest reply", function* (): Gen<unknown> {
    return (yield* k.ask([peer], 1001))[0];
  })(), 1, { guest: true });
  // Other threads may still be inside the object when one of them logs (the kernel reply waits
  // there, legitimately): the processor's active count is read once every thread has finished.
  return () => [...log, `active at the end ${k.quiesce.activeThreads}`];
}
