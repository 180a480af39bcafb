// Paths inside a root directory as a program chrooted into it sees them: absolute symbolic links
// start at the root, and `..` never climbs above it. Building a root needs this wherever the
// host's own path resolution would escape it (a package's link `/lib64/ld64.so.2 ->
// /lib/powerpc64le-linux-gnu/ld64.so.2` names the root's file, not the host's).

import { lstatSync, readlinkSync } from "node:fs";
import { join, posix } from "node:path";

const MAX_LINKS = 40; // Linux's limit on links followed in one lookup

/**
 * The host path of guest path `p` (absolute, or relative to `/`) in `root`, with every symbolic
 * link on the way resolved inside the root; the last component's link too unless `followLast`
 * is false. Components that do not exist are kept as they are. Throws on a loop.
 */
export function hostPathIn(root: string, p: string, followLast = true): string {
  return join(root, guestRealPath(root, p, followLast));
}

/** The guest path `p` resolves to inside `root` (see hostPathIn). */
export function guestRealPath(root: string, p: string, followLast = true): string {
  const todo = p.split("/").filter((s) => s !== "" && s !== ".").reverse();
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const name = todo.pop()!;
    if (name === "..") {
      done.pop();
      continue;
    }
    const last = todo.length === 0;
    const host = join(root, ...done, name);
    let target: string | undefined;
    if (!last || followLast) {
      try {
        if (lstatSync(host).isSymbolicLink()) target = readlinkSync(host);
      } catch {
        // does not exist: keep the name
      }
    }
    if (target === undefined) {
      done.push(name);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links at /${[...done, name].join("/")}`);
    if (target.startsWith("/")) done.length = 0;
    todo.push(...target.split("/").filter((s) => s !== "" && s !== ".").reverse());
  }
  return "/" + done.join("/");
}

/** The relative link text that makes a link at guest path `link` point to guest path `target`
 *  (both absolute), staying inside the root. */
export function relativeLink(link: string, target: string): string {
  const rel = posix.relative(posix.dirname(link), posix.normalize(target));
  return rel === "" ? "." : rel;
}
