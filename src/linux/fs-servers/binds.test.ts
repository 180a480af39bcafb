// Bind mounts (-v HOST:GUEST[:ro]) through real PPC calls: a read-only bind refuses every change
// with EROFS and leaves the host directory as it was; a read-write bind changes the host
// directory itself (the user asked for that) and still never follows a host link out of it,
// nor uses a path whose directory the guest replaced by a link.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeType, OpenFlag, type Time } from "../../servers/fs/iface.js";
import { Errno } from "../../servers/fs/errno.js";
import { ROOT, errno, runClients, user } from "./testing/harness.js";
import { FsClient } from "./testing/client.js";
import { hashTree, hostOrder, makeHostTree } from "./testing/hosttree.js";

const E = Errno;
const clock = (): (() => Time) => {
  let t = 1_900_000_000;
  return () => [t++, 0];
};

test("read-only bind: reads work, every change is EROFS, the host directory is unchanged", () => {
  const host = makeHostTree();
  const vol = makeHostTree();
  const before = hashTree(vol.root);
  const r = runClients(1, { root: host.root, seed: 1, now: clock(), binds: [{ host: vol.root, guest: "/data", readonly: true }] }, [{
    cpu: 0, domain: 100,
    body: function* (c) {
      const m = c.mount("/data");
      assert.equal(m.flags & 1, 1, "MS_RDONLY in the mount table");
      assert.equal(m.source, vol.root);
      const fs = new FsClient(c, c.fs("/data"), ROOT);
      const root = yield* fs.root();
      assert.equal((yield* fs.statfs()).flags & 1, 1, "ST_RDONLY");
      const etc = yield* fs.path("etc");
      const p = yield* fs.lookup(etc.ino, "passwd");
      assert.equal(p.ino, lstatSync(join(vol.root, "etc/passwd")).ino);
      assert.equal(yield* fs.readFile(p.ino), "root:x:0:0:root:/root:/bin/sh\n");
      assert.deepEqual(yield* fs.names((yield* fs.path("many")).ino), hostOrder(join(vol.root, "many")));
      const checks: [string, number][] = [
        ["create", yield* errno(fs.create(etc.ino, "new"))],
        ["create existing (EEXIST first)", yield* errno(fs.create(etc.ino, "passwd", 0o644, true))],
        ["mkdir", yield* errno(fs.mkdir(root, "d"))],
        ["unlink", yield* errno(fs.unlink(etc.ino, "passwd"))],
        ["unlink missing", yield* errno(fs.unlink(etc.ino, "missing"))],
        ["rmdir", yield* errno(fs.rmdir(root, "empty"))],
        ["rename", yield* errno(fs.rename(etc.ino, "passwd", etc.ino, "p2"))],
        ["symlink", yield* errno(fs.symlink(root, "l", "x"))],
        ["link", yield* errno(fs.link(p.ino, root, "l"))],
        ["chmod", yield* errno(fs.setattr(p.ino, { mode: 0o777 }))],
        ["truncate", yield* errno(fs.setattr(p.ino, { size: 0 }))],
        ["open for writing", yield* errno(fs.open(p.ino, OpenFlag.WrOnly))],
        ["open O_TRUNC", yield* errno(fs.open(p.ino, OpenFlag.RdOnly | OpenFlag.Trunc))],
        ["setxattr", yield* errno(fs.fs.setxattr(p.ino, "user.x", Buffer.from("1"), 0, fs.cred as never))],
      ];
      assert.deepEqual(checks, checks.map(([w]) => [w, w.includes("EEXIST") ? E.EEXIST : E.EROFS]));
      assert.equal(yield* errno(fs.fs.getxattr(p.ino, "user.x")), E.ENODATA, "host attributes are not read: none shown");
      const rd = yield* fs.open(p.ino, OpenFlag.RdOnly);
      assert.equal(yield* rd.text(0, 4), "root");
      yield* rd.close();
    },
  }]);
  assert.deepEqual(r.threadErrors, []);
  assert.equal(hashTree(vol.root), before);
});

test("read-write bind: changes go to the host directory; host links out of it are never followed", () => {
  const host = makeHostTree();
  const base = mkdtempSync(join(tmpdir(), "k42fs-vol-"));
  const vol = join(base, "vol");
  const outside = join(base, "outside");
  mkdirSync(vol);
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "secret\n");
  mkdirSync(join(vol, "sub"));
  writeFileSync(join(vol, "sub", "f"), "host file\n");
  symlinkSync(outside, join(vol, "escape"));
  const outsideBefore = hashTree(outside);
  const r = runClients(1, { root: host.root, seed: 1, now: clock(), binds: [{ host: vol, guest: "/vol", readonly: false }] }, [{
    cpu: 0, domain: 100,
    body: function* (c) {
      const fs = new FsClient(c, c.fs("/vol"), ROOT);
      const root = yield* fs.root();
      assert.equal(root, lstatSync(vol).ino);
      // Writes land on the host.
      const a = yield* fs.writeFile(root, "made", "by the guest\n", 0o640);
      assert.equal(a.ino, lstatSync(join(vol, "made")).ino);
      const sub = yield* fs.lookup(root, "sub");
      const f = yield* fs.lookup(sub.ino, "f");
      const h = yield* fs.open(f.ino, OpenFlag.RdWr);
      yield* h.write(0, "HOST");
      assert.deepEqual(yield* h.write(0, "!", true), { n: 1, end: 11 });
      assert.equal(yield* h.text(), "HOST file\n!");
      assert.equal((yield* h.truncate(4)).size, 4);
      yield* h.close();
      yield* fs.mkdir(root, "newdir", 0o700);
      yield* fs.symlink(root, "ln", "../somewhere");
      yield* fs.link(a.ino, sub.ino, "hard");
      yield* fs.rename(root, "made", sub.ino, "moved");
      assert.equal((yield* fs.getattr(a.ino)).nlink, 2, "the node is found at its new place");
      yield* fs.setattr(a.ino, { mode: 0o600, mtime: [1234, 0] });
      // The host link is a link: never followed, whatever is asked through it.
      const esc = yield* fs.lookup(root, "escape");
      assert.equal(esc.mode & 0o170000, NodeType.Lnk);
      assert.equal(yield* fs.readlink(esc.ino), outside);
      for (const g of [fs.lookup(esc.ino, "secret"), fs.create(esc.ino, "planted"), fs.unlink(esc.ino, "secret"), fs.readdir(esc.ino, 0, 10)]) {
        assert.equal(yield* errno(g), E.ENOTDIR);
      }
      assert.equal(yield* errno(fs.open(esc.ino, OpenFlag.RdOnly)), E.ELOOP);
      // A directory replaced by a link after it was looked up: its old number leads nowhere.
      const d = yield* fs.mkdir(root, "d");
      yield* fs.writeFile(d.ino, "inside", "x");
      yield* fs.unlink(d.ino, "inside");
      yield* fs.rmdir(root, "d");
      yield* fs.symlink(root, "d", outside);
      // (ENOENT, or ENOTDIR when the host gave the new link the old directory's inode number.)
      assert.ok(([E.ENOENT, E.ENOTDIR] as number[]).includes(yield* errno(fs.lookup(d.ino, "secret"))));
      assert.ok(([E.ENOENT, E.ENOTDIR] as number[]).includes(yield* errno(fs.create(d.ino, "planted"))));
      // Permission checks are the guest's, on the host's attributes.
      const u = fs.as(user(4242));
      const nd = yield* fs.lookup(root, "newdir");
      assert.equal(yield* errno(u.create(nd.ino, "x")), E.EACCES);
      assert.equal(yield* errno(u.setattr(a.ino, { mode: 0o777 })), E.EPERM);
      assert.equal(yield* errno(fs.mknod(root, "fifo", NodeType.Fifo | 0o644)), E.EPERM, "the pass-through cannot make FIFOs");
      assert.equal(yield* errno(fs.rename(root, "ln", root, "newdir", 2)), E.EINVAL, "no RENAME_EXCHANGE on the host");
      assert.equal(yield* errno(fs.fs.setxattr(a.ino, "user.x", Buffer.from("1"), 0, fs.cred as never)), E.EOPNOTSUPP);
      // Listing order is the host's.
      assert.deepEqual(yield* fs.names(root), hostOrder(vol));
    },
  }]);
  assert.deepEqual(r.threadErrors, []);
  assert.equal(readFileSync(join(vol, "sub", "moved"), "utf8"), "by the guest\n");
  assert.equal(readFileSync(join(vol, "sub", "f"), "utf8"), "HOST");
  assert.equal(lstatSync(join(vol, "sub", "moved")).mode & 0o7777, 0o600);
  assert.equal(lstatSync(join(vol, "sub", "hard")).nlink, 2);
  assert.equal(readlinkSync(join(vol, "ln"), "utf8"), "../somewhere");
  assert.ok(existsSync(join(vol, "newdir")));
  assert.equal(hashTree(outside), outsideBefore, "nothing outside the bind changed");
  assert.ok(!existsSync(join(outside, "planted")));
});
