// What mmap of a descriptor maps, from the descriptor layer: the open file's access mode, its
// mount's noexec, and what its file system can map — a regular file's pages through a pager
// over its server, /dev/zero as anonymous memory, anything else nothing (ENODEV).
//
// The shapes are the file mappings' (kernel/mem/pager.ts FileSource and Pager,
// linux/sys/map-source.ts MapSource).
//
// The pager is the file's, not the descriptor's (one page cache serves every later mapping of
// the file): it opens the file on its server itself, read-write where the mount allows it
// (read-only otherwise: write-back then fails with EROFS), with the superuser's credentials —
// the kernel's own access for paging, after mmap checked the descriptor's. An open file belongs
// to the domain that opened it, so the pager opens the file once per domain that pages (the
// kernel's page-in threads, the process during msync), and threads of those domains close them
// when the cache lets the pager go.

import type { Kernel } from "../../kernel/kernel.js";
import type { Handle } from "../../kernel/ppc/values.js";
import { PPCError } from "../../kernel/ppc/errors.js";
import type { Block } from "../../kernel/sched/thread.js";
import { FileSystemIface, NodeType, S_IFMT, asJson, type Attr, type FileSystemStub, type WriteResult } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import type { FileSource, Pager } from "../../kernel/mem/pager.js";
import type { MapSource } from "../sys/map-source.js";
import { SysError } from "../sys/guest-mem.js";
import { chunkFor, fsc } from "./fs-call.js";
import { fileAttr } from "./io.js";
import { O } from "./open-file.js";
import { MS_NOEXEC, MS_RDONLY, type PNode } from "./pnode.js";
import type { Vfs } from "./vfs.js";

const DEV_ZERO = 1 << 8 | 5;

/** What descriptor `fd` maps (EBADF for none or an O_PATH descriptor). */
export function* mapSource(v: Vfs, k: Kernel, fd: number): Generator<Block, MapSource | number, unknown> {
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
  const source: FileSource = {
    key: [node.mnt.root.server, node.ino],
    label: { dev: node.mnt.dev, ino: a.ino, path: node.pathFrom(v.root) },
    size: a.size,
    pager: () => new ServerPager(k, node),
  };
  return { ...base, maps: { file: source } };
}

/**
 * Pages of one file through its server (see the file comment). Lives on the processor that made
 * it. An open file belongs to the domain that opened it, and page-ins and write-backs may run
 * in different domains (a kernel thread's, the process's during msync): the pager opens the file
 * once per domain that pages.
 */
class ServerPager implements Pager {
  private readonly opens = new Map<number, FileSystemStub>();

  constructor(private readonly k: Kernel, private readonly node: PNode) {}

  private *open(): Generator<Block, FileSystemStub, unknown> {
    const k = this.k, n = this.node;
    const domain = k.ppc.currentDomain();
    const have = this.opens.get(domain);
    if (have !== undefined) return have;
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
    const stub = k.ppc.stub(FileSystemIface, h);
    this.opens.set(domain, stub);
    return stub;
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
    // Each open file is its domain's: a thread of that domain closes it.
    for (const [domain, stub] of this.opens) {
      this.k.sched.spawn("pager close", (function* (): Generator<Block, void, unknown> {
        try {
          yield* stub.close();
        } catch (e) {
          // Nothing to tell: the cache is gone, and a server that lost the open file (a restart) let it go.
          if (!(e instanceof PPCError)) throw e;
        }
      })(), domain);
    }
    this.opens.clear();
  }
}
