// Extended attributes: get/set/list/remove, each by path (following links), by path without
// following (l*), and by descriptor (f*). Names and sizes are checked here as Linux's
// fs/xattr.c does (ERANGE for an empty or over-long name, E2BIG for a value over 64 KiB,
// EOPNOTSUPP for a name outside the user/trusted/security/system namespaces); what a file system
// supports is its server's answer (ENOTSUP, ENODATA).

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { asJson } from "../../servers/fs/iface.js";
import { E } from "../errno.js";
import { fsc } from "../vfs/fs-call.js";
import type { PNode } from "../vfs/pnode.js";
import { AT_FDCWD } from "../vfs/vfs.js";
import { credOf, gm, intArg, pathArg, writableMount } from "./fs-common.js";
import { argAddr, readCBytes, readGuest, SysError, writeGuest } from "./guest-mem.js";

const XATTR_NAME_MAX = 255, XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;
const XATTR_CREATE = 1, XATTR_REPLACE = 2;
const NAMESPACES = ["user.", "trusted.", "security.", "system."];

/** How an xattr call names its file: a path (following or not) or a descriptor. */
type By = "path" | "lpath" | "fd";

function* target(ctx: SysContext, by: By, a: number[]): Generator<Block, PNode, unknown> {
  if (by === "fd") {
    const f = ctx.vfs.file(intArg(a, 0));
    if (f.kind === "path" || f.node === undefined) throw new SysError(E.EBADF);
    return f.node;
  }
  return (yield* ctx.vfs.lookupAt(ctx.k, credOf(ctx), AT_FDCWD, pathArg(ctx, 0), by === "path")).node;
}

/** The attribute name argument: ERANGE when empty or longer than 255 bytes. */
function nameArg(ctx: SysContext, i: number): string {
  const m = gm(ctx);
  let b: Uint8Array;
  try {
    b = readCBytes(m, argAddr(m, i), XATTR_NAME_MAX + 1);
  } catch (e) {
    if (e instanceof SysError && e.errno === E.ENAMETOOLONG) throw new SysError(E.ERANGE);
    throw e;
  }
  if (b.length === 0) throw new SysError(E.ERANGE);
  const name = new TextDecoder().decode(b);
  if (!NAMESPACES.some((p) => name.startsWith(p) && name.length > p.length)) throw new SysError(E.EOPNOTSUPP);
  return name;
}

function getxattr(by: By): Handler {
  return function* (ctx, a): Pending {
    const n = yield* target(ctx, by, a);
    const name = nameArg(ctx, 1);
    const m = gm(ctx);
    const buf = argAddr(m, 2), size = Math.min(argAddr(m, 3), XATTR_SIZE_MAX);
    const value = yield* fsc(ctx.vfs.stubs.tree(ctx.k, n.mnt.root).getxattr(n.ino, name));
    if (argAddr(m, 3) === 0) return value.length;
    if (value.length > size) return -E.ERANGE;
    writeGuest(m, buf, value);
    return value.length;
  };
}

function setxattr(by: By): Handler {
  return function* (ctx, a): Pending {
    const m = gm(ctx);
    const flags = a[4] >>> 0;
    if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) !== 0) return -E.EINVAL;
    const name = nameArg(ctx, 1);
    const size = argAddr(m, 3);
    if (size > XATTR_SIZE_MAX) return -E.E2BIG;
    const value = size === 0 ? new Uint8Array(0) : readGuest(m, argAddr(m, 2), size);
    const n = yield* target(ctx, by, a);
    writableMount(n);
    yield* fsc(ctx.vfs.stubs.tree(ctx.k, n.mnt.root).setxattr(n.ino, name, value, flags, asJson(credOf(ctx))));
    return 0;
  };
}

function listxattr(by: By): Handler {
  return function* (ctx, a): Pending {
    const n = yield* target(ctx, by, a);
    const m = gm(ctx);
    const buf = argAddr(m, 1), size = argAddr(m, 2);
    const names = (yield* fsc(ctx.vfs.stubs.tree(ctx.k, n.mnt.root).listxattr(n.ino))) as unknown as string[];
    const enc = new TextEncoder();
    const parts = names.map((s) => enc.encode(s + "\0"));
    const total = parts.reduce((t, p) => t + p.length, 0);
    if (total > XATTR_LIST_MAX) return -E.E2BIG;
    if (size === 0) return total;
    if (total > size) return -E.ERANGE;
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    writeGuest(m, buf, out);
    return total;
  };
}

function removexattr(by: By): Handler {
  return function* (ctx, a): Pending {
    const n = yield* target(ctx, by, a);
    writableMount(n);
    const name = nameArg(ctx, 1);
    yield* fsc(ctx.vfs.stubs.tree(ctx.k, n.mnt.root).removexattr(n.ino, name, asJson(credOf(ctx))));
    return 0;
  };
}

export const XATTR_CALLS: Record<string, Handler> = {
  getxattr: getxattr("path"), lgetxattr: getxattr("lpath"), fgetxattr: getxattr("fd"),
  setxattr: setxattr("path"), lsetxattr: setxattr("lpath"), fsetxattr: setxattr("fd"),
  listxattr: listxattr("path"), llistxattr: listxattr("lpath"), flistxattr: listxattr("fd"),
  removexattr: removexattr("path"), lremovexattr: removexattr("lpath"), fremovexattr: removexattr("fd"),
};
