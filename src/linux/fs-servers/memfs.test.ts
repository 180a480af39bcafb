// The memory file system's semantics (tmpfs at /tmp), driven through real PPC calls on a booted
// deterministic machine: lookups and names, create/write/read/truncate, a permission table for
// root and non-root callers, the rename matrix, readdir cookies that stay stable while the
// directory changes, unlinked-but-open files, hard links, time stamps, extended attributes,
// and open-file handles that other domains cannot use.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PPCError, PpcErr } from "../../kernel/ppc/errors.js";
import { FileSystemIface, NodeType, OpenFlag, type Time } from "../../servers/fs/iface.js";

const num = (name: string): number => FileSystemIface.list.findIndex((m) => m.name === name);
import { Errno } from "../../servers/fs/errno.js";
import type { FileServersOptions } from "../../servers/fs/start.js";
import { TMPFS_MAGIC } from "../../servers/fs/tmpfs.js";
import { ROOT, errno, runClients, user, type Client, type Gen } from "./testing/harness.js";
import { FsClient } from "./testing/client.js";

const E = Errno;

export function testOptions(): FileServersOptions {
  let t = 1_700_000_000;
  const root = mkdtempSync(join(tmpdir(), "k42fs-root-"));
  return { root, seed: 1, now: (): Time => [t++, 500] };
}

/** Run `body` as a client (domain 100, processor 1 of 2) of the tmpfs at /tmp, as root. */
function tmpTest(name: string, body: (fs: FsClient, root: number, c: Client) => Gen): void {
  test(name, () => {
    const r = runClients(2, testOptions(), [{
      cpu: 1, domain: 100,
      body: function* (c) {
        const fs = new FsClient(c, c.fs("/tmp"), ROOT);
        yield* body(fs, yield* fs.root(), c);
      },
    }]);
    assert.deepEqual(r.threadErrors, []);
    assert.equal(r.deadlock, undefined);
  });
}

const names = (es: [string, number, number, number][]): string[] => es.map((e) => e[0]);

tmpTest("tmpfs: the root, statfs, lookups, and names the server refuses", function* (fs, root) {
  const a = yield* fs.getattr(root);
  assert.equal(a.mode, NodeType.Dir | 0o1777);
  assert.equal(a.ino, 1);
  const st = yield* fs.statfs();
  assert.equal(st.type, TMPFS_MAGIC);
  assert.equal(st.namelen, 255);
  yield* fs.mkdir(root, "d");
  assert.equal(yield* errno(fs.lookup(root, "nope")), E.ENOENT);
  // One component only: the client resolves ".", ".." and paths itself.
  for (const bad of ["d/x", "/", ".", "..", "a\0b", "\u0100"]) assert.equal(yield* errno(fs.lookup(root, bad)), E.EINVAL, JSON.stringify(bad));
  assert.equal(yield* errno(fs.lookup(root, "")), E.ENOENT);
  assert.equal(yield* errno(fs.lookup(root, "x".repeat(256))), E.ENAMETOOLONG);
  assert.equal(yield* errno(fs.create(root, "x".repeat(256))), E.ENAMETOOLONG);
  assert.equal(yield* errno(fs.mkdir(root, "..")), E.EINVAL);
  assert.equal(yield* errno(fs.rename(root, "d", root, "a/b")), E.EINVAL);
  // Names are bytes: a non-UTF-8 name (one char per byte on the wire) round-trips.
  const raw = "caf\xe9\xff";
  yield* fs.create(root, raw);
  assert.ok((yield* fs.names(root)).includes(raw));
  assert.equal((yield* fs.lookup(root, raw)).mode & NodeType.Reg, NodeType.Reg);
  // A lookup under a non-directory is ENOTDIR.
  const f = yield* fs.create(root, "file");
  assert.equal(yield* errno(fs.lookup(f.ino, "x")), E.ENOTDIR);
  assert.equal(yield* errno(fs.getattr(999_999)), E.ENOENT);
});

tmpTest("tmpfs: create, write, read, append, truncate, holes, sizes and blocks", function* (fs, root) {
  const a = yield* fs.create(root, "f", 0o640);
  assert.equal(a.mode, NodeType.Reg | 0o640);
  assert.equal(a.size, 0);
  assert.equal(a.nlink, 1);
  assert.equal(yield* errno(fs.create(root, "f", 0o640, true)), E.EEXIST);
  assert.equal((yield* fs.create(root, "f", 0o600, false)).ino, a.ino, "O_CREAT without O_EXCL opens the existing file");
  const f = yield* fs.open(a.ino, OpenFlag.RdWr);
  assert.deepEqual(yield* f.write(0, "hello world"), { n: 11, end: 11 });
  assert.equal(yield* f.text(6, 100), "world");
  assert.deepEqual(yield* f.write(0, "J"), { n: 1, end: 1 });
  assert.equal(yield* f.text(), "Jello world");
  assert.deepEqual(yield* f.write(3, "!!", true), { n: 2, end: 13 }, "append writes at the end whatever the offset");
  // A write far past the end leaves a hole that reads as zeros and holds no pages.
  yield* f.write(100_000, "end");
  const b = yield* f.attr();
  assert.equal(b.size, 100_003);
  assert.equal(b.blocks, 16, "two 4 KiB pages: the first and the last");
  const hole = yield* f.read(50_000, 10);
  assert.deepEqual([...hole], Array(10).fill(0));
  assert.equal((yield* f.read(100_000, 100)).length, 3, "short only at the end");
  assert.equal((yield* f.read(200_000, 10)).length, 0);
  assert.equal((yield* f.truncate(5)).size, 5);
  assert.equal(yield* f.text(), "Jello");
  yield* f.truncate(8);
  assert.deepEqual([...(yield* f.read(0, 8))].slice(5), [0, 0, 0], "extending after a cut shows zeros, not old bytes");
  assert.equal(yield* errno(f.read(-1, 1)), E.EINVAL);
  assert.equal(yield* errno(f.truncate(-1)), E.EINVAL);
  assert.equal(yield* errno(f.write(2 ** 47, "x")), E.EFBIG);
  yield* f.close();
  // O_TRUNC empties the file; a directory cannot be opened for writing.
  const g = yield* fs.open(a.ino, OpenFlag.WrOnly | OpenFlag.Trunc);
  assert.equal((yield* g.attr()).size, 0);
  yield* g.close();
  const d = yield* fs.mkdir(root, "dir");
  assert.equal(yield* errno(fs.open(d.ino, OpenFlag.WrOnly)), E.EISDIR);
  assert.equal(yield* errno(fs.open(d.ino, OpenFlag.RdOnly | OpenFlag.Trunc)), E.EISDIR);
  assert.equal(yield* errno(fs.open(a.ino, OpenFlag.RdOnly | OpenFlag.Directory)), E.ENOTDIR);
  const dh = yield* fs.open(d.ino, OpenFlag.RdOnly | OpenFlag.Directory);
  assert.equal(yield* errno(dh.read(0, 10)), E.EISDIR);
  yield* dh.close();
  // setattr size is truncate(path); a directory is EISDIR, a symlink EINVAL.
  assert.equal((yield* fs.setattr(a.ino, { size: 3 })).size, 3);
  assert.equal(yield* errno(fs.setattr(d.ino, { size: 0 })), E.EISDIR);
  const l = yield* fs.symlink(root, "l", "f");
  assert.equal(yield* errno(fs.setattr(l.ino, { size: 0 })), E.EINVAL);
  assert.equal(yield* errno(fs.open(l.ino)), E.ELOOP, "the server never follows a link");
  // Directory sizes grow by 20 per entry (tmpfs's BOGO_DIRENT_SIZE), from 40.
  const e = yield* fs.mkdir(root, "e");
  assert.equal(e.size, 40);
  yield* fs.create(e.ino, "x");
  assert.equal((yield* fs.getattr(e.ino)).size, 60);
});

tmpTest("tmpfs: directories, nlink, rmdir, unlink, symlinks verbatim, mknod", function* (fs, root) {
  const r0 = (yield* fs.getattr(root)).nlink;
  const d = yield* fs.mkdir(root, "d", 0o7777);
  assert.equal(d.mode, NodeType.Dir | 0o1777, "mkdir keeps the sticky bit, not set-ID bits");
  assert.equal(d.nlink, 2);
  assert.equal((yield* fs.getattr(root)).nlink, r0 + 1);
  yield* fs.mkdir(d.ino, "sub");
  assert.equal((yield* fs.getattr(d.ino)).nlink, 3);
  assert.equal(yield* errno(fs.mkdir(root, "d")), E.EEXIST);
  assert.equal(yield* errno(fs.rmdir(root, "d")), E.ENOTEMPTY);
  assert.equal(yield* errno(fs.unlink(root, "d")), E.EISDIR);
  const f = yield* fs.create(d.ino, "f");
  assert.equal(yield* errno(fs.rmdir(d.ino, "f")), E.ENOTDIR);
  assert.equal(yield* errno(fs.unlink(d.ino, "gone")), E.ENOENT);
  yield* fs.unlink(d.ino, "f");
  assert.equal(yield* errno(fs.getattr(f.ino)), E.ENOENT, "an unlinked closed file is gone");
  yield* fs.rmdir(d.ino, "sub");
  yield* fs.rmdir(root, "d");
  assert.equal((yield* fs.getattr(root)).nlink, r0);
  // Symlink contents are returned byte for byte, never resolved.
  for (const [i, target] of ["../../../../etc/passwd", "/abs/path", "x\xff\x01y", "a//b/./c/"].entries()) {
    const l = yield* fs.symlink(root, `l${i}`, target);
    assert.equal(l.mode, NodeType.Lnk | 0o777);
    assert.equal(l.size, target.length);
    assert.equal(yield* fs.readlink(l.ino), target);
  }
  assert.equal(yield* errno(fs.symlink(root, "empty", "")), E.ENOENT);
  assert.equal(yield* errno(fs.symlink(root, "long", "x".repeat(4096))), E.ENAMETOOLONG);
  assert.equal(yield* errno(fs.readlink(root)), E.EINVAL);
  // mknod: FIFOs and sockets for anyone, devices for root only, directories never.
  const u = fs.as(user(1000));
  const fifo = yield* u.mknod(root, "fifo", NodeType.Fifo | 0o644);
  assert.equal(fifo.mode, NodeType.Fifo | 0o644);
  assert.equal(fifo.uid, 1000);
  assert.equal(yield* errno(u.open(fifo.ino)), E.ENXIO, "FIFOs wait for the pipe server");
  const sock = yield* u.mknod(root, "sock", NodeType.Sock | 0o600);
  assert.equal(yield* errno(u.open(sock.ino)), E.ENXIO);
  assert.equal(yield* errno(u.mknod(root, "c", NodeType.Chr | 0o600, (1 << 8) | 3)), E.EPERM);
  assert.equal(yield* errno(u.mknod(root, "dd", NodeType.Dir | 0o700)), E.EPERM);
  assert.equal(yield* errno(u.mknod(root, "bad", 0o170000 | 0o600)), E.EINVAL);
  const reg = yield* u.mknod(root, "reg", 0o600);
  assert.equal(reg.mode, NodeType.Reg | 0o600, "type 0 makes a regular file");
  // A root-made /dev/null twin on tmpfs is the null device (devices are found by number).
  const cn = yield* fs.mknod(root, "null", NodeType.Chr | 0o666, (1 << 8) | 3);
  assert.equal(cn.rdev, (1 << 8) | 3);
  const h = yield* fs.open(cn.ino, OpenFlag.RdWr);
  assert.deepEqual(yield* h.write(0, "discarded"), { n: 9, end: 9 });
  assert.equal((yield* h.read(0, 10)).length, 0);
  yield* h.close();
  const unknown = yield* fs.mknod(root, "c42", NodeType.Chr | 0o666, (42 << 8) | 1);
  assert.equal(yield* errno(fs.open(unknown.ino)), E.ENXIO);
});

tmpTest("tmpfs: hard links, and a file unlinked while open lives until its last close", function* (fs, root) {
  const a = yield* fs.writeFile(root, "a", "data");
  const b = yield* fs.link(a.ino, root, "b");
  assert.equal(b.ino, a.ino);
  assert.equal(b.nlink, 2);
  assert.equal(yield* errno(fs.link(a.ino, root, "b")), E.EEXIST);
  const d = yield* fs.mkdir(root, "d");
  assert.equal(yield* errno(fs.link(d.ino, root, "dl")), E.EPERM, "no hard links to directories");
  yield* fs.unlink(root, "a");
  assert.equal((yield* fs.getattr(b.ino)).nlink, 1);
  const h = yield* fs.open(b.ino, OpenFlag.RdWr);
  yield* fs.unlink(root, "b");
  assert.equal((yield* h.attr()).nlink, 0);
  assert.equal(yield* h.text(), "data", "still readable");
  yield* h.write(4, "+more");
  assert.equal(yield* h.text(), "data+more");
  assert.equal((yield* fs.getattr(b.ino)).nlink, 0, "still there by number while open");
  assert.equal(yield* errno(fs.link(b.ino, root, "back")), E.ENOENT, "an unlinked file cannot be linked again");
  yield* h.close();
  assert.equal(yield* errno(fs.getattr(b.ino)), E.ENOENT, "gone after the last close");
  // rmdir of an open directory: listing it is ENOENT afterwards (IS_DEADDIR).
  const e = yield* fs.mkdir(root, "e");
  const eh = yield* fs.open(e.ino, OpenFlag.RdOnly);
  yield* fs.rmdir(root, "e");
  assert.equal((yield* eh.attr()).nlink, 0);
  assert.equal(yield* errno(fs.readdir(e.ino, 0, 10)), E.ENOENT);
  assert.equal(yield* errno(fs.create(e.ino, "x")), E.ENOENT, "no new entries in a removed directory");
  yield* eh.close();
});

tmpTest("tmpfs: readdir cookies stay valid while the directory changes", function* (fs, root) {
  const d = yield* fs.mkdir(root, "d");
  for (let i = 0; i < 20; i++) yield* fs.create(d.ino, `f${i}`);
  const first = yield* fs.readdir(d.ino, 0, 7);
  assert.deepEqual(names(first.entries), [".", "..", "f0", "f1", "f2", "f3", "f4"]);
  assert.equal(first.eof, false);
  assert.deepEqual(first.entries.slice(0, 2).map((e) => [e[1], e[2]]), [[d.ino, NodeType.Dir], [root, NodeType.Dir]]);
  // Meanwhile: one listed and two unlisted entries go, one comes back under a new name, two are added.
  yield* fs.unlink(d.ino, "f2");
  yield* fs.unlink(d.ino, "f10");
  yield* fs.unlink(d.ino, "f11");
  yield* fs.rename(d.ino, "f12", d.ino, "r12");
  yield* fs.create(d.ino, "new1");
  yield* fs.create(d.ino, "new2");
  let cookie = first.entries[first.entries.length - 1][3];
  const rest: string[] = [];
  for (;;) {
    const p = yield* fs.readdir(d.ino, cookie, 4);
    rest.push(...names(p.entries));
    if (p.eof) break;
    cookie = p.entries[p.entries.length - 1][3];
  }
  assert.deepEqual(rest, ["f5", "f6", "f7", "f8", "f9", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "r12", "new1", "new2"]);
  // Continuing from a cookie whose entry was removed still works.
  const f4cookie = first.entries[6][3];
  yield* fs.unlink(d.ino, "f4");
  assert.equal(names((yield* fs.readdir(d.ino, f4cookie, 1)).entries)[0], "f5");
  // Cookies 1 and 2 continue after "." and "..".
  assert.deepEqual(names((yield* fs.readdir(d.ino, 1, 2)).entries), ["..", "f0"]);
  assert.equal(yield* errno(fs.readdir(d.ino, -1, 2)), E.EINVAL);
  const all = yield* fs.list(d.ino, 1000);
  assert.equal(all.length, 2 + 20 - 4 + 2);
  const f = yield* fs.create(root, "plain");
  assert.equal(yield* errno(fs.readdir(f.ino, 0, 5)), E.ENOTDIR);
});

tmpTest("tmpfs: permission table (root and non-root)", function* (root0, root) {
  const rootc = root0;
  const alice = root0.as(user(1000, 1000));
  const bob = root0.as(user(2000, 2000));
  const carol = root0.as(user(3000, 3000, [100])); // member of group 100
  // /tmp/home: alice's directory (0755); in it, a file of alice's group 100 (0640).
  const home = yield* rootc.mkdir(root, "home", 0o755);
  yield* rootc.setattr(home.ino, { uid: 1000, gid: 1000 });
  const f = yield* alice.writeFile(home.ino, "f", "secret", 0o640);
  yield* rootc.setattr(f.ino, { gid: 100 });
  const table: [string, Gen<unknown>, number][] = [
    ["owner reads", alice.open(f.ino, OpenFlag.RdOnly), 0],
    ["owner writes", alice.open(f.ino, OpenFlag.WrOnly), 0],
    ["group member reads", carol.open(f.ino, OpenFlag.RdOnly), 0],
    ["group member cannot write", carol.open(f.ino, OpenFlag.WrOnly), E.EACCES],
    ["other cannot read", bob.open(f.ino, OpenFlag.RdOnly), E.EACCES],
    ["O_TRUNC needs write", carol.open(f.ino, OpenFlag.RdOnly | OpenFlag.Trunc), E.EACCES],
    ["root reads anything", rootc.open(f.ino, OpenFlag.RdWr), 0],
    ["O_PATH needs no permission", bob.open(f.ino, OpenFlag.Path), 0],
    ["bob cannot create in alice's directory", bob.create(home.ino, "x"), E.EACCES],
    ["bob cannot remove from it", bob.unlink(home.ino, "f"), E.EACCES],
    ["bob cannot chmod alice's file", bob.setattr(f.ino, { mode: 0o777 }), E.EPERM],
    ["bob cannot chown", bob.setattr(f.ino, { uid: 2000 }), E.EPERM],
    ["alice cannot give her file away", alice.setattr(f.ino, { uid: 2000 }), E.EPERM],
    ["alice may 'chown' to herself", alice.setattr(f.ino, { uid: 1000 }), 0],
    ["alice cannot chgrp to a group she is not in", alice.setattr(f.ino, { gid: 2000 }), E.EPERM],
    ["alice may chgrp to her own group", alice.setattr(f.ino, { gid: 1000 }), 0],
    ["bob cannot truncate by path", bob.setattr(f.ino, { size: 0 }), E.EACCES],
    ["bob cannot set times", bob.setattr(f.ino, { mtime: [1, 0] }), E.EPERM],
    ["bob cannot touch without write access", bob.setattr(f.ino, { atime: "now", mtime: "now" }), E.EACCES],
    ["root chowns", rootc.setattr(f.ino, { uid: 1000, gid: 100 }), 0],
  ];
  for (const [what, g, want] of table) assert.equal(yield* errno(g), want, what);
  // ftruncate needs only the open's write access: an open file keeps working after a chmod 000.
  const mine = yield* alice.writeFile(home.ino, "mine", "12345", 0o600);
  const open = yield* alice.open(mine.ino, OpenFlag.WrOnly);
  yield* alice.setattr(mine.ino, { mode: 0o000 });
  assert.equal(yield* errno(alice.setattr(mine.ino, { size: 1 })), E.EACCES, "truncate by path checks the mode now");
  assert.equal((yield* open.truncate(2)).size, 2);
  assert.deepEqual(yield* open.write(0, "ab"), { n: 2, end: 2 });
  yield* open.close();
  // Write permission lets a non-owner touch to "now", not set explicit times.
  const shared = yield* alice.writeFile(home.ino, "shared", "", 0o666);
  assert.equal(yield* errno(bob.setattr(shared.ino, { atime: "now", mtime: "now" })), 0);
  assert.equal(yield* errno(bob.setattr(shared.ino, { atime: [5, 0], mtime: "now" })), E.EPERM);
  // Search permission: a directory without x cannot be looked into, even by its owner; root can.
  const nx = yield* alice.mkdir(home.ino, "nx", 0o600);
  yield* alice.setattr(nx.ino, { mode: 0o700 });
  yield* alice.create(nx.ino, "inside");
  yield* alice.setattr(nx.ino, { mode: 0o600 });
  assert.equal(yield* errno(alice.lookup(nx.ino, "inside")), E.EACCES);
  assert.equal(yield* errno(alice.lookup(nx.ino, "missing")), E.EACCES, "EACCES before ENOENT");
  assert.equal(yield* errno(alice.unlink(nx.ino, "inside")), E.EACCES);
  assert.equal(yield* errno(rootc.lookup(nx.ino, "inside")), 0);
  // Sticky /tmp: only the file's owner, the directory's owner or root may remove or rename.
  const af = yield* alice.create(root, "alice-tmp");
  assert.equal(yield* errno(bob.unlink(root, "alice-tmp")), E.EPERM);
  assert.equal(yield* errno(bob.rename(root, "alice-tmp", root, "mine")), E.EPERM);
  yield* bob.create(root, "bob-tmp");
  assert.equal(yield* errno(bob.rename(root, "bob-tmp", root, "alice-tmp")), E.EPERM, "nor replace it");
  assert.equal(yield* errno(alice.unlink(root, "alice-tmp")), 0);
  void af;
  // chmod by a non-member clears set-group-ID; root keeps it.
  const g = yield* alice.create(home.ino, "sgid", 0o644);
  yield* rootc.setattr(g.ino, { gid: 100 });
  assert.equal((yield* alice.setattr(g.ino, { mode: 0o2755 })).mode & 0o7777, 0o755);
  assert.equal((yield* rootc.setattr(g.ino, { mode: 0o2755 })).mode & 0o7777, 0o2755);
  // chown clears set-user-ID (and set-group-ID with group execute), even by root.
  yield* rootc.setattr(g.ino, { mode: 0o6755 });
  assert.equal((yield* rootc.setattr(g.ino, { uid: 1000 })).mode & 0o7777, 0o755);
  // A non-root write or truncate clears set-user-ID; root's does not.
  const s = yield* alice.writeFile(home.ino, "suid", "x", 0o755);
  yield* alice.setattr(s.ino, { mode: 0o4755 });
  const rw = yield* rootc.open(s.ino, OpenFlag.WrOnly);
  yield* rw.write(0, "y");
  assert.equal((yield* rw.attr()).mode & 0o7777, 0o4755);
  yield* rw.close();
  const aw = yield* alice.open(s.ino, OpenFlag.WrOnly);
  yield* aw.write(0, "z");
  assert.equal((yield* aw.attr()).mode & 0o7777, 0o755);
  yield* aw.close();
  yield* alice.setattr(s.ino, { mode: 0o2775 });
  yield* alice.setattr(s.ino, { size: 0 });
  assert.equal((yield* alice.getattr(s.ino)).mode & 0o7777, 0o775, "truncate clears executable set-group-ID");
  // A set-group-ID directory: new entries take its group; subdirectories inherit the bit.
  const sg = yield* rootc.mkdir(root, "sg", 0o777);
  yield* rootc.setattr(sg.ino, { gid: 100, mode: 0o2777 });
  const inF = yield* bob.create(sg.ino, "bf", 0o2755);
  assert.equal(inF.gid, 100);
  assert.equal(inF.mode & 0o7777, 0o755, "set-group-ID dropped: bob is not in group 100");
  const inD = yield* bob.mkdir(sg.ino, "bd", 0o755);
  assert.equal(inD.gid, 100);
  assert.equal(inD.mode & 0o7777, 0o2755);
  // protected_hardlinks: no link to a file one cannot read and write, unless owner or root.
  const priv = yield* alice.create(root, "priv", 0o600);
  assert.equal(yield* errno(bob.link(priv.ino, root, "stolen")), E.EPERM);
  assert.equal(yield* errno(rootc.link(priv.ino, root, "rootlink")), 0);
  // Moving a directory to another parent needs write permission on it (its ".." changes).
  const ro = yield* bob.mkdir(root, "bobdir", 0o555);
  const dst = yield* bob.mkdir(root, "bobdst", 0o755);
  assert.equal(yield* errno(bob.rename(root, "bobdir", dst.ino, "x")), E.EACCES);
  assert.equal(yield* errno(bob.rename(root, "bobdir", root, "renamed")), 0, "same parent: no write needed");
  void ro;
  // Extended attributes: user.* needs write permission; trusted.* needs root.
  assert.equal(yield* errno(bob.fs.setxattr(f.ino, "user.k", Buffer.from("v"), 0, bob.cred as never)), E.EACCES);
  assert.equal(yield* errno(alice.fs.setxattr(f.ino, "trusted.k", Buffer.from("v"), 0, alice.cred as never)), E.EPERM);
  assert.equal(yield* errno(rootc.fs.setxattr(f.ino, "trusted.k", Buffer.from("v"), 0, rootc.cred as never)), 0);
});

tmpTest("tmpfs: the rename matrix", function* (fs, root) {
  const mk = function* (name: string): Gen<number> {
    return (yield* fs.mkdir(root, name)).ino;
  };
  const a = yield* mk("a");
  const b = yield* mk("b");
  yield* fs.writeFile(a, "f", "F");
  yield* fs.writeFile(a, "g", "G");
  // Same directory, new name; another directory; over an existing file.
  yield* fs.rename(a, "f", a, "f2");
  assert.deepEqual(yield* fs.names(a), ["g", "f2"]);
  yield* fs.rename(a, "f2", b, "f");
  assert.deepEqual(yield* fs.names(a), ["g"]);
  const g = yield* fs.lookup(a, "g");
  const h = yield* fs.open(g.ino, OpenFlag.RdOnly);
  yield* fs.rename(b, "f", a, "g");
  assert.equal(yield* fs.readFile((yield* fs.lookup(a, "g")).ino), "F");
  assert.equal((yield* h.attr()).nlink, 0, "the replaced file is unlinked, alive while open");
  assert.equal(yield* h.text(), "G");
  yield* h.close();
  // Flags.
  yield* fs.writeFile(b, "x", "X");
  assert.equal(yield* errno(fs.rename(a, "g", b, "x", 1)), E.EEXIST, "RENAME_NOREPLACE");
  assert.equal(yield* errno(fs.rename(a, "g", b, "y", 1)), 0);
  assert.equal(yield* errno(fs.rename(a, "nope", b, "y", 0)), E.ENOENT);
  assert.equal(yield* errno(fs.rename(b, "y", b, "x", 3)), E.EINVAL, "NOREPLACE | EXCHANGE");
  assert.equal(yield* errno(fs.rename(b, "y", b, "x", 4)), E.EINVAL, "unknown flag");
  assert.equal(yield* errno(fs.rename(b, "y", b, "missing", 2)), E.ENOENT, "EXCHANGE needs both");
  // Directories: over an empty directory yes, a non-empty one no; types must match.
  const d1 = yield* fs.mkdir(root, "d1");
  yield* fs.mkdir(d1.ino, "inner");
  yield* fs.mkdir(root, "empty");
  const full = yield* fs.mkdir(root, "full");
  yield* fs.create(full.ino, "x");
  const rootLinks = (yield* fs.getattr(root)).nlink;
  assert.equal(yield* errno(fs.rename(root, "d1", root, "full")), E.ENOTEMPTY);
  assert.equal(yield* errno(fs.rename(root, "d1", b, "x")), E.ENOTDIR, "directory over a file");
  assert.equal(yield* errno(fs.rename(b, "x", root, "empty")), E.EISDIR, "file over a directory");
  assert.equal(yield* errno(fs.rename(root, "d1", root, "empty")), 0);
  assert.equal((yield* fs.getattr(root)).nlink, rootLinks - 1, "the replaced directory is gone");
  assert.equal((yield* fs.lookup(root, "empty")).ino, d1.ino);
  // A directory cannot move into itself or below itself.
  const inner = yield* fs.lookup(d1.ino, "inner");
  assert.equal(yield* errno(fs.rename(root, "empty", d1.ino, "self")), E.EINVAL);
  assert.equal(yield* errno(fs.rename(root, "empty", inner.ino, "below")), E.EINVAL);
  // Nor replace its own ancestor (ENOTEMPTY; EINVAL with EXCHANGE).
  yield* fs.mkdir(inner.ino, "deep");
  assert.equal(yield* errno(fs.rename(inner.ino, "deep", root, "empty")), E.ENOTEMPTY);
  assert.equal(yield* errno(fs.rename(inner.ino, "deep", root, "empty", 2)), E.EINVAL);
  // Moving a directory changes both parents' link counts and its "..".
  const bLinks = (yield* fs.getattr(b)).nlink;
  yield* fs.rename(d1.ino, "inner", b, "moved");
  assert.equal((yield* fs.getattr(b)).nlink, bLinks + 1);
  assert.equal((yield* fs.getattr(d1.ino)).nlink, 2);
  const dots = yield* fs.list(inner.ino);
  assert.deepEqual(dots[1].slice(0, 2), ["..", b], "'..' follows the move");
  // RENAME_EXCHANGE of a file and a directory in different parents.
  const fx = yield* fs.writeFile(a, "g", "G2");
  const aLinks = (yield* fs.getattr(a)).nlink;
  yield* fs.rename(b, "moved", a, "g", 2);
  assert.equal((yield* fs.lookup(a, "g")).ino, inner.ino);
  assert.equal((yield* fs.lookup(b, "moved")).ino, fx.ino);
  assert.equal((yield* fs.getattr(a)).nlink, aLinks + 1);
  assert.equal((yield* fs.getattr(b)).nlink, bLinks);
  // Two names of one node: rename is a no-op that keeps both.
  const one = yield* fs.create(root, "one");
  yield* fs.link(one.ino, root, "two");
  yield* fs.rename(root, "one", root, "two");
  assert.equal((yield* fs.lookup(root, "one")).ino, one.ino);
  assert.equal((yield* fs.getattr(one.ino)).nlink, 2);
  // Renaming a symlink moves the link, not what it names.
  yield* fs.symlink(root, "ln", "a");
  yield* fs.rename(root, "ln", b, "ln2");
  assert.equal(yield* fs.readlink((yield* fs.lookup(b, "ln2")).ino), "a");
});

tmpTest("tmpfs: time stamps (creation, write, chmod, rename, relatime reads)", function* (fs, root) {
  const before = yield* fs.getattr(root);
  const f = yield* fs.create(root, "f");
  assert.deepEqual(f.atime, f.mtime);
  assert.deepEqual(f.ctime, f.btime);
  const d1 = yield* fs.getattr(root);
  assert.ok(d1.mtime[0] > before.mtime[0] && d1.ctime[0] > before.ctime[0], "creating an entry changes the directory");
  const h = yield* fs.open(f.ino, OpenFlag.RdWr);
  yield* h.write(0, "abc");
  const w = yield* h.attr();
  assert.ok(w.mtime[0] > f.mtime[0] && w.ctime[0] === w.mtime[0]);
  yield* h.write(0, "");
  assert.deepEqual((yield* h.attr()).mtime, w.mtime, "an empty write changes nothing");
  // relatime: the first read after a change updates atime, the next one does not.
  yield* h.read(0, 1);
  const r1 = yield* h.attr();
  assert.ok(r1.atime[0] > w.mtime[0]);
  yield* h.read(0, 1);
  assert.deepEqual((yield* h.attr()).atime, r1.atime);
  yield* h.close();
  const c = yield* fs.setattr(f.ino, { mode: 0o600 });
  assert.ok(c.ctime[0] > r1.atime[0]);
  assert.deepEqual(c.mtime, w.mtime, "chmod changes ctime only");
  const t = yield* fs.setattr(f.ino, { atime: [1000, 5], mtime: [2000, 7] });
  assert.deepEqual([t.atime, t.mtime], [[1000, 5], [2000, 7]]);
  assert.equal(yield* errno(fs.setattr(f.ino, { mtime: [1, 1e9] as never })), E.EINVAL);
  const rn = yield* fs.getattr(f.ino);
  yield* fs.rename(root, "f", root, "g");
  assert.ok((yield* fs.getattr(f.ino)).ctime[0] > rn.ctime[0], "rename changes the node's ctime");
  // truncate by path to the same size changes nothing; ftruncate always stamps.
  const s0 = yield* fs.getattr(f.ino);
  yield* fs.setattr(f.ino, { size: s0.size });
  assert.deepEqual((yield* fs.getattr(f.ino)).mtime, s0.mtime);
  const h2 = yield* fs.open(f.ino, OpenFlag.WrOnly);
  assert.ok((yield* h2.truncate(s0.size)).mtime[0] > s0.mtime[0]);
  yield* h2.close();
});

tmpTest("tmpfs: extended attributes", function* (fs, root) {
  const f = yield* fs.create(root, "f");
  const cred = fs.cred as never;
  const v = (s: string): Uint8Array => Buffer.from(s);
  yield* fs.fs.setxattr(f.ino, "user.b", v("2"), 0, cred);
  yield* fs.fs.setxattr(f.ino, "user.a", v("1"), 0, cred);
  assert.deepEqual(yield* fs.fs.listxattr(f.ino), ["user.a", "user.b"]);
  assert.equal(Buffer.from(yield* fs.fs.getxattr(f.ino, "user.a")).toString(), "1");
  assert.equal(yield* errno(fs.fs.setxattr(f.ino, "user.a", v("x"), 1, cred)), E.EEXIST, "XATTR_CREATE");
  assert.equal(yield* errno(fs.fs.setxattr(f.ino, "user.c", v("x"), 2, cred)), E.ENODATA, "XATTR_REPLACE");
  yield* fs.fs.setxattr(f.ino, "user.a", v("one"), 2, cred);
  assert.equal(Buffer.from(yield* fs.fs.getxattr(f.ino, "user.a")).toString(), "one");
  assert.equal(yield* errno(fs.fs.getxattr(f.ino, "user.zz")), E.ENODATA);
  assert.equal(yield* errno(fs.fs.getxattr(f.ino, "system.posix_acl_access")), E.EOPNOTSUPP);
  assert.equal(yield* errno(fs.fs.getxattr(f.ino, "")), E.ERANGE);
  assert.equal(yield* errno(fs.fs.setxattr(f.ino, "user.big", new Uint8Array(65537), 0, cred)), E.E2BIG);
  assert.equal(yield* errno(fs.fs.setxattr(f.ino, "user.a", v("x"), 4, cred)), E.EINVAL);
  const l = yield* fs.symlink(root, "l", "f");
  assert.equal(yield* errno(fs.fs.setxattr(l.ino, "user.a", v("x"), 0, cred)), E.EPERM);
  yield* fs.fs.removexattr(f.ino, "user.a", cred);
  assert.equal(yield* errno(fs.fs.removexattr(f.ino, "user.a", cred)), E.ENODATA);
  assert.deepEqual(yield* fs.fs.listxattr(f.ino), ["user.b"]);
});

test("tmpfs: open-file handles — foreign, forged, closed and root handles are refused", () => {
  let shared: { ino: number; h: import("../../kernel/ppc/values.js").Handle } | undefined;
  const seen: Record<string, unknown> = {};
  const code = function* (g: Gen<unknown>): Gen<unknown> {
    try {
      yield* g;
      return "ok";
    } catch (e) {
      if (e instanceof PPCError) return e.errno !== undefined ? { errno: e.errno } : { code: e.code };
      throw e;
    }
  };
  const r = runClients(2, testOptions(), [
    {
      cpu: 0, domain: 100,
      body: function* (c) {
        const fs = new FsClient(c, c.fs("/tmp"), ROOT);
        const root = yield* fs.root();
        const a = yield* fs.writeFile(root, "f", "content");
        const h = yield* fs.open(a.ino, OpenFlag.RdOnly);
        seen.ownRead = Buffer.from(yield* h.read(0, 7)).toString();
        seen.writeOnReadOnly = yield* code(h.write(0, "x"));
        shared = { ino: a.ino, h: h.h };
        // Wait until the other domain tried the handle.
        while (seen.foreignRead === undefined) yield { kind: "yield" };
        seen.forged = yield* code(c.k.ppc.call({ server: h.h.server, xh: h.h.xh + (5000 << 8) }, num("read"), [0, 1]));
        seen.wrongSeq = yield* code(c.k.ppc.call({ server: h.h.server, xh: h.h.xh ^ 1 }, num("read"), [0, 1]));
        const rootFs = c.fs("/tmp");
        seen.readThroughRoot = yield* code(rootFs.read(0, 1));
        seen.fgetattrThroughRoot = yield* code(rootFs.fgetattr());
        yield* h.close();
        seen.afterClose = yield* code(h.read(0, 1));
        seen.closeTwice = yield* code(h.close());
      },
    },
    {
      cpu: 1, domain: 200,
      body: function* (c) {
        while (shared === undefined) yield { kind: "yield" };
        seen.foreignRead = yield* code(c.k.ppc.call(shared.h, num("read"), [0, 1]));
        seen.foreignFgetattr = yield* code(c.k.ppc.call(shared.h, num("fgetattr"), []));
      },
    },
  ]);
  assert.deepEqual(r.threadErrors, []);
  assert.equal(seen.ownRead, "content");
  assert.deepEqual(seen.writeOnReadOnly, { code: PpcErr.Rights }, "no Write right on an O_RDONLY handle");
  assert.deepEqual(seen.foreignRead, { code: PpcErr.Rights }, "another domain's handle");
  assert.deepEqual(seen.foreignFgetattr, { errno: Errno.EBADF }, "a method needing no rights still finds no open file for another domain");
  assert.deepEqual(seen.forged, { code: PpcErr.Forged });
  assert.deepEqual(seen.wrongSeq, { code: PpcErr.Stale });
  assert.deepEqual(seen.readThroughRoot, { code: PpcErr.Rights });
  assert.deepEqual(seen.fgetattrThroughRoot, { errno: Errno.EBADF });
  assert.deepEqual(seen.afterClose, { code: PpcErr.Stale });
  assert.deepEqual(seen.closeTwice, { code: PpcErr.Stale });
});

test("tmpfs: one state for every processor — a file made through processor 0 is seen through processor 1", () => {
  const out: string[] = [];
  let made = false;
  const r = runClients(2, testOptions(), [
    {
      cpu: 0, domain: 100,
      body: function* (c) {
        const fs = new FsClient(c, c.fs("/tmp"), ROOT);
        yield* fs.writeFile(yield* fs.root(), "hello", "from cpu 0");
        made = true;
      },
    },
    {
      cpu: 1, domain: 101,
      body: function* (c) {
        while (!made) yield { kind: "yield" };
        const fs = new FsClient(c, c.fs("/tmp"), ROOT);
        out.push(yield* fs.readFile((yield* fs.lookup(yield* fs.root(), "hello")).ino));
        out.push(String(c.k.ppc.stats.localCalls > 0 && c.k.ppc.stats.remoteCalls === 0));
      },
    },
  ]);
  assert.deepEqual(r.threadErrors, []);
  assert.deepEqual(out, ["from cpu 0", "true"], "read locally on processor 1, same state");
});
