// What mmap of a descriptor maps, from the descriptor layer: the open file's access mode, its
// mount's noexec, and what its file system can map — a regular file's pages through a pager
// over its server, /dev/zero as anonymous memory, anything else nothing (ENODEV).
//
// The shapes below are the file-mapping work's (kernel/mem/pager.ts FileSource and Pager,
// linux/sys/map-source.ts MapSource), repeated structurally so this layer does not depend on
// that branch; the integrator can replace them by imports.
//
// The pager is the file's, not the descriptor's (one page cache serves every later mapping of
// the file): it opens the file on its server itself, read-write where the mount allows it
// (read-only otherwise: write-back then fails with EROFS), with the superuser's credentials —
// the kernel's own access for paging, after mmap checked the descriptor's. The open file
// belongs to the domain of the thread that pages first (the kernel's page-in threads), and is
// closed by a thread of the same domain when the cache lets the pager go.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { PPCError } from "../../kernel/ppc/errors.js";
import type { Block } from "../../kernel/sched/thread.js";
import { FileSystemIface, NodeType, S_IFMT, asJson, type Attr, type FileSystemStub, type WriteResult } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { chunkFor, fsc } from "./fs-call.js";
import { fileAttr } from "./io.js";
import { O } from "./open-file.js";
import { MS_NOEXEC, MS_RDONLY, type PNode } from "./pnode.js";
import type { Vfs } from "./vfs.js";

/** kernel/mem/pager.ts Pager. */
export interface PagerLike {
  pageIn(offset: number, length: number): Generator<Block, Uint8Array | number, unknown>;
  pageOut(offset: number, bytes: Uint8Array): Generator<Block, number, unknown>;
  release?(): void;
}

/** kernel/mem/pager.ts FileSource: key (server, ino), label for /proc/PID/maps, size now, the pager. */
export interface FileSourceLike {
  readonly key: readonly [number, number];
  readonly label: { readonly dev: number; readonly ino: number; readonly path: string };
  readonly size: number;
  pager(): PagerLike;
}

/** linux/sys/map-source.ts MapSource. */
export interface MapSourceLike {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly noexec?: boolean;
  readonly maps: { readonly file: FileSourceLike } | "anonymous" | "none";
}

const DEV_ZERO = 1 << 8 | 5;

/** What descriptor `fd` maps (EBADF for none or an O_PATH descriptor). */
export function* mapSource(v: Vfs, k: Kernel, fd: number): Generator<Block, MapSourceLike | number, unknown> {
  const e = v.fds.get(fd);
  if (e === undefined || e.file.kind === "path") return -E.EBADF;
  const f = e.file;
  const base = { readable: f.readable, writable: f.writable, ...(f.node !== undefined && (f.node.mnt.flags & MS_NOEXEC) !== 0 ? { noexec: true } : {}) };
  if (f.kind !== "file" || f.node === undefined) return { ...base, maps: "none" };
  let a: Attr;
  try {
    a = yield* fileAttr(k, v, f);
  } catch (err) {
    if (err instanceof SysError) return -err.errno;
    throw err;
  }
  const type = a.mode & S_IFMT;
  if (type === NodeType.Chr && a.rdev === DEV_ZERO) return { ...base, maps: "anonymous" };
  if (type !== NodeType.Reg) return { ...base, maps: "none" };
  const node = f.node;
  const source: FileSourceLike = {
    key: [node.mnt.root.server, node.ino],
    label: { dev: node.mnt.dev, ino: a.ino, path: node.pathFrom(v.root) },
    size: a.size,
    pager: () => new ServerPager(k, node),
  };
  return { ...base, maps: { file: source } };
}

/**
 * mapSource for a caller that cannot wait (SysContext.mapSource as the file-mapping work
 * declares it): answers when the file's server answers at once — always in deterministic mode
 * and wherever the server has a dispatcher on this processor. A server that would make it wait
 * is a host bug here: the caller must use the generator form.
 */
export function mapSourceNow(v: Vfs, k: Kernel, fd: number): MapSourceLike | number {
  const g = mapSource(v, k, fd);
  const r = g.next();
  if (r.done !== true) {
    g.return(-E.EAGAIN);
    throw new Error("mapSourceNow: the file's server is on another processor; call mapSource (a generator) from mmap");
  }
  return r.value;
}

/** Pages of one file through its server (see the file comment). Lives on the processor that made it. */
class ServerPager implements PagerLike {
  private stub: FileSystemStub | undefined;
  private domain = 0;

  constructor(private readonly k: Kernel, private readonly node: PNode) {}

  private *open(): Generator<Block, FileSystemStub, unknown> {
    if (this.stub !== undefined) return this.stub;
    const k = this.k, n = this.node;
    const tree = k.ppc.stub(FileSystemIface, n.mnt.root);
    const root = asJson({ uid: 0, gid: 0, groups: [] });
    const access = (n.mnt.flags & MS_RDONLY) !== 0 ? O.RDONLY : O.RDWR;
    let h: Handle;
    try {
      h = yield* fsc(tree.open(n.ino, access, root));
    } catch (e) {
      if (!(e instanceof SysError) || access === O.RDONLY) throw e;
      h = yield* fsc(tree.open(n.ino, O.RDONLY, root)); // e.g. EROFS from the server itself
    }
    this.domain = k.ppc.currentDomain();
    this.stub = k.ppc.stub(FileSystemIface, h);
    return this.stub;
  }

  *pageIn(offset: number, length: number): Generator<Block, Uint8Array | number, unknown> {
    try {
      const stub = yield* this.open();
      const chunk = chunkFor(this.k, this.node.mnt.root.server);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const want = Math.min(chunk, length - done);
        const b = yield* fsc(stub.read(offset + done, want));
        out.set(b, done);
        done += b.length;
        if (b.length < want) break;
      }
      return out.subarray(0, done);
    } catch (e) {
      if (e instanceof SysError) return e.errno;
      throw e;
    }
  }

  *pageOut(offset: number, bytes: Uint8Array): Generator<Block, number, unknown> {
    try {
      const stub = yield* this.open();
      const chunk = chunkFor(this.k, this.node.mnt.root.server);
      for (let done = 0; done < bytes.length;) {
        const r = (yield* fsc(stub.write(offset + done, bytes.subarray(done, done + chunk), false))) as unknown as WriteResult;
        if (r.n === 0) return E.EIO;
        done += r.n;
      }
      return 0;
    } catch (e) {
      if (e instanceof SysError) return e.errno;
      throw e;
    }
  }

  release(): void {
    const stub = this.stub;
    if (stub === undefined) return;
    this.stub = undefined;
    // The open file is the opening domain's: a thread of that domain closes it.
    this.k.sched.spawn("pager close", (function* (): Generator<Block, void, unknown> {
      try {
        yield* stub.close();
      } catch (e) {
        // Nothing to tell: the cache is gone, and a server that lost the open file (a restart) let it go.
        if (!(e instanceof PPCError)) throw e;
      }
    })(), this.domain);
  }
}
