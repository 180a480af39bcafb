// A fixed tree of pseudo nodes, built once when a server starts: directories, files whose text
// is made when they are opened, and symbolic links. sysfs is one; procfs's machine-wide part is
// another. Nodes are numbered in the order they were added (0 the root); what a node's inode
// number is, the owning tree decides. Immutable after the build.

import { NodeType, type Time } from "../fs/iface.js";
import type { Caller, Gen, ListEntry, PNode } from "./pseudo.js";

export interface FixedNode {
  readonly name: string;
  readonly type: NodeType.Dir | NodeType.Reg | NodeType.Lnk;
  readonly perm: number;
  readonly parent: number;
  readonly children: number[];
  readonly text?: (c: Caller) => Gen<string>;
  readonly link?: (c: Caller) => Gen<string>;
}

export class FixedNodes {
  private readonly nodes: FixedNode[] = [];

  /** `ino(i)` numbers node i; `size` is what stat shows for a file (0 for proc, a page for sysfs). */
  constructor(private readonly ino: (i: number) => number, private readonly time: Time, private readonly size: number) {
    this.nodes.push({ name: "", type: NodeType.Dir, perm: 0o555, parent: 0, children: [] });
  }

  get count(): number {
    return this.nodes.length;
  }

  get(i: number): FixedNode {
    return this.nodes[i];
  }

  private add(parent: number, node: Omit<FixedNode, "parent" | "children">): number {
    const i = this.nodes.length;
    this.nodes.push({ ...node, parent, children: [] });
    this.nodes[parent].children.push(i);
    return i;
  }

  dir(parent: number, name: string): number {
    return this.add(parent, { name, type: NodeType.Dir, perm: 0o555 });
  }

  /** A file whose text is made at each open, by a plain function or a generator (which may make PPCs). */
  file(parent: number, name: string, text: (c: Caller) => Gen<string> | string, perm = 0o444): number {
    return this.add(parent, {
      name, type: NodeType.Reg, perm,
      *text(c: Caller): Gen<string> {
        const t = text(c);
        return typeof t === "string" ? t : yield* t;
      },
    });
  }

  link(parent: number, name: string, target: (c: Caller) => Gen<string> | string): number {
    return this.add(parent, {
      name, type: NodeType.Lnk, perm: 0o777,
      *link(c: Caller): Gen<string> {
        const t = target(c);
        return typeof t === "string" ? t : yield* t;
      },
    });
  }

  node(i: number): PNode {
    const f = this.nodes[i];
    const dirs = f.children.filter((c) => this.nodes[c].type === NodeType.Dir).length;
    return {
      ino: this.ino(i), type: f.type, perm: f.perm, uid: 0, gid: 0, nlink: f.type === NodeType.Dir ? 2 + dirs : 1,
      size: f.type === NodeType.Reg ? this.size : 0, time: this.time,
    };
  }

  child(i: number, name: string): number | undefined {
    return this.nodes[i].children.find((c) => this.nodes[c].name === name);
  }

  /** The entries of directory i (positions from 3: 1 and 2 are "." and ".."). */
  list(i: number): ListEntry[] {
    return this.nodes[i].children.map((c, k) => ({ name: this.nodes[c].name, ino: this.ino(c), type: this.nodes[c].type, pos: 3 + k }));
  }
}
