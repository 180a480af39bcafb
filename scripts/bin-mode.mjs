// After tsc: make the package's commands (package.json "bin") executable again. tsc writes
// its output files with the default mode, and a rebuild from an empty dist/ would otherwise
// leave `npx k42` with "Permission denied". Node's chmod works the same on every platform
// that has modes (and does nothing harmful on those that do not).

import { chmodSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const bins = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
for (const rel of bins) {
  const file = join(root, rel);
  const mode = statSync(file).mode & 0o7777;
  // executable wherever it is readable: 644 becomes 755
  chmodSync(file, mode | ((mode & 0o444) >> 2));
}
