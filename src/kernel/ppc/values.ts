// PPC value types: what an interface declaration says an argument or a result is, and the
// check that turns a value the caller handed over into the server's own copy (or refuses it).
// The check is the dispatcher's *decode* step: it runs before any server code, on every call,
// local or remote, whatever the caller's stub did. Everything here is immutable data and pure
// functions.

/** A handle to an object exported by a PPC server (K42 ObjectHandle = CommID + XHandle). */
export interface Handle {
  /** The server's number (registration order at boot, the same on every processor). */
  readonly server: number;
  /** index << 8 | 8-bit sequence number, in the server's handle table. */
  readonly xh: number;
}

/** JSON-compatible data (the `json` value type). */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export type TypeTag = "i32" | "u32" | "f64" | "bool" | "string" | "bytes" | "json" | "handle" | "none";

/** A declared value type; `T` is the TypeScript type of its values (phantom). */
export interface ValueType<T = unknown> {
  readonly tag: TypeTag;
  readonly __value?: T;
}

/** The TypeScript type of the values of a declared type. */
export type ValueOf<V> = V extends ValueType<infer T> ? T : never;

const vt = <T>(tag: TypeTag): ValueType<T> => Object.freeze({ tag });

export const i32: ValueType<number> = vt("i32");
export const u32: ValueType<number> = vt("u32");
export const f64: ValueType<number> = vt("f64");
export const bool: ValueType<boolean> = vt("bool");
export const string: ValueType<string> = vt("string");
/** A byte string: the receiver always gets its own copy. */
export const bytes: ValueType<Uint8Array> = vt("bytes");
/** JSON-compatible data (plain objects, arrays, finite numbers, strings, booleans, null). */
export const json: ValueType<Json> = vt("json");
export const handle: ValueType<Handle> = vt("handle");
/** No value (a method that returns nothing). */
export const none: ValueType<void> = vt("none");

/** Limits of the decode step (a caller cannot make a server walk unbounded data). */
export const MAX_JSON_DEPTH = 64;
export const MAX_STRING = 1 << 20;
export const MAX_BYTES = 1 << 24;

/** A value does not match its declared type. */
export class ValueError extends Error {}

/**
 * The decode step for one value: check `v` against type `t` and return the receiver's copy
 * (Uint8Array and json copied, handles rebuilt as frozen plain objects). Throws ValueError.
 */
export function checkCopy(t: ValueType, v: unknown, what: string): unknown {
  switch (t.tag) {
    case "i32":
      if (typeof v !== "number" || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw bad(what, "an i32", v);
      return v;
    case "u32":
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw bad(what, "a u32", v);
      return v;
    case "f64":
      if (typeof v !== "number") throw bad(what, "an f64", v);
      return v;
    case "bool":
      if (typeof v !== "boolean") throw bad(what, "a bool", v);
      return v;
    case "string":
      if (typeof v !== "string") throw bad(what, "a string", v);
      if (v.length > MAX_STRING) throw new ValueError(`${what}: string longer than ${MAX_STRING}`);
      return v;
    case "bytes":
      if (!(v instanceof Uint8Array)) throw bad(what, "bytes (Uint8Array)", v);
      if (v.length > MAX_BYTES) throw new ValueError(`${what}: more than ${MAX_BYTES} bytes`);
      return v.slice();
    case "json":
      return copyJson(v, what, 0);
    case "handle":
      return checkHandle(v, what);
    case "none":
      if (v !== undefined) throw bad(what, "nothing", v);
      return undefined;
  }
}

function checkHandle(v: unknown, what: string): Handle {
  if (!isPlainObject(v)) throw bad(what, "a handle", v);
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  if (keys.length !== 2 || !isU32(o.server) || !isU32(o.xh)) throw bad(what, "a handle {server, xh}", v);
  return Object.freeze({ server: o.server, xh: o.xh });
}

function isU32(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
}

function copyJson(v: unknown, what: string, depth: number): Json {
  if (depth > MAX_JSON_DEPTH) throw new ValueError(`${what}: json nested deeper than ${MAX_JSON_DEPTH}`);
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw bad(what, "json (finite numbers only)", v);
    return v;
  }
  if (typeof v === "string") {
    if (v.length > MAX_STRING) throw new ValueError(`${what}: string longer than ${MAX_STRING}`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => copyJson(x, `${what}[${i}]`, depth + 1));
  if (isPlainObject(v)) {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(v)) {
      if (key === "__proto__") throw new ValueError(`${what}: json key __proto__`);
      out[key] = copyJson((v as Record<string, unknown>)[key], `${what}.${key}`, depth + 1);
    }
    return out;
  }
  throw bad(what, "json", v);
}

function isPlainObject(v: unknown): v is object {
  if (typeof v !== "object" || v === null) return false;
  const p: unknown = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

function bad(what: string, expected: string, v: unknown): ValueError {
  return new ValueError(`${what}: expected ${expected}, got ${describe(v)}`);
}

/** A short description of a value for error messages (never its whole contents). */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  switch (typeof v) {
    case "number":
      return `number ${v}`;
    case "string":
      return `string(${v.length})`;
    case "object": {
      const p: unknown = Object.getPrototypeOf(v);
      const c = p !== null && typeof p === "object" && "constructor" in p ? (p.constructor as { name?: unknown }).name : undefined;
      return typeof c === "string" && c !== "Object" ? `${c} object` : "object";
    }
    default:
      return typeof v;
  }
}
