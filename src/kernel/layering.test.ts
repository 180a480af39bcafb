// Structural rules of DESIGN.md §1 and §3, checked on the sources: imports point downward
// (machine ← kernel ← servers ← linux ← cli), and no mutable module-level state above
// src/machine (in deterministic mode one JS heap hosts every processor, so a module-level
// variable would silently be shared between them).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../../../src");
const LAYERS = ["machine", "kernel", "servers", "linux", "cli"];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

test("imports point downward only", () => {
  const bad: string[] = [];
  let seen = 0;
  for (const f of files(SRC)) {
    const layer = LAYERS.indexOf(relative(SRC, f).split("/")[0]);
    if (layer < 0) continue;
    for (const m of readFileSync(f, "utf8").matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)) {
      const target = relative(SRC, resolve(dirname(f), m[1])).split("/")[0];
      const tl = LAYERS.indexOf(target);
      seen++;
      if (tl > layer) bad.push(`${relative(SRC, f)} imports ${m[1]}`);
    }
  }
  assert.ok(seen > 200, `only ${seen} relative imports found: the scan is broken`);
  assert.deepEqual(bad, []);
});

test("no mutable module-level state in kernel/, servers/, linux/", () => {
  const bad: string[] = [];
  for (const f of files(SRC)) {
    const top = relative(SRC, f).split("/")[0];
    if (!["kernel", "servers", "linux"].includes(top) || f.endsWith(".test.ts") || f.includes("/testing/")) continue;
    readFileSync(f, "utf8").split("\n").forEach((line, i) => {
      if (/^(export\s+)?(let|var)\s/.test(line)) bad.push(`${relative(SRC, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(bad, []);
});
