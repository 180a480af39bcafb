// After tsc: bundle the k42 command into one file, dist/k42.mjs (package.json "bin"), and the
// parallel mode's worker into another, dist/k42-worker.mjs.
//
// Why: Node loads the ~400 ES modules of dist/src one by one (resolve, stat, open, compile),
// which took most of `k42 --version`'s time and is paid by every `k42 run` (and, in parallel
// mode, by every worker thread). One file is read and compiled at once.
//
// Worker threads start from URLs made with `new URL("./x.js", import.meta.url)`, a program is
// named to a worker by its module's URL, and k42Version() looks for package.json above its
// file. In a bundle every module's import.meta.url would be the bundle's own, so:
// - each module's `import.meta.url` becomes the URL of its own compiled file under dist/src
//   (the input pump, src/machine/host-input-pump.js, still starts from there; package.json is
//   found as before);
// - two places are pointed at the worker bundle instead: the parallel mode's worker
//   (src/kernel/boot.js starts `./boot-worker.js`) and the program it runs (`k42 run
//   --parallel` names src/linux/process/run.js's guestProgram). The worker bundle is
//   boot-worker.js plus that export, so a worker imports its program from the module it is
//   already running: one copy of the kernel per worker, loaded from one file.
//
// cli-progress (k42 rootfs) is CommonJS and calls require("readline"): an ES module has no
// `require`, so each bundle makes one (the banner) for esbuild's converted CommonJS to use.

import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const distSrc = join(dist, "src") + sep;
const WORKER = "./k42-worker.mjs";

/** The bundle's own import.meta.url while a module's own ones are being replaced. */
const BUNDLE_URL = "__k42BundleUrl__";
/** A URL relative to the bundles (both are in dist/), as source text. */
const urlOf = (rel, base) => `new URL(${JSON.stringify(rel)}, ${base}).href`;

/** The places that must reach the worker bundle: file, text there, its replacement. */
const TO_WORKER = [
  { file: join(dist, "src", "kernel", "boot.js"), from: 'new URL("./boot-worker.js", import.meta.url)', to: `new URL(${JSON.stringify(WORKER)}, ${BUNDLE_URL})` },
  { file: join(dist, "src", "linux", "process", "run.js"), from: "{ module: import.meta.url, name: \"guestProgram\"", to: `{ module: ${urlOf(WORKER, BUNDLE_URL)}, name: "guestProgram"` },
];

/** Gives every module of dist/src its own import.meta.url, and the worker its bundle (see above). */
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(distSrc)) return undefined;
      let text = await readFile(args.path, "utf8");
      for (const t of TO_WORKER) {
        if (t.file !== args.path) continue;
        // A changed source must change this script too, not quietly start the unbundled worker.
        if (!text.includes(t.from)) throw new Error(`${args.path}: no ${t.from}; update scripts/bundle.mjs`);
        text = text.replace(t.from, t.to);
      }
      // Anything else of import.meta (dirname, filename, resolve) would silently be the bundle's.
      if (/import\.meta(?!\.url)/.test(text)) throw new Error(`${args.path}: uses import.meta beyond .url; teach scripts/bundle.mjs about it`);
      const own = "./" + relative(dist, args.path).split(sep).join("/");
      text = text.replaceAll("import.meta.url", urlOf(own, "import.meta.url")).replaceAll(BUNDLE_URL, "import.meta.url");
      return { contents: text, loader: "js" };
    });
  },
};

const common = {
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
};

const results = await Promise.all([
  build({ ...common, entryPoints: [join(dist, "src", "cli", "k42.js")], outfile: join(dist, "k42.mjs") }),
  build({
    ...common,
    // The program first, then the worker's start (which imports it again by URL: this module).
    stdin: {
      contents: 'export { guestProgram } from "./src/linux/process/run.js";\nimport "./src/kernel/boot-worker.js";\n',
      resolveDir: dist, sourcefile: "k42-worker-entry.js", loader: "js",
    },
    outfile: join(dist, WORKER),
  }),
]);
if (results.some((r) => r.errors.length > 0)) process.exit(1);
// esbuild writes strings, templates and identifiers in ASCII, but keeps comments as they are;
// one non-ASCII character (an arrow in a doc comment) makes V8 hold the whole source as a
// two-byte string: twice the memory and a slower decode and parse at every start. Comments
// are only read by people: their non-ASCII characters become \u{...} escapes.
for (const f of results.flatMap((r) => r.outputFiles)) {
  if (f.path.endsWith(".map")) {
    await writeFile(f.path, f.contents);
    continue;
  }
  const text = f.text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
  await writeFile(f.path, text);
}
