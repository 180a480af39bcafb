// /etc/ld.so.cache for a root, written the way the root's own `ldconfig -r ROOT` (glibc 2.36)
// writes it, without running it: running the guest's ldconfig would need qemu-user at build
// time, and a root must build on a host with nothing but Node and apt. The test
// (ldcache.test.ts) checks the file byte for byte against the real ldconfig under qemu.
//
// What ldconfig does, and so what this does:
// 1. The directories: those of /etc/ld.so.conf (with its `include` globs), then the built-in
//    ones (/lib/<triplet>, /usr/lib/<triplet>, /lib, /usr/lib); missing ones are skipped and a
//    directory met twice (the same directory by another path, e.g. through /lib -> usr/lib)
//    counts once, under its first name.
// 2. In each, the files that look like shared objects (lib*.so*, ld-*.so*, ld.so.*, ld64.so.*,
//    not dpkg's temporary files), regular files or links to them, that are ELF: one entry per
//    soname (DT_SONAME, or the file name without one), the file preferred to a link and the
//    newer name to the older. A link that is not the soname link (libfoo.so -> libfoo.so.1,
//    the development link) counts under its own name, as ldconfig has it.
// 3. Entry: key = soname, value = DIR/soname, flags = libc6 ELF (| 64-bit for ELFCLASS64 on
//    PowerPC). Sorted by the loader's name order, newest first (ld.so searches it in that order).
// 4. The file: the "new" format only (glibc ≥ 2.32's default): header, entries, a string table
//    with shared suffixes (a soname is the tail of its path), the extension directory naming
//    the generator (the root's ldconfig's own version string).
// glibc-hwcaps subdirectories are not scanned: no package of the default root has one, and a
// library missing from the cache is still found by ld.so's search of the default directories.

import { existsSync, lstatSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, posix } from "node:path";
import { readSharedObject } from "./elf-soname.js";
import { guestRealPath, hostPathIn } from "./root-path.js";

const FLAG_ELF_LIBC6 = 0x0003;
const FLAG_POWERPC_LIB64 = 0x0500;
const CACHE_MAGIC = "glibc-ld.so.cache1.1";
const EXTENSION_MAGIC = 0xeaa42174;
const ENDIAN_LITTLE = 2, ENDIAN_BIG = 3;

export interface CacheEntry {
  lib: string;
  path: string;
  flags: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The loader's order of library names (_dl_cache_libcmp): digit runs compare as numbers and
 *  sort after other characters. */
export function libcmp(a: string, b: string): number {
  let i = 0, j = 0;
  const at = (s: string, k: number): number => (k < s.length ? s.charCodeAt(k) : 0);
  while (i < a.length) {
    const ca = at(a, i), cb = at(b, j);
    if (isDigit(ca)) {
      if (!isDigit(cb)) return 1;
      let va = 0, vb = 0;
      while (isDigit(at(a, i))) va = va * 10 + at(a, i++) - 48;
      while (isDigit(at(b, j))) vb = vb * 10 + at(b, j++) - 48;
      if (va !== vb) return va - vb;
    } else if (isDigit(cb)) {
      return -1;
    } else if (ca !== cb) {
      return ca - cb;
    } else {
      i++;
      j++;
    }
  }
  return 0 - at(b, j);
}

function looksLikeDso(name: string): boolean {
  if (/\.dpkg-(new|tmp)$/.test(name) || name.includes(";") || /\.#prelink#/.test(name)) return false;
  return ((name.startsWith("lib") || name.startsWith("ld-")) && name.includes(".so")) || name.startsWith("ld.so.") || name.startsWith("ld64.so.");
}

/** The directories /etc/ld.so.conf names (recursively through `include`), in order. */
function confDirs(root: string, file: string, seen = new Set<string>()): string[] {
  const host = hostPathIn(root, file);
  if (seen.has(host) || !existsSync(host)) return [];
  seen.add(host);
  const out: string[] = [];
  for (const raw of readFileSync(host, "utf8").split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "") continue;
    const inc = /^include\s+(.*)$/.exec(line);
    if (inc !== null) {
      for (const pat of inc[1].split(/[ \t]+/).filter((s) => s !== "")) {
        const abs = pat.startsWith("/") ? pat : posix.join(posix.dirname(file), pat);
        for (const f of globOne(root, abs)) out.push(...confDirs(root, f, seen));
      }
      continue;
    }
    if (/^hwcap\s/i.test(line)) continue;
    out.push(line.replace(/=.*$/, "").replace(/\/+$/, "") || "/");
  }
  return out;
}

/** The files matching a pattern with wildcards in its last component only (what ld.so.conf
 *  includes use), sorted in C order as glob(3) sorts them. */
function globOne(root: string, pattern: string): string[] {
  const dir = posix.dirname(pattern), base = posix.basename(pattern);
  if (!/[*?[]/.test(base)) return [pattern];
  const re = new RegExp("^" + base.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]") + "$");
  const host = hostPathIn(root, dir);
  if (!existsSync(host)) return [];
  return readdirSync(host).filter((n) => re.test(n) && !n.startsWith(".")).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((n) => posix.join(dir, n));
}

/** The cache's entries for `root`, in the cache's order. `triplet` is the multiarch name
 *  (powerpc64le-linux-gnu). */
export function cacheEntries(root: string, triplet: string): CacheEntry[] {
  const dirs = [...confDirs(root, "/etc/ld.so.conf"), `/lib/${triplet}`, `/usr/lib/${triplet}`, "/lib", "/usr/lib"];
  const seen = new Set<string>();
  const entries: CacheEntry[] = [];
  for (const dir of dirs) {
    const real = guestRealPath(root, dir);
    const host = join(root, real);
    if (seen.has(real) || !existsSync(host) || !statSync(host).isDirectory()) continue;
    seen.add(real);
    entries.push(...scanDir(root, dir, host));
  }
  const cmp = (a: CacheEntry, b: CacheEntry): number => libcmp(b.lib, a.lib) || (a.flags < b.flags ? 1 : a.flags > b.flags ? -1 : 0);
  return entries.sort(cmp); // stable: equal entries keep the directories' order, as ldconfig's insertion does
}

interface Dlib { name: string; soname: string; flags: number; isLink: boolean }

function scanDir(root: string, dir: string, host: string): CacheEntry[] {
  const dlibs: Dlib[] = [];
  for (const name of readdirSync(host)) {
    if (!looksLikeDso(name)) continue;
    const file = join(host, name);
    const st = lstatSync(file);
    let isLink = st.isSymbolicLink();
    const target = isLink ? hostPathIn(root, posix.join(dir, name)) : file;
    if (!existsSync(target) || !statSync(target).isFile()) continue;
    const info = readSharedObject(target);
    if (info === undefined) continue;
    const flags = FLAG_ELF_LIBC6 | (info.is64 ? FLAG_POWERPC_LIB64 : 0);
    let soname = info.soname ?? name;
    // A link that is neither the soname link nor a development link (libfoo.so -> soname)
    // counts as a file of its own.
    if (isLink && name !== soname && !(name.endsWith(".so") && soname.startsWith(name))) isLink = false;
    if (isLink) soname = name;
    const old = dlibs.find((d) => d.soname === soname);
    if (old === undefined) {
      dlibs.push({ name, soname, flags, isLink });
    } else if ((!isLink && old.isLink) || (isLink === old.isLink && libcmp(old.name, name) < 0)) {
      old.name = name;
      old.isLink = isLink;
    }
  }
  return dlibs.map((d) => ({ lib: d.soname, path: `${dir === "/" ? "" : dir}/${d.soname}`, flags: d.flags }));
}

/** Reversed-string order, longest first among equal tails: a string that is the tail of
 *  another comes right after it and can share its bytes. */
function tailOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 1; k <= n; k++) {
    const ca = a.charCodeAt(a.length - k), cb = b.charCodeAt(b.length - k);
    if (ca !== cb) return cb - ca;
  }
  return b.length - a.length;
}

/** The string table: every distinct string once, tails shared; offsets by string. */
function stringTable(strings: Iterable<string>): { bytes: Buffer; offsets: Map<string, number> } {
  const list = [...new Set(strings)].sort(tailOrder);
  const offsets = new Map<string, number>();
  let size = 0;
  for (let k = 0; k < list.length; k++) {
    const cur = list[k], prev = k > 0 ? list[k - 1] : undefined;
    if (prev !== undefined && prev.endsWith(cur)) offsets.set(cur, offsets.get(prev)! + prev.length - cur.length);
    else {
      offsets.set(cur, size);
      size += Buffer.byteLength(cur, "latin1") + 1;
    }
  }
  const bytes = Buffer.alloc(size);
  for (const s of list) if (bytes[offsets.get(s)!] === 0) bytes.write(s, offsets.get(s)!, "latin1");
  return { bytes, offsets };
}

/** The bytes of an ld.so.cache holding `entries` (in order), in the guest's byte order. */
export function encodeCache(entries: CacheEntry[], generator: string, littleEndian: boolean): Buffer {
  const HEADER = 48, ENTRY = 24;
  const table = stringTable(entries.flatMap((e) => [e.lib, e.path]));
  const stringsAt = HEADER + ENTRY * entries.length;
  const extAt = Math.ceil((stringsAt + table.bytes.length) / 4) * 4;
  const ext = 8 + 16; // the directory with one section: the generator
  const buf = Buffer.alloc(extAt + ext + Buffer.byteLength(generator, "latin1"));
  const w32 = (v: number, o: number): number => (littleEndian ? buf.writeUInt32LE(v >>> 0, o) : buf.writeUInt32BE(v >>> 0, o));
  buf.write(CACHE_MAGIC, 0, "latin1");
  w32(entries.length, 20);
  w32(table.bytes.length, 24);
  buf[28] = littleEndian ? ENDIAN_LITTLE : ENDIAN_BIG;
  w32(extAt, 32);
  entries.forEach((e, k) => {
    const o = HEADER + k * ENTRY;
    w32(e.flags, o);
    w32(stringsAt + table.offsets.get(e.lib)!, o + 4);
    w32(stringsAt + table.offsets.get(e.path)!, o + 8);
    // osversion (unused) and hwcap stay zero
  });
  table.bytes.copy(buf, stringsAt);
  w32(EXTENSION_MAGIC, extAt);
  w32(1, extAt + 4);
  w32(0, extAt + 8); // tag: generator
  w32(0, extAt + 12); // flags
  w32(extAt + ext, extAt + 16);
  w32(Buffer.byteLength(generator, "latin1"), extAt + 20);
  buf.write(generator, extAt + ext, "latin1");
  return buf;
}

/** The generator string the root's ldconfig would write, read from its binary; otherwise made
 *  from the C library's package version. */
export function generatorString(root: string, libcVersion: string | undefined): string {
  for (const p of ["/sbin/ldconfig", "/usr/sbin/ldconfig"]) {
    const host = hostPathIn(root, p);
    if (!existsSync(host)) continue;
    const m = /ldconfig \([^)\n]{1,80}\) [a-z]+ release version [0-9.]+/.exec(readFileSync(host, "latin1"));
    if (m !== null) return m[0];
  }
  const upstream = (libcVersion ?? "").replace(/-.*$/, "");
  return `ldconfig (Debian GLIBC ${libcVersion ?? "unknown"}) stable release version ${upstream}`;
}

/** Write ROOT/etc/ld.so.cache (mode 0644, replaced atomically); returns its entry count. */
export function writeLdCache(root: string, triplet: string, littleEndian: boolean, libcVersion: string | undefined): number {
  const entries = cacheEntries(root, triplet);
  const file = hostPathIn(root, "/etc/ld.so.cache");
  const tmp = `${file}~`;
  writeFileSync(tmp, encodeCache(entries, generatorString(root, libcVersion), littleEndian), { mode: 0o644 });
  renameSync(tmp, file);
  return entries.length;
}
