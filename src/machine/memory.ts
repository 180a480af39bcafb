// Physical memory of the emulated machine: one shared WebAssembly.Memory, divided into NUMA
// nodes of contiguous 4 KiB frames. TypeScript (through the SharedArrayBuffer) and generated
// WebAssembly see the same bytes, on every worker. Guest bytes are stored in guest byte order;
// the machine's own structures (architectural state, page tables) in little-endian host order.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const WASM_PAGE = 65536;

export interface MemoryConfig {
  /** Total bytes of physical memory (rounded up to 64 KiB). */
  bytes: number;
  /** Number of NUMA nodes; frames are split evenly, node 0 first. */
  nodes: number;
}

export class OutOfMemoryError extends Error {
  constructor(node: number) {
    super(`physical memory exhausted on NUMA node ${node}`);
  }
}

/** A NUMA node: the frame range [firstFrame, endFrame). */
export interface NumaNode {
  readonly id: number;
  readonly firstFrame: number;
  readonly endFrame: number;
}

// Allocator state lives in frame 0 (never handed out), so every worker attached to the same
// memory allocates from one pool. Per node n, int32 words at ALLOC_BASE + 4n:
//   +0 next never-used frame (bump pointer)   +1 head of the free-frame list (0 = empty)
//   +2 lock word (0 free, 1 held; taken with Atomics.compareExchange, held for a few loads)
// A free frame's first int32 links to the next free frame. Changed only with Atomics.
// Frames at and past a node's bump pointer were never handed out, so nothing wrote them (no
// code may write a physical address it was not given): they are as zero as the new memory.
// Word 2 holds the byte address of the frame-code table (below).
const ALLOC_MAGIC = 0x4b343261; // "K42a"
const ALLOC_BASE = 4;
const CODE_TABLE_WORD = 2;

export class PhysicalMemory {
  readonly wasm: WebAssembly.Memory;
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly i32: Int32Array;
  readonly nodes: readonly NumaNode[];
  /**
   * The frame-code table: one int32 per frame, `generation << 1 | hasCode`. A processor that
   * translates code from a frame sets hasCode; a write to such a frame (or its release)
   * clears it and bumps the generation, so translations made from the old contents are
   * recognised as stale on every processor and every worker. Word 0 (frame 0 never holds
   * code) is the machine's code epoch, bumped on every invalidation: an execution engine
   * compares it once per block dispatch. Changed only with Atomics.
   */
  readonly codeWords: Int32Array;
  private readonly framesPerNode: number;

  /** New memory of `cfg.bytes`, split into `cfg.nodes` NUMA nodes. */
  constructor(cfg: MemoryConfig);
  /** A view of memory created elsewhere (another worker); allocation state is shared. */
  constructor(cfg: MemoryConfig, existing: WebAssembly.Memory);
  constructor(cfg: MemoryConfig, existing?: WebAssembly.Memory) {
    const pages = Math.max(1, Math.ceil(cfg.bytes / WASM_PAGE));
    this.wasm = existing ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.buffer = this.wasm.buffer as unknown as SharedArrayBuffer;
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    const frames = this.bytes.length >>> PAGE_SHIFT;
    const n = Math.max(1, Math.min(cfg.nodes, frames, 250));
    const per = Math.floor(frames / n);
    const nodes: NumaNode[] = [];
    for (let i = 0; i < n; i++) {
      nodes.push({ id: i, firstFrame: i * per, endFrame: i === n - 1 ? frames : (i + 1) * per });
    }
    this.nodes = nodes;
    this.framesPerNode = per;
    const tableFrames = Math.ceil((frames * 4) / PAGE_SIZE);
    if (existing === undefined) {
      for (const nd of nodes) this.i32[ALLOC_BASE + 4 * nd.id] = Math.max(nd.firstFrame, 1);
      this.i32[ALLOC_BASE] = 1 + tableFrames; // node 0: the frame-code table follows frame 0
      Atomics.store(this.i32, CODE_TABLE_WORD, PAGE_SIZE);
      Atomics.store(this.i32, 1, n);
      Atomics.store(this.i32, 0, ALLOC_MAGIC);
    } else if (Atomics.load(this.i32, 0) !== ALLOC_MAGIC || Atomics.load(this.i32, 1) !== n) {
      throw new Error("attached memory was not initialised with the same NUMA configuration");
    }
    this.codeWords = new Int32Array(this.buffer, Atomics.load(this.i32, CODE_TABLE_WORD), frames);
  }

  /** NUMA node of a frame (nodes are equal contiguous ranges; the last takes the remainder). */
  frameNode(frame: number): number {
    return Math.min((frame / this.framesPerNode) | 0, this.nodes.length - 1);
  }

  /** Does any processor hold translated code made from this frame? */
  isCode(frame: number): boolean {
    return (this.codeWords[frame] & 1) !== 0;
  }

  /** Record that code was translated from `frame`; returns the word that identifies these contents. */
  markCode(frame: number): number {
    return Atomics.or(this.codeWords, frame, 1) | 1;
  }

  /** The frame's contents changed (or it was released): translations from it are stale everywhere. */
  invalidateCode(frame: number): void {
    for (;;) {
      const w = Atomics.load(this.codeWords, frame);
      if ((w & 1) === 0) return;
      if (Atomics.compareExchange(this.codeWords, frame, w, (w + 2) & ~1) === w) break;
    }
    Atomics.add(this.codeWords, 0, 1);
  }

  /** Bump the code epoch without a frame (a whole-cache flush). */
  bumpCodeEpoch(): void {
    Atomics.add(this.codeWords, 0, 1);
  }

  /** The configuration that attaches another view to this memory. */
  get config(): MemoryConfig {
    return { bytes: this.bytes.length, nodes: this.nodes.length };
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Allocate one zeroed frame on `node` (falling back to other nodes); returns its physical address. */
  allocFrame(node = 0): number {
    for (let k = 0; k < this.nodes.length; k++) {
      const pa = this.takeFrame((node + k) % this.nodes.length);
      if (pa >= 0) return pa;
    }
    throw new OutOfMemoryError(node);
  }

  /** Allocate one zeroed frame on `node` only; -1 when that node has none free (no fallback). */
  allocFrameOn(node: number): number {
    return this.takeFrame(node);
  }

  /**
   * Allocate `count` physically contiguous zeroed frames on one node (for machine structures).
   * They come from the bump pointer alone, so they were never handed out: still zero (see
   * takeFrame), and nothing here touches them (which would also make the host commit them).
   */
  allocContiguous(count: number, node = 0): number {
    for (let k = 0; k < this.nodes.length; k++) {
      const f = this.bump((node + k) % this.nodes.length, count);
      if (f >= 0) return f << PAGE_SHIFT;
    }
    throw new OutOfMemoryError(node);
  }

  freeFrame(pa: number): void {
    const f = pa >>> PAGE_SHIFT;
    this.invalidateCode(f);
    const w = ALLOC_BASE + 4 * this.nodeOfFrame(f).id;
    this.lock(w);
    this.i32[pa >>> 2] = this.i32[w + 1];
    this.i32[w + 1] = f;
    Atomics.store(this.i32, w + 2, 0);
  }

  nodeOfFrame(frame: number): NumaNode {
    if (frame < 0 || frame >= this.codeWords.length) throw new RangeError(`frame ${frame} outside physical memory`);
    return this.nodes[this.frameNode(frame)];
  }

  /** Frames never handed out yet plus frames on free lists, per node (for tests and reports). */
  freeFrames(node: number): number {
    const w = ALLOC_BASE + 4 * node;
    let n = this.nodes[node].endFrame - Atomics.load(this.i32, w);
    this.lock(w);
    for (let f = this.i32[w + 1]; f !== 0; f = this.i32[(f << PAGE_SHIFT) >>> 2]) n++;
    Atomics.store(this.i32, w + 2, 0);
    return n;
  }

  private lock(w: number): void {
    while (Atomics.compareExchange(this.i32, w + 2, 0, 1) !== 0) {
      // held by another worker for a handful of instructions
    }
  }

  /**
   * A zeroed frame of node `id` (its physical address), or -1 when the node has none.
   * A frame from the free list was used (and holds the list's link word): it is cleared here.
   * A frame from the bump pointer was never handed out by any view of this memory (the pointer
   * is shared through the memory itself and only grows), and a new WebAssembly.Memory is all
   * zero, so it needs no clearing: clearing it would only make the host commit the page.
   */
  private takeFrame(id: number): number {
    const w = ALLOC_BASE + 4 * id;
    this.lock(w);
    const f = this.i32[w + 1];
    if (f !== 0) this.i32[w + 1] = this.i32[(f << PAGE_SHIFT) >>> 2];
    Atomics.store(this.i32, w + 2, 0);
    if (f !== 0) {
      const pa = f << PAGE_SHIFT;
      this.bytes.fill(0, pa, pa + PAGE_SIZE);
      return pa;
    }
    const fresh = this.bump(id, 1);
    return fresh < 0 ? -1 : fresh << PAGE_SHIFT;
  }

  private bump(id: number, count: number): number {
    const w = ALLOC_BASE + 4 * id;
    const end = this.nodes[id].endFrame;
    for (;;) {
      const next = Atomics.load(this.i32, w);
      if (next + count > end) return -1;
      if (Atomics.compareExchange(this.i32, w, next, next + count) === next) return next;
    }
  }
}
