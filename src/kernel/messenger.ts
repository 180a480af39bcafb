// Cross-processor messages at kernel level (K42's MPMsgMgr and remote IPC): typed kinds with a
// handler per kind on every processor, payloads encoded to bytes (they cross workers through
// the rings in shared memory), a per-target overflow queue when a ring is full, and
// request/reply matching by token for threads that wait for an answer. Per processor.

import type { ProcessorPort } from "../machine/port.js";
import type { RingMessage } from "../machine/ring.js";
import type { TraceWriter } from "./trace/writer.js";
import { Major, Msg } from "./trace/events.js";

/** Message kinds (uint16). Each subsystem owns a range. */
export const enum MsgKind {
  Reply = 1,
  Token = 2,
  Gather = 3,
  Cleanup = 4,
  IdFree = 5,
  SwapForward = 10,
  SwapBlock = 11,
  SwapTransfer = 12,
  SwapPart = 13,
  SwapComplete = 14,
  SwapAck = 15,
  SetCurrent = 16,
  ListInstances = 17,
  PpcCall = 20,
  PpcReply = 21,
  PpcAsync = 22,
  Spawn = 30,
  /** Remove an address space's translations from this processor (kernel/mem/hat.ts). */
  Shootdown = 40,
  /** Read a page of a file on its pager's processor (kernel/mem/file-cache.ts). */
  PageIn = 41,
  /** Wake this processor's threads waiting for a page cache's event. */
  PageWake = 42,
  /** Write pages of a file on its pager's processor (a request: the reply counts failures). */
  PageOut = 43,
  /** Wake this processor's threads waiting on a wait channel (kernel/sched/wait-channel.ts). */
  ChannelWake = 44,
  User = 100,
}

export type MessageHandler = (from: number, body: unknown) => void;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Encode a JSON-compatible value as message bytes. */
export function encodeBody(v: unknown): Uint8Array {
  return v === undefined ? new Uint8Array(0) : enc.encode(JSON.stringify(v));
}

export function decodeBody(b: Uint8Array): unknown {
  return b.length === 0 ? undefined : JSON.parse(dec.decode(b));
}

export class Messenger {
  private readonly handlers = new Map<number, MessageHandler>();
  private readonly overflow: { to: number; kind: number; payload: Uint8Array }[] = [];
  sent = 0;
  received = 0;

  constructor(
    private readonly port: ProcessorPort,
    private readonly trace: TraceWriter,
  ) {}

  on(kind: number, h: MessageHandler): void {
    if (this.handlers.has(kind)) throw new Error(`message kind ${kind} already has a handler`);
    this.handlers.set(kind, h);
  }

  /** Send `body` (JSON-compatible) to processor `to`. Never fails: a full ring queues locally. */
  send(to: number, kind: number, body?: unknown): void {
    this.sendBytes(to, kind, encodeBody(body));
  }

  sendBytes(to: number, kind: number, payload: Uint8Array): void {
    this.sent++;
    this.trace.ev3(Major.Msg, Msg.Send, to, kind, payload.length);
    if (this.overflow.length > 0 || !this.port.send(to, kind, payload)) this.overflow.push({ to, kind, payload });
  }

  /** Send to every processor (this one included, through its own ring). */
  broadcast(kind: number, body?: unknown): void {
    const payload = encodeBody(body);
    for (let c = 0; c < this.port.topology.cpus; c++) this.sendBytes(c, kind, payload);
  }

  get pendingOverflow(): number {
    return this.overflow.length;
  }

  /** Handle every message that has arrived; retry queued sends. Returns the number handled. */
  poll(): number {
    this.flushOverflow();
    let n = 0;
    for (let m = this.port.receive(); m !== undefined; m = this.port.receive()) {
      this.dispatch(m);
      n++;
    }
    return n;
  }

  private dispatch(m: RingMessage): void {
    this.received++;
    this.trace.ev3(Major.Msg, Msg.Receive, m.from, m.kind, m.payload.length);
    const h = this.handlers.get(m.kind);
    if (h === undefined) throw new Error(`cpu ${this.port.cpu}: no handler for message kind ${m.kind} from cpu ${m.from}`);
    h(m.from, this.rawKinds.has(m.kind) ? m.payload : decodeBody(m.payload));
  }

  /** Kinds whose handlers receive the raw payload bytes (their own encoding). */
  private readonly rawKinds = new Set<number>();

  onRaw(kind: number, h: (from: number, payload: Uint8Array) => void): void {
    this.rawKinds.add(kind);
    this.on(kind, h as MessageHandler);
  }

  private flushOverflow(): void {
    while (this.overflow.length > 0) {
      const o = this.overflow[0];
      if (!this.port.send(o.to, o.kind, o.payload)) return;
      this.overflow.shift();
    }
  }
}
