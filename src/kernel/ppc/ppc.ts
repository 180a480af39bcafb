// The PPC layer of one processor (K42 §4.2–4.4): server registration, stubs derived from
// interface declarations, the dispatcher (decode step, then invoke step), and the two call
// paths.
//
//   same processor   the server has a dispatcher here: direct handoff in the calling thread
//                    (K42's fast path), arguments copied by the decode step, the caller's
//                    identity stamped by the kernel, cost.ppcLocal charged.
//   other processor  request (wire.ts) to the nearest dispatcher processor, where a fresh
//                    thread in the server's domain runs the call (K42: each request gets a
//                    thread); the caller blocks on an explicit {reply, token} record.
//   one-way          no reply, the caller never waits: a thread in the server's domain runs
//                    it on this processor, or a PpcAsync message carries it to the server's.
//
// Dispatcher steps, in order, every call: method number; dispatcher present; handle (index,
// sequence number); rights of the caller's domain (owner's or others'); arguments (count, then
// each checked and copied). Any failure is a refusal: an error reply and a PPC/Refused event,
// the server object is never reached. Then invoke: an exception in the server becomes an error
// reply (ServerFault), the result is checked and copied like the arguments.
//
// Built lazily: the kernel constructs this before its messenger exists, so message handlers
// are installed on first use (every processor registers its servers at boot). Per processor.

import type { Kernel } from "../kernel.js";
import { MsgKind } from "../messenger.js";
import { KERNEL_DOMAIN } from "../sched/scheduler.js";
import type { ObjRef } from "../cos/manager.js";
import type { Block, Thread } from "../sched/thread.js";
import { Major, PPC } from "../trace/events.js";
import { PPCError, PpcErr, ServerErrno, isRefusal } from "./errors.js";
import type { CallContext, Iface, Impl, MethodInfo, ServerRegistry, Stub } from "./iface.js";
import { SERVER_IMPL, Server, type ImplFactory, type ServeOptions } from "./server.js";
import { checkCopy, ValueError, type Handle } from "./values.js";
import {
  MAX_MESSAGE, WireError, decodeAsync, decodeCall, decodeReply, encodeAsync, encodeCall, encodeReply, type Outcome,
} from "./wire.js";

/** Who called: stamped by the kernel of the calling processor, never taken from the caller. */
interface Caller {
  readonly domain: number;
  readonly cpu: number;
}

interface Waiting {
  readonly thread: number;
  outcome: Outcome | undefined;
}

export interface PPCStats {
  localCalls: number;
  remoteCalls: number;
  asyncSent: number;
  /** Requests from other processors served here. */
  remoteServed: number;
}

type MethodHost = Record<string, unknown>;

const TWO32 = 4294967296;

export class PPCManager implements ServerRegistry {
  private readonly servers: Server[] = [];
  private wired = false;
  private readonly waiting = new Map<number, Waiting>();
  private nextToken = 1;
  readonly stats: PPCStats = { localCalls: 0, remoteCalls: 0, asyncSent: 0, remoteServed: 0 };

  constructor(private readonly k: Kernel) {}

  private wire(): void {
    if (this.wired) return;
    this.wired = true;
    const msg = this.k.msg;
    msg.onRaw(MsgKind.PpcCall, (from, p) => this.onCall(from, p));
    msg.onRaw(MsgKind.PpcReply, (_from, p) => this.onReply(p));
    msg.onRaw(MsgKind.PpcAsync, (from, p) => this.onAsync(from, p));
  }

  // ---- servers ----

  /**
   * Register a server (on every processor at boot, in the same order: its number is the
   * registration order). `impl` makes this processor's implementation object where the server
   * has a dispatcher (null: handles name clustered objects only).
   */
  serve<I extends Iface>(iface: I, domain: number, impl: ImplFactory<I> | null, opts: ServeOptions = {}): Server<I> {
    this.wire();
    const s = new Server<I>(this.k, this.servers.length, iface, domain, impl, opts);
    this.servers.push(s as unknown as Server);
    return s;
  }

  server(id: number): Server | undefined {
    return this.servers[id];
  }

  /** The first server registered with an interface of this name. */
  find(name: string): Server | undefined {
    return this.servers.find((s) => s.iface.name === name);
  }

  /** The protection domain the current thread acts for (inside a local handoff: the server's). */
  currentDomain(): number {
    const t = this.k.sched.current;
    if (t === undefined) return KERNEL_DOMAIN;
    const st = t.acting;
    return st === undefined || st.length === 0 ? t.domain : st[st.length - 1];
  }

  // ---- clients ----

  /** The client stub for handle `h`: one generator per declared method, nothing per method written. */
  stub<I extends Iface>(iface: I, h: Handle): Stub<I> {
    const s = this.servers[h.server];
    if (s === undefined || s.iface.digest !== iface.digest) {
      throw new PPCError(PpcErr.NoServer, `server ${h.server} does not export ${iface.name}`);
    }
    const out: Record<string, (...args: unknown[]) => Generator<Block, unknown, unknown>> = {};
    for (const m of iface.list) {
      const n = m.number;
      out[m.name] = (...args: unknown[]) => this.call(h, n, args);
    }
    return Object.freeze(out) as unknown as Stub<I>;
  }

  /**
   * Call method number `method` of the object behind `h` with `args` (what stubs do; also for
   * callers holding raw values, such as a guest's syscall layer). Throws PPCError.
   */
  call(h: Handle, method: number, args: readonly unknown[]): Generator<Block, unknown, unknown> {
    try {
      return this.callNow(h, method, args);
    } catch (e) {
      return this.k.sched.failed(e); // thrown at the caller's yield*, like any generator's error
    }
  }

  private callNow(h: Handle, method: number, args: readonly unknown[]): Generator<Block, unknown, unknown> {
    const k = this.k;
    const t = k.sched.current;
    if (t === undefined) throw new PPCError(PpcErr.NoThread, "PPC outside a kernel thread");
    this.wire();
    const s = this.servers[h.server];
    if (s === undefined) throw new PPCError(PpcErr.NoServer, `no server ${h.server}`);
    const caller: Caller = { domain: this.currentDomain(), cpu: k.cpu };
    const m: MethodInfo | undefined = s.iface.list[method];
    if (m !== undefined && m.oneway) {
      this.sendAsync(s, h.xh, method, args, caller);
      return k.sched.completed(undefined);
    }
    if (!s.here) {
      this.stats.remoteCalls++;
      return this.remoteCall(s, h.xh, method, args, caller, t.id);
    }
    // Same processor: a handoff on the calling thread. When the server method completes
    // without blocking, the whole call runs here and no generator frame is made.
    this.stats.localCalls++;
    k.port.charge(k.port.cost.ppcLocal);
    const st = this.start(s, h.xh, method, args, caller, true);
    if (st instanceof Pending) return this.localLater(s, h.xh, method, st);
    return k.sched.completed(this.unwrap(this.finish(s, h.xh, method, st)));
  }

  private *localLater(s: Server, xh: number, method: number, p: Pending): Generator<Block, unknown, unknown> {
    return this.unwrap(this.finish(s, xh, method, yield* this.invokeGen(s, p.d)));
  }

  private *remoteCall(s: Server, xh: number, method: number, args: readonly unknown[], caller: Caller, thread: number): Generator<Block, unknown, unknown> {
    return this.unwrap(yield* this.remote(s, xh, method, args, caller, thread));
  }

  private unwrap(o: Outcome): unknown {
    if (!o.ok) throw new PPCError(o.code, o.message);
    return o.value;
  }

  private sendAsync(s: Server, xh: number, method: number, args: readonly unknown[], caller: Caller): void {
    this.stats.asyncSent++;
    if (s.here) {
      this.k.sched.spawn(`ppc ${s.iface.name} async`, this.asyncBody(s, xh, method, args, caller), s.domain);
      return;
    }
    const p = encodeAsync({ server: s.id, xh, method, callerDomain: caller.domain, args });
    if (p.length > MAX_MESSAGE) throw new PPCError(PpcErr.TooLarge, `one-way message of ${p.length} bytes`);
    this.k.msg.sendBytes(s.route, MsgKind.PpcAsync, p);
  }

  private *asyncBody(s: Server, xh: number, method: number, args: unknown, caller: Caller): Generator<Block, void, unknown> {
    yield* this.serveCall(s, xh, method, args, caller, false);
  }

  private *remote(s: Server, xh: number, method: number, args: readonly unknown[], caller: Caller, thread: number): Generator<Block, Outcome, unknown> {
    const k = this.k;
    const obj = s.id * TWO32 + xh;
    k.trace.ev3(Major.PPC, PPC.Call, obj, method, caller.domain);
    const token = this.nextToken++;
    const inside = k.sched.current?.chainInside() ?? [];
    const p = encodeCall({ token, server: s.id, xh, method, callerDomain: caller.domain, inside, args });
    let o: Outcome;
    if (p.length > MAX_MESSAGE) {
      o = { ok: false, code: PpcErr.TooLarge, message: `request of ${p.length} bytes (limit ${MAX_MESSAGE})` };
    } else {
      const w: Waiting = { thread, outcome: undefined };
      this.waiting.set(token, w);
      k.msg.sendBytes(s.route, MsgKind.PpcCall, p);
      try {
        while (w.outcome === undefined) yield { kind: "reply", token };
      } finally {
        this.waiting.delete(token);
      }
      o = w.outcome;
    }
    if (o.ok) k.trace.ev2(Major.PPC, PPC.Return, obj, method);
    else k.trace.ev3(Major.PPC, PPC.Error, obj, method, o.code);
    return o;
  }

  private onReply(p: Uint8Array): void {
    let r;
    try {
      r = decodeReply(p);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      this.k.trace.ev3(Major.PPC, PPC.Refused, 0, 0, PpcErr.Malformed); // only encodeReply makes replies
      return;
    }
    const { token, outcome } = r;
    const w = this.waiting.get(token);
    if (w === undefined || w.outcome !== undefined) return;
    w.outcome = outcome;
    const th = this.k.sched.get(w.thread);
    if (th !== undefined) this.k.sched.wake(th);
  }

  // ---- server side of remote requests ----

  private onCall(from: number, p: Uint8Array): void {
    const k = this.k;
    const d = decodeCall(p);
    if (d.msg === undefined) {
      if (d.token !== undefined) this.reply(from, d.token, { ok: false, code: PpcErr.Malformed, message: d.error ?? "" });
      return;
    }
    const m = d.msg;
    const s = this.servers[m.server];
    if (s === undefined) {
      this.reply(from, m.token, { ok: false, code: PpcErr.NoServer, message: `no server ${m.server}` });
      return;
    }
    this.stats.remoteServed++;
    const caller: Caller = { domain: m.callerDomain, cpu: from };
    const th = k.sched.spawn(`ppc ${s.iface.name}.${s.iface.list[m.method]?.name ?? m.method}`, this.requestBody(s, m.xh, m.method, m.args, caller, m.token), s.domain);
    // The request continues its caller's chain: objects the chain is inside are recursions here.
    if (m.inside.length > 0) th.inherited = m.inside;
  }

  private *requestBody(s: Server, xh: number, method: number, args: unknown, caller: Caller, token: number): Generator<Block, void, unknown> {
    let o: Outcome;
    try {
      o = yield* this.serveCall(s, xh, method, args, caller, true);
    } catch (e) {
      o = { ok: false, code: PpcErr.ServerFault, message: e instanceof Error ? e.message : String(e) };
    }
    this.reply(caller.cpu, token, o);
  }

  private reply(to: number, token: number, o: Outcome): void {
    let p = encodeReply(token, o);
    if (p.length > MAX_MESSAGE) {
      p = encodeReply(token, { ok: false, code: PpcErr.TooLarge, message: `reply of ${p.length} bytes (limit ${MAX_MESSAGE})` });
    }
    this.k.msg.sendBytes(to, MsgKind.PpcReply, p);
  }

  private onAsync(from: number, p: Uint8Array): void {
    let m;
    try {
      m = decodeAsync(p);
    } catch (e) {
      if (e instanceof WireError) {
        this.k.trace.ev3(Major.PPC, PPC.Refused, 0, 0, PpcErr.Malformed);
        return;
      }
      throw e;
    }
    const s = this.servers[m.server];
    if (s === undefined) {
      this.k.trace.ev3(Major.PPC, PPC.Refused, m.server * TWO32 + m.xh, m.method, PpcErr.NoServer);
      return;
    }
    this.stats.remoteServed++;
    this.k.sched.spawn(`ppc ${s.iface.name} async`, this.asyncBody(s, m.xh, m.method, m.args, { domain: m.callerDomain, cpu: from }), s.domain);
  }

  // ---- the dispatcher ----

  /** Dispatch with the call's trace events around it (PPC/Call … PPC/Return or PPC/Error). */
  private *serveCall(s: Server, xh: number, method: number, args: unknown, caller: Caller, twoWay: boolean): Generator<Block, Outcome, unknown> {
    const st = this.start(s, xh, method, args, caller, twoWay);
    return this.finish(s, xh, method, st instanceof Pending ? yield* this.invokeGen(s, st.d) : st);
  }

  /** Trace the call, decode it, and invoke it at once if it can complete without blocking. */
  private start(s: Server, xh: number, method: number, args: unknown, caller: Caller, twoWay: boolean): Outcome | Pending {
    this.k.trace.ev3(Major.PPC, PPC.Call, s.id * TWO32 + xh, method, caller.domain);
    const d = this.decode(s, xh, method, args, caller, twoWay);
    if (!("values" in d)) return d;
    const r = this.invokeNow(s, d);
    return r === GENERATOR ? new Pending(d) : r;
  }

  private finish(s: Server, xh: number, method: number, o: Outcome): Outcome {
    const obj = s.id * TWO32 + xh;
    const tr = this.k.trace;
    if (o.ok) tr.ev2(Major.PPC, PPC.Return, obj, method);
    else {
      if (isRefusal(o.code)) {
        s.stats.refused++;
        tr.ev3(Major.PPC, PPC.Refused, obj, method, o.code);
      } else if (o.code === PpcErr.Errno) s.stats.errnos++;
      else s.stats.faults++;
      tr.ev3(Major.PPC, PPC.Error, obj, method, o.code);
    }
    return o;
  }

  /** Decode (seL4's split): every check; nothing of the server's runs. A failure is an Outcome. */
  private decode(s: Server, xh: number, method: number, args: unknown, caller: Caller, twoWay: boolean): Decoded | Outcome {
    s.stats.dispatched++;
    const m = s.iface.list[method];
    if (m === undefined) return fail(PpcErr.BadMethod, `${s.iface.name} has no method ${method}`);
    const name = m.fullName;
    if (m.oneway === twoWay) return fail(PpcErr.BadMethod, `${name} is ${m.oneway ? "one-way" : "two-way"}`);
    if (!s.here) return fail(PpcErr.NoDispatcher, `${s.iface.name} has no dispatcher on cpu ${this.k.cpu}`);
    // The handle's entry is read within this thread step: a revoked slot is reused only after
    // every processor passed quiescent points (server.ts), so the fields read belong together.
    const e = s.table.lookup(xh);
    if ("refused" in e) return fail(e.refused, `${name}: ${e.why}`);
    const rights = caller.domain === e.owner ? e.ownerRights : e.otherRights;
    if (((rights & m.rights) >>> 0) !== m.rights) {
      return fail(PpcErr.Rights, `${name} needs rights ${hex(m.rights)}, domain ${caller.domain} holds ${hex(rights)}`);
    }
    if (!Array.isArray(args) || args.length !== m.args.length) {
      return fail(PpcErr.BadArgs, `${name} takes ${m.args.length} arguments, got ${Array.isArray(args) ? args.length : "none"}`);
    }
    const values: unknown[] = new Array(m.args.length + 1);
    try {
      for (let i = 0; i < m.args.length; i++) values[i] = checkCopy(m.args[i], args[i], `${name} argument ${i}`);
    } catch (err) {
      if (err instanceof ValueError) return fail(PpcErr.BadArgs, err.message);
      throw err;
    }
    values[m.args.length] = {
      env: s.env, caller: caller.domain, callerCpu: caller.cpu, handle: { server: s.id, xh },
      clientData: e.clientData, rights,
    } satisfies CallContext;
    return { m, target: e.target, values };
  }

  /**
   * Invoke a decoded call without a generator frame when it can complete at once: a server
   * method of the processor's implementation object that returns a plain value. Returns
   * GENERATOR when the call needs invokeGen (a clustered-object target, or a method that
   * returned a generator — which is then run by invokeGen, not called twice).
   */
  private invokeNow(s: Server, d: Decoded): Outcome | typeof GENERATOR {
    if (d.target !== SERVER_IMPL) return GENERATOR;
    const impl = s.impl as unknown as MethodHost | undefined;
    const t = this.enter(s.domain);
    let r: unknown;
    try {
      if (impl === undefined) throw new Error(`${s.iface.name} has no implementation object`);
      const f = impl[d.m.name];
      if (typeof f !== "function") throw new Error(`method ${d.m.name} is not implemented`);
      r = f.apply(impl, d.values);
    } catch (err) {
      return this.fault(s, d, err);
    } finally {
      this.leave(t);
    }
    if (isGenerator(r)) {
      d.started = r;
      return GENERATOR;
    }
    return this.result(d, r);
  }

  private *invokeGen(s: Server, d: Decoded): Generator<Block, Outcome, unknown> {
    let r: unknown;
    const t = this.enter(s.domain);
    try {
      if (d.started !== undefined) r = yield* d.started;
      else r = yield* this.k.cos.callGen(d.target as ObjRef<Impl<Iface>>, (rep) => invoke(rep as unknown as MethodHost, d.m.name, d.values));
    } catch (err) {
      return this.fault(s, d, err);
    } finally {
      this.leave(t);
    }
    return this.result(d, r);
  }

  /**
   * A server method threw: an error reply for the caller (never an exception in the caller's
   * thread, never a lost reply); the server object restarted if asked. A restart whose factory
   * throws leaves the server without an object: its next call is a fault too, and tries again.
   */
  private fault(s: Server, d: Decoded, err: unknown): Outcome {
    if (err instanceof ServerErrno) return fail(PpcErr.Errno, String(err.errno));
    let why = `${d.m.fullName}: ${err instanceof Error ? err.message : String(err)}`;
    if (d.target === SERVER_IMPL && s.restartOnFault && !s.restart()) why += ` (restart failed: ${s.restartError ?? "no factory"})`;
    return fail(PpcErr.ServerFault, why);
  }

  private result(d: Decoded, r: unknown): Outcome {
    try {
      return { ok: true, value: checkCopy(d.m.result, r, `${d.m.fullName} result`) };
    } catch (err) {
      if (err instanceof ValueError) return fail(PpcErr.BadResult, err.message);
      throw err;
    }
  }

  /** The current thread now acts for `domain` (a handoff into a server); returns the thread id. */
  private enter(domain: number): Thread | undefined {
    const t = this.k.sched.current;
    if (t !== undefined) (t.acting ??= []).push(domain);
    return t;
  }

  private leave(t: Thread | undefined): void {
    t?.acting?.pop();
  }
}

/** A decoded call: the method, its target, and the server's copies of the arguments + CallContext. */
interface Decoded {
  readonly m: MethodInfo;
  readonly target: number;
  readonly values: unknown[];
  /** A generator the method returned when invokeNow called it (run by invokeGen). */
  started?: Generator<Block, unknown, unknown>;
}

/** A decoded call that needs invokeGen to finish. */
class Pending {
  constructor(readonly d: Decoded) {}
}

/** invokeNow's answer when the call needs a generator frame. */
const GENERATOR: unique symbol = Symbol("needs a generator");

function fail(code: PpcErr, message: string): Outcome {
  return { ok: false, code, message };
}

function* invoke(obj: MethodHost, name: string, args: unknown[]): Generator<Block, unknown, unknown> {
  const f = obj[name];
  if (typeof f !== "function") throw new Error(`method ${name} is not implemented`);
  const r: unknown = f.apply(obj, args);
  return isGenerator(r) ? yield* r : r;
}

function isGenerator(v: unknown): v is Generator<Block, unknown, unknown> {
  return typeof v === "object" && v !== null && typeof (v as { next?: unknown }).next === "function" &&
    typeof (v as { throw?: unknown }).throw === "function" && Symbol.iterator in v;
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}
