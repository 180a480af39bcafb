// The machine's shape: N processors on M NUMA nodes. Processors are spread evenly over the
// nodes in order (cpus 0..k-1 on node 0, ...). Distance classes drive the deterministic cost
// model: 0 = same processor, 1 = same node, 2 = another node.

export interface TopologyConfig {
  cpus: number;
  nodes: number;
}

/** Most processors a machine may have (clustered-object rep sets are 64-bit masks). */
export const MAX_CPUS = 64;

export class Topology {
  readonly cpus: number;
  readonly nodes: number;
  private readonly node: Int32Array;

  constructor(cfg: TopologyConfig) {
    if (!Number.isInteger(cfg.cpus) || cfg.cpus < 1 || cfg.cpus > MAX_CPUS) {
      throw new RangeError(`processor count must be 1..${MAX_CPUS} (got ${cfg.cpus})`);
    }
    if (!Number.isInteger(cfg.nodes) || cfg.nodes < 1 || cfg.nodes > cfg.cpus) {
      throw new RangeError(`NUMA node count must be 1..${cfg.cpus} (got ${cfg.nodes})`);
    }
    this.cpus = cfg.cpus;
    this.nodes = cfg.nodes;
    this.node = new Int32Array(cfg.cpus);
    for (let c = 0; c < cfg.cpus; c++) this.node[c] = Math.floor((c * cfg.nodes) / cfg.cpus);
  }

  nodeOf(cpu: number): number {
    return this.node[cpu];
  }

  /** 0 = same processor, 1 = same NUMA node, 2 = remote node. */
  distance(a: number, b: number): 0 | 1 | 2 {
    if (a === b) return 0;
    return this.node[a] === this.node[b] ? 1 : 2;
  }

  cpusOf(node: number): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.cpus; c++) if (this.node[c] === node) out.push(c);
    return out;
  }

  describe(): string {
    return `${this.cpus} processor${this.cpus === 1 ? "" : "s"} on ${this.nodes} NUMA node${this.nodes === 1 ? "" : "s"}`;
  }
}
