// The permission checks the personality makes itself: search
// permission for "." and ".." (the walker never asks a server about them) and access()'s checks.
// Everything else — lookup's search permission, open's read/write permission, setattr's owner
// checks — the server checks on the Cred it is given, as Linux's inode_permission would.

import { NodeType, S_IFMT, type Attr, type Cred } from "../../servers/fs/iface.js";

export const MAY_EXEC = 1, MAY_WRITE = 2, MAY_READ = 4;

/**
 * Linux's generic_permission on an inode's mode bits, with the superuser's capabilities
 * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH for uid 0): read and write always; execute of a
 * non-directory only if some execute bit is set.
 */
export function permits(a: Attr, c: Cred, mask: number): boolean {
  if (c.uid === 0) {
    if ((mask & MAY_EXEC) === 0 || (a.mode & S_IFMT) === NodeType.Dir) return true;
    return (a.mode & 0o111) !== 0;
  }
  let bits: number;
  if (c.uid === a.uid) bits = (a.mode >> 6) & 7;
  else if (c.gid === a.gid || c.groups.includes(a.gid)) bits = (a.mode >> 3) & 7;
  else bits = a.mode & 7;
  return (bits & mask) === mask;
}

export const isDir = (a: Attr): boolean => (a.mode & S_IFMT) === NodeType.Dir;
export const isLink = (a: Attr): boolean => (a.mode & S_IFMT) === NodeType.Lnk;
export const isReg = (a: Attr): boolean => (a.mode & S_IFMT) === NodeType.Reg;
