// Programs that exercise PPC, booted on every processor by ppc.test.ts in both run modes. Each
// registers the same servers on every processor, spawns client threads in their own domains,
// and returns a finisher whose value is what that processor observed.

import type { Kernel } from "../kernel.js";
import type { Finisher } from "../boot.js";
import type { Block } from "../sched/thread.js";
import { RootKind, type ObjectType } from "../cos/types.js";
import { Gte } from "../cos/gtt.js";
import { PPCError, ServerErrno } from "./errors.js";
import { Rights, defineInterface, method, oneway, type CallContext, type Impl, type Methods, type ServerEnv } from "./iface.js";
import { SERVER_IMPL, type Server } from "./server.js";
import { bool, bytes, f64, handle, i32, json, none, string, u32, type Handle, type Json } from "./values.js";
import { nullRoundTrip, nullRoundTripRemote, serveNull } from "./bench.js";

type Gen<T = void> = Generator<Block, T, unknown>;

/** A call's result, or the PPCError it raised as {err: code, msg}. */
type Res = unknown;

function* attempt(g: Gen<unknown>): Gen<Res> {
  try {
    return yield* g;
  } catch (e) {
    if (e instanceof PPCError) return { err: e.code, msg: e.message };
    throw e;
  }
}

/** Plain data for the report (bytes as arrays). */
function plain(v: unknown): unknown {
  return v instanceof Uint8Array ? { bytes: [...v] } : v;
}

export const CalcIface = defineInterface("Calc", {
  add: method([i32, i32], i32, Rights.Read),
  echo: method([bytes], bytes, Rights.Read),
  whoami: method([], json, Rights.Read),
  concat: method([string, string], string),
  scale: method([f64, f64], f64),
  negate: method([bool], bool),
  shape: method([json], json),
  write: method([u32], u32, Rights.Write),
  boom: method([string], none, Rights.Read),
  badResult: method([], u32),
  note: oneway([u32], Rights.Read),
  mint: method([u32], handle),
  drop: method([handle], bool),
  tag: method([], u32, Rights.Read),
});

export const CALC_DOMAIN = 7;
export const CLIENT_DOMAIN = 100;
export const INTRUDER_DOMAIN = 200;

/**
 * One processor's Calc implementation: records what it ran, so tests see what never ran. It is
 * given only its ServerEnv, like any server; `acting` is the test's probe of the kernel's
 * bookkeeping (which domain the calling thread acts for), something no real server can ask.
 */
class Calc implements Impl<typeof CalcIface> {
  readonly invoked: Record<string, number> = {};
  readonly notes: number[] = [];
  constructor(private readonly env: ServerEnv, private readonly acting: () => number) {}
  private ran(m: string): void {
    this.invoked[m] = (this.invoked[m] ?? 0) + 1;
  }
  add(a: number, b: number): number {
    this.ran("add");
    return (a + b) | 0;
  }
  echo(b: Uint8Array): Uint8Array {
    this.ran("echo");
    b[0] = 99; // the server's copy: the caller's array must not change
    return b;
  }
  whoami(ctx: CallContext): Json {
    this.ran("whoami");
    return {
      caller: ctx.caller, callerCpu: ctx.callerCpu, serverCpu: this.env.cpu, rights: ctx.rights, acting: this.acting(),
      sameEnv: ctx.env === this.env,
    };
  }
  concat(a: string, b: string): string {
    this.ran("concat");
    return a + b;
  }
  scale(a: number, b: number): number {
    this.ran("scale");
    return a * b;
  }
  negate(x: boolean): boolean {
    this.ran("negate");
    return !x;
  }
  shape(x: Json): Json {
    this.ran("shape");
    return { got: x, keys: x !== null && typeof x === "object" && !Array.isArray(x) ? Object.keys(x) : [] };
  }
  write(v: number): number {
    this.ran("write");
    return v * 2;
  }
  *boom(why: string): Gen<void> {
    this.ran("boom");
    yield { kind: "yield" }; // fails after blocking, not only on entry
    throw new Error(`kaput: ${why}`);
  }
  badResult(): number {
    this.ran("badResult");
    return -1;
  }
  note(v: number): void {
    this.ran("note");
    this.notes.push(v);
  }
  mint(tag: number, ctx: CallContext): Handle {
    this.ran("mint");
    return this.env.createHandle(ctx.caller, Rights.Read | Rights.Write, Rights.None, tag);
  }
  drop(h: Handle): boolean {
    this.ran("drop");
    return this.env.revoke(h);
  }
  tag(ctx: CallContext): number {
    this.ran("tag");
    return ctx.clientData;
  }
}

function serveCalc(k: Kernel, pinned: boolean): Server<typeof CalcIface> {
  return k.ppc.serve(CalcIface, CALC_DOMAIN, (env) => new Calc(env, () => k.ppc.currentDomain()), {
    cpus: pinned ? [0] : undefined,
    root: { owner: CLIENT_DOMAIN, ownerRights: Rights.All, otherRights: Rights.Read },
  });
}

/**
 * Every processor's client (domain CLIENT_DOMAIN + cpu; cpu 0's is the root handle's owner)
 * runs the same script against Calc: dispatchers everywhere (same-processor calls) or only on
 * processor 0 (`pinned`: processors 1..3 call across the interconnect).
 */
export function ppcSuite(k: Kernel, args: unknown): Finisher {
  const { pinned } = args as { pinned: boolean };
  const s = serveCalc(k, pinned);
  const root = s.root as Handle;
  const out: Record<string, Res> = {};
  const add = CalcIface.list.findIndex((m) => m.name === "add");
  const num = (name: string): number => CalcIface.list.findIndex((m) => m.name === name);
  let minted: Handle | undefined;
  // Another domain on the same processor tries the minted handle (no rights for others).
  const intruder = k.sched.spawn("intruder", (function* (): Gen {
    if (minted === undefined) yield { kind: "event", what: "minted" };
    if (minted === undefined) throw new Error("intruder woken early");
    const ic = k.ppc.stub(CalcIface, minted);
    out.intruderTag = yield* attempt(ic.tag());
    out.intruderRoot = yield* attempt(k.ppc.stub(CalcIface, root).write(1));
    out.intruderWho = yield* attempt(k.ppc.stub(CalcIface, root).whoami());
  })(), INTRUDER_DOMAIN + k.cpu);
  k.sched.spawn("client", (function* (): Gen {
    const c = k.ppc.stub(CalcIface, root);
    out.add = yield* attempt(c.add(2, 3));
    out.addNeg = yield* attempt(c.add(-7, k.cpu));
    const mine = new Uint8Array([1, 2, 3]);
    const back = yield* c.echo(mine);
    out.echo = { sent: [...mine], back: [...back], same: back === mine };
    out.whoami = yield* attempt(c.whoami());
    out.concat = yield* attempt(c.concat("ab", "cd€"));
    out.scale = yield* attempt(c.scale(1.5, -2));
    out.negate = yield* attempt(c.negate(true));
    const obj = { a: [1, { b: null }], s: "x" };
    out.shape = yield* attempt(c.shape(obj));
    out.write = yield* attempt(c.write(21));
    out.boom = yield* attempt(c.boom("on purpose"));
    out.afterBoom = yield* attempt(c.add(1, 1));
    out.badResult = yield* attempt(c.badResult());
    // Arguments that do not match the declaration, through the raw call path.
    const bad: [string, unknown[]][] = [
      ["add", [1.5, 2]], ["add", ["1", 2]], ["add", [1]], ["add", [2 ** 31, 0]], ["add", [1, 2, 3]],
      ["echo", [[1, 2, 3]]], ["concat", [1, 2]], ["negate", [1]], ["mint", [-1]], ["scale", [1, "2"]],
      ["shape", [{ f: () => 1 }]], ["shape", [new Map()]], ["shape", [{ n: NaN }]],
      ["whoami", [CLIENT_DOMAIN]], ["drop", [{ server: 0 }]],
    ];
    out.badArgs = [];
    for (const [m, a] of bad) (out.badArgs as Res[]).push(yield* attempt(k.ppc.call(root, num(m), a)));
    out.badMethod = yield* attempt(k.ppc.call(root, 999, []));
    // Forged and stale handles.
    out.forged = [
      yield* attempt(k.ppc.call({ server: s.id, xh: (999 << 8) | 1 }, add, [1, 2])),
      yield* attempt(k.ppc.call({ server: s.id, xh: (5000 << 8) | 1 }, add, [1, 2])),
      yield* attempt(k.ppc.call({ server: s.id, xh: 0 }, add, [1, 2])),
    ];
    out.wrongSeq = yield* attempt(k.ppc.call({ server: s.id, xh: (1 << 8) | 2 }, add, [1, 2]));
    out.noServer = yield* attempt(k.ppc.call({ server: 99, xh: 257 }, add, [1, 2]));
    // A handle made for this domain only; its clientData; revocation.
    const h = (yield* c.mint(k.cpu * 10 + 1)) as Handle;
    minted = h;
    k.sched.wake(intruder);
    const mc = k.ppc.stub(CalcIface, h);
    out.tag = yield* attempt(mc.tag());
    out.mintedWrite = yield* attempt(mc.write(5));
    yield { kind: "join", thread: intruder.id };
    out.drop = yield* attempt(c.drop(h));
    out.afterDrop = yield* attempt(mc.tag());
    out.dropAgain = yield* attempt(c.drop(h));
    // One-way calls: delivered once each, the caller never waits; a refused one is silent.
    for (let i = 0; i < 5; i++) yield* c.note(k.cpu * 1000 + i);
    out.noteForged = yield* attempt(k.ppc.call({ server: s.id, xh: (999 << 8) | 1 }, num("note"), [1]));
    out.domainAfter = k.ppc.currentDomain();
  })(), CLIENT_DOMAIN + k.cpu);
  return () => {
    const impl = s.impl as Calc | undefined;
    return {
      out: Object.fromEntries(Object.entries(out).map(([key, v]) => [key, plain(v)])),
      invoked: impl?.invoked ?? {}, notes: impl?.notes ?? [], here: s.here, route: s.route,
      stats: { ...s.stats }, ppc: { ...k.ppc.stats }, table: s.table.stats(),
    };
  };
}

/**
 * An interface built from data the test chooses (`names`): the stub and dispatcher need no
 * code per method. Every processor calls every method; server on all processors or pinned.
 */
export function ppcDerived(k: Kernel, args: unknown): Finisher {
  const { names, pinned } = args as { names: string[]; pinned: boolean };
  const decl: Record<string, ReturnType<typeof method<[typeof string, typeof u32], typeof string>>> = {};
  for (const n of names) decl[n] = method([string, u32], string);
  const iface = defineInterface("Dyn", decl as Methods);
  const impl = (): Impl<typeof iface> => {
    const o: Record<string, (s: string, x: number) => string> = {};
    for (const n of names) o[n] = (s: string, x: number) => `${n}(${s},${x})`;
    return o as unknown as Impl<typeof iface>;
  };
  const s = k.ppc.serve(iface, 3, impl, { cpus: pinned ? [0] : undefined, root: { owner: 0, ownerRights: 0, otherRights: 0 } });
  const got: string[] = [];
  k.sched.spawn("dyn client", (function* (): Gen {
    const stub = k.ppc.stub(iface, s.root as Handle) as unknown as Record<string, (s: string, x: number) => Gen<string>>;
    for (const n of names) got.push(yield* stub[n](`c${k.cpu}`, k.cpu));
  })(), 50);
  return () => ({ got, numbers: iface.list.map((m) => [m.name, m.number]) });
}

// ---- a clustered object behind a handle, hot-swapped while PPCs flow ----

export const CounterIface = defineInterface("Counter", {
  inc: method([u32], u32),
  impl: method([], string),
});

type CounterRep = Impl<typeof CounterIface>;

/** A counter whose total lives in its shared block; A and B differ only by name. */
function counterType(id: number, name: string): ObjectType<CounterRep> {
  return {
    id, name, kind: RootKind.Shared, sharedBytes: 8, exports: [1], imports: [1],
    create(ctx) {
      const w = ctx.shared;
      if (w === undefined) throw new Error("no shared block");
      return {
        inc: (n: number) => (w.add(0, n) + n) >>> 0,
        impl: () => name,
      };
    },
    exportShared: (_f, src) => src.block(0).load(0),
    importState: (_f, from, into) => {
      into.block(0).store(0, from.shared as number);
      return undefined;
    },
  };
}

const CounterA = counterType(0x5050, "ppc-counter-A");
const CounterB = counterType(0x5051, "ppc-counter-B");
/** Well-known index of the counter object (test programs only). */
const COUNTER_INDEX = 200;

/**
 * Every processor increments the counter `iters` times by PPC while processor 0 swaps its
 * implementation `swaps` times (A → B → A ...). Processor 0's client, which shares its
 * processor with the swapper, goes on calling until the swapper is done, so it certainly
 * calls across the swaps (the others may or may not, depending on timing).
 */
export function ppcSwap(k: Kernel, args: unknown): Finisher {
  const { iters, swaps } = args as { iters: number; swaps: number };
  k.cos.registerType(CounterB);
  const id = k.cos.wellKnown(COUNTER_INDEX, CounterA);
  const s = k.ppc.serve(CounterIface, 9, null, { root: { target: id, owner: 0, ownerRights: 0, otherRights: 0 } });
  let added = 0;
  let swapped = 0;
  let swapperDone = k.cpu !== 0;
  const seen = new Set<string>();
  const callsBefore = k.cos.calls;
  k.sched.spawn("counter client", (function* (): Gen {
    const c = k.ppc.stub(CounterIface, s.root as Handle);
    // Bounded: a broken swap fails the test instead of spinning.
    for (let i = 0; i < iters || (!swapperDone && i < iters * 1000); i++) {
      yield* c.inc(1);
      added++;
      if (i % 4 === 0) seen.add(yield* c.impl());
    }
  })(), 60);
  if (k.cpu === 0) {
    k.sched.spawn("swapper", (function* (): Gen {
      try {
        for (let i = 0; i < swaps; i++) {
          for (let j = 0; j < 50; j++) yield { kind: "yield" };
          yield* k.swap.switchObject(id, i % 2 === 0 ? CounterB : CounterA);
          swapped++;
        }
      } finally {
        swapperDone = true;
      }
    })());
  }
  return () => {
    const t = k.cos.type(k.gtt.get(id, Gte.Type));
    const total = k.cos.target(t, k.gtt.get(id, Gte.Shared), id).block(0).load(0);
    return { added, seen: [...seen].sort(), swapped, total, finalImpl: t.name, objectCalls: k.cos.calls - callsBefore };
  };
}

// ---- handle reuse only after quiescence; retirement at seq 255 ----

export function ppcReuse(k: Kernel): Finisher {
  const s = k.ppc.serve(CalcIface, CALC_DOMAIN, (env) => new Calc(env, () => k.ppc.currentDomain()), { handles: 8 });
  const log: Res[] = [];
  if (k.cpu === 1) {
    k.sched.spawn("reuse", (function* (): Gen {
      const a = s.createHandle(SERVER_IMPL, 5, Rights.All, 0, 11);
      const tagOf = (h: Handle) => attempt(k.ppc.stub(CalcIface, h).tag());
      log.push({ a: a.xh, tag: yield* tagOf(a) });
      const genAtRevoke = k.quiesce.globalGen;
      log.push({ revoked: s.revoke(a), again: s.revoke(a), reusableNow: s.reusable });
      const b = s.createHandle(SERVER_IMPL, 5, Rights.All, 0, 22);
      log.push({ b: b.xh, tagA: yield* tagOf(a) });
      let waits = 0;
      while (s.reusable === 0 && waits < 100_000) {
        yield { kind: "yield" };
        waits++;
      }
      log.push({ waitedForQuiescence: waits > 0, reusable: s.reusable, quiesced: k.quiesce.globalGen >= genAtRevoke + 2 });
      const c = s.createHandle(SERVER_IMPL, 5, Rights.All, 0, 33);
      log.push({ c: c.xh, tagA: yield* tagOf(a), tagC: yield* tagOf(c), tagB: yield* tagOf(b) });
      // Retirement: bump one slot's seq to 255 directly in the table.
      const t = s.table;
      const idx = t.fresh() as number;
      const old: number[] = [];
      let r: number | undefined = idx;
      while (r === idx) {
        const xh = t.publish(idx, { target: 0, owner: 5, ownerRights: 1, otherRights: 0, clientData: 0, creator: k.cpu });
        old.push(xh);
        r = t.revoke(xh);
      }
      log.push({ retiredAfter: old.length, last: r, allStale: old.every((xh) => "refused" in t.lookup(xh)) });
      let full = "";
      try {
        for (let i = 0; i < 8; i++) s.createHandle(SERVER_IMPL, 5, 1, 0);
      } catch (e) {
        full = e instanceof Error ? e.message : String(e);
      }
      log.push({ full });
    })(), 5);
  }
  return () => ({ log });
}

// ---- a server that throws is contained and restarted ----

export const FlakyIface = defineInterface("Flaky", {
  add: method([u32], u32),
  boom: method([], none),
  boomLater: method([], none),
  throwValue: method([], none),
  refuse: method([u32], none),
  poke: oneway([]),
  /** The next restart's factory throws (the factory runs on the server's processor). */
  failNextRestart: method([], none),
});

/**
 * A server with state (a running total) whose methods throw in every way a server can: at
 * once, after blocking, a non-Error value, from a one-way call; `refuse` throws ServerErrno (a
 * refusal, not a fault). It restarts on faults, and its factory can be told to fail once (a
 * restart that fails). With `pinned` its only dispatcher is processor 0 and processor 1's client
 * calls it across the interconnect; otherwise every processor's client calls its own.
 */
export function ppcFaults(k: Kernel, args: unknown): Finisher {
  const { pinned } = args as { pinned: boolean };
  let builds = 0;
  let failNextBuild = false;
  const make = (env: ServerEnv): Impl<typeof FlakyIface> => {
    if (failNextBuild) {
      failNextBuild = false;
      throw new Error("factory refuses this once");
    }
    builds++;
    let total = 0;
    return {
      add: (v: number) => (total += v),
      boom: () => { throw new Error(`boom on cpu ${env.cpu}`); },
      *boomLater(): Gen<void> {
        yield { kind: "yield" };
        throw new TypeError("late boom");
      },
      throwValue: () => { throw 42; }, // a server may throw anything, not only Errors
      refuse: (errno: number) => { throw new ServerErrno(errno); },
      poke: () => { throw new Error("one-way boom"); },
      failNextRestart: () => { failNextBuild = true; },
    };
  };
  const s = k.ppc.serve(FlakyIface, 11, make, {
    cpus: pinned ? [0] : undefined, restartOnFault: true, root: { owner: 0, ownerRights: Rights.All, otherRights: Rights.All },
  });
  const log: Res[] = [];
  const client = pinned ? k.cpu === 1 : true;
  if (client) {
    k.sched.spawn("flaky client", (function* (): Gen {
      const c = k.ppc.stub(FlakyIface, s.root as Handle);
      const step = function* (what: string, g: Gen<unknown>): Gen {
        const r = yield* attempt(g);
        log.push([what, typeof r === "object" && r !== null && "err" in r ? r : r ?? null] as Res);
      };
      yield* step("add 5", c.add(5));
      yield* step("boom", c.boom());
      yield* step("add 1 after boom", c.add(1));
      yield* step("add 4", c.add(4));
      yield* step("boomLater", c.boomLater());
      yield* step("add 1 after boomLater", c.add(1));
      yield* step("throwValue", c.throwValue());
      yield* step("add 2 after throwValue", c.add(2));
      yield* step("refuse", c.refuse(5));
      yield* step("add 3 after refuse", c.add(3));
      yield* step("failNextRestart", c.failNextRestart());
      yield* step("boom, restart fails", c.boom());
      yield* step("add 1 without an object", c.add(1));
      yield* step("add 2 restarted", c.add(2));
      yield* c.poke();
      // The one-way call faults on the server's processor some time later: the total goes back
      // to 0 then. Poll (bounded) until it did.
      let polls = 0;
      while ((yield* c.add(0)) !== 0 && polls < 10_000) {
        yield { kind: "yield" };
        polls++;
      }
      yield* step("add 7 after the one-way fault", c.add(7));
    })(), 300 + k.cpu);
  }
  return () => ({ log, builds, restarts: s.restarts, faults: s.stats.faults, here: s.here });
}

// ---- benchmark helpers ----

export function ppcNull(k: Kernel, args: unknown): Finisher {
  const { n } = args as { n: number };
  serveNull(k);
  const res: Record<string, number> = {};
  k.sched.spawn("null", (function* (): Gen {
    let t = k.port.now();
    res.local = yield* nullRoundTrip(k, n);
    res.localTime = k.port.now() - t;
    if (k.cpu !== 0) {
      t = k.port.now();
      res.remote = yield* nullRoundTripRemote(k, n);
      res.remoteTime = k.port.now() - t;
    }
  })(), 70);
  return () => ({ ...res, ppc: { ...k.ppc.stats } });
}
