// The committed system-call tables against the kernel headers installed on this machine:
// every number and name the header defines is in the table, and nothing else is.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { parseUnistd, UNISTD_HEADERS } from "./unistd.js";
import { PPC64_SYSCALLS } from "./ppc64.js";
import { PPC32_SYSCALLS } from "./ppc32.js";

const TABLES = { ppc64: PPC64_SYSCALLS, ppc32: PPC32_SYSCALLS } as const;

for (const arch of ["ppc64", "ppc32"] as const) {
  const header = UNISTD_HEADERS[arch];
  const missing = !existsSync(header);
  test(`the ${arch} table is the kernel's ${header.split("/").pop()}, number for number and name for name`, { skip: missing ? `${header} is not installed (linux-libc-dev-ppc64-cross)` : false }, () => {
    const fromHeader = new Map(parseUnistd(readFileSync(header, "utf8")).map(([nr, name]) => [name, nr]));
    const table = new Map(TABLES[arch].map(([nr, name]) => [name, nr]));
    assert.ok(fromHeader.size > 400, `the header defines only ${fromHeader.size} calls`);
    for (const [name, nr] of fromHeader) assert.equal(table.get(name), nr, `${arch} table: ${name} should be ${nr}`);
    for (const [name, nr] of table) assert.equal(fromHeader.get(name), nr, `${arch} table: ${name} = ${nr} is not in the header`);
    // Neither side repeats a name or a number.
    assert.equal(table.size, TABLES[arch].length, "a name appears twice in the table");
    assert.equal(new Set(TABLES[arch].map(([nr]) => nr)).size, TABLES[arch].length, "a number appears twice in the table");
  });
}

test("the header reader refuses a line it does not understand instead of skipping it", () => {
  assert.deepEqual(parseUnistd("#define __NR_read 3\n#define __NR_write 4\n"), [[3, "read"], [4, "write"]]);
  assert.throws(() => parseUnistd("#define __NR_foo (__NR_bar + 1)\n"), /cannot read/);
});
