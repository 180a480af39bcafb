// The interconnect encoding of cross-processor PPCs (MsgKind.PpcCall / PpcReply / PpcAsync
// payloads, read with Messenger.onRaw). Values are self-describing (tag byte + data), so the
// server's dispatcher, not the caller's stub, decides whether they match the declaration: a
// value that cannot travel (a function, a class instance, a cycle) is sent as an "unsendable"
// marker that every declared type refuses.
//
//   value   := tag:u8 data
//     0 undefined | 1 null | 2 false | 3 true | 4 f64:f64 | 10 int:i32
//     5 string: len:u32 utf8[len] | 6 bytes: len:u32 u8[len]
//     7 array: n:u32 value*n | 8 object: n:u32 (key:string-body value)*n
//     9 unsendable: what:string-body
//   call    := token:u32 server:u32 xh:u32 method:u32 callerDomain:i32 args:value(array)
//   async   := server:u32 xh:u32 method:u32 callerDomain:i32 args:value(array)
//   reply   := token:u32 code:u8 (code 0: result:value | else message:string-body)
// Multi-byte numbers are little-endian.

import { MAX_JSON_DEPTH } from "./values.js";

/** Largest PPC message (K42 passed at most a 4 KB PPC page; larger data goes by shared memory). */
export const MAX_MESSAGE = 16 * 1024;

const T_UNDEF = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_F64 = 4, T_STR = 5, T_BYTES = 6, T_ARRAY = 7, T_OBJECT = 8,
  T_UNSENDABLE = 9, T_INT = 10;

/** What a value that could not be encoded becomes at the receiver (no declared type accepts it). */
export class Unsendable {
  constructor(readonly what: string) {}
}

export class WireError extends Error {}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

class Writer {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  n = 0;

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.n++] = v;
  }

  u32(v: number): void {
    this.room(4);
    this.dv.setUint32(this.n, v >>> 0, true);
    this.n += 4;
  }

  i32(v: number): void {
    this.room(4);
    this.dv.setInt32(this.n, v | 0, true);
    this.n += 4;
  }

  f64(v: number): void {
    this.room(8);
    this.dv.setFloat64(this.n, v, true);
    this.n += 8;
  }

  raw(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  str(s: string): void {
    this.raw(enc.encode(s));
  }

  value(v: unknown, depth: number): void {
    if (depth > MAX_JSON_DEPTH + 2) return this.unsendable("value nested too deep (or a cycle)");
    if (v === undefined) return this.u8(T_UNDEF);
    if (v === null) return this.u8(T_NULL);
    switch (typeof v) {
      case "boolean":
        return this.u8(v ? T_TRUE : T_FALSE);
      case "number":
        if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0)) {
          this.u8(T_INT);
          return this.i32(v);
        }
        this.u8(T_F64);
        return this.f64(v);
      case "string":
        this.u8(T_STR);
        return this.str(v);
      case "object":
        break;
      default:
        return this.unsendable(typeof v);
    }
    if (v instanceof Uint8Array) {
      this.u8(T_BYTES);
      return this.raw(v);
    }
    if (Array.isArray(v)) {
      this.u8(T_ARRAY);
      this.u32(v.length);
      for (const x of v) this.value(x, depth + 1);
      return;
    }
    const p: unknown = Object.getPrototypeOf(v);
    if (p !== Object.prototype && p !== null) return this.unsendable("a class instance");
    const keys = Object.keys(v);
    this.u8(T_OBJECT);
    this.u32(keys.length);
    for (const key of keys) {
      this.str(key);
      this.value((v as Record<string, unknown>)[key], depth + 1);
    }
  }

  private unsendable(what: string): void {
    this.u8(T_UNSENDABLE);
    this.str(what);
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

class Reader {
  private readonly dv: DataView;
  p = 0;

  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private need(k: number): void {
    if (this.p + k > this.b.length) throw new WireError(`message truncated at byte ${this.p}`);
  }

  u8(): number {
    this.need(1);
    return this.b[this.p++];
  }

  u32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.p, true);
    this.p += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.dv.getInt32(this.p, true);
    this.p += 4;
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.p, true);
    this.p += 8;
    return v;
  }

  raw(): Uint8Array {
    const n = this.u32();
    this.need(n);
    const out = this.b.slice(this.p, this.p + n);
    this.p += n;
    return out;
  }

  str(): string {
    try {
      return dec.decode(this.raw());
    } catch (e) {
      if (e instanceof WireError) throw e;
      throw new WireError("invalid UTF-8");
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_JSON_DEPTH + 2) throw new WireError("value nested too deep");
    const tag = this.u8();
    switch (tag) {
      case T_UNDEF: return undefined;
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_INT: return this.i32();
      case T_F64: return this.f64();
      case T_STR: return this.str();
      case T_BYTES: return this.raw();
      case T_ARRAY: {
        const n = this.u32();
        if (n > this.b.length - this.p) throw new WireError(`array of ${n} items in a short message`);
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      case T_OBJECT: {
        const n = this.u32();
        if (n > this.b.length - this.p) throw new WireError(`object of ${n} keys in a short message`);
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = this.str();
          if (key === "__proto__") throw new WireError("object key __proto__");
          out[key] = this.value(depth + 1);
        }
        return out;
      }
      case T_UNSENDABLE: return new Unsendable(this.str());
      default: throw new WireError(`unknown value tag ${tag} at byte ${this.p - 1}`);
    }
  }

  end(): void {
    if (this.p !== this.b.length) throw new WireError(`${this.b.length - this.p} bytes after the message`);
  }
}

/** Encode one value (for tests and tools). */
export function encodeValue(v: unknown): Uint8Array {
  const w = new Writer();
  w.value(v, 0);
  return w.done();
}

export function decodeValue(b: Uint8Array): unknown {
  const r = new Reader(b);
  const v = r.value(0);
  r.end();
  return v;
}

export interface CallMsg {
  token: number;
  server: number;
  xh: number;
  method: number;
  callerDomain: number;
  /** Clustered objects the caller's chain is inside through hot-swap mediators (recursion). */
  inside: readonly number[];
  args: unknown;
}

export function encodeCall(m: CallMsg): Uint8Array {
  const w = new Writer();
  w.u32(m.token);
  w.u32(m.server);
  w.u32(m.xh);
  w.u32(m.method);
  w.i32(m.callerDomain);
  w.u32(m.inside.length);
  for (const id of m.inside) w.u32(id);
  w.value(m.args, 0);
  return w.done();
}

/** Decode a call; the token is returned separately so a malformed body can still be answered. */
export function decodeCall(b: Uint8Array): { token: number | undefined; msg?: CallMsg; error?: string } {
  const r = new Reader(b);
  let token: number | undefined;
  try {
    token = r.u32();
    const server = r.u32(), xh = r.u32(), method = r.u32(), callerDomain = r.i32();
    const n = r.u32();
    if (n > 4096) throw new WireError(`call claims ${n} objects in its chain`);
    const inside: number[] = [];
    for (let i = 0; i < n; i++) inside.push(r.u32());
    const msg: CallMsg = { token, server, xh, method, callerDomain, inside, args: r.value(0) };
    r.end();
    return { token, msg };
  } catch (e) {
    return { token, error: e instanceof Error ? e.message : String(e) };
  }
}

export type AsyncMsg = Omit<CallMsg, "token" | "inside">;

export function encodeAsync(m: AsyncMsg): Uint8Array {
  const w = new Writer();
  w.u32(m.server);
  w.u32(m.xh);
  w.u32(m.method);
  w.i32(m.callerDomain);
  w.value(m.args, 0);
  return w.done();
}

/** Throws WireError. */
export function decodeAsync(b: Uint8Array): AsyncMsg {
  const r = new Reader(b);
  const m: AsyncMsg = { server: r.u32(), xh: r.u32(), method: r.u32(), callerDomain: r.i32(), args: r.value(0) };
  r.end();
  return m;
}

/** A call's outcome: a result, or an error code (PpcErr) with a message. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: number; readonly message: string };

export function encodeReply(token: number, o: Outcome): Uint8Array {
  const w = new Writer();
  w.u32(token);
  if (o.ok) {
    w.u8(0);
    w.value(o.value, 0);
  } else {
    w.u8(o.code);
    w.str(o.message);
  }
  return w.done();
}

/** Throws WireError (the token of an unreadable reply is lost: its caller is never woken, so
 *  replies are only ever built by encodeReply). */
export function decodeReply(b: Uint8Array): { token: number; outcome: Outcome } {
  const r = new Reader(b);
  const token = r.u32();
  const code = r.u8();
  const outcome: Outcome = code === 0 ? { ok: true, value: r.value(0) } : { ok: false, code, message: r.str() };
  r.end();
  return { token, outcome };
}
