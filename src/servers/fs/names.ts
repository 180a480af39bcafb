// File names and symbolic-link contents on the wire. Linux names are byte strings (any byte but
// '/' and NUL), not text: the FileSystem interface carries them as JS strings with one character
// per byte (latin1), so every name round-trips exactly, whatever its encoding, and a name's
// length is its length in bytes. The personality converts guest bytes with bytesToWire and
// back with wireToBytes; the servers never decode names as UTF-8.

import { Errno, fail } from "./errno.js";

/** Longest name of one directory entry, in bytes (Linux NAME_MAX). */
export const NAME_MAX = 255;
/** Longest symbolic link contents, in bytes (Linux PATH_MAX, counting the NUL). */
export const PATH_MAX = 4096;

/** A byte string as a wire string (one character per byte). */
export function bytesToWire(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

/** A wire string as bytes; undefined when a character is not a byte (> 0xff). */
export function wireToBytes(s: string): Uint8Array | undefined {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return undefined;
  return Buffer.from(s, "latin1");
}

/**
 * Check one directory-entry name a client sent: a server is only ever asked about one
 * component, so "/" (a path), NUL, "." and ".." (the client resolves those itself, inside the
 * process's root and across mounts) are refused with EINVAL, "" with ENOENT (as Linux does
 * for an empty path), and names past NAME_MAX bytes with ENAMETOOLONG.
 */
export function checkName(name: string): void {
  if (name.length === 0) fail(Errno.ENOENT, "empty name");
  if (name === "." || name === "..") fail(Errno.EINVAL, `"${name}" is resolved by the client`);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x2f || c === 0 || c > 0xff) fail(Errno.EINVAL, "not a single name component");
  }
  if (name.length > NAME_MAX) fail(Errno.ENAMETOOLONG);
}

/** Check the contents of a new symbolic link (any bytes but NUL, 1..PATH_MAX-1 of them). */
export function checkTarget(target: string): void {
  if (target.length === 0) fail(Errno.ENOENT, "empty symlink target");
  if (target.length >= PATH_MAX) fail(Errno.ENAMETOOLONG);
  for (let i = 0; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 0 || c > 0xff) fail(Errno.EINVAL, "symlink target is not a byte string");
  }
}
