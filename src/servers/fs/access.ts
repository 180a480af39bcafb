// Linux's generic_permission on attributes: may a caller with `cred` read, write or execute
// (search, for a directory) a node with these mode bits and owner? uid 0 holds
// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH: everything on directories, read and write on the
// rest, and execute only when some x bit is set. The file servers check with it; the
// personality may too (access/faccessat, execve) on attributes it got from getattr.

import { NodeType, S_IFMT, type Cred } from "./iface.js";

export const MAY_EXEC = 1;
export const MAY_WRITE = 2;
export const MAY_READ = 4;

/** in_group_p: the caller's group or one of its supplementary groups. */
export function inGroup(c: Cred, gid: number): boolean {
  return c.gid === gid || c.groups.includes(gid);
}

/** The mode bits allow `mask` (MAY_*) to `c`, capabilities aside (owner, else group, else other). */
export function modeAllows(mode: number, uid: number, gid: number, c: Cred, mask: number): boolean {
  let bits = mode;
  if (c.uid === uid) bits >>= 6;
  else if (inGroup(c, gid)) bits >>= 3;
  return (mask & ~bits & 7) === 0;
}

/** generic_permission: `mode` is st_mode (type bits included). */
export function mayAccess(a: { readonly mode: number; readonly uid: number; readonly gid: number }, c: Cred, mask: number): boolean {
  if (modeAllows(a.mode, a.uid, a.gid, c, mask)) return true;
  if (c.uid !== 0) return false;
  if ((a.mode & S_IFMT) === NodeType.Dir) return true;
  if ((mask & MAY_EXEC) === 0) return true;
  return (a.mode & 0o111) !== 0;
}
