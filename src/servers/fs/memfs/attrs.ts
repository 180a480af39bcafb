// Attribute changes of a memory file system's nodes, as Linux's notify_change/setattr_prepare
// make them: chmod, chown, truncate and utimens with their permission checks and side effects
// (set-user-ID and set-group-ID cleared on chown, on truncate and write by non-root, and
// set-group-ID on chmod by a non-member), and the extended attributes of tmpfs (user.*,
// trusted.*, security.*, kept in memory; system.* is not supported).

import { NodeType, type Attr, type Cred, type SetAttr, type Time } from "../iface.js";
import { Errno, fail } from "../errno.js";
import { XATTR_CREATE, XATTR_REPLACE } from "../ops.js";
import { MAX_FILE_SIZE } from "./data.js";
import { PERM_MASK, S_ISGID, S_ISUID, S_ISVTX, S_IXGRP, type Node } from "./node.js";
import { MAY_WRITE, chgrpOk, chownOk, inGroup, isRoot, ownerOrCapable, permission } from "./perm.js";
import type { MemTree } from "./tree.js";

/** Clear set-user-ID, and set-group-ID when group-executable (should_remove_suid); true if any. */
export function killPrivs(n: Node, cred: Cred): boolean {
  if (n.type !== NodeType.Reg || isRoot(cred)) return false;
  let perm = n.perm & ~S_ISUID;
  if ((perm & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) perm &= ~S_ISGID;
  if (perm === n.perm) return false;
  n.perm = perm;
  return true;
}

/**
 * Truncate a regular file to `size`: privileges killed unless root; mtime and ctime set when
 * the size changes, or always (`always`: ftruncate and O_TRUNC, which pass ATTR_MTIME|ATTR_CTIME).
 */
export function truncateFile(t: MemTree, n: Node, size: number, cred: Cred, always: boolean): void {
  const data = n.data;
  if (data === undefined) fail(Errno.EINVAL, "truncate of a non-regular file");
  if (!Number.isInteger(size) || size < 0) fail(Errno.EINVAL, "negative size");
  if (size > MAX_FILE_SIZE) fail(Errno.EFBIG);
  const old = data.size;
  const killed = killPrivs(n, cred);
  data.truncate(size);
  if (always || size !== old) t.changed(n, true);
  else if (killed) t.changed(n, false);
}

function isTime(v: unknown): v is Time {
  return Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && Number.isInteger(v[1]) && v[1] >= 0 && v[1] < 1e9;
}

export function setattr(t: MemTree, ino: number, set: SetAttr, cred: Cred): Attr {
  const n = t.node(ino);
  t.writable();
  // Decode: every check before any change (setattr_prepare's order).
  if (set.size !== undefined) {
    if (n.isDir) fail(Errno.EISDIR);
    if (n.type !== NodeType.Reg) fail(Errno.EINVAL, "truncate of a non-regular file");
    permission(n, cred, MAY_WRITE);
    if (!Number.isInteger(set.size) || set.size < 0) fail(Errno.EINVAL);
    if (set.size > MAX_FILE_SIZE) fail(Errno.EFBIG);
  }
  if (set.uid !== undefined && !chownOk(n, cred, set.uid)) fail(Errno.EPERM, "chown");
  if (set.gid !== undefined && !chgrpOk(n, cred, set.gid)) fail(Errno.EPERM, "chgrp");
  if (set.mode !== undefined) {
    if (n.type === NodeType.Lnk) fail(Errno.EOPNOTSUPP, "chmod of a symbolic link");
    if (!ownerOrCapable(n, cred)) fail(Errno.EPERM, "chmod");
  }
  const times = [set.atime, set.mtime].filter((x) => x !== undefined);
  for (const x of times) if (x !== "now" && !isTime(x)) fail(Errno.EINVAL, "bad time");
  if (times.some((x) => x !== "now")) {
    if (!ownerOrCapable(n, cred)) fail(Errno.EPERM, "utimens");
  } else if (times.length > 0 && !ownerOrCapable(n, cred)) permission(n, cred, MAY_WRITE);
  // Invoke.
  if (set.size !== undefined) truncateFile(t, n, set.size, cred, false);
  const now = t.now();
  let changed = false;
  if (set.uid !== undefined || set.gid !== undefined) {
    if (set.uid !== undefined) n.uid = set.uid;
    if (set.gid !== undefined) n.gid = set.gid;
    if (!n.isDir) {
      // chown_common: ATTR_KILL_SUID | ATTR_KILL_SGID for non-directories, root included.
      n.perm &= ~S_ISUID;
      if ((n.perm & S_IXGRP) !== 0) n.perm &= ~S_ISGID;
    }
    changed = true;
  }
  if (set.mode !== undefined) {
    let perm = set.mode & PERM_MASK;
    if (!isRoot(cred) && !inGroup(cred, n.gid)) perm &= ~S_ISGID;
    n.perm = perm;
    changed = true;
  }
  if (set.atime !== undefined) n.atime = set.atime === "now" ? now : set.atime;
  if (set.mtime !== undefined) n.mtime = set.mtime === "now" ? now : set.mtime;
  if (times.length > 0) changed = true;
  if (changed) t.changed(n, false);
  return n.attr();
}

// ---- extended attributes ----

const XATTR_NAME_MAX = 255;
const XATTR_SIZE_MAX = 65536;
const NAMESPACES = ["user.", "trusted.", "security."];

/** The name's namespace prefix (ERANGE for an empty or too long name, EOPNOTSUPP for others). */
function namespaceOf(name: string): string {
  if (name.length === 0 || name.length > XATTR_NAME_MAX) fail(Errno.ERANGE, "xattr name length");
  for (const p of NAMESPACES) {
    if (name.startsWith(p)) {
      if (name.length === p.length) fail(Errno.EINVAL, "xattr name without a suffix");
      return p;
    }
  }
  return "";
}

/** xattr_permission for a change. */
function mayChangeXattr(n: Node, ns: string, cred: Cred): void {
  if (ns === "trusted.") {
    if (!isRoot(cred)) fail(Errno.EPERM, "trusted.* needs CAP_SYS_ADMIN");
    return;
  }
  if (ns === "user.") {
    if (n.type !== NodeType.Reg && n.type !== NodeType.Dir) fail(Errno.EPERM, "user.* only on files and directories");
    if (n.isDir && (n.perm & S_ISVTX) !== 0 && !ownerOrCapable(n, cred)) fail(Errno.EPERM, "sticky directory");
  }
  permission(n, cred, MAY_WRITE);
}

export function getxattr(t: MemTree, ino: number, name: string): Uint8Array {
  const n = t.node(ino);
  const ns = namespaceOf(name);
  if (ns === "") fail(Errno.EOPNOTSUPP, "xattr namespace");
  const v = n.xattrs?.get(name);
  if (v === undefined) fail(Errno.ENODATA);
  return v.slice();
}

export function listxattr(t: MemTree, ino: number): string[] {
  const n = t.node(ino);
  return [...(n.xattrs?.keys() ?? [])].sort((a, b) => Buffer.compare(Buffer.from(a, "latin1"), Buffer.from(b, "latin1")));
}

export function setxattr(t: MemTree, ino: number, name: string, value: Uint8Array, flags: number, cred: Cred): void {
  if ((flags & ~(XATTR_CREATE | XATTR_REPLACE)) !== 0) fail(Errno.EINVAL, "xattr flags");
  const n = t.node(ino);
  const ns = namespaceOf(name);
  if (value.length > XATTR_SIZE_MAX) fail(Errno.E2BIG);
  t.writable();
  mayChangeXattr(n, ns, cred);
  if (ns === "") fail(Errno.EOPNOTSUPP, "xattr namespace");
  const has = n.xattrs?.has(name) ?? false;
  if ((flags & XATTR_CREATE) !== 0 && has) fail(Errno.EEXIST);
  if ((flags & XATTR_REPLACE) !== 0 && !has) fail(Errno.ENODATA);
  (n.xattrs ??= new Map()).set(name, value.slice());
  t.changed(n, false);
}

export function removexattr(t: MemTree, ino: number, name: string, cred: Cred): void {
  const n = t.node(ino);
  const ns = namespaceOf(name);
  t.writable();
  mayChangeXattr(n, ns, cred);
  if (ns === "") fail(Errno.EOPNOTSUPP, "xattr namespace");
  if (n.xattrs?.delete(name) !== true) fail(Errno.ENODATA);
  t.changed(n, false);
}
