// After tsc: bundle the k42 command into one file, dist/k42.mjs (package.json "bin").
//
// Why: Node loads the ~400 ES modules of dist/src one by one (resolve, stat, open, compile),
// which took most of `k42 --version`'s time and is paid by every `k42 run`. One file is read
// and compiled at once.
//
// What stays unbundled: code that runs on worker threads (the parallel mode's processors,
// src/kernel/boot-worker.js and the program module it imports; the host-input pump). Those
// are started from URLs made with `new URL("./x.js", import.meta.url)`, and a program is named
// to a worker by its module's URL. In a bundle every module's import.meta.url would be the
// bundle's own, so each module's `import.meta.url` is replaced here by the URL of its own
// compiled file under dist/src: the workers start from dist/src as before, and k42Version()
// still finds package.json above its file.
//
// cli-progress (k42 rootfs) is CommonJS and calls require("readline"): an ES module has no
// `require`, so the bundle makes one (the banner) for esbuild's converted CommonJS to use.

import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const entry = join(dist, "src", "cli", "k42.js");
const outfile = join(dist, "k42.mjs");

/** The bundle's source for a module's import.meta.url: its compiled file, relative to the bundle. */
function ownUrl(file) {
  const rel = relative(dirname(outfile), file).split(sep).join("/");
  return `new URL(${JSON.stringify("./" + rel)}, import.meta.url).href`;
}

/** Gives every module of dist/src its own import.meta.url (see above). */
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(b) {
    const distSrc = join(dist, "src") + sep;
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(distSrc)) return undefined;
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta")) return { contents: text, loader: "js" };
      const replaced = text.replaceAll("import.meta.url", ownUrl(args.path));
      // Anything else of import.meta (dirname, filename, resolve) would silently be the bundle's.
      if (/import\.meta(?!\.url)/.test(text)) throw new Error(`${args.path}: uses import.meta beyond .url; teach scripts/bundle.mjs about it`);
      return { contents: replaced, loader: "js" };
    });
  },
};

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  banner: { js: 'import { createRequire as __k42CreateRequire } from "node:module"; const require = __k42CreateRequire(import.meta.url);' },
  plugins: [ownImportMetaUrl],
  logLevel: "warning",
  legalComments: "none",
  // A map back to the TypeScript sources (through tsc's maps): `node --enable-source-maps
  // dist/k42.mjs` then reports src/ files and lines. Node reads it only when asked.
  sourcemap: "linked",
  write: false,
});
if (result.errors.length > 0) process.exit(1);
// esbuild writes strings, templates and identifiers in ASCII, but keeps comments as they are;
// one non-ASCII character (an arrow in a doc comment) makes V8 hold the whole source as a
// two-byte string: twice the memory and a slower decode and parse at every start. Comments
// are only read by people: their non-ASCII characters become \u{...} escapes.
for (const f of result.outputFiles) {
  if (f.path.endsWith(".map")) {
    await writeFile(f.path, f.contents);
    continue;
  }
  const text = f.text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  await writeFile(f.path, text, { mode: 0o755 });
}
