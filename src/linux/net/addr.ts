// struct sockaddr_un in and out of the guest, and the names it gives: an abstract name
// (sun_path[0] == 0: the exact bytes given), a path (a node of type socket made through the
// file servers by bind, found through the tree by connect and sendto), or nothing but the
// family (bind's autobind; an unnamed socket's getsockname).

import type { Block } from "../../kernel/sched/thread.js";
import { NodeType, S_IFMT, asJson } from "../../servers/fs/iface.js";
import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { credOf, gm } from "../sys/fs-common.js";
import { readGuest, Struct, SysError, writeGuest } from "../sys/guest-mem.js";
import { fsc } from "../vfs/fs-call.js";
import { MAY_WRITE, permits } from "../vfs/perm.js";
import { AT_FDCWD } from "../vfs/vfs.js";
import { AF_UNIX, SOCKADDR_UN, SUN_PATH } from "./abi.js";
import { abstractName, pathName, type SocketSpace, type UnixName, type UnixSocket } from "./unix.js";

/** A sockaddr_un as given: abstract bytes, a path, or the family alone. */
export type UnixAddr =
  | { readonly kind: "abstract"; readonly bytes: Uint8Array }
  | { readonly kind: "path"; readonly path: Uint8Array }
  | { readonly kind: "family" };

/** sockaddr_storage's size: move_addr_to_kernel refuses longer addresses. */
const SOCKADDR_STORAGE = 128;

/** The raw address at `va` (`len` bytes): EINVAL for a length past sockaddr_storage, EFAULT. */
export function readSockaddr(ctx: SysContext, va: number, len: number): Uint8Array {
  if (len < 0 || len > SOCKADDR_STORAGE) throw new SysError(E.EINVAL);
  return len === 0 ? new Uint8Array(0) : readGuest(gm(ctx), va, len);
}

/** The family of a raw address (sa_family, a u16 in the process's byte order), or -1 when too short. */
export function familyOf(ctx: SysContext, raw: Uint8Array): number {
  return raw.length < 2 ? -1 : new Struct(raw, ctx.image.le).dv.getUint16(0, ctx.image.le);
}

/** unix_validate_addr and the name's form: EINVAL for another family, a short or long address. */
export function parseUnix(ctx: SysContext, raw: Uint8Array): UnixAddr {
  if (raw.length < 2 || familyOf(ctx, raw) !== AF_UNIX || raw.length > SOCKADDR_UN) throw new SysError(E.EINVAL);
  if (raw.length === SUN_PATH) return { kind: "family" };
  const sun = raw.subarray(SUN_PATH);
  if (sun[0] === 0) return { kind: "abstract", bytes: sun };
  const nul = sun.indexOf(0);
  return { kind: "path", path: nul < 0 ? sun : sun.subarray(0, nul) };
}

const dec = new TextDecoder();

/** The node key of a path (server and inode, as FIFOs are keyed). */
const nodeKey = (server: number, ino: number): string => `${server}:${ino}`;

/**
 * bind to a path (unix_bind_bsd): a socket node made with mode 0777 less the umask (EADDRINUSE
 * when the name exists); then EINVAL if the socket had a name already (the node goes again).
 */
export function* bindPath(ctx: SysContext, space: SocketSpace, s: UnixSocket, path: Uint8Array): Generator<Block, void, unknown> {
  const v = ctx.vfs, k = ctx.k, cred = credOf(ctx);
  const w = yield* v.walk(k, cred);
  const p = yield* w.parent(yield* v.dirStart(w, AT_FDCWD, dec.decode(path)), dec.decode(path));
  if (p.name === "" || p.name === "." || p.name === "..") throw new SysError(E.EADDRINUSE);
  if ((p.dir.mnt.flags & 1) !== 0) throw new SysError(E.EROFS);
  const fs = v.stubs.tree(k, p.dir.mnt.root);
  try {
    yield* fsc(fs.mknod(p.dir.ino, p.name, (NodeType.Sock | (0o777 & ~v.umask)) >>> 0, 0, asJson(cred)));
  } catch (e) {
    if (e instanceof SysError && e.errno === E.EEXIST) throw new SysError(E.EADDRINUSE);
    throw e;
  }
  const found = yield* w.child(p.dir, p.name);
  if (s.name !== undefined) {
    yield* fsc(fs.unlink(p.dir.ino, p.name, asJson(cred)));
    throw new SysError(E.EINVAL);
  }
  space.bind(s, pathName(path, nodeKey(found.node.mnt.root.server, found.node.ino)));
}

/**
 * The socket an address names (unix_find_other): a path through the tree (ENOENT and the walk's
 * errors; EACCES without write permission; ECONNREFUSED for a node that is not a socket or has
 * no socket bound), an abstract name (ECONNREFUSED when unbound). EPROTOTYPE for another type.
 */
export function* findPeer(ctx: SysContext, space: SocketSpace, a: UnixAddr, type: number): Generator<Block, UnixSocket, unknown> {
  let key: string;
  if (a.kind === "family") throw new SysError(E.EINVAL);
  if (a.kind === "abstract") key = abstractName(a.bytes, type).key;
  else {
    const f = yield* ctx.vfs.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, dec.decode(a.path), true);
    if (!permits(f.attr, credOf(ctx), MAY_WRITE)) throw new SysError(E.EACCES);
    if ((f.attr.mode & S_IFMT) !== NodeType.Sock) throw new SysError(E.ECONNREFUSED);
    key = `node:${nodeKey(f.node.mnt.root.server, f.node.ino)}`;
  }
  const s = space.find(key);
  if (s === undefined || s.dead) throw new SysError(E.ECONNREFUSED);
  if (s.type !== type) throw new SysError(E.EPROTOTYPE);
  return s;
}

/** A name as a sockaddr_un's bytes (the family and sun_path; the family alone for none). */
export function sockaddrOf(ctx: SysContext, n: UnixName | Uint8Array | undefined): Uint8Array {
  const bytes = n === undefined ? new Uint8Array(0) : n instanceof Uint8Array ? n : n.bytes;
  const out = new Struct(SUN_PATH + bytes.length, ctx.image.le);
  out.u16(0, AF_UNIX);
  out.b.set(bytes, SUN_PATH);
  return out.b;
}

/**
 * move_addr_to_user: at most *lenp bytes of `addr` to `va`, and its real length to *lenp
 * (EINVAL for a negative length). Nothing when `va` is NULL.
 */
export function putSockaddr(ctx: SysContext, addr: Uint8Array, va: number, lenp: number): void {
  if (va === 0 || lenp === 0) return;
  const m = gm(ctx);
  const len = new Struct(readGuest(m, lenp, 4), m.le).getI32(0);
  if (len < 0) throw new SysError(E.EINVAL);
  const n = Math.min(len, addr.length);
  if (n > 0) writeGuest(m, va, addr.subarray(0, n));
  writeGuest(m, lenp, new Struct(4, m.le).i32(0, addr.length).b);
}
