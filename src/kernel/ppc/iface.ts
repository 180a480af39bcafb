// PPC interface declarations (K42's stubgen input, as data). A server's interface is a value:
//
//   const FileIface = defineInterface("File", {
//     read: method([u32, u32], bytes, Rights.Read),
//     write: method([u32, bytes], u32, Rights.Write),
//     close: oneway([], Rights.Close),
//   });
//
// and the types are derived from it: Impl<typeof FileIface> is what a server object implements,
// Stub<typeof FileIface> what a client calls (`yield* stub.read(0, 10)`). Method numbers are the
// declaration order (stubgen took them from the vtable order). The stub and the dispatcher are
// built from the declaration at run time (ppc.ts), never written per method.

import type { Block } from "../sched/thread.js";
import type { Handle, ValueOf, ValueType } from "./values.js";

/** What a blocking server method yields (a server needs the type, not the scheduler). */
export type { Block };

/** Rights bits (K42 __xa(rights)); an interface may use any other bits of a u32 too. */
export const Rights = {
  None: 0,
  Read: 1,
  Write: 2,
  Exec: 4,
  Control: 8,
  Close: 16,
  Grant: 32,
  All: 0xffffffff,
} as const;

export interface MethodDecl<A extends readonly ValueType[] = readonly ValueType[], R extends ValueType = ValueType> {
  readonly args: A;
  readonly result: R;
  /** Rights the caller must hold on the handle (all of them). */
  readonly rights: number;
  /** One-way (K42 __async): no reply, the caller does not wait. */
  readonly oneway: boolean;
}

/** A two-way method: arguments, result, required rights. */
export function method<const A extends readonly ValueType[], R extends ValueType>(args: A, result: R, rights = 0): MethodDecl<A, R> {
  return Object.freeze({ args: Object.freeze([...args]) as unknown as A, result, rights: rights >>> 0, oneway: false });
}

/** A one-way method: delivered once, no reply, errors are only traced. */
export function oneway<const A extends readonly ValueType[]>(args: A, rights = 0): MethodDecl<A, ValueType<void>> {
  return Object.freeze({ args: Object.freeze([...args]) as unknown as A, result: { tag: "none" } as ValueType<void>, rights: rights >>> 0, oneway: true });
}

export type Methods = { readonly [name: string]: MethodDecl };

/** One method as the stub and dispatcher see it. */
export interface MethodInfo {
  readonly name: string;
  /** "Interface.method", for messages. */
  readonly fullName: string;
  /** Declaration order: the wire method number. */
  readonly number: number;
  readonly args: readonly ValueType[];
  readonly result: ValueType;
  readonly rights: number;
  readonly oneway: boolean;
}

export interface Iface<M extends Methods = Methods> {
  readonly name: string;
  readonly methods: M;
  /** Methods by number. */
  readonly list: readonly MethodInfo[];
  /** A digest of the declaration (name, methods, types, rights): servers registered on every
   *  processor must agree on it. */
  readonly digest: number;
}

export const MAX_METHODS = 1 << 16;

/** Names a method may not have (they would shadow plain-object machinery). */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), "then"]);

export function defineInterface<const M extends Methods>(name: string, methods: M): Iface<M> {
  if (name.length === 0) throw new Error("interface without a name");
  const list: MethodInfo[] = [];
  for (const key of Object.keys(methods)) {
    if (RESERVED.has(key)) throw new Error(`interface ${name}: method name ${key} is reserved`);
    if (/^(0|[1-9][0-9]*)$/.test(key)) throw new Error(`interface ${name}: method name ${key} is an integer (no declaration order)`);
    const d = methods[key];
    list.push(Object.freeze({ name: key, fullName: `${name}.${key}`, number: list.length, args: d.args, result: d.result, rights: d.rights, oneway: d.oneway }));
  }
  if (list.length > MAX_METHODS) throw new Error(`interface ${name}: more than ${MAX_METHODS} methods`);
  const sig = [name, ...list.map((m) => `${m.name}(${m.args.map((a) => a.tag).join(",")})${m.oneway ? "!" : ":" + m.result.tag}/${m.rights}`)].join(";");
  return Object.freeze({ name, methods, list: Object.freeze(list), digest: fnv1a(sig) });
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * The machine's shape as a server may know it: processors, NUMA nodes, and distances between
 * processors (0 the same, 1 the same node, 2 another node). Immutable.
 */
export interface MachineShape {
  readonly cpus: number;
  readonly nodes: number;
  nodeOf(cpu: number): number;
  distance(a: number, b: number): number;
  cpusOf(node: number): number[];
}

/**
 * Everything a server's protection domain was given on one processor (K42: a server is a
 * process of its own, reached only by PPC). A server implementation sees the system only
 * through this object and its method arguments: it never holds the kernel, so it can neither
 * call clustered objects nor schedule threads, nor read another server's state. What it serves
 * from the host (files, a clock) it was given by whoever started it, as start options.
 */
export interface ServerEnv {
  /** The processor this dispatcher runs on. */
  readonly cpu: number;
  readonly machine: MachineShape;
  /** The server's number (its handles' `server` field) and interface name. */
  readonly server: number;
  readonly name: string;
  /** The server's own protection domain (what its calls to other servers are stamped with). */
  readonly domain: number;
  /** The server's well-known root handle, if it has one. */
  readonly root: Handle | undefined;
  /** The machine's clock in nanoseconds since boot (virtual cycles in the deterministic mode). */
  now(): number;
  /**
   * Export this server's implementation object to domain `owner` (K42 createXHandle); the
   * handle's clientData tells the server which of its things a call is about.
   */
  createHandle(owner: number, ownerRights: number, otherRights: number, clientData?: number): Handle;
  /** Make `h` and every copy of it stale; false if it already was or is not this server's. */
  revoke(h: Handle): boolean;
  /** A client stub for a handle of another server (or this one): PPC, stamped with this domain. */
  stub<J extends Iface>(iface: J, h: Handle): Stub<J>;
}

export interface RootHandle {
  /** What the root handle names (default SERVER_IMPL); a clustered object must have the same id
   *  on every processor (a well-known object). */
  readonly target?: number;
  /** The domain the root handle is made for. */
  readonly owner: number;
  readonly ownerRights: number;
  readonly otherRights: number;
  readonly clientData?: number;
}

export interface ServeOptions {
  /** Processors with a dispatcher for the server (default: all). */
  readonly cpus?: readonly number[];
  /** Handle-table slots (default 1024). */
  readonly handles?: number;
  /** A well-known handle (slot 1, target SERVER_IMPL) every processor knows without asking. */
  readonly root?: RootHandle;
  /**
   * After a method of the implementation object throws (the caller gets a ServerFault reply),
   * replace that processor's object by a fresh one from the factory: the fault's state goes.
   */
  readonly restartOnFault?: boolean;
}

/**
 * What a server's start function is given to register itself on one processor (the processor's
 * PPC manager, `k.ppc`, is one): serve() as PPCManager.serve, with the implementation factory
 * given only a ServerEnv. Returns the server's number and its root handle.
 */
export interface ServerRegistry {
  serve<I extends Iface>(iface: I, domain: number, factory: ((env: ServerEnv) => Impl<I>) | null, opts?: ServeOptions):
    { readonly id: number; readonly root: Handle | undefined };
}

/** What a server method is told about its call besides the arguments. */
export interface CallContext {
  /** The server's environment on the processor running the method. */
  readonly env: ServerEnv;
  /** The caller's protection domain, stamped by the kernel (never an argument). */
  readonly caller: number;
  readonly callerCpu: number;
  /** The handle the call came through, and what the server attached to it. */
  readonly handle: Handle;
  readonly clientData: number;
  /** The rights the caller holds on the handle. */
  readonly rights: number;
}

type Values<A extends readonly ValueType[]> = { -readonly [K in keyof A]: ValueOf<A[K]> };

/** A method body: returns the result, or a generator (it may block, call objects, make PPCs). */
type ImplFn<D> = D extends MethodDecl<infer A, infer R>
  ? (...args: [...Values<A>, CallContext]) => ValueOf<R> | Generator<Block, ValueOf<R>, unknown>
  : never;

type StubFn<D> = D extends MethodDecl<infer A, infer R> ? (...args: Values<A>) => Generator<Block, ValueOf<R>, unknown> : never;

/** What a server object behind a handle implements (a per-processor impl or a clustered object's reps). */
export type Impl<I extends Iface> = { [K in keyof I["methods"]]: ImplFn<I["methods"][K]> };

/** The client side: one generator per method, `yield* stub.m(args)`; throws PPCError. */
export type Stub<I extends Iface> = { readonly [K in keyof I["methods"]]: StubFn<I["methods"][K]> };
