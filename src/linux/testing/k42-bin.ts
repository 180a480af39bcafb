// The k42 command as users run it, for the tests that spawn it: package.json's "bin" (the
// bundle written by scripts/bundle.mjs), not the unbundled dist/src/cli/k42.js that the
// other tests import module by module.

import { readFileSync } from "node:fs";
import { repoPath } from "./cross.js";

function binPath(): string {
  const pkg = JSON.parse(readFileSync(repoPath("package.json"), "utf8")) as { bin?: Record<string, string> };
  const rel = pkg.bin?.k42;
  if (rel === undefined) throw new Error("package.json has no bin.k42");
  return repoPath(rel);
}

/** Absolute path of the k42 command (run it with process.execPath). */
export const K42_BIN: string = binPath();
