// The trace area: per-processor trace rings and the global enable mask, in shared memory
// (K42 §7b: traceCore.H / traceReserve.H). A TraceArea is only a view: any worker builds one
// from the same (buffer, addr, cpus, wordsPerCpu) and sees the same bytes.
//
// Layout (byte offsets from addr, which is 8-byte aligned; all words little-endian host int32):
//
//   0    i32 magic "K42T"            written by init(), then immutable
//   4    i32 cpus                    immutable after init()
//   8    i32 wordsPerCpu             immutable after init()
//   12   i32 subBuffers per cpu      immutable after init()
//   16   i32 mask, bits 0..31        major-class enable mask; changed only with Atomics.store by
//   20   i32 mask, bits 32..63       setMask(); read (plainly) by every writer before each event
//   24.. reserved (zero) up to 64
//   64 + cpu * CTL_BYTES: control block of processor cpu (CTL_BYTES = 64 + 4*subBuffers, rounded
//        up to 64 so that each block starts on its own cache line):
//     +0   i32 reserve index: the next free word of this cpu's ring, counted in words since
//          init() modulo 2^32 (monotonic; ring position = index & (wordsPerCpu-1)). Changed only
//          with Atomics.compareExchange by writers (lock-free reservation, several writers may
//          share one cpu's ring).
//     +64  i32 commit[subBuffers]: commit[s] = words written and committed into sub-buffer slot
//          s since init(), modulo 2^32 (every lap of a slot adds exactly SUB_WORDS, fillers
//          included). Changed only with Atomics.add by writers, after their plain stores of the
//          event words; read with Atomics.load by the drain before it reads the words.
//   DATA = 64 + cpus * CTL_BYTES: the rings, cpu after cpu, each wordsPerCpu 64-bit words.
//
// A ring is split into sub-buffers of SUB_WORDS (1024) words = 8 KiB; an event never crosses a
// sub-buffer boundary (the writer pads with a Control/Filler event that runs to the boundary),
// and every sub-buffer starts with a Control/Heartbeat carrying the full 64-bit time, so a
// sub-buffer decodes on its own.
//
// Event word 0 is the header, a 64-bit word stored as two int32 halves (low half first):
//   low  half: length:8 (words, header included) | layer:4 | major:6 | minor:14   (bits 31..0)
//   high half: timestamp, low 32 bits
// read as one little-endian 64-bit number this is K42's `timestamp:32 | length:8 | layer:4 |
// major:6 | minor:14`. Layer bit 3 (LAYER_STR) marks a string payload; bits 0..2 say who wrote
// the event (0 = kernel). Data words are 64-bit two's complement, low half first.

/** Words (64-bit) per sub-buffer; events never cross a sub-buffer boundary. */
export const SUB_WORDS = 1024;
export const SUB_SHIFT = 10;
/** Largest event length in words, header included (8-bit length field). */
export const MAX_EVENT_WORDS = 255;
/** Layer bit marking a string payload: data word 0, byte length, then the UTF-8 bytes. */
export const LAYER_STR = 8;

export const HDR_LEN_SHIFT = 24;
export const HDR_LAYER_SHIFT = 20;
export const HDR_MAJOR_SHIFT = 14;
export const HDR_MINOR_MASK = 0x3fff;

const MAGIC = 0x5432344b; // "K42T" little-endian
const HEADER_BYTES = 64;
const MASK_WORD = 4; // i32 index of the low mask half
const MAX_WORDS_PER_CPU = 1 << 24;

/** Low header half for an event. */
export function headerLow(len: number, layer: number, major: number, minor: number): number {
  return (len << HDR_LEN_SHIFT) | (layer << HDR_LAYER_SHIFT) | (major << HDR_MAJOR_SHIFT) | minor;
}

function ctlBytes(wordsPerCpu: number): number {
  const subs = wordsPerCpu / SUB_WORDS;
  return Math.ceil((64 + 4 * subs) / 64) * 64;
}

function checkShape(cpus: number, wordsPerCpu: number): void {
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 4096) throw new RangeError(`trace: bad cpu count ${cpus}`);
  const pow2 = Number.isInteger(wordsPerCpu) && wordsPerCpu > 0 && (wordsPerCpu & (wordsPerCpu - 1)) === 0;
  if (!pow2 || wordsPerCpu < SUB_WORDS || wordsPerCpu > MAX_WORDS_PER_CPU) {
    throw new RangeError(`trace: wordsPerCpu must be a power of two in [${SUB_WORDS}, ${MAX_WORDS_PER_CPU}], got ${wordsPerCpu}`);
  }
}

export class TraceArea {
  readonly buffer: SharedArrayBuffer;
  readonly addr: number;
  readonly cpus: number;
  readonly wordsPerCpu: number;
  readonly subBuffers: number;
  /** View over the whole area; every word index below is relative to addr. */
  readonly i32: Int32Array;
  /** i32 index of the low half of the enable mask (the high half follows). */
  readonly maskWord = MASK_WORD;
  private readonly ctlWords: number;
  private readonly dataWord: number;

  /** Bytes needed for an area of `cpus` rings of `wordsPerCpu` 64-bit words. */
  static bytesFor(cpus: number, wordsPerCpu: number): number {
    checkShape(cpus, wordsPerCpu);
    return HEADER_BYTES + cpus * ctlBytes(wordsPerCpu) + cpus * wordsPerCpu * 8;
  }

  /** A view of an area that init() has already set up, reading its shape from the header. */
  static attach(buffer: SharedArrayBuffer, addr: number): TraceArea {
    const h = new Int32Array(buffer, addr, 4);
    if (Atomics.load(h, 0) !== MAGIC) throw new Error(`trace: no trace area at ${addr}`);
    return new TraceArea(buffer, addr, Atomics.load(h, 1), Atomics.load(h, 2));
  }

  constructor(buffer: SharedArrayBuffer, addr: number, cpus: number, wordsPerCpu: number) {
    checkShape(cpus, wordsPerCpu);
    const bytes = TraceArea.bytesFor(cpus, wordsPerCpu);
    if (!Number.isInteger(addr) || addr < 0 || addr % 8 !== 0 || addr + bytes > buffer.byteLength) {
      throw new RangeError(`trace: area [${addr}, +${bytes}) not 8-aligned or outside the buffer`);
    }
    this.buffer = buffer;
    this.addr = addr;
    this.cpus = cpus;
    this.wordsPerCpu = wordsPerCpu;
    this.subBuffers = wordsPerCpu / SUB_WORDS;
    this.i32 = new Int32Array(buffer, addr, bytes / 4);
    this.ctlWords = ctlBytes(wordsPerCpu) / 4;
    this.dataWord = (HEADER_BYTES + cpus * ctlBytes(wordsPerCpu)) / 4;
  }

  /** Zero the area and write its header. Call once, before any writer or drain runs. */
  init(): void {
    this.i32.fill(0);
    Atomics.store(this.i32, 1, this.cpus);
    Atomics.store(this.i32, 2, this.wordsPerCpu);
    Atomics.store(this.i32, 3, this.subBuffers);
    Atomics.store(this.i32, 0, MAGIC);
  }

  /**
   * Set the 64-bit major-class enable mask (bit n enables major n). The two halves are stored
   * one after the other: a writer racing with the change may see either half's old value.
   */
  setMask(bits: bigint | number): void {
    let lo: number, hi: number;
    if (typeof bits === "bigint") {
      const v = BigInt.asUintN(64, bits);
      lo = Number(v & 0xffffffffn) | 0;
      hi = Number(v >> 32n) | 0;
    } else {
      if (!Number.isSafeInteger(bits) || bits < 0) throw new RangeError(`trace: bad mask ${bits}`);
      lo = bits | 0;
      hi = Math.floor(bits / 4294967296) | 0;
    }
    Atomics.store(this.i32, MASK_WORD + 1, hi);
    Atomics.store(this.i32, MASK_WORD, lo);
  }

  get mask(): bigint {
    const lo = BigInt(Atomics.load(this.i32, MASK_WORD) >>> 0);
    const hi = BigInt(Atomics.load(this.i32, MASK_WORD + 1) >>> 0);
    return (hi << 32n) | lo;
  }

  /** i32 index of cpu's reserve index. */
  indexWord(cpu: number): number {
    return HEADER_BYTES / 4 + cpu * this.ctlWords;
  }

  /** i32 index of cpu's commit counter for sub-buffer slot `slot`. */
  commitWord(cpu: number, slot: number): number {
    return HEADER_BYTES / 4 + cpu * this.ctlWords + 16 + slot;
  }

  /** i32 index of the low half of word 0 of cpu's ring. */
  ringWord(cpu: number): number {
    return this.dataWord + cpu * this.wordsPerCpu * 2;
  }

  /** Current reserve index of cpu's ring (words reserved since init, modulo 2^32). */
  reserved(cpu: number): number {
    return Atomics.load(this.i32, this.indexWord(cpu)) >>> 0;
  }
}
