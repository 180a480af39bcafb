// The dependency closure of a set of Debian packages, over an index (the Packages files of the
// private apt state). This is what `apt-get install --no-install-recommends` would pick on an
// empty system, with these rules (docs/ARCHITECTURE.md, "The root file system"):
//
// - One version per package: the candidate, the highest version any index offers (all our
//   sources have the same pin priority, so this is apt's candidate too). A versioned
//   dependency is checked against the candidate; it never makes us pick an older version.
// - Pre-Depends and Depends are followed; Recommends and Suggests are not.
// - Alternatives (`a | b`): a dependency already satisfied by a chosen package (by name or by
//   Provides) adds nothing; otherwise the first alternative that can be satisfied is taken.
// - A virtual package (one only named in other packages' Provides) is satisfied by a provider
//   whose Provides version, if the dependency is versioned, satisfies it. With several
//   providers: one already chosen, else the one of highest Priority, then the first by name.
// - Essential packages are not added implicitly. Debian packages do not declare dependencies
//   on the Essential set (dpkg, coreutils, dash, ...) because every Debian system has it; a
//   k42 root is not a dpkg-managed system and has only what is asked for and what that
//   declares. The default root asks for the Essential packages its programs use by name.
// - Conflicts, Breaks and Replaces are not considered: the root is unpacked, not managed.

import type { Alternative, Dependency, PackageRecord } from "./control.js";
import { compareVersions, satisfies } from "./version.js";

export class ResolveError extends Error {}

/** Packages by name (the candidate of each) and virtual names to their providers. */
export class PackageIndex {
  readonly candidates = new Map<string, PackageRecord>();
  readonly providers = new Map<string, { pkg: PackageRecord; version?: string }[]>();

  constructor(records: Iterable<PackageRecord>) {
    for (const r of records) {
      const old = this.candidates.get(r.name);
      if (old === undefined || compareVersions(r.version, old.version) > 0) this.candidates.set(r.name, r);
    }
    for (const pkg of this.candidates.values()) {
      for (const p of pkg.provides) {
        let list = this.providers.get(p.name);
        if (list === undefined) this.providers.set(p.name, (list = []));
        list.push(p.version === undefined ? { pkg } : { pkg, version: p.version });
      }
    }
  }
}

const PRIORITY_RANK: Record<string, number> = { required: 0, important: 1, standard: 2, optional: 3, extra: 4 };
const rank = (p: PackageRecord): number => PRIORITY_RANK[p.priority] ?? 5;

/** The packages that could satisfy one alternative, best first (the real package, then
 *  providers ordered by priority and name). */
function candidatesFor(index: PackageIndex, alt: Alternative): PackageRecord[] {
  const out: PackageRecord[] = [];
  const real = index.candidates.get(alt.name);
  if (real !== undefined && (alt.rel === undefined || satisfies(real.version, alt.rel, alt.version ?? ""))) out.push(real);
  const provs = (index.providers.get(alt.name) ?? [])
    .filter((p) => alt.rel === undefined || (p.version !== undefined && satisfies(p.version, alt.rel, alt.version ?? "")))
    .map((p) => p.pkg)
    .sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const p of provs) if (!out.includes(p)) out.push(p);
  return out;
}

function describe(d: Dependency): string {
  return d.map((a) => (a.rel === undefined ? a.name : `${a.name} (${a.rel} ${a.version})`)).join(" | ");
}

/**
 * The closure of `wanted` (package names, real or virtual) in `index`, in the order the
 * packages were first reached (a breadth-first walk, so the same input gives the same list).
 * Throws ResolveError naming the package and the dependency that cannot be satisfied.
 */
export function resolve(index: PackageIndex, wanted: string[]): PackageRecord[] {
  const chosen = new Map<string, PackageRecord>();
  const order: PackageRecord[] = [];
  const queue: { pkg: PackageRecord; via: string[] }[] = [];
  const choose = (pkg: PackageRecord, via: string[]): void => {
    if (chosen.has(pkg.name)) return;
    chosen.set(pkg.name, pkg);
    order.push(pkg);
    queue.push({ pkg, via: [...via, pkg.name] });
  };
  // A dependency is met when some chosen package satisfies one of its alternatives.
  const met = (d: Dependency): boolean => d.some((alt) => candidatesFor(index, alt).some((p) => chosen.get(p.name) === p));

  for (const name of wanted) {
    const c = candidatesFor(index, { name });
    if (c.length === 0) throw new ResolveError(`no package ${name} in the index`);
    if (!met([{ name }])) choose(c[0], []);
  }
  for (let i = 0; i < queue.length; i++) {
    const { pkg, via } = queue[i];
    for (const dep of [...pkg.preDepends, ...pkg.depends]) {
      if (met(dep)) continue;
      const pick = dep.map((alt) => candidatesFor(index, alt)).find((c) => c.length > 0);
      if (pick === undefined) {
        throw new ResolveError(`${via.join(" → ")} depends on ${describe(dep)}, which no package in the index satisfies`);
      }
      choose(pick[0], via);
    }
  }
  return order;
}
