// The interconnect ring: one processor's inbound message queue in shared memory. Many
// producers (any processor, on any worker), one consumer (the ring's owner processor).
// Variable-length records, popped strictly in reservation order. A push tells its caller to
// wake the consumer only when it took the ring from empty to non-empty (K42's MPMsgMgr rule:
// a soft interrupt only on that transition), because a cross-worker wake-up costs tens of µs.
//
// Shared-memory layout at byte address `addr` (8-byte aligned), little-endian host order:
//
//   header, HEADER_BYTES = 128 (two 64-byte host cache lines: producers' words, consumer's word)
//     i32 [0]  reserve   monotonic byte position (mod 2^32) of the end of the last reservation.
//                        Changed only with Atomics.compareExchange, by producers.
//     i32 [1]  count     records reserved and not yet popped. Atomics.add(+1) by a producer right
//                        after its reservation (the push that sees 0 returns Woke);
//                        Atomics.sub(-1) by the consumer after a pop; the consumer sleeps on it
//                        (Atomics.wait while 0) and is woken with Atomics.notify on it.
//     i32 [2]  pushes    successful pushes (mod 2^32). Atomics.add by producers.
//     i32 [3]  wakeups   pushes that returned Woke (mod 2^32). Atomics.add by producers.
//     i32 [4]  fulls     pushes that returned Full (mod 2^32). Atomics.add by producers.
//     i32 [5]  capacity  data bytes, written by init() (for dumps and debuggers; read by no code).
//     i32 [16] consume   monotonic byte position of the next unread record. Written only by the
//                        consumer (Atomics.store, after zeroing the bytes it releases); producers
//                        Atomics.load it to find free space.
//   data, `capacity` bytes (a power of two), a circular array of 8-byte-aligned records:
//     message record: 16 + align8(payload length) bytes
//       +0  i32  mark     0 = not yet published; payload length + 1 once published. Written
//                        last by the producer with Atomics.store (publication: the other bytes
//                        are visible to whoever Atomics.loads a non-zero mark).
//       +4  i32  from (low 16 bits) | kind << 16
//       +8  f64  stamp    arrival time in deterministic mode (virtual cycles), 0 in parallel mode
//       +16 u8[] payload, then zero padding up to the next multiple of 8
//     padding record (a message that would straddle the end of the data area goes to its start;
//     the space left at the end, a multiple of 8 bytes, becomes a padding record reserved in
//     the same compareExchange as the message):
//       +0  i32  mark     -(padding bytes), published with Atomics.store; the rest is zero.
//
// Invariants: reserve - consume (mod 2^32) <= capacity; every data byte not between consume
// and reserve is zero (init zeroes the area, the consumer zeroes every record it releases), so a
// reserved but unpublished record reads as mark 0 — a payload byte of an earlier lap can never
// pass for a published mark. A record is at most capacity / 2 bytes, so an empty ring always
// accepts a push whatever its position.
//
// Why no single "published up to" position: producers publish in any order, and making each
// wait for its predecessor would let one preempted worker stall all the others. The per-record
// mark gives the same guarantee (the consumer stops at the first unpublished record; it never
// skips it) without producers waiting on each other.

/** Result of Ring.push. */
export const enum Push {
  /** Appended; the consumer was already due to look at the ring. */
  Ok = 0,
  /** Appended and the ring was empty: the caller must wake the consumer (Ring.wake). */
  Woke = 1,
  /** No room: nothing written; retry later. */
  Full = 2,
}

export interface RingMessage {
  /** Sending processor (uint16). */
  from: number;
  /** Message kind (uint16), interpreted by the layer above. */
  kind: number;
  /** Arrival time (deterministic mode) or 0. */
  stamp: number;
  /** A private copy of the payload bytes. */
  payload: Uint8Array;
}

export interface RingStats {
  pushes: number;
  wakeups: number;
  fulls: number;
}

/** Bytes of the shared header (see the layout above). */
export const RING_HEADER_BYTES = 128;
/** Bytes of a message record's header inside the data area. */
export const RING_RECORD_HEADER = 16;

// Header word indexes (i32), see the layout above.
const RESERVE = 0;
const COUNT = 1;
const PUSHES = 2;
const WAKEUPS = 3;
const FULLS = 4;
const CAPACITY = 5;
const CONSUME = 16;

const MIN_CAPACITY = 64;
const MAX_CAPACITY = 1 << 30;

const EMPTY_PAYLOAD = new Uint8Array(0);

function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || (capacity & (capacity - 1)) !== 0) {
    throw new RangeError(`ring capacity ${capacity} is not a power of two in [${MIN_CAPACITY}, 2^30]`);
  }
}

/** Bytes a message record with `payloadLength` payload bytes occupies in the data area. */
export function recordBytes(payloadLength: number): number {
  return RING_RECORD_HEADER + ((payloadLength + 7) & ~7);
}

/**
 * A view over one ring in shared memory. Views are per worker (and may be many per worker);
 * all the ring's state is in the shared memory, so any view on any worker sees the same ring.
 * push() may be called from any processor; pop(), peekStamp() and wait() only by the owner.
 */
export class Ring {
  readonly capacity: number;
  /** Largest payload a push accepts (a record may take at most half the data area). */
  readonly maxPayload: number;
  private readonly head: Int32Array;
  private readonly d32: Int32Array;
  private readonly f64: Float64Array;
  private readonly u8: Uint8Array;
  private readonly mask: number;

  /** Bytes of shared memory a ring with `capacity` data bytes needs (header + data). */
  static bytesFor(capacity: number): number {
    checkCapacity(capacity);
    return RING_HEADER_BYTES + capacity;
  }

  /** A view over a ring at byte address `addr` of `buffer`; constructible on any worker. */
  constructor(buffer: SharedArrayBuffer, addr: number, capacity: number) {
    checkCapacity(capacity);
    if (!Number.isInteger(addr) || addr < 0 || addr % 8 !== 0 || addr + RING_HEADER_BYTES + capacity > buffer.byteLength) {
      throw new RangeError(`ring at ${addr} (+${RING_HEADER_BYTES + capacity} bytes) is misaligned or outside the buffer`);
    }
    this.capacity = capacity;
    this.maxPayload = capacity / 2 - RING_RECORD_HEADER;
    this.mask = capacity - 1;
    this.head = new Int32Array(buffer, addr, RING_HEADER_BYTES >> 2);
    const data = addr + RING_HEADER_BYTES;
    this.d32 = new Int32Array(buffer, data, capacity >> 2);
    this.f64 = new Float64Array(buffer, data, capacity >> 3);
    this.u8 = new Uint8Array(buffer, data, capacity);
  }

  /** Zero the header and the data area (once, before any producer or consumer uses the ring). */
  init(): void {
    this.u8.fill(0);
    for (let i = 0; i < this.head.length; i++) Atomics.store(this.head, i, 0);
    Atomics.store(this.head, CAPACITY, this.capacity);
  }

  /**
   * Append a record (multi-producer safe). Returns Woke iff this push took the ring from empty to
   * non-empty (the caller must then call wake()), Full if there is no room (nothing written).
   * `from` and `kind` are uint16; `stamp` any float64. Throws RangeError on a payload longer
   * than maxPayload or an out-of-range from/kind. Allocates nothing.
   */
  push(from: number, kind: number, stamp: number, payload: Uint8Array = EMPTY_PAYLOAD): Push {
    if ((from & 0xffff) !== from || (kind & 0xffff) !== kind) {
      throw new RangeError(`ring push: from ${from} / kind ${kind} not uint16`);
    }
    const plen = payload.length;
    if (plen > this.maxPayload) {
      throw new RangeError(`ring push: payload of ${plen} bytes exceeds ${this.maxPayload}`);
    }
    const rec = recordBytes(plen);
    const cap = this.capacity;
    const h = this.head;
    let off: number;
    let pad: number;
    for (;;) {
      // consume first: it only grows, so a later-loaded reserve is never behind it.
      const tail = Atomics.load(h, CONSUME);
      const pos = Atomics.load(h, RESERVE);
      off = pos & this.mask;
      pad = off + rec > cap ? cap - off : 0;
      const need = pad + rec;
      if (((pos - tail) >>> 0) + need > cap) {
        Atomics.add(h, FULLS, 1);
        return Push.Full;
      }
      if (Atomics.compareExchange(h, RESERVE, pos, (pos + need) | 0) === pos) break;
    }
    Atomics.add(h, PUSHES, 1);
    const woke = Atomics.add(h, COUNT, 1) === 0;
    if (pad !== 0) {
      Atomics.store(this.d32, off >> 2, -pad);
      off = 0;
    }
    const w = off >> 2;
    this.d32[w + 1] = from | (kind << 16);
    this.f64[(off >> 3) + 1] = stamp;
    if (plen !== 0) this.u8.set(payload, off + RING_RECORD_HEADER);
    Atomics.store(this.d32, w, plen + 1);
    if (woke) {
      Atomics.add(h, WAKEUPS, 1);
      return Push.Woke;
    }
    return Push.Ok;
  }

  /** Consumer only: the next published record (payload copied), or undefined if empty or the
   *  next record in reservation order is not yet published. */
  pop(): RingMessage | undefined {
    const pos = this.skipPadding();
    if (pos === undefined) return undefined;
    const off = pos & this.mask;
    const w = off >> 2;
    const plen = Atomics.load(this.d32, w) - 1;
    const fk = this.d32[w + 1];
    const stamp = this.f64[(off >> 3) + 1];
    const start = off + RING_RECORD_HEADER;
    const payload = this.u8.slice(start, start + plen);
    const rec = recordBytes(plen);
    this.u8.fill(0, off, off + rec);
    Atomics.store(this.head, CONSUME, (pos + rec) | 0);
    Atomics.sub(this.head, COUNT, 1);
    return { from: fk & 0xffff, kind: fk >>> 16, stamp, payload };
  }

  /** Consumer only: the stamp of the next record without removing it (undefined if none published). */
  peekStamp(): number | undefined {
    const pos = this.skipPadding();
    if (pos === undefined) return undefined;
    return this.f64[((pos & this.mask) >> 3) + 1];
  }

  /** Records pushed but not yet popped (published or not). */
  get count(): number {
    return Atomics.load(this.head, COUNT);
  }

  /** Consumer only: sleep while the ring is empty, at most `timeoutMs` (for a consumer of this
   *  ring alone; the parallel run mode's workers sleep on a per-worker doorbell instead, which
   *  the sender rings on the same empty → non-empty transition). Returns at once if any
   *  record is pending (even one not yet published). */
  wait(timeoutMs: number): void {
    Atomics.wait(this.head, COUNT, 0, timeoutMs);
  }

  /** Wake the consumer sleeping in wait() (after a push returned Woke). */
  wake(): void {
    Atomics.notify(this.head, COUNT, 1);
  }

  /** Counters kept in the shared header (each mod 2^32). */
  stats(): RingStats {
    const h = this.head;
    return {
      pushes: Atomics.load(h, PUSHES) >>> 0,
      wakeups: Atomics.load(h, WAKEUPS) >>> 0,
      fulls: Atomics.load(h, FULLS) >>> 0,
    };
  }

  /** Release a published padding record at the consume position, if any; return the position
   *  of the next record if it is a published message, undefined otherwise. */
  private skipPadding(): number | undefined {
    let pos = Atomics.load(this.head, CONSUME);
    let mark = Atomics.load(this.d32, (pos & this.mask) >> 2);
    if (mark < 0) {
      this.d32[(pos & this.mask) >> 2] = 0; // the rest of a padding record is already zero
      pos = (pos - mark) | 0;
      Atomics.store(this.head, CONSUME, pos);
      mark = Atomics.load(this.d32, (pos & this.mask) >> 2);
    }
    return mark > 0 ? pos : undefined;
  }
}
