// A file system as a PPC server: FileSystemIface's methods on one processor, over the file
// system's one shared state (its FileSystemOps and its table of open files). Requests are
// decoded here (credentials and attribute changes checked as data, EINVAL when malformed) and
// carried out by the file system. Open files are handles made for the opening domain
// (clientData = the open-file number); a call through any other handle, or a number the table
// does not hold for that very handle, is EBADF. The server touches nothing of the kernel's:
// only its Server object (handles) and the call's context.

import { FileSystemIface, type Cred, type SetAttr, type Time } from "./iface.js";
import { OpenFlag } from "./iface.js";
import { Rights, type CallContext, type Impl, type ServerEnv } from "../../kernel/ppc/iface.js";
import type { Handle, Json } from "../../kernel/ppc/values.js";
import { Errno, fail } from "./errno.js";
import type { FileSystemOps, OpenFile } from "./ops.js";

/** Most entries one readdir returns (bounds the reply). */
export const MAX_READDIR = 1024;
/** Most supplementary groups a credential may carry (Linux NGROUPS_MAX). */
const NGROUPS_MAX = 65536;

interface OpenRecord {
  readonly file: OpenFile;
  /** Handles on the file (share() adds one, close() takes one): the file closes with the last. */
  readonly users: { n: number };
  /** The handle made for it: only a call through this very handle reaches the file. */
  readonly xh: number;
}

/** A file system's open files, shared by its dispatchers on every processor. */
export class OpenTable {
  private readonly files = new Map<number, OpenRecord>();
  private next = 1;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.files.size;
  }

  /** A free open-file number (never 0: the root handle's clientData). */
  number(): number {
    if (this.files.size >= this.capacity) fail(Errno.ENFILE, "file server's open-file table is full");
    while (this.next === 0 || this.files.has(this.next)) this.next = (this.next + 1) >>> 0;
    return this.next++;
  }

  set(no: number, r: OpenRecord): void {
    this.files.set(no, r);
  }

  /**
   * The open file a call came through, or EBADF. Only the owner holds rights on an open-file
   * handle (Close at least): another domain reaching a method that needs no right (fgetattr,
   * fsync) through it is refused here.
   */
  get(ctx: CallContext): OpenFile {
    return this.record(ctx).file;
  }

  /** The record of the open file a call came through, or EBADF. */
  record(ctx: CallContext): OpenRecord {
    const owner = (ctx.rights & Rights.Close) !== 0;
    const r = ctx.clientData === 0 || !owner ? undefined : this.files.get(ctx.clientData);
    if (r === undefined || r.xh !== ctx.handle.xh) fail(Errno.EBADF, "not an open file of this server");
    return r;
  }

  /** Close every open file (the machine stopped; their handles die with it). */
  closeAll(): void {
    for (const r of new Set([...this.files.values()].map((x) => x.file))) r.close();
    this.files.clear();
  }

  take(ctx: CallContext): OpenRecord {
    const r = this.record(ctx);
    this.files.delete(ctx.clientData);
    return r;
  }
}

const isId = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

/** The caller's credentials from the wire (EINVAL unless {uid, gid, groups}). */
export function parseCred(j: Json): Cred {
  if (j === null || typeof j !== "object" || Array.isArray(j)) fail(Errno.EINVAL, "credentials");
  const o = j as { readonly [k: string]: Json };
  const groups = o.groups;
  if (!isId(o.uid) || !isId(o.gid) || !Array.isArray(groups) || groups.length > NGROUPS_MAX || !groups.every(isId)) {
    fail(Errno.EINVAL, "credentials");
  }
  return { uid: o.uid, gid: o.gid, groups: groups as number[] };
}

function parseTime(v: Json | undefined): Time | "now" | undefined {
  if (v === undefined || v === "now") return v;
  if (Array.isArray(v) && v.length === 2 && Number.isSafeInteger(v[0]) && Number.isInteger(v[1]) && (v[1] as number) >= 0 && (v[1] as number) < 1e9) {
    return [v[0] as number, v[1] as number];
  }
  return fail(Errno.EINVAL, "time");
}

/** setattr's changes from the wire (EINVAL for anything else). */
export function parseSetAttr(j: Json): SetAttr {
  if (j === null || typeof j !== "object" || Array.isArray(j)) fail(Errno.EINVAL, "setattr");
  const o = j as { readonly [k: string]: Json };
  const out: SetAttr = {};
  for (const key of Object.keys(o)) {
    const v = o[key];
    switch (key) {
      case "mode": case "uid": case "gid":
        if (!isId(v)) fail(Errno.EINVAL, `setattr ${key}`);
        out[key] = v;
        break;
      case "size":
        if (typeof v !== "number" || !Number.isSafeInteger(v)) fail(Errno.EINVAL, "setattr size");
        out.size = v;
        break;
      case "atime": case "mtime":
        out[key] = parseTime(v);
        break;
      default:
        fail(Errno.EINVAL, `setattr ${key}`);
    }
  }
  return out;
}

const asJson = (v: unknown): Json => v as Json;

/** The rights an open-file handle carries: what the access mode allowed (O_PATH: close only). */
export function openRights(flags: number): number {
  if ((flags & OpenFlag.Path) !== 0) return Rights.Close;
  const acc = flags & OpenFlag.Access;
  let r = Rights.Close as number;
  if (acc === OpenFlag.RdOnly || acc === OpenFlag.RdWr) r |= Rights.Read;
  if (acc === OpenFlag.WrOnly || acc === OpenFlag.RdWr) r |= Rights.Write;
  return r;
}

/** One processor's dispatcher object for a file system (all of them share `ops` and `opens`). */
export class FileSystemServer implements Impl<typeof FileSystemIface> {
  constructor(
    private readonly ops: FileSystemOps,
    private readonly opens: OpenTable,
    private readonly env: ServerEnv,
  ) {}

  root(): number {
    return this.ops.rootIno();
  }
  statfs(): Json {
    return asJson(this.ops.statfs());
  }
  lookup(dir: number, name: string, cred: Json): Json {
    return asJson(this.ops.lookup(dir, name, parseCred(cred)));
  }
  getattr(ino: number): Json {
    return asJson(this.ops.getattr(ino));
  }
  setattr(ino: number, set: Json, cred: Json): Json {
    return asJson(this.ops.setattr(ino, parseSetAttr(set), parseCred(cred)));
  }
  readlink(ino: number): string {
    return this.ops.readlink(ino);
  }
  readdir(dir: number, cookie: number, max: number, cred: Json): Json {
    const c = parseCred(cred);
    return asJson(this.ops.readdir(dir, cookie, Math.min(Math.max(max, 1), MAX_READDIR), c));
  }
  create(dir: number, name: string, mode: number, exclusive: boolean, cred: Json): Json {
    return asJson(this.ops.create(dir, name, mode, exclusive, parseCred(cred)));
  }
  mkdir(dir: number, name: string, mode: number, cred: Json): Json {
    return asJson(this.ops.mkdir(dir, name, mode, parseCred(cred)));
  }
  mknod(dir: number, name: string, mode: number, rdev: number, cred: Json): Json {
    return asJson(this.ops.mknod(dir, name, mode, rdev, parseCred(cred)));
  }
  symlink(dir: number, name: string, target: string, cred: Json): Json {
    return asJson(this.ops.symlink(dir, name, target, parseCred(cred)));
  }
  link(ino: number, dir: number, name: string, cred: Json): Json {
    return asJson(this.ops.link(ino, dir, name, parseCred(cred)));
  }
  unlink(dir: number, name: string, cred: Json): void {
    this.ops.unlink(dir, name, parseCred(cred));
  }
  rmdir(dir: number, name: string, cred: Json): void {
    this.ops.rmdir(dir, name, parseCred(cred));
  }
  rename(olddir: number, oldname: string, newdir: number, newname: string, flags: number, cred: Json): void {
    this.ops.rename(olddir, oldname, newdir, newname, flags, parseCred(cred));
  }
  open(ino: number, flags: number, cred: Json, ctx: CallContext): Handle {
    const c = parseCred(cred);
    const no = this.opens.number();
    const file = this.ops.open(ino, flags, c);
    const h = this.env.createHandle(ctx.caller, openRights(flags), Rights.None, no);
    this.opens.set(no, { file, xh: h.xh, users: { n: 1 } });
    return h;
  }
  getxattr(ino: number, name: string): Uint8Array {
    return this.ops.getxattr(ino, name);
  }
  listxattr(ino: number): Json {
    return this.ops.listxattr(ino);
  }
  setxattr(ino: number, name: string, value: Uint8Array, flags: number, cred: Json): void {
    this.ops.setxattr(ino, name, value, flags, parseCred(cred));
  }
  removexattr(ino: number, name: string, cred: Json): void {
    this.ops.removexattr(ino, name, parseCred(cred));
  }

  // ---- one open file ----

  read(pos: number, count: number, ctx: CallContext): Uint8Array {
    return this.opens.get(ctx).read(pos, count);
  }
  write(pos: number, data: Uint8Array, append: boolean, ctx: CallContext): Json {
    return asJson(this.opens.get(ctx).write(pos, data, append));
  }
  fgetattr(ctx: CallContext): Json {
    return asJson(this.opens.get(ctx).getattr());
  }
  fsync(ctx: CallContext): void {
    this.opens.get(ctx).fsync();
  }
  close(ctx: CallContext): void {
    const r = this.opens.take(ctx);
    this.env.revoke(ctx.handle);
    if (--r.users.n === 0) r.file.close();
  }
  share(domain: number, ctx: CallContext): Handle {
    const r = this.opens.record(ctx);
    const no = this.opens.number();
    const h = this.env.createHandle(domain, ctx.rights, Rights.None, no);
    r.users.n++;
    this.opens.set(no, { file: r.file, xh: h.xh, users: r.users });
    return h;
  }
  ftruncate(size: number, ctx: CallContext): Json {
    return asJson(this.opens.get(ctx).truncate(size));
  }
}
