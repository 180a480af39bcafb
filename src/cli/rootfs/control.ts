// Debian control data: the paragraphs of a Packages index ("Field: value" lines, continuation
// lines starting with a blank, paragraphs separated by empty lines) and the dependency fields
// (Depends, Pre-Depends, Provides) of a binary package.

import type { Relation } from "./version.js";

/** One package of an index, with the fields the resolver and the unpacker use. */
export interface PackageRecord {
  name: string;
  version: string;
  arch: string;
  /** Path of the .deb in the archive (pool/main/...). */
  filename: string;
  size: number;
  sha256: string;
  priority: string;
  essential: boolean;
  preDepends: Dependency[];
  depends: Dependency[];
  provides: Provision[];
  /** The whole paragraph as the index has it (for the root's dpkg status file). */
  paragraph: string;
}

/** One alternative of a dependency: `name[:arch] [(rel version)]`. */
export interface Alternative {
  name: string;
  rel?: Relation;
  version?: string;
}

/** A dependency: any one of its alternatives satisfies it (`a | b (>= 2)`). */
export type Dependency = Alternative[];

/** A virtual package a package provides, optionally at a version (`Provides: x (= 1.0)`). */
export interface Provision {
  name: string;
  version?: string;
}

/** Split control text into paragraphs of fields (names lowercased; continuation lines joined
 *  with "\n"). `raw` is each paragraph's text without its trailing blank lines. */
export function* paragraphs(text: string): Generator<{ fields: Map<string, string>; raw: string }> {
  let start = 0;
  const n = text.length;
  while (start < n) {
    while (start < n && text[start] === "\n") start++;
    if (start >= n) break;
    let end = text.indexOf("\n\n", start);
    if (end < 0) end = n;
    const raw = text.slice(start, end).replace(/\n+$/, "");
    const fields = new Map<string, string>();
    let key: string | undefined;
    for (const line of raw.split("\n")) {
      if (line === "") continue;
      if (line[0] === " " || line[0] === "\t") {
        if (key !== undefined) fields.set(key, `${fields.get(key)}\n${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      key = line.slice(0, colon).toLowerCase();
      fields.set(key, line.slice(colon + 1).trim());
    }
    yield { fields, raw };
    start = end;
  }
}

const RELATIONS: Record<string, Relation> = { "<<": "<<", "<=": "<=", "=": "=", ">=": ">=", ">>": ">>", "<": "<=", ">": ">=" };

/** Parse a dependency field ("a (>= 1) | b:any, c [amd64] <!nocheck>"). Architecture
 *  qualifiers (`:any`, `:native`) are dropped: the root has one architecture (and "all").
 *  Architecture restrictions and build profiles do not occur in binary indexes; they are
 *  stripped if they do. */
export function parseDependencies(field: string | undefined): Dependency[] {
  if (field === undefined || field.trim() === "") return [];
  return field.split(",").map((group) => group.split("|").map((alt) => parseAlternative(alt, field))).filter((d) => d.length > 0);
}

function parseAlternative(text: string, field: string): Alternative {
  const s = text.replace(/\[[^\]]*\]/g, "").replace(/<[^>]*>/g, "").trim();
  const m = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9-]+)?\s*(?:\(\s*(<<|<=|>=|>>|=|<|>)\s*([^)\s]+)\s*\))?$/.exec(s);
  if (m === null) throw new Error(`cannot parse dependency "${text.trim()}" in "${field}"`);
  const rel = m[2] === undefined ? undefined : RELATIONS[m[2]];
  return rel === undefined ? { name: m[1] } : { name: m[1], rel, version: m[3] };
}

/** Parse a Provides field ("a, b (= 1.0)"). */
export function parseProvides(field: string | undefined): Provision[] {
  return parseDependencies(field).map((d) => {
    const a = d[0];
    return a.version !== undefined && a.rel === "=" ? { name: a.name, version: a.version } : { name: a.name };
  });
}

/** A simple field of a paragraph ("\nName: value" on one line), or undefined. */
function field(raw: string, name: string): string | undefined {
  const key = `\n${name}: `;
  const at = raw.startsWith(key.slice(1)) ? 0 : raw.indexOf(key);
  if (at < 0) return undefined;
  const from = at === 0 ? key.length - 1 : at + key.length;
  const end = raw.indexOf("\n", from);
  return raw.slice(from, end < 0 ? raw.length : end).trim();
}

/** A package record read from its paragraph on demand: an index has some 65,000 of them and
 *  the resolver looks at a few dozen, so only the name, version and Provides are read up front. */
class IndexedPackage implements PackageRecord {
  readonly provides: Provision[];
  private deps?: { pre: Dependency[]; dep: Dependency[] };

  constructor(readonly name: string, readonly version: string, readonly paragraph: string) {
    this.provides = parseProvides(field(paragraph, "Provides"));
  }

  get arch(): string { return field(this.paragraph, "Architecture") ?? ""; }
  get filename(): string { return field(this.paragraph, "Filename") ?? ""; }
  get size(): number { return Number(field(this.paragraph, "Size") ?? "0"); }
  get sha256(): string { return field(this.paragraph, "SHA256") ?? ""; }
  get priority(): string { return field(this.paragraph, "Priority") ?? "optional"; }
  get essential(): boolean { return field(this.paragraph, "Essential") === "yes"; }
  get preDepends(): Dependency[] { return this.dependencies().pre; }
  get depends(): Dependency[] { return this.dependencies().dep; }

  private dependencies(): { pre: Dependency[]; dep: Dependency[] } {
    if (this.deps === undefined) {
      // Dependency fields may be folded over several lines.
      const f = paragraphs(this.paragraph).next().value?.fields ?? new Map<string, string>();
      this.deps = { pre: parseDependencies(f.get("pre-depends")), dep: parseDependencies(f.get("depends")) };
    }
    return this.deps;
  }
}

/** The package records of a Packages index (paragraphs without a Package or Version field are
 *  skipped). */
export function parsePackages(text: string): PackageRecord[] {
  const out: PackageRecord[] = [];
  const n = text.length;
  let start = 0;
  while (start < n) {
    while (start < n && text[start] === "\n") start++;
    if (start >= n) break;
    let end = text.indexOf("\n\n", start);
    if (end < 0) end = n;
    const raw = text.slice(start, end);
    start = end;
    const name = field(raw, "Package"), version = field(raw, "Version");
    if (name !== undefined && version !== undefined) out.push(new IndexedPackage(name, version, raw));
  }
  return out;
}
