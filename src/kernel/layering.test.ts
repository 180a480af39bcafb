// Structural rules of DESIGN.md §1 and §3, checked on the sources: imports point downward
// (machine ← kernel ← servers ← linux ← cli); a server is a protection domain, not a library,
// so src/servers reaches the kernel only through the PPC declarations (iface, values, errors)
// and the machine not at all; and no mutable module-level state above src/machine (in
// deterministic mode one JS heap hosts every processor, so a module-level variable would
// silently be shared between them).

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

/** What src/servers may import from the kernel: the PPC declarations, nothing that runs. */
const SERVER_KERNEL_IMPORTS: readonly string[] = ["kernel/ppc/iface.ts", "kernel/ppc/values.ts", "kernel/ppc/errors.ts"];

/** Every module specifier a source text imports: static, re-exports, side-effect and dynamic. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gms)) out.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) out.push(m[1]);
  for (const m of text.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)) out.push(m[1]);
  return out;
}

/**
 * The imports of server sources (`file` relative to src/, e.g. "servers/proc/procfs.ts") that
 * break the server rule: into the kernel beyond SERVER_KERNEL_IMPORTS, into the machine, the
 * personality or the command line, or any package that is not a node: builtin.
 */
function serverImportViolations(sources: readonly { file: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const { file, text } of sources) {
    if (!file.startsWith("servers/")) continue;
    for (const spec of specifiers(text)) {
      if (spec.startsWith("node:")) continue;
      if (!spec.startsWith(".")) {
        bad.push(`${file} imports package ${spec}`);
        continue;
      }
      const target = join(dirname(file), spec).replace(/\.js$/, ".ts");
      const layer = target.split("/")[0];
      if (layer === "servers") continue;
      if (layer === "kernel" && SERVER_KERNEL_IMPORTS.includes(target)) continue;
      bad.push(`${file} imports ${spec} (${target})`);
    }
  }
  return bad;
}

test("servers import from the kernel only the PPC declarations (iface, values, errors), never the machine", () => {
  const sources = files(join(SRC, "servers")).map((f) => ({ file: relative(SRC, f), text: readFileSync(f, "utf8") }));
  assert.ok(sources.length > 0, "no server sources found: the scan is broken");
  assert.ok(sources.some((s) => specifiers(s.text).some((x) => x.endsWith("kernel/ppc/iface.js"))), "no server imports iface.js: the scan is broken");
  assert.deepEqual(serverImportViolations(sources), []);
});

test("the server import rule catches what it must (and passes what it may)", () => {
  const f = (text: string) => serverImportViolations([{ file: "servers/x/y.ts", text }]);
  assert.deepEqual(f(`import { method } from "../../kernel/ppc/iface.js";\nimport type { Handle } from "../../kernel/ppc/values.js";\n` +
    `import { ServerErrno } from "../../kernel/ppc/errors.js";\nimport { FileSystemIface } from "../fs/iface.js";\nimport { readFileSync } from "node:fs";`), []);
  assert.deepEqual(f(`import type { Kernel } from "../../kernel/kernel.js";`), ["servers/x/y.ts imports ../../kernel/kernel.js (kernel/kernel.ts)"]);
  assert.deepEqual(f(`import {\n  Server,\n} from "../../kernel/ppc/server.js";`), ["servers/x/y.ts imports ../../kernel/ppc/server.js (kernel/ppc/server.ts)"]);
  assert.deepEqual(f(`export { PPCManager } from "../../kernel/ppc/ppc.js";`), ["servers/x/y.ts imports ../../kernel/ppc/ppc.js (kernel/ppc/ppc.ts)"]);
  assert.deepEqual(f(`const m = await import("../../kernel/cos/manager.js");`), ["servers/x/y.ts imports ../../kernel/cos/manager.js (kernel/cos/manager.ts)"]);
  assert.deepEqual(f(`import "../../machine/memory.js";`), ["servers/x/y.ts imports ../../machine/memory.js (machine/memory.ts)"]);
  assert.deepEqual(f(`import { E } from "../../linux/errno.js";`), ["servers/x/y.ts imports ../../linux/errno.js (linux/errno.ts)"]);
  assert.deepEqual(f(`import x from "k42ts/dist/src/kernel/kernel.js";`), ["servers/x/y.ts imports package k42ts/dist/src/kernel/kernel.js"]);
  // Files outside src/servers are not servers.
  assert.deepEqual(serverImportViolations([{ file: "linux/x.ts", text: `import { Kernel } from "../kernel/kernel.js";` }]), []);
});
