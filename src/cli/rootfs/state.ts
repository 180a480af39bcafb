// A root's record of itself, ROOT/var/lib/k42/rootfs.json: what was installed and how the
// build ended. It is written last, so a root without it (or with an older format) is an
// interrupted or foreign build. Kept under /var/lib, where package managers keep their state,
// rather than at the top of the guest's tree.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Alternative } from "./alternatives.js";
import type { PycResult } from "./pycompile.js";

export const STATE_FORMAT = 1;
export const STATE_FILE = "var/lib/k42/rootfs.json";

export interface RootState {
  format: number;
  release: string;
  arch: string;
  /** name → version and architecture, for every package unpacked. */
  packages: Record<string, { version: string; arch: string }>;
  /** The alternatives the packages' scripts register (applied in automatic mode). */
  alternatives: Alternative[];
  ldCacheEntries: number;
  pyc: PycResult;
  /** The k42ts version that built it, and when. */
  builtBy: string;
  date: string;
}

export function readState(root: string): RootState | undefined {
  const f = join(root, STATE_FILE);
  if (!existsSync(f)) return undefined;
  try {
    const s = JSON.parse(readFileSync(f, "utf8")) as RootState;
    return s.format === STATE_FORMAT ? s : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(root: string, s: RootState): void {
  const f = join(root, STATE_FILE);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(`${f}.tmp`, JSON.stringify(s, null, 1) + "\n");
  renameSync(`${f}.tmp`, f);
}
