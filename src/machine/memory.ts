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

export class PhysicalMemory {
  readonly wasm: WebAssembly.Memory;
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly i32: Int32Array;
  readonly nodes: readonly NumaNode[];
  /** Frame 0 is never handed out, so that physical address 0 can mean "none". */
  private readonly next: number[];
  private readonly free: number[][];

  constructor(cfg: MemoryConfig) {
    const pages = Math.max(1, Math.ceil(cfg.bytes / WASM_PAGE));
    this.wasm = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.buffer = this.wasm.buffer as unknown as SharedArrayBuffer;
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    const frames = (pages * WASM_PAGE) >>> PAGE_SHIFT;
    const n = Math.max(1, Math.min(cfg.nodes, frames));
    const per = Math.floor(frames / n);
    const nodes: NumaNode[] = [];
    for (let i = 0; i < n; i++) {
      nodes.push({ id: i, firstFrame: i * per, endFrame: i === n - 1 ? frames : (i + 1) * per });
    }
    this.nodes = nodes;
    this.next = nodes.map((nd) => Math.max(nd.firstFrame, 1));
    this.free = nodes.map(() => []);
  }

  get size(): number {
    return this.bytes.length;
  }

  /** Allocate one zeroed frame on `node` (falling back to other nodes); returns its physical address. */
  allocFrame(node = 0): number {
    for (let k = 0; k < this.nodes.length; k++) {
      const id = (node + k) % this.nodes.length;
      const f = this.takeFrame(id);
      if (f >= 0) {
        const pa = f << PAGE_SHIFT;
        this.bytes.fill(0, pa, pa + PAGE_SIZE);
        return pa;
      }
    }
    throw new OutOfMemoryError(node);
  }

  /** Allocate `count` physically contiguous zeroed frames on one node (for machine structures). */
  allocContiguous(count: number, node = 0): number {
    for (let k = 0; k < this.nodes.length; k++) {
      const id = (node + k) % this.nodes.length;
      const nd = this.nodes[id];
      if (this.next[id] + count <= nd.endFrame) {
        const pa = this.next[id] << PAGE_SHIFT;
        this.next[id] += count;
        this.bytes.fill(0, pa, pa + count * PAGE_SIZE);
        return pa;
      }
    }
    throw new OutOfMemoryError(node);
  }

  freeFrame(pa: number): void {
    const f = pa >>> PAGE_SHIFT;
    const nd = this.nodeOfFrame(f);
    this.free[nd.id].push(f);
  }

  nodeOfFrame(frame: number): NumaNode {
    for (const nd of this.nodes) if (frame >= nd.firstFrame && frame < nd.endFrame) return nd;
    throw new RangeError(`frame ${frame} outside physical memory`);
  }

  private takeFrame(id: number): number {
    const fl = this.free[id];
    if (fl.length > 0) return fl.pop() as number;
    if (this.next[id] < this.nodes[id].endFrame) return this.next[id]++;
    return -1;
  }
}
