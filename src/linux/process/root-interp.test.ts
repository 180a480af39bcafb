// A host program's interpreter is read from the guest root: links resolve inside the root
// (absolute targets from the root, ".." stops there) and its volumes, never on the host.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { E } from "../errno.js";
import { resolveInRoot, rootInterp } from "./root-interp.js";

test("the interpreter path resolves inside the root: absolute links, '..', loops, missing files", () => {
  const root = mkdtempSync(join(tmpdir(), "k42-interp-"));
  const outside = mkdtempSync(join(tmpdir(), "k42-outside-"));
  try {
    mkdirSync(join(root, "lib", "powerpc64le-linux-gnu"), { recursive: true });
    writeFileSync(join(root, "lib", "powerpc64le-linux-gnu", "ld64.so.2"), "the root's linker");
    writeFileSync(join(outside, "ld64.so.2"), "the host's file");
    mkdirSync(join(root, "lib64"));
    symlinkSync("/lib/powerpc64le-linux-gnu/ld64.so.2", join(root, "lib64", "ld64.so.2"));
    symlinkSync(join(outside, "ld64.so.2"), join(root, "lib64", "host-abs")); // an absolute host path
    symlinkSync("../../../../../../lib/powerpc64le-linux-gnu/ld64.so.2", join(root, "lib64", "up"));
    symlinkSync("loop", join(root, "lib64", "loop"));
    const open = rootInterp(root);
    const text = (r: Uint8Array | number): string | number => (typeof r === "number" ? r : Buffer.from(r).toString());
    assert.equal(text(open("/lib64/ld64.so.2")), "the root's linker");
    assert.equal(text(open("/lib64/up")), "the root's linker", "'..' stops at the root");
    assert.equal(text(open("/lib64/host-abs")), -E.ENOENT, "an absolute link is the root's path, not the host's");
    assert.equal(text(open("/lib64/loop")), -E.ELOOP);
    assert.equal(text(open("/lib64/none")), -E.ENOENT);
    assert.equal(text(open("/lib64")), -E.EISDIR);
    assert.equal(resolveInRoot(root, "/lib/powerpc64le-linux-gnu/ld64.so.2/x"), -E.ENOTDIR);
    // A volume mounted at /opt/l: its files are the host directory's, also through a root link.
    symlinkSync("/opt/l/ld64.so.2", join(root, "lib64", "via-volume"));
    const withVolume = rootInterp(root, [{ host: outside, guest: "/opt/l" }]);
    assert.equal(text(withVolume("/opt/l/ld64.so.2")), "the host's file");
    assert.equal(text(withVolume("/lib64/via-volume")), "the host's file");
    assert.equal(text(open("/lib64/via-volume")), -E.ENOENT, "no volume: nothing there");
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});
