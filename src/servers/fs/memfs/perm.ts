// Permission checks as Linux makes them (fs/namei.c generic_permission, may_lookup,
// may_create, may_delete; fs/attr.c chown_ok/chgrp_ok; inode_init_owner), on the caller's
// credentials. Capabilities are uid 0's: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (read and
// write anything, search any directory; execute only what has an x bit somewhere), CAP_FOWNER
// (act as any file's owner), CAP_CHOWN, CAP_FSETID, CAP_MKNOD.

import { NodeType, type Cred } from "../iface.js";
import { MAY_EXEC, MAY_READ, MAY_WRITE, inGroup, mayAccess } from "../access.js";
import { Errno, fail } from "../errno.js";
import { S_ISGID, S_ISUID, S_ISVTX, S_IXGRP, type Node } from "./node.js";

export { MAY_EXEC, MAY_READ, MAY_WRITE, inGroup };

export function isRoot(c: Cred): boolean {
  return c.uid === 0;
}

/** May the caller access `n` for `mask` (MAY_READ | MAY_WRITE | MAY_EXEC)? (access.ts) */
export function allowed(n: Node, c: Cred, mask: number): boolean {
  return mayAccess({ mode: n.type | n.perm, uid: n.uid, gid: n.gid }, c, mask);
}

/** inode_permission: EACCES unless allowed. */
export function permission(n: Node, c: Cred, mask: number): void {
  if (!allowed(n, c, mask)) fail(Errno.EACCES);
}

/** inode_owner_or_capable: the owner, or CAP_FOWNER. */
export function ownerOrCapable(n: Node, c: Cred): boolean {
  return c.uid === n.uid || isRoot(c);
}

/** may_lookup: search permission on the directory (ENOTDIR for a non-directory). */
export function mayLookup(dir: Node, c: Cred): void {
  if (!dir.isDir) fail(Errno.ENOTDIR);
  permission(dir, c, MAY_EXEC);
}

/** may_create: the directory is still linked (ENOENT) and writable and searchable (EACCES). */
export function mayCreate(dir: Node, c: Cred): void {
  if (dir.nlink === 0) fail(Errno.ENOENT, "directory was removed");
  permission(dir, c, MAY_WRITE | MAY_EXEC);
}

/**
 * may_delete: write and search on the directory (EACCES), the sticky bit (EPERM unless the
 * caller owns the entry or the directory, or is root), and the entry's type against what the
 * call removes (rmdir a non-directory: ENOTDIR; unlink a directory: EISDIR).
 */
export function mayDelete(dir: Node, victim: Node, isdir: boolean, c: Cred): void {
  permission(dir, c, MAY_WRITE | MAY_EXEC);
  if ((dir.perm & S_ISVTX) !== 0 && c.uid !== victim.uid && c.uid !== dir.uid && !isRoot(c)) fail(Errno.EPERM, "sticky directory");
  if (isdir && !victim.isDir) fail(Errno.ENOTDIR);
  if (!isdir && victim.isDir) fail(Errno.EISDIR);
  if (dir.nlink === 0) fail(Errno.ENOENT);
}

/**
 * The owner of a new node (inode_init_owner): the caller's uid; the directory's group if the
 * directory is set-group-ID (a new directory inherits the bit), else the caller's group. A new
 * non-directory in such a directory loses set-group-ID (with group execute) unless the caller
 * is in that group or is root.
 */
export function newOwner(dir: Node, c: Cred, isDir: boolean, perm: number): { uid: number; gid: number; perm: number } {
  if ((dir.perm & S_ISGID) === 0) return { uid: c.uid, gid: c.gid, perm };
  const gid = dir.gid;
  if (isDir) return { uid: c.uid, gid, perm: perm | S_ISGID };
  if ((perm & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP) && !inGroup(c, gid) && !isRoot(c)) perm &= ~S_ISGID;
  return { uid: c.uid, gid, perm };
}

/** chown_ok: root, or the owner "changing" the uid to itself. */
export function chownOk(n: Node, c: Cred, uid: number): boolean {
  return isRoot(c) || (c.uid === n.uid && uid === n.uid);
}

/** chgrp_ok: root, or the owner changing the group to its own group or one it belongs to. */
export function chgrpOk(n: Node, c: Cred, gid: number): boolean {
  return isRoot(c) || (c.uid === n.uid && (gid === n.gid || inGroup(c, gid)));
}

/**
 * The protected_hardlinks check (may_linkat; fs.protected_hardlinks = 1, as systemd sets it):
 * a caller that does not own the file may link to it only if it is a regular file, not
 * set-user-ID, not executable set-group-ID, and readable and writable by the caller.
 */
export function mayLink(n: Node, c: Cred): boolean {
  if (ownerOrCapable(n, c)) return true;
  if (n.type !== NodeType.Reg) return false;
  if ((n.perm & S_ISUID) !== 0) return false;
  if ((n.perm & (S_ISGID | S_IXGRP)) === (S_ISGID | S_IXGRP)) return false;
  return allowed(n, c, MAY_READ | MAY_WRITE);
}
