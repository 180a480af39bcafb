// The clustered-object manager of one processor (K42's COSMgr rep): the local translation
// table (id → this processor's rep), miss handling (ask the object's root — its type, found
// through the global table — for the local rep, install it, retry the call), object creation
// from this processor's id partition, well-known objects, rep enumeration, and the call path
// that the hot-swap mediator (hotswap/) interposes on.

import type { Kernel } from "../kernel.js";
import { Major, ClustObj } from "../trace/events.js";
import { SharedWords } from "../shared.js";
import { YIELD, type Block } from "../sched/thread.js";
import { Gte, GteFlag, PARTITION, WELL_KNOWN } from "./gtt.js";
import { blockBytes, clusterOf, clustersOf, type ObjectType, type RepContext, type TransferTarget } from "./types.js";
import { Mediator } from "../hotswap/mediator.js";

/** A clustered-object id whose reps have type R (a plain number at run time). */
export type ObjRef<R> = number & { readonly __rep?: R };

/** A call on an id that names no live object (never created, destroyed, or the wrong type). */
export class ObjectError extends Error {
  constructor(readonly id: number, why: string) {
    super(`clustered object ${id}: ${why}`);
  }
}

export class COSManager {
  /** Local translation table: partition → index → rep (or mediator). Per processor. */
  private readonly lt: (unknown[] | undefined)[] = [];
  private readonly types = new Map<number, ObjectType>();
  private readonly byName = new Map<string, ObjectType>();
  private readonly free: number[] = [];
  private nextIndex = 1;
  /** Seeds left by a hot-swap for reps created here later: id → per-cluster seeds. */
  readonly seeds = new Map<number, readonly unknown[]>();
  misses = 0;
  calls = 0;

  constructor(private readonly k: Kernel) {
    if (k.cpu === 0) this.nextIndex = WELL_KNOWN;
  }

  // ---- types ----

  registerType<R>(type: ObjectType<R>): void {
    const t = type as unknown as ObjectType;
    const old = this.types.get(t.id);
    if (old !== undefined && old !== t) throw new Error(`type id ${t.id} registered twice (${old.name}, ${t.name})`);
    this.types.set(t.id, t);
    if (!this.byName.has(t.name)) this.byName.set(t.name, t);
  }

  type(id: number): ObjectType {
    const t = this.types.get(id);
    if (t === undefined) throw new Error(`cpu ${this.k.cpu}: unknown object type ${id}`);
    return t;
  }

  /** The current implementation for a factory name (dynamic update moves it). */
  current(name: string): ObjectType {
    const t = this.byName.get(name);
    if (t === undefined) throw new Error(`no object type named ${name}`);
    return t;
  }

  setCurrent<R>(name: string, type: ObjectType<R>): void {
    const t = type as unknown as ObjectType;
    this.registerType(t);
    this.byName.set(name, t);
  }

  // ---- creation ----

  /** Create an object of type `t` (id from this processor's partition). */
  create<R>(t: ObjectType<R>): ObjRef<R> {
    this.registerType(t);
    // Oldest freed id first: the longer an id rests, the staler any forgotten copy of it.
    let id = this.free.shift();
    if (id === undefined) {
      if (this.nextIndex >= PARTITION) throw new Error(`cpu ${this.k.cpu}: clustered-object ids exhausted`);
      id = this.k.cpu * PARTITION + this.nextIndex++;
    }
    this.initEntry(id, t as unknown as ObjectType);
    return id as ObjRef<R>;
  }

  /**
   * A well-known object (1 ≤ index < 256): every processor calls this with the same arguments
   * at boot; the first one initialises the global entry, the others find it.
   */
  wellKnown<R>(index: number, t: ObjectType<R>): ObjRef<R> {
    if (!Number.isInteger(index) || index < 1 || index >= WELL_KNOWN) throw new RangeError(`well-known index ${index}`);
    this.registerType(t);
    const g = this.k.gtt;
    if (g.cas(index, Gte.State, 0, GteFlag.Writing) === 0) {
      this.fillEntry(index, t as unknown as ObjectType, 0);
      g.set(index, Gte.State, GteFlag.Allocated);
    } else {
      while (g.get(index, Gte.State) & GteFlag.Writing) { /* another processor is writing it (a few stores) */ }
      if (g.get(index, Gte.Type) !== t.id) throw new ObjectError(index, `well-known slot holds type ${g.get(index, Gte.Type)}, not ${t.name}`);
    }
    return index as ObjRef<R>;
  }

  private initEntry(id: number, t: ObjectType): void {
    const g = this.k.gtt;
    g.set(id, Gte.State, GteFlag.Writing);
    this.fillEntry(id, t, this.k.cpu);
    g.set(id, Gte.State, GteFlag.Allocated);
  }

  private fillEntry(id: number, t: ObjectType, home: number): void {
    const g = this.k.gtt;
    g.set(id, Gte.Type, t.id);
    g.set(id, Gte.Kind, t.kind | ((t.clusterSize ?? 0) << 8));
    g.set(id, Gte.Shared, this.allocBlocks(t));
    g.set(id, Gte.RepsLo, 0);
    g.set(id, Gte.RepsHi, 0);
    g.set(id, Gte.Home, home);
  }

  /** Shared blocks of all clusters of `t`, contiguous (0 if the type has none). */
  allocBlocks(t: ObjectType): number {
    const b = blockBytes(t);
    return b === 0 ? 0 : this.k.heap.alloc(b * clustersOf(t, this.k.topology.cpus));
  }

  releaseBlocks(t: ObjectType, addr: number): void {
    const b = blockBytes(t);
    if (b !== 0 && addr !== 0) this.k.heap.release(addr, b * clustersOf(t, this.k.topology.cpus));
  }

  /** Views of an object's shared blocks (for transfers and enumeration). */
  target(t: ObjectType, addr: number, obj: number): TransferTarget {
    const b = blockBytes(t);
    const clusters = clustersOf(t, this.k.topology.cpus);
    return {
      clusters,
      block: (c: number) => {
        if (b === 0) throw new ObjectError(obj, `type ${t.name} has no shared state`);
        if (c < 0 || c >= clusters) throw new RangeError(`cluster ${c} of ${clusters}`);
        return new SharedWords(this.k.port, this.k.trace, addr + c * b + 128, obj);
      },
    };
  }

  /** Free an id of this processor's partition (after quiescence: destroy.ts). */
  freeId(id: number): void {
    this.free.push(id);
  }


  // ---- translation ----

  /** This processor's translation-table entry for `id` (rep, mediator, or undefined). */
  local(id: number): unknown {
    const part = this.lt[(id / PARTITION) | 0];
    return part === undefined ? undefined : part[id % PARTITION];
  }

  setLocal(id: number, v: unknown): void {
    const p = (id / PARTITION) | 0;
    let part = this.lt[p];
    if (part === undefined) this.lt[p] = part = [];
    part[id % PARTITION] = v;
  }

  clearLocal(id: number): void {
    const part = this.lt[(id / PARTITION) | 0];
    if (part !== undefined) part[id % PARTITION] = undefined;
  }

  /**
   * Miss: ask the object's root for this processor's rep and install it (K42 handleMiss).
   * Throws ObjectError for a free or dying id.
   */
  miss(id: number): unknown {
    const g = this.k.gtt;
    if (!g.valid(id)) throw new ObjectError(id, "not a valid id");
    // mhReadEntry: count this miss in the entry unless the object is free or being destroyed.
    for (;;) {
      const s = g.get(id, Gte.State);
      if ((s & GteFlag.Allocated) === 0) throw new ObjectError(id, "no such object");
      if (s & GteFlag.Destroying) throw new ObjectError(id, "destroyed");
      if (s & GteFlag.Writing) continue;
      if (g.cas(id, Gte.State, s, s + 1) === s) break;
    }
    try {
      this.misses++;
      this.k.port.charge(this.k.port.cost.objectMiss);
      const t = this.type(g.get(id, Gte.Type));
      this.k.trace.ev2(Major.ClustObj, ClustObj.Miss, id, t.id);
      const rep = this.createRep(id, t, g.get(id, Gte.Shared));
      g.addRep(id, this.k.cpu);
      this.setLocal(id, rep);
      return rep;
    } finally {
      Atomics.sub(g.i32, g.w(id, Gte.State, true), 1);
    }
  }

  /** Create (or, for shared/cluster kinds, attach to) this processor's rep of `id`. */
  createRep(id: number, t: ObjectType, shared: number): unknown {
    const cpus = this.k.topology.cpus;
    const cluster = clusterOf(t, this.k.cpu);
    const b = blockBytes(t);
    let first = true;
    if (b !== 0) {
      // The cluster's first word says whether its rep state was initialised: the first
      // processor of the cluster to miss does it (and its creation is the RepCreate event).
      const flag = new SharedWords(this.k.port, this.k.trace, shared + cluster * b, id);
      first = flag.cas(0, 0, 1) === 0;
    }
    const seeds = this.seeds.get(id);
    const tgt = this.target(t, shared, id);
    const ctx: RepContext = {
      k: this.k, id, cpu: this.k.cpu, cluster, clusters: clustersOf(t, cpus), first,
      shared: b === 0 ? undefined : tgt.block(cluster),
      block: tgt.block,
      seed: first ? seeds?.[cluster] : undefined,
    };
    if (first) this.k.trace.ev3(Major.ClustObj, ClustObj.RepCreate, id, t.id, cluster);
    return t.create(ctx);
  }

  // ---- calls ----

  /**
   * Call `f` on this processor's rep of `id` (a safe point: the thread may be preempted here).
   * Through a hot-swap mediator when one is installed; blocked calls restart on the new object.
   * Use it as `yield* k.cos.call(id, f)`: on the fast path (rep installed, nothing to yield for)
   * `f` runs at once and an already-finished iterator comes back; an exception of `f` is thrown
   * at the `yield*` either way.
   */
  call<R, T>(id: ObjRef<R>, f: (rep: R) => T): Generator<Block, T, unknown> {
    // Fast path: the rep is installed, no mediator, no reason to yield — call it right here.
    const sched = this.k.sched;
    if (!sched.shouldYield()) {
      const e = this.local(id);
      if (e !== undefined && !(e instanceof Mediator)) {
        this.enter();
        let v: T;
        try {
          v = f(e as R);
        } catch (err) {
          return sched.failed(err);
        } finally {
          this.leave();
        }
        return sched.completed(v);
      }
    }
    return this.callSlow(id, f);
  }

  /**
   * Call `f` on this processor's rep of `id` synchronously, from code that cannot yield (a
   * section holding a memory object's lock, or one call nested in another). A miss is served
   * at once; a hot-swap that does not admit the caller throws ObjectBusy, which the caller
   * turns into a wait (`{ kind: "swap", obj }`) outside every object and a retry.
   */
  callNow<R, T>(id: ObjRef<R>, f: (rep: R) => T): T {
    const e = this.local(id) ?? this.missOrBlock(id);
    if (e === BLOCKED) throw new ObjectBusy(id);
    if (e instanceof Mediator) {
      const t = this.k.sched.current;
      if (t === undefined || !e.admit(t)) throw new ObjectBusy(id);
      this.enter();
      try {
        return f(e.inner as R);
      } finally {
        e.leave(t);
        this.leave();
      }
    }
    this.enter();
    try {
      return f(e as R);
    } finally {
      this.leave();
    }
  }

  /** The general call path (preemption, misses, mediators, blocking): callGen's, for a plain f. */
  private *callSlow<R, T>(id: ObjRef<R>, f: (rep: R) => T): Generator<Block, T, unknown> {
    return yield* this.callGen(id, function* (rep: R): Generator<Block, T, unknown> {
      return f(rep);
    });
  }

  /**
   * Like call(), for rep methods that are generators (they may block or call other objects).
   * The general path: preemption, misses, mediators and blocking.
   */
  *callGen<R, T>(id: ObjRef<R>, f: (rep: R) => Generator<Block, T, unknown>): Generator<Block, T, unknown> {
    const k = this.k;
    if (k.sched.shouldYield()) yield YIELD;
    for (;;) {
      const e = this.local(id) ?? this.missOrBlock(id);
      if (e === BLOCKED) {
        yield { kind: "swap", obj: id };
        continue;
      }
      if (e instanceof Mediator) {
        const t = k.sched.current;
        if (t === undefined || !e.admit(t)) {
          yield { kind: "swap", obj: id };
          continue;
        }
        this.enter();
        try {
          return yield* f(e.inner as R);
        } finally {
          e.leave(t);
          this.leave();
        }
      }
      this.enter();
      try {
        return yield* f(e as R);
      } finally {
        this.leave();
      }
    }
  }

  private enter(): void {
    this.calls++;
    this.k.port.charge(this.k.port.cost.objectCall);
    const t = this.k.sched.current;
    if (t !== undefined && t.coDepth++ === 0) this.k.quiesce.activate(t);
  }

  private leave(): void {
    const t = this.k.sched.current;
    if (t !== undefined && --t.coDepth === 0) this.k.quiesce.deactivate(t);
  }

  private missOrBlock(id: number): unknown {
    const sw = this.k.swap.localState(id);
    if (sw !== undefined) return sw.missDuringSwap(id);
    return this.miss(id);
  }

  // ---- enumeration ----

  /** Processors whose translation tables map `id` (K42's transSet). */
  repCpus(id: number): number[] {
    return this.k.gtt.reps(id);
  }

  /**
   * Run the type's named gather operation on every processor that has a rep of `id` and
   * collect the results (rep enumeration by function shipping; K42's lockReps/nextRep walk).
   */
  *gather(id: number, op: string, arg?: unknown): Generator<Block, { cpu: number; value: unknown }[], unknown> {
    const cpus = this.repCpus(id);
    const values = yield* this.k.ask(cpus, 3 /* MsgKind.Gather */, { id, op, arg });
    return cpus.map((cpu, i) => ({ cpu, value: values[i] }));
  }

  /** Handler of a Gather message: run the op on the local rep (undefined if none). */
  runGather(body: { id: number; op: string; arg?: unknown }): unknown {
    const e = this.local(body.id);
    const rep = e instanceof Mediator ? e.inner : e;
    if (rep === undefined) return undefined;
    const t = this.type(this.k.gtt.get(body.id, Gte.Type));
    const fn = t.gatherOps?.[body.op];
    if (fn === undefined) throw new ObjectError(body.id, `type ${t.name} has no gather op ${body.op}`);
    return fn(rep, body.arg);
  }
}

/** callNow() met an object that is being hot-swapped: wait for `{ kind: "swap", obj }`, then retry. */
export class ObjectBusy extends Error {
  constructor(readonly obj: number) {
    super(`clustered object ${obj} is being hot-swapped`);
  }
}

/** missDuringSwap's answer when the caller must wait for the swap to complete. */
export const BLOCKED: unique symbol = Symbol("blocked by hot-swap");
