// Debian's alternatives (/usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk), which
// packages register in their postinst scripts with `update-alternatives --install`. Maintainer
// scripts do not run in a k42 root (there is nothing to run them with at build time), so the
// registrations are read from the scripts' text and applied as update-alternatives' automatic
// mode would: for each name the path of highest priority wins, with its slave links.
// update-alternatives' own records (/var/lib/dpkg/alternatives) are not written.

import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname } from "node:path";
import { hostPathIn } from "./root-path.js";

export interface Alternative {
  link: string;
  name: string;
  path: string;
  priority: number;
  slaves: { link: string; name: string; path: string }[];
  /** The package whose script registers it. */
  pkg: string;
}

/** Split a shell command line into words (plain, single- and double-quoted words only). */
function words(s: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

/**
 * The `update-alternatives --install LINK NAME PATH PRIORITY [--slave LINK NAME PATH]...` calls
 * in a maintainer script. A call whose arguments use shell variables or substitutions cannot be
 * read without running the script: it is reported through `skipped` and left out.
 */
export function parseAlternatives(script: string, pkg: string, skipped: (line: string) => void): Alternative[] {
  const text = script.replace(/\\\n/g, " ");
  const out: Alternative[] = [];
  for (const line of text.split("\n")) {
    const at = line.indexOf("update-alternatives");
    if (at < 0 || !/--install\b/.test(line)) continue;
    const cmd = line.slice(at).split(/\|\||&&|;|\|/)[0];
    if (/[$`]/.test(cmd)) {
      skipped(cmd.trim());
      continue;
    }
    const w = words(cmd);
    const i = w.indexOf("--install");
    if (i < 0 || w.length < i + 5) continue;
    const priority = Number(w[i + 4]);
    if (!Number.isInteger(priority)) continue;
    const alt: Alternative = { link: w[i + 1], name: w[i + 2], path: w[i + 3], priority, slaves: [], pkg };
    for (let k = i + 5; k < w.length; k++) {
      if (w[k] === "--slave" && k + 3 < w.length) {
        alt.slaves.push({ link: w[k + 1], name: w[k + 2], path: w[k + 3] });
        k += 3;
      } else break;
    }
    out.push(alt);
  }
  return out;
}

function replaceLink(root: string, at: string, target: string): void {
  const host = hostPathIn(root, at, false);
  mkdirSync(dirname(host), { recursive: true });
  let st;
  try {
    st = lstatSync(host);
  } catch {
    st = undefined;
  }
  // A real file where the link goes belongs to a package (update-alternatives leaves it too).
  if (st !== undefined && !st.isSymbolicLink()) return;
  rmSync(host, { force: true });
  symlinkSync(target, host);
}

/** Apply the registrations in automatic mode: per name, the existing path of highest priority
 *  (the first registered among equals). Returns the names set up. */
export function applyAlternatives(root: string, alts: Alternative[]): string[] {
  const best = new Map<string, Alternative>();
  for (const a of alts) {
    if (!existsSync(hostPathIn(root, a.path))) continue;
    const old = best.get(a.name);
    if (old === undefined || a.priority > old.priority) best.set(a.name, a);
  }
  for (const a of best.values()) {
    replaceLink(root, `/etc/alternatives/${a.name}`, a.path);
    replaceLink(root, a.link, `/etc/alternatives/${a.name}`);
    for (const s of a.slaves) {
      if (!existsSync(hostPathIn(root, s.path))) continue;
      replaceLink(root, `/etc/alternatives/${s.name}`, s.path);
      replaceLink(root, s.link, `/etc/alternatives/${s.name}`);
    }
  }
  return [...best.keys()].sort();
}
