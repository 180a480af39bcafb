// The names --strace prints against the PowerPC headers and C library: guest/strace/consts.c,
// compiled for ppc64 and ppc32, prints each constant's value and each errno's strerror text
// as the target defines them (run under qemu-user); every entry of names.ts and strerror.ts
// must agree.

import { test } from "node:test";
import assert from "node:assert/strict";
import { ALL_TABLES } from "./names.js";
import { strerror } from "./strerror.js";
import { buildGuest, runQemu } from "../testing/cross.js";

/** NAME -> value and errno -> text, as the guest printed them. */
function guestConstants(t: "ppc64" | "ppc32"): { values: Map<string, number>; messages: Map<number, string> } {
  const r = runQemu(t, buildGuest(t, "strace/consts.c"), []);
  assert.equal(r.status, 0);
  const values = new Map<string, number>(), messages = new Map<number, string>();
  for (const line of r.stdout.toString().split("\n")) {
    const m = /^strerror (\d+) (.*)$/.exec(line);
    if (m !== null) messages.set(Number(m[1]), m[2]);
    else if (line !== "") {
      const [name, value] = line.split(" ");
      values.set(name, Number(value));
    }
  }
  return { values, messages };
}

/** glibc's TCGETS & co. are sized by its own 60-byte struct termios; the kernel's (and what glibc's tcgetattr passes) by the kernel's 44-byte one. */
const KERNEL_TERMIOS = new Set(["TCGETS", "TCSETS", "TCSETSW", "TCSETSF"]);
const withSize = (ioc: number, size: number): number => ((ioc & ~(0x1fff << 16)) | (size << 16)) >>> 0;

/** Names 64-bit glibc gives other values than the kernel's: checked on ppc32 only. */
const PPC32_ONLY = new Set(["O_LARGEFILE", "F_GETLK64", "F_SETLK64", "F_SETLKW64"]);

for (const t of ["ppc64", "ppc32"] as const) {
  test(`strace's flag and ioctl names have the values of the ${t} headers, and strerror glibc's text`, () => {
    const { values, messages } = guestConstants(t);
    let checked = 0;
    for (const [table, names] of Object.entries(ALL_TABLES)) {
      for (const [v, name] of names) {
        if (t === "ppc64" && PPC32_ONLY.has(name)) continue;
        const got = values.get(name);
        assert.notEqual(got, undefined, `${name} (${table}) is not defined by the ${t} headers`);
        const want = KERNEL_TERMIOS.has(name) ? withSize(got ?? 0, 44) : got;
        assert.equal(v >>> 0, want, `${table}: ${name}`);
        checked++;
      }
    }
    assert.ok(checked > 200, `only ${checked} names checked`);
    assert.equal(messages.size, 133);
    for (const [e, text] of messages) assert.equal(strerror(e), text, `strerror(${e})`);
  });
}
