// Writes ppc64.ts and ppc32.ts from the installed kernel headers. Run it after the headers
// change (a new linux-libc-dev): node dist/src/linux/syscalls/gen-tables.js
// tables.test.ts fails while the committed tables and the headers differ.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseUnistd, UNISTD_HEADERS } from "./unistd.js";

const SRC = join(dirname(fileURLToPath(import.meta.url)), "../../../../src/linux/syscalls");

function render(arch: "ppc64" | "ppc32", header: string): string {
  const pairs = parseUnistd(readFileSync(header, "utf8"));
  const file = header.split("/").pop() ?? header;
  const lines = pairs.map(([nr, name]) => `  [${nr}, "${name}"],`);
  return [
    `// The ${arch} system-call numbers, generated from the kernel's asm/${file} for PowerPC`,
    "// (linux-libc-dev 6.1) by gen-tables.ts. Data, not code: tables.test.ts checks it against the",
    "// installed header in both directions.",
    "",
    `export const ${arch.toUpperCase()}_SYSCALLS: readonly (readonly [number, string])[] = [`,
    ...lines,
    "];",
    "",
  ].join("\n");
}

for (const arch of ["ppc64", "ppc32"] as const) {
  writeFileSync(join(SRC, `${arch}.ts`), render(arch, UNISTD_HEADERS[arch]));
}
