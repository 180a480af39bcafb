// Where the Debian packages come from: the host's own apt sources (/etc/apt/sources.list,
// sources.list.d/*.list in the one-line format and *.sources in the deb822 format), narrowed
// to the Debian archive's entries for the host's release and pointed at the release the root
// is built from. The project names no archive host of its own: a root is fetched from
// whatever mirror the host already uses (or the file K42_APT_SOURCES names).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One source entry (either format): `deb [options] URI SUITE COMPONENT...`. */
export interface SourceEntry {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Other fields (deb822 names, e.g. Signed-By), in their given order. */
  options: [string, string][];
  /** File the entry came from (for messages). */
  file: string;
}

/** The one-line format. Options in brackets use the one-line names (signed-by=, arch=, ...);
 *  they are mapped to their deb822 names. */
export function parseOneLine(text: string, file: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    if (line === "") continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (m === null) continue;
    const options: [string, string][] = [];
    for (const o of (m[2] ?? "").trim().split(/\s+/).filter((s) => s !== "")) {
      const eq = o.indexOf("=");
      if (eq <= 0) continue;
      options.push([ONE_LINE_OPTION[o.slice(0, eq)] ?? o.slice(0, eq), o.slice(eq + 1).replace(/,/g, " ")]);
    }
    out.push({ types: [m[1]], uris: [m[3]], suites: [m[4]], components: m[5].split(/\s+/).filter((s) => s !== ""), options, file });
  }
  return out;
}

const ONE_LINE_OPTION: Record<string, string> = {
  "signed-by": "Signed-By", arch: "Architectures", lang: "Languages", target: "Targets",
  trusted: "Trusted", "check-valid-until": "Check-Valid-Until", "by-hash": "By-Hash",
};

/** The deb822 format: paragraphs of Types/URIs/Suites/Components and options. Continuation
 *  lines (an inline Signed-By key) are kept as they are. */
export function parseDeb822(text: string, file: string): SourceEntry[] {
  const out: SourceEntry[] = [];
  const stanzas = text.split("\n").filter((l) => !l.startsWith("#")).join("\n").split(/\n\s*\n/);
  for (const stanza of stanzas) {
    const fields: [string, string][] = [];
    for (const line of stanza.split("\n")) {
      if (line.trim() === "") continue;
      if ((line[0] === " " || line[0] === "\t") && fields.length > 0) {
        fields[fields.length - 1][1] += `\n${line}`;
        continue;
      }
      const colon = line.indexOf(":");
      if (colon > 0) fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
    const get = (k: string): string[] => (fields.find(([n]) => n.toLowerCase() === k)?.[1] ?? "").split(/\s+/).filter((s) => s !== "");
    if (fields.length === 0) continue;
    if ((fields.find(([n]) => n.toLowerCase() === "enabled")?.[1] ?? "yes").toLowerCase() === "no") continue;
    const known = new Set(["types", "uris", "suites", "components", "enabled"]);
    out.push({
      types: get("types"), uris: get("uris"), suites: get("suites"), components: get("components"),
      options: fields.filter(([n]) => !known.has(n.toLowerCase())), file,
    });
  }
  return out;
}

/** Every entry of the host's apt sources, in the order apt reads them. */
export function readHostSources(etc = "/etc/apt"): SourceEntry[] {
  const override = process.env.K42_APT_SOURCES;
  if (override !== undefined && override !== "") return readSourceFile(override);
  const out: SourceEntry[] = [];
  const main = join(etc, "sources.list");
  if (existsSync(main)) out.push(...readSourceFile(main));
  const dir = join(etc, "sources.list.d");
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) out.push(...readSourceFile(join(dir, f)));
    }
  }
  return out;
}

function readSourceFile(file: string): SourceEntry[] {
  const text = readFileSync(file, "utf8");
  return file.endsWith(".sources") ? parseDeb822(text, file) : parseOneLine(text, file);
}

/** The host's Debian release codename (VERSION_CODENAME in os-release), if the host is
 *  Debian: a derivative's archive (Ubuntu's, say) does not carry Debian's releases. */
export function hostCodename(osRelease = "/etc/os-release"): string | undefined {
  if (!existsSync(osRelease)) return undefined;
  const text = readFileSync(osRelease, "utf8");
  if (!/^ID=["']?debian["']?$/m.test(text)) return undefined;
  return /^VERSION_CODENAME=["']?([a-z]+)/m.exec(text)?.[1];
}

/**
 * The Debian archive entries among `entries`, retargeted at `release` (e.g. "bookworm"):
 * binary (`deb`) entries whose suites are `release` itself or the release of a Debian host
 * (`host`; undefined for other hosts), with their -updates and -security (or /updates)
 * companions; only the main component; only the
 * Packages index (Targets) and the root's architecture. The host's keyring options are kept.
 */
export function debianSources(entries: SourceEntry[], release: string, host: string | undefined, arch: string): SourceEntry[] {
  const bases = new Set([release, ...(host !== undefined ? [host] : [])]);
  const out: SourceEntry[] = [];
  for (const e of entries) {
    if (!e.types.includes("deb") || !e.components.includes("main")) continue;
    const suites: string[] = [];
    for (const s of e.suites) {
      const m = /^([a-z]+)([-/](?:updates|security))?$/.exec(s);
      if (m === null || !bases.has(m[1])) continue;
      const t = release + (m[2] ?? "");
      if (!suites.includes(t)) suites.push(t);
    }
    if (suites.length === 0) continue;
    const drop = new Set(["architectures", "targets", "languages"]);
    out.push({
      types: ["deb"], uris: e.uris, suites, components: ["main"], file: e.file,
      options: [...e.options.filter(([n]) => !drop.has(n.toLowerCase())), ["Architectures", arch], ["Targets", "Packages"]],
    });
  }
  return out;
}

/** The entries as a deb822 .sources file. */
export function renderDeb822(entries: SourceEntry[]): string {
  return entries.map((e) => [
    `# from ${e.file}`,
    `Types: ${e.types.join(" ")}`,
    `URIs: ${e.uris.join(" ")}`,
    `Suites: ${e.suites.join(" ")}`,
    `Components: ${e.components.join(" ")}`,
    ...e.options.map(([k, v]) => `${k}: ${v}`),
  ].join("\n")).join("\n\n") + "\n";
}
