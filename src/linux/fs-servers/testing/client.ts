// A test client of one file server: its calls with one credential, as generators (`yield*`),
// and open files as objects. Tests only.

import type { Handle } from "../../../kernel/ppc/values.js";
import { FileSystemIface, OpenFlag, type Attr, type Cred, type DirPage, type Dirent, type FileSystemStub, type SetAttr, type StatFs, type WriteResult } from "../../../servers/fs/iface.js";
import { cj, type Client, type Gen } from "./harness.js";

const enc = (s: string): Uint8Array => Buffer.from(s, "latin1");

export class OpenF {
  constructor(readonly h: Handle, readonly s: FileSystemStub) {}
  *read(pos: number, count: number): Gen<Uint8Array> {
    return yield* this.s.read(pos, count);
  }
  *text(pos = 0, count = 1 << 20): Gen<string> {
    return Buffer.from(yield* this.s.read(pos, count)).toString("latin1");
  }
  *write(pos: number, data: Uint8Array | string, append = false): Gen<WriteResult> {
    return (yield* this.s.write(pos, typeof data === "string" ? enc(data) : data, append)) as unknown as WriteResult;
  }
  *attr(): Gen<Attr> {
    return (yield* this.s.fgetattr()) as unknown as Attr;
  }
  *truncate(size: number): Gen<Attr> {
    return (yield* this.s.ftruncate(size)) as unknown as Attr;
  }
  *close(): Gen {
    yield* this.s.close();
  }
}

export class FsClient {
  constructor(readonly c: Client, readonly fs: FileSystemStub, readonly cred: Cred) {}

  as(cred: Cred): FsClient {
    return new FsClient(this.c, this.fs, cred);
  }

  *root(): Gen<number> {
    return yield* this.fs.root();
  }
  *statfs(): Gen<StatFs> {
    return (yield* this.fs.statfs()) as unknown as StatFs;
  }
  *lookup(dir: number, name: string): Gen<Attr> {
    return (yield* this.fs.lookup(dir, name, cj(this.cred))) as unknown as Attr;
  }
  *getattr(ino: number): Gen<Attr> {
    return (yield* this.fs.getattr(ino)) as unknown as Attr;
  }
  /** Walk `p` ("a/b") from the root by lookups (links are not followed). */
  *path(p: string): Gen<Attr> {
    let a = yield* this.getattr(yield* this.root());
    for (const c of p.split("/").filter((x) => x !== "")) a = yield* this.lookup(a.ino, c);
    return a;
  }
  *create(dir: number, name: string, mode = 0o644, exclusive = true): Gen<Attr> {
    return (yield* this.fs.create(dir, name, mode, exclusive, cj(this.cred))) as unknown as Attr;
  }
  *mkdir(dir: number, name: string, mode = 0o755): Gen<Attr> {
    return (yield* this.fs.mkdir(dir, name, mode, cj(this.cred))) as unknown as Attr;
  }
  *mknod(dir: number, name: string, mode: number, rdev = 0): Gen<Attr> {
    return (yield* this.fs.mknod(dir, name, mode, rdev, cj(this.cred))) as unknown as Attr;
  }
  *symlink(dir: number, name: string, target: string): Gen<Attr> {
    return (yield* this.fs.symlink(dir, name, target, cj(this.cred))) as unknown as Attr;
  }
  *readlink(ino: number): Gen<string> {
    return yield* this.fs.readlink(ino);
  }
  *link(ino: number, dir: number, name: string): Gen<Attr> {
    return (yield* this.fs.link(ino, dir, name, cj(this.cred))) as unknown as Attr;
  }
  *unlink(dir: number, name: string): Gen {
    yield* this.fs.unlink(dir, name, cj(this.cred));
  }
  *rmdir(dir: number, name: string): Gen {
    yield* this.fs.rmdir(dir, name, cj(this.cred));
  }
  *rename(od: number, on: string, nd: number, nn: string, flags = 0): Gen {
    yield* this.fs.rename(od, on, nd, nn, flags, cj(this.cred));
  }
  *setattr(ino: number, set: SetAttr): Gen<Attr> {
    return (yield* this.fs.setattr(ino, set as never, cj(this.cred))) as unknown as Attr;
  }
  *open(ino: number, flags = OpenFlag.RdOnly): Gen<OpenF> {
    const h = yield* this.fs.open(ino, flags, cj(this.cred));
    return new OpenF(h, this.c.k.ppc.stub(FileSystemIface, h));
  }
  *readdir(dir: number, cookie: number, max: number): Gen<DirPage> {
    return (yield* this.fs.readdir(dir, cookie, max, cj(this.cred))) as unknown as DirPage;
  }
  /** Every entry of `dir`, by pages of `page`. */
  *list(dir: number, page = 3): Gen<Dirent[]> {
    const out: Dirent[] = [];
    let cookie = 0;
    for (;;) {
      const p = yield* this.readdir(dir, cookie, page);
      out.push(...p.entries);
      if (p.entries.length > 0) cookie = p.entries[p.entries.length - 1][3];
      if (p.eof) return out;
      if (p.entries.length === 0) throw new Error("readdir: no entries and not eof");
    }
  }
  /** Names of `dir` without "." and "..". */
  *names(dir: number): Gen<string[]> {
    return (yield* this.list(dir)).map((e) => e[0]).filter((n) => n !== "." && n !== "..");
  }
  *writeFile(dir: number, name: string, text: string, mode = 0o644): Gen<Attr> {
    const a = yield* this.create(dir, name, mode, false);
    const f = yield* this.open(a.ino, OpenFlag.WrOnly | OpenFlag.Trunc);
    if (text.length > 0) yield* f.write(0, text);
    yield* f.close();
    return yield* this.getattr(a.ino);
  }
  *readFile(ino: number): Gen<string> {
    const f = yield* this.open(ino, OpenFlag.RdOnly);
    const s = yield* f.text();
    yield* f.close();
    return s;
  }
}
