// The k42ts version, from the package.json of the installed package (the nearest one above
// this file: dist/src/cli/ when built, src/cli/ in the source tree).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function k42Version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const f = join(dir, "package.json");
    if (existsSync(f)) {
      const p = JSON.parse(readFileSync(f, "utf8")) as { name?: string; version?: string };
      if (p.name === "k42ts" && typeof p.version === "string") return p.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("k42: cannot find the package.json of k42ts above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}
