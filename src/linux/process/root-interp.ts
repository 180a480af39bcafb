// The dynamic linker of a host program (qemu-user style: PROGRAM is a host file, its
// libraries come from the guest root): read from the root before the machine runs, when the
// file servers are not up yet. Its path is resolved as the guest's walker would — inside the
// root and the volumes mounted in it, symbolic links followed there (an absolute target from
// the root, ".." stopping at the root, at most 40 links) — so a Debian root's
// /lib64/ld64.so.2 -> /lib/... link is the root's, never the host's. Reads only.

import { lstatSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { E } from "../errno.js";
import type { OpenInterp } from "../exec/load.js";

const MAX_LINKS = 40;

/** A host directory mounted at a guest path (a volume). */
export interface HostMount {
  readonly host: string;
  readonly guest: string;
}

/** The host path of the guest path made of `comps`: under the deepest volume that holds it, else the root. */
function hostOf(root: string, mounts: readonly HostMount[], comps: readonly string[]): string {
  let best: HostMount | undefined;
  let depth = -1;
  for (const m of mounts) {
    const mc = m.guest.split("/").filter((c) => c !== "");
    if (mc.length <= comps.length && mc.length > depth && mc.every((c, i) => comps[i] === c)) {
      best = m;
      depth = mc.length;
    }
  }
  return best === undefined ? join(root, ...comps) : join(best.host, ...comps.slice(depth));
}

/** Is `comps` a directory above some volume's mount point? */
function leadsToMount(mounts: readonly HostMount[], comps: readonly string[]): boolean {
  return mounts.some((m) => {
    const mc = m.guest.split("/").filter((c) => c !== "");
    return mc.length > comps.length && comps.every((c, i) => mc[i] === c);
  });
}

/** The host path of guest path `path` inside `root` (and its volumes), or a negated errno. */
export function resolveInRoot(root: string, path: string, mounts: readonly HostMount[] = []): string | number {
  const done: string[] = [];
  const todo = path.split("/").filter((c) => c !== "").reverse();
  let links = 0;
  while (todo.length > 0) {
    const c = todo.pop() as string;
    if (c === ".") continue;
    if (c === "..") {
      done.pop();
      continue;
    }
    const host = hostOf(root, mounts, [...done, c]);
    let st;
    try {
      st = lstatSync(host);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT" && leadsToMount(mounts, [...done, c])) {
        // A directory on the way to a volume the root lacks (the walker makes it at start).
        done.push(c);
        continue;
      }
      if (code === "ENOENT") return -E.ENOENT;
      if (code === "ENOTDIR") return -E.ENOTDIR;
      if (code === "EACCES") return -E.EACCES;
      throw e;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return -E.ELOOP;
      const target = readlinkSync(host);
      if (target.startsWith("/")) done.length = 0;
      todo.push(...target.split("/").filter((x) => x !== "").reverse());
      continue;
    }
    if (todo.length > 0 && !st.isDirectory()) return -E.ENOTDIR;
    done.push(c);
  }
  return hostOf(root, mounts, done);
}

/** An OpenInterp reading from the guest root at host directory `root` and its volumes. */
export function rootInterp(root: string, mounts: readonly HostMount[] = []): OpenInterp {
  return (path) => {
    const host = resolveInRoot(root, path, mounts);
    if (typeof host === "number") return host;
    try {
      return new Uint8Array(readFileSync(host));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EISDIR") return -E.EISDIR;
      if (code === "EACCES") return -E.EACCES;
      if (code === "ENOENT") return -E.ENOENT;
      throw e;
    }
  };
}
