// /proc/PID/maps lines from regions, checked against the layout Linux prints: the name starts in
// column 74 for 64-bit processes (as in any x86-64 host's /proc/self/maps:
// "556a0aefa000-556a0af3c000 rw-p 00000000 00:00 0" + 26 spaces + "[heap]") and in column 50 for
// 32-bit ones; a line without a name ends in one space after the inode.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Pte } from "../../machine/pagetable.js";
import { fileName, mapsLine, mapsText, regionName } from "./maps.js";
import { RegionFlag, RegionKind } from "./region.js";
import type { RegionView } from "./process.js";
import type { ObjRef } from "../cos/manager.js";

const region = (start: number, end: number, prot: number, kind: RegionKind, flags = 0): RegionView => ({
  start, end, prot, kind, flags, fcm: 0 as ObjRef<never>, offset: 0, policyMode: 0, policyNodes: 0, id: 0 as ObjRef<never>, cache: 0 as ObjRef<never>,
});

test("maps lines: heap, stack, anonymous, shared, and a file mapping, 64-bit and 32-bit", () => {
  assert.equal(mapsLine(region(0x10030000, 0x10051000, Pte.Read | Pte.Write, RegionKind.Heap), 8),
    "10030000-10051000 rw-p 00000000 00:00 0" + " ".repeat(34) + "[heap]");
  assert.equal(mapsLine(region(0x7ffff7800000, 0x7ffff8000000, Pte.Read | Pte.Write, RegionKind.Stack), 8),
    "7ffff7800000-7ffff8000000 rw-p 00000000 00:00 0" + " ".repeat(26) + "[stack]");
  assert.equal(mapsLine(region(0x7fff8000000, 0x7fff8010000, Pte.Read | Pte.Write, RegionKind.Anonymous), 8),
    "7fff8000000-7fff8010000 rw-p 00000000 00:00 0 ");
  assert.equal(mapsLine(region(0x7fff8000000, 0x7fff8010000, Pte.Read | Pte.Write, RegionKind.Anonymous, RegionFlag.Shared), 8),
    "7fff8000000-7fff8010000 rw-s 00000000 00:00 0 ");
  assert.equal(mapsLine(region(0x10000000, 0x10010000, Pte.Read | Pte.Exec, RegionKind.Image), 8, { name: "/usr/bin/true", offset: 0x10000, major: 8, minor: 2, inode: 173521 }),
    "10000000-10010000 r-xp 00010000 08:02 173521" + " ".repeat(29) + "/usr/bin/true");
  assert.equal(mapsLine(region(0x100a0000, 0x100c1000, Pte.Read | Pte.Write, RegionKind.Heap), 4),
    "100a0000-100c1000 rw-p 00000000 00:00 0" + " ".repeat(10) + "[heap]");
  assert.equal(mapsText([region(0x1000, 0x2000, 0, RegionKind.Anonymous)], 8), "00001000-00002000 ---p 00000000 00:00 0 \n");
});

test("maps lines of file mappings: path, file offset, device major:minor from st_dev, inode", () => {
  const r = { ...region(0x7fff8000000, 0x7fff8003000, Pte.Read, RegionKind.File, RegionFlag.Shared), offset: 3 };
  // st_dev 0x802 is 8:2; minor 0x123 spills into bits 20–31 (Linux's new_encode_dev).
  assert.equal(mapsLine(r, 8, fileName(r, { dev: 0x802, ino: 1234, path: "/etc/passwd" })),
    "7fff8000000-7fff8003000 r--s 00003000 08:02 1234" + " ".repeat(25) + "/etc/passwd");
  assert.deepEqual(fileName(r, { dev: 0x823 | (0x1 << 20), ino: 5, path: "/x" }), { name: "/x", offset: 0x3000, major: 8, minor: 0x123, inode: 5 });
  assert.deepEqual(regionName(region(0x1000, 0x2000, Pte.Read, RegionKind.Heap)), { name: "[heap]" });
});
