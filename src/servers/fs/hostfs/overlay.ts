// --overlay DIR: hostfs's upper layer kept in a host directory, so that a later run sees an
// earlier run's changes. The directory holds `manifest.json` (every upper-layer node's
// attributes, whiteouts, moved lower nodes, hard links) and `data/` (the contents of files the
// guest wrote, one host file per file, named by flush generation and inode).
//
// Written at flush points only (HostFs.flush: when the file servers stop, see start.ts), in an
// order that a crash cannot corrupt:
//   1. contents of files changed since the last flush go to new data files (never overwriting
//      one the current manifest names), each fsync'ed;
//   2. the new manifest is written to manifest.json.tmp, fsync'ed, and renamed over
//      manifest.json (atomic), then the directory is fsync'ed;
//   3. data files the new manifest does not name are deleted.
// A crash before step 2's rename leaves the old manifest and all its files intact (the new
// files are orphans, deleted at the next load); after it, the new one is complete.
//
// Loaded at start: records are applied in order (parents first), resolving lower directories
// by lstat as lookups do. Memory holds only what the guest touches: a loaded file's contents
// are read from its data file by offset, like a lower file's.

import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { NodeType, type Time } from "../iface.js";
import { FileServersError } from "../errno.js";
import { FileData } from "../memfs/data.js";
import { childPath } from "../memfs/lower.js";
import type { Node } from "../memfs/node.js";
import type { MemTree } from "../memfs/tree.js";
import { HostFile } from "./host.js";

const MANIFEST = "manifest.json";
const VERSION = 1;
const CHUNK = 1 << 20;

interface NodeRecord {
  p: string;
  id: number;
  ino: number;
  type: number;
  perm: number;
  uid: number;
  gid: number;
  nlink: number;
  rdev: number;
  atime: Time;
  mtime: Time;
  ctime: Time;
  btime: Time;
  /** The lower node it shows (its host path), if any. */
  lower?: string;
  /** Regular files whose contents are the upper layer's: the data file. */
  data?: string;
  size?: number;
  target?: string;
  /** Extended attributes, values in base64. */
  xattrs?: Record<string, string>;
}

interface LinkRecord {
  p: string;
  /** Another name of the node of record `link`. */
  link: number;
}

interface WhiteoutRecord {
  p: string;
  w: true;
}

type OverlayRecord = NodeRecord | LinkRecord | WhiteoutRecord;

interface Manifest {
  version: number;
  generation: number;
  records: OverlayRecord[];
}

/** The overlay directory does not fit the root (or is not an overlay): a FileServersError. */
export class OverlayError extends FileServersError {}

export class OverlayStore {
  private generation = 0;
  private readonly dataDir: string;
  /** Nodes whose contents are a data file of this directory, and its name. */
  private readonly dataName = new WeakMap<Node, string>();

  constructor(readonly dir: string) {
    this.dataDir = join(dir, "data");
    mkdirSync(this.dataDir, { recursive: true });
  }

  // ---- load ----

  /** Apply the stored upper layer to a fresh tree (before any guest call). */
  load(tree: MemTree): void {
    const path = join(this.dir, MANIFEST);
    if (!existsSync(path)) {
      this.collect(new Set());
      return;
    }
    let m: Manifest;
    try {
      m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    } catch (e) {
      if (e instanceof SyntaxError) throw new OverlayError(`${path}: not a k42 overlay manifest (${e.message})`);
      throw e;
    }
    if (m.version !== VERSION || !Array.isArray(m.records)) throw new OverlayError(`${path}: not a k42 overlay manifest (version ${String(m.version)})`);
    this.generation = m.generation;
    const ids = new Map<number, Node>();
    const used = new Set<string>();
    for (const r of m.records) {
      if (r.p === "") {
        if ("id" in r) this.apply(tree.root, r, ids, used);
        continue;
      }
      const cut = r.p.lastIndexOf("/");
      const parent = this.dirAt(tree, cut < 0 ? "" : r.p.slice(0, cut));
      const name = r.p.slice(cut + 1);
      if ("w" in r) {
        parent.dir?.remove(name);
        if (parent.dir?.lowerPath !== undefined) parent.dir.whiteouts.add(name);
        continue;
      }
      let n: Node;
      if ("link" in r) {
        const l = ids.get(r.link);
        if (l === undefined) throw new OverlayError(`overlay manifest: ${r.p} links to unknown record ${r.link}`);
        n = l;
      } else {
        n = this.makeNode(tree, r);
        this.apply(n, r, ids, used);
      }
      this.install(tree, parent, name, n);
    }
    this.collect(used);
  }

  /** The directory at manifest path `p`, looked up like a client would (lower names by lstat). */
  private dirAt(tree: MemTree, p: string): Node {
    let d = tree.root;
    if (p === "") return d;
    for (const c of p.split("/")) {
      const e = tree.find(d, c);
      if (e?.node === undefined || !e.node.isDir) throw new OverlayError(`overlay manifest: ${p} is not a directory of the root any more`);
      d = e.node;
    }
    return d;
  }

  private makeNode(tree: MemTree, r: NodeRecord): Node {
    if (r.lower !== undefined && tree.lower !== undefined) {
      const lp = Buffer.from(r.lower, "latin1");
      const st = tree.lower.stat(lp);
      if (st !== undefined && (st.mode & 0o170000) === r.type) return tree.lowerNode(lp, st);
      if (r.type !== NodeType.Reg || r.data === undefined) throw new OverlayError(`overlay manifest: host node ${r.lower} is gone or changed type`);
    }
    const ino = tree.inoFree(r.ino) ? r.ino : tree.freshIno();
    return tree.make(r.type as NodeType, r.perm, r.uid, r.gid, ino);
  }

  private apply(n: Node, r: NodeRecord, ids: Map<number, Node>, used: Set<string>): void {
    n.perm = r.perm;
    n.uid = r.uid;
    n.gid = r.gid;
    n.nlink = r.nlink;
    n.rdev = r.rdev;
    n.atime = r.atime;
    n.mtime = r.mtime;
    n.ctime = r.ctime;
    n.btime = r.btime;
    n.copied = true;
    if (r.xattrs !== undefined) n.xattrs = new Map(Object.entries(r.xattrs).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
    if (r.data !== undefined) {
      const size = r.size ?? 0;
      n.data = new FileData(new HostFile(Buffer.from(join(this.dataDir, r.data)), Math.ceil(size / 512)), size);
      this.dataName.set(n, r.data);
      used.add(r.data);
    }
    if (r.target !== undefined) n.target = r.target;
    ids.set(r.id, n);
  }

  private install(tree: MemTree, parent: Node, name: string, n: Node): void {
    const dir = parent.dir;
    if (dir === undefined) throw new OverlayError("overlay manifest: entry in a non-directory");
    dir.remove(name);
    const shadows = dir.lowerPath !== undefined && tree.lower?.stat(childPath(dir.lowerPath, name)) !== undefined;
    tree.insert(parent, name, n, shadows);
  }

  // ---- flush ----

  /** Write the tree's upper layer (steps 1–3 above). */
  flush(tree: MemTree): void {
    const gen = this.generation + 1;
    const records: OverlayRecord[] = [];
    const ids = new Map<Node, number>();
    const written: [Node, string][] = [];
    const used = new Set<string>();
    const record = (n: Node, p: string): void => {
      const id = ids.get(n);
      if (id !== undefined) {
        records.push({ p, link: id });
        return;
      }
      const r = this.nodeRecord(n, p, ids.size + 1, gen, written);
      ids.set(n, r.id);
      if (r.data !== undefined) used.add(r.data);
      records.push(r);
    };
    if (tree.root.copied) record(tree.root, "");
    this.visit(tree.root, "", record, records);
    const m: Manifest = { version: VERSION, generation: gen, records };
    const tmp = join(this.dir, `${MANIFEST}.tmp`);
    writeDurably(tmp, Buffer.from(JSON.stringify(m)));
    renameSync(tmp, join(this.dir, MANIFEST));
    syncDir(this.dir);
    this.generation = gen;
    // The contents now live in the data files: memory pages go.
    for (const [n, name] of written) {
      n.data?.rebase(new HostFile(Buffer.from(join(this.dataDir, name)), Math.ceil((n.data?.size ?? 0) / 512)));
      this.dataName.set(n, name);
    }
    this.collect(used);
  }

  private visit(d: Node, path: string, record: (n: Node, p: string) => void, records: OverlayRecord[]): void {
    const dir = d.dir;
    if (dir === undefined) return;
    for (const w of dir.whiteouts) records.push({ p: join2(path, w), w: true });
    for (const e of [...dir.entries.values()]) {
      const n = e.node;
      if (n === undefined) continue;
      const p = join2(path, e.name);
      const expected = dir.lowerPath === undefined ? undefined : childPath(dir.lowerPath, e.name);
      const moved = n.lower !== undefined && (expected === undefined || !n.lower.path.equals(expected));
      const data = n.type === NodeType.Reg && (n.data?.dirty === true || this.dataName.has(n));
      if (n.copied || n.lower === undefined || moved || data) record(n, p);
      if (n.isDir) this.visit(n, p, record, records);
    }
  }

  private nodeRecord(n: Node, p: string, id: number, gen: number, written: [Node, string][]): NodeRecord {
    const r: NodeRecord = {
      p, id, ino: n.ino, type: n.type, perm: n.perm, uid: n.uid, gid: n.gid, nlink: n.nlink, rdev: n.rdev,
      atime: n.atime, mtime: n.mtime, ctime: n.ctime, btime: n.btime,
    };
    if (n.lower !== undefined) r.lower = n.lower.path.toString("latin1");
    if (n.type === NodeType.Reg && n.data !== undefined) {
      r.size = n.data.size;
      if (n.data.dirty) {
        const name = `${gen}-${n.ino}`;
        this.writeData(n.data, name);
        written.push([n, name]);
        r.data = name;
      } else {
        const name = this.dataName.get(n);
        if (name !== undefined) r.data = name;
      }
    }
    if (n.type === NodeType.Lnk && n.target !== undefined) r.target = n.target;
    if (n.xattrs !== undefined && n.xattrs.size > 0) {
      r.xattrs = Object.fromEntries([...n.xattrs].map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
    }
    return r;
  }

  private writeData(data: FileData, name: string): void {
    const fd = openSync(join(this.dataDir, name), "wx", 0o600);
    try {
      for (let pos = 0; pos < data.size; pos += CHUNK) {
        const b = data.read(pos, CHUNK);
        for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Delete data files that no manifest names (superseded ones, and a crashed flush's). */
  private collect(used: Set<string>): void {
    for (const f of readdirSync(this.dataDir)) if (!used.has(f)) rmSync(join(this.dataDir, f), { force: true });
  }
}

function join2(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

function writeDurably(path: string, bytes: Buffer): void {
  const fd = openSync(path, "w", 0o600);
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
