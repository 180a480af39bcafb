// hostfs, the guest root: a host directory under a copy-on-write upper layer, driven through
// real PPC calls. The host tree is hashed before and after every test: it never changes.
// Covered: lookups show the host's attributes (inode numbers included), listings come in the
// host's own order with upper entries after, symbolic links are returned verbatim and never
// followed (including ones pointing outside the tree), copy-up on write/truncate/chmod/rename/
// unlink, whiteouts, large files read by offset, host hard links, a long seeded random sequence
// of changes, and the upper layer kept in an --overlay directory across two server instances.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeType, OpenFlag, type Time } from "../../servers/fs/iface.js";
import { Errno } from "../../servers/fs/errno.js";
import { EXT4_SUPER_MAGIC, UPPER_FIRST_INO } from "../../servers/fs/hostfs/hostfs.js";
import type { FileServersOptions } from "../../servers/fs/start.js";
import { FileServers } from "../../servers/fs/start.js";
import { ROOT, errno, errnoOf, runClients, user, type Gen } from "./testing/harness.js";
import { FsClient } from "./testing/client.js";
import { BIG_SIZE, bigByte, hashTree, hostOrder, makeHostTree, type HostTree } from "./testing/hosttree.js";

const E = Errno;

function clock(): () => Time {
  let t = 1_800_000_000;
  return () => [t++, 0];
}

/** Run `body` against hostfs over a fresh host tree; the tree must be byte-identical afterwards. */
function hostTest(name: string, body: (fs: FsClient, root: number, host: HostTree) => Gen, extra: Partial<FileServersOptions> = {}): void {
  test(name, () => {
    const host = makeHostTree();
    const before = hashTree(host.root);
    const outsideBefore = hashTree(host.outside);
    const r = runClients(2, { root: host.root, seed: 3, now: clock(), ...extra }, [{
      cpu: 1, domain: 100,
      body: function* (c) {
        const fs = new FsClient(c, c.fs("/"), ROOT);
        yield* body(fs, yield* fs.root(), host);
      },
    }]);
    assert.deepEqual(r.threadErrors, []);
    assert.equal(hashTree(host.root), before, "the host tree changed");
    assert.equal(hashTree(host.outside), outsideBefore, "the directory outside the root changed");
  });
}

hostTest("hostfs: lookups show the host's attributes, inode numbers included", function* (fs, root, host) {
  const st = lstatSync(join(host.root, "etc/passwd"));
  const a = yield* fs.path("etc/passwd");
  assert.equal(a.ino, st.ino);
  assert.equal(a.mode, st.mode);
  assert.equal(a.uid, st.uid);
  assert.equal(a.gid, st.gid);
  assert.equal(a.size, st.size);
  assert.equal(a.nlink, st.nlink);
  assert.deepEqual(a.mtime, [1_000_000, 0]);
  assert.equal((yield* fs.getattr(root)).ino, lstatSync(host.root).ino);
  assert.equal((yield* fs.statfs()).type, EXT4_SUPER_MAGIC);
  // Host hard links are one node here too.
  const h1 = yield* fs.path("hard1");
  const h2 = yield* fs.path("hard2");
  assert.equal(h1.ino, h2.ino);
  assert.equal(h1.nlink, 2);
  assert.equal(yield* errno(fs.path("etc/nope")), E.ENOENT);
  assert.equal(yield* errno(fs.path("etc/passwd/x")), E.ENOTDIR);
  assert.equal(yield* errno(fs.lookup(root, "..")), E.EINVAL);
  assert.equal(yield* errno(fs.lookup(root, "etc/passwd")), E.EINVAL);
  // A non-root caller meets the host's modes: locked/ is 0700 root.
  const u = fs.as(user(4242));
  const locked = yield* fs.path("locked");
  assert.equal(yield* errno(u.lookup(locked.ino, "inner")), E.EACCES);
  assert.equal(yield* fs.readFile((yield* fs.lookup(locked.ino, "inner")).ino), "inner\n");
});

hostTest("hostfs: listings come in the host's own order, upper entries after, whiteouts hidden", function* (fs, _root, host) {
  const many = yield* fs.path("many");
  const order = hostOrder(join(host.root, "many"));
  assert.notDeepEqual(order, [...order].sort(), "the fixture's host order is not sorted (else this test proves little)");
  assert.deepEqual(yield* fs.names(many.ino), order);
  const entries = yield* fs.list(many.ino);
  for (const [name, ino, type] of entries.slice(2)) {
    assert.equal(ino, lstatSync(join(host.root, "many", name)).ino);
    assert.equal(type, NodeType.Reg);
  }
  yield* fs.create(many.ino, "zz-new");
  yield* fs.unlink(many.ino, order[3]);
  yield* fs.mkdir(many.ino, "aa-new");
  assert.deepEqual(yield* fs.names(many.ino), [...order.filter((n) => n !== order[3]), "zz-new", "aa-new"]);
  assert.equal(yield* errno(fs.lookup(many.ino, order[3])), E.ENOENT, "whited out");
  // Re-creating a whited-out name makes a new upper file in the host's place? No: at the end.
  const again = yield* fs.writeFile(many.ino, order[3], "new content");
  assert.ok(again.ino >= UPPER_FIRST_INO);
  assert.equal(yield* fs.readFile(again.ino), "new content");
  const names2 = yield* fs.names(many.ino);
  assert.equal(names2[names2.length - 1], order[3]);
  // The root's listing too.
  const root = yield* fs.path("");
  assert.deepEqual(yield* fs.names(root.ino), hostOrder(host.root));
});

hostTest("hostfs: symbolic links are returned verbatim and never followed", function* (fs, _root, host) {
  const links = yield* fs.path("links");
  const want: [string, string][] = [["abs", "/etc/passwd"], ["up", "../../../../../../../../etc/shadow"], ["evil", host.outside], ["loop", "loop"], ["rel", "../etc"]];
  for (const [name, target] of want) {
    const l = yield* fs.lookup(links.ino, name);
    assert.equal(l.mode & 0o170000, NodeType.Lnk, name);
    assert.equal(l.size, target.length);
    assert.equal(yield* fs.readlink(l.ino), target);
    assert.equal(yield* errno(fs.open(l.ino)), E.ELOOP, `open ${name}`);
    assert.equal(yield* errno(fs.lookup(l.ino, "secret")), E.ENOTDIR, `lookup through ${name}`);
    assert.equal(yield* errno(fs.readdir(l.ino, 0, 10)), E.ENOTDIR);
    assert.equal(yield* errno(fs.create(l.ino, "x")), E.ENOTDIR);
  }
  // Changing what is behind a link changes the link's own node only.
  const evil = yield* fs.lookup(links.ino, "evil");
  yield* fs.setattr(evil.ino, { uid: 7, gid: 7 });
  assert.equal(yield* errno(fs.setattr(evil.ino, { mode: 0o600 })), E.EOPNOTSUPP);
  yield* fs.rename(links.ino, "evil", links.ino, "tamed");
  yield* fs.unlink(links.ino, "tamed");
  yield* fs.symlink(links.ino, "evil", "/nowhere");
  assert.equal(yield* fs.readlink((yield* fs.lookup(links.ino, "evil")).ino), "/nowhere");
});

hostTest("hostfs: copy-up on write, truncate, chmod, chown, utimens; the host file is untouched", function* (fs) {
  const a = yield* fs.path("etc/hostname");
  const h = yield* fs.open(a.ino, OpenFlag.RdWr);
  yield* h.write(0, "GUEST");
  assert.equal(yield* h.text(), "GUEST", "5 bytes over the host's 5");
  yield* h.close();
  assert.equal(yield* fs.readFile(a.ino), "GUEST");
  const b = yield* fs.getattr(a.ino);
  assert.equal(b.ino, a.ino, "the inode number stays across copy-up");
  assert.equal(b.size, 5);
  // Truncate, chmod, chown, times of lower files.
  const p = yield* fs.path("etc/passwd");
  assert.equal((yield* fs.setattr(p.ino, { size: 4 })).size, 4);
  assert.equal(yield* fs.readFile(p.ino), "root");
  const sh = yield* fs.path("bin/sh");
  assert.equal((yield* fs.setattr(sh.ino, { mode: 0o700 })).mode & 0o7777, 0o700);
  assert.equal((yield* fs.setattr(sh.ino, { uid: 1234, gid: 99 })).uid, 1234);
  assert.deepEqual((yield* fs.setattr(sh.ino, { mtime: [5, 6] })).mtime, [5, 6]);
  assert.equal(yield* fs.readFile(sh.ino), "#!fake\n", "metadata copy-up keeps the host's data");
  // Writing through one host hard link shows through the other.
  const h1 = yield* fs.path("hard1");
  const w = yield* fs.open(h1.ino, OpenFlag.WrOnly);
  yield* w.write(0, "LINKED");
  yield* w.close();
  assert.equal(yield* fs.readFile((yield* fs.path("hard2")).ino), "LINKED\n");
  // O_TRUNC of a lower file.
  const t = yield* fs.open((yield* fs.path("tree/a/top")).ino, OpenFlag.WrOnly | OpenFlag.Trunc);
  assert.equal((yield* t.attr()).size, 0);
  yield* t.close();
});

hostTest("hostfs: large files are read by offset; a write copies up only the pages it touches", function* (fs) {
  const a = yield* fs.path("usr/lib/big");
  assert.equal(a.size, BIG_SIZE);
  const f = yield* fs.open(a.ino, OpenFlag.RdWr);
  const check = function* (pos: number, n: number): Gen {
    const got = yield* f.read(pos, n);
    assert.equal(got.length, Math.min(n, BIG_SIZE - pos));
    for (let i = 0; i < got.length; i++) if (got[i] !== bigByte(pos + i)) assert.fail(`byte ${pos + i}`);
  };
  yield* check(0, 10);
  yield* check(123_457, 70_000);
  yield* check(BIG_SIZE - 5, 100);
  yield* f.write(200_000, "XY");
  const got = yield* f.read(199_998, 6);
  assert.deepEqual([...got], [bigByte(199_998), bigByte(199_999), 88, 89, bigByte(200_002), bigByte(200_003)]);
  yield* check(0, 4096 * 3);
  yield* check(204_800, 4096);
  assert.equal((yield* f.attr()).size, BIG_SIZE);
  // Cut within the lower data, then extend: the cut part reads as zeros.
  yield* f.truncate(100_000);
  yield* f.truncate(120_000);
  assert.deepEqual([...(yield* f.read(99_998, 4))], [bigByte(99_998), bigByte(99_999), 0, 0]);
  yield* f.close();
});

hostTest("hostfs: unlink, rmdir and rename of lower nodes leave whiteouts; directories merge", function* (fs, root) {
  const tree = yield* fs.path("tree");
  const a = yield* fs.lookup(tree.ino, "a");
  assert.equal(yield* errno(fs.rmdir(tree.ino, "a")), E.ENOTEMPTY, "lower children count");
  const b = yield* fs.lookup(a.ino, "b");
  yield* fs.unlink(b.ino, "leaf");
  yield* fs.rmdir(a.ino, "b");
  yield* fs.unlink(a.ino, "top");
  assert.deepEqual(yield* fs.names(a.ino), []);
  yield* fs.rmdir(tree.ino, "a");
  assert.equal(yield* errno(fs.lookup(tree.ino, "a")), E.ENOENT);
  // A new directory over the whiteout is opaque: nothing of the host's "a" shows through.
  const a2 = yield* fs.mkdir(tree.ino, "a");
  assert.deepEqual(yield* fs.names(a2.ino), []);
  assert.equal(yield* errno(fs.lookup(a2.ino, "top")), E.ENOENT);
  // A renamed lower directory keeps its contents (read from its original host place).
  yield* fs.rename(root, "etc", root, "etc2");
  const etc2 = yield* fs.path("etc2");
  assert.deepEqual(new Set(yield* fs.names(etc2.ino)), new Set(["passwd", "hostname"]));
  assert.equal(yield* fs.readFile((yield* fs.lookup(etc2.ino, "hostname")).ino), "host\n");
  assert.equal(yield* errno(fs.path("etc")), E.ENOENT);
  yield* fs.mkdir(root, "etc");
  assert.deepEqual(yield* fs.names((yield* fs.path("etc")).ino), []);
  // Rename over a lower file, exchange with a lower directory.
  yield* fs.writeFile(root, "newfile", "N");
  yield* fs.rename(root, "newfile", root, "hard1");
  assert.equal(yield* fs.readFile((yield* fs.path("hard1")).ino), "N");
  assert.equal((yield* fs.path("hard2")).nlink, 1, "the replaced host link's other name remains");
  yield* fs.rename(root, "hard1", root, "many", 2);
  assert.equal((yield* fs.path("hard1")).mode & 0o170000, NodeType.Dir);
  assert.ok((yield* fs.names((yield* fs.path("hard1")).ino)).includes("n5"));
});

hostTest("hostfs: a host link inside the tree pointing outside is never a way out", function* (fs, _root, host) {
  const links = yield* fs.path("links");
  const evil = yield* fs.lookup(links.ino, "evil");
  // Everything that takes a directory refuses the link.
  for (const g of [fs.lookup(evil.ino, "secret"), fs.create(evil.ino, "x"), fs.mkdir(evil.ino, "x"), fs.unlink(evil.ino, "secret"),
    fs.symlink(evil.ino, "x", "y"), fs.rename(evil.ino, "secret", links.ino, "got"), fs.readdir(evil.ino, 0, 10)]) {
    assert.equal(yield* errno(g), E.ENOTDIR);
  }
  assert.equal(readFileSync(join(host.outside, "secret"), "utf8"), "host secret\n");
  assert.deepEqual(readdirSync(host.outside), ["secret"]);
});

test("hostfs: a long seeded random sequence of changes leaves the host tree byte-identical", (t) => {
  const seed = Number(process.env.K42_SEED ?? Date.now() % 1_000_000);
  t.diagnostic(`seed ${seed} (K42_SEED=${seed} repeats this run)`);
  const host = makeHostTree();
  const before = hashTree(host.root);
  let rng = seed >>> 0 || 1;
  const rand = (n: number): number => {
    rng ^= rng << 13;
    rng >>>= 0;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    rng >>>= 0;
    return rng % n;
  };
  const counts: Record<string, number> = {};
  const r = runClients(2, { root: host.root, seed: 3, now: clock() }, [{
    cpu: 1, domain: 100,
    body: function* (c) {
      const fs = new FsClient(c, c.fs("/"), ROOT);
      const root = yield* fs.root();
      const dirs: number[] = [root];
      const pickDir = (): number => dirs[rand(dirs.length)];
      const NAMES = ["etc", "bin", "usr", "many", "tree", "hard1", "hard2", "links", "a", "b", "n1", "n5", "passwd", "big", "lib", "x"];
      const existing: string[] = [];
      for (let i = 0; i < 1500; i++) {
        const d = pickDir();
        // Half the names are ones the directory has now (when it can be listed).
        existing.length = 0;
        const listed = yield* errnoOf(fs.list(d, 64));
        if (Array.isArray(listed)) for (const e of listed.slice(2)) existing.push(e[0]);
        const name = (): string => (existing.length > 0 && rand(2) === 0 ? existing[rand(existing.length)] : NAMES[rand(NAMES.length)]);
        const op = rand(14);
        const k = ["create", "write", "trunc", "chmod", "chown", "unlink", "rmdir", "rename", "mkdir", "symlink", "link", "times", "lookup", "exchange"][op];
        const e = yield* errno((function* (): Gen {
          switch (op) {
            case 0: yield* fs.create(d, name(), 0o644, rand(2) === 0); break;
            case 1: {
              const a = yield* fs.lookup(d, name());
              if ((a.mode & 0o170000) !== NodeType.Reg) return;
              const f = yield* fs.open(a.ino, OpenFlag.RdWr);
              yield* f.write(rand(400_000), "x".repeat(rand(9000)), rand(4) === 0);
              yield* f.close();
              break;
            }
            case 2: yield* fs.setattr((yield* fs.lookup(d, name())).ino, { size: rand(350_000) }); break;
            case 3: yield* fs.setattr((yield* fs.lookup(d, name())).ino, { mode: rand(0o7777) }); break;
            case 4: yield* fs.setattr((yield* fs.lookup(d, name())).ino, { uid: rand(3000), gid: rand(3000) }); break;
            case 5: yield* fs.unlink(d, name()); break;
            case 6: yield* fs.rmdir(d, name()); break;
            case 7: yield* fs.rename(d, name(), pickDir(), name(), rand(3) === 0 ? 1 : 0); break;
            case 8: dirs.push((yield* fs.mkdir(d, name())).ino); break;
            case 9: yield* fs.symlink(d, name(), "../".repeat(rand(5)) + name()); break;
            case 10: yield* fs.link((yield* fs.lookup(d, name())).ino, pickDir(), name()); break;
            case 11: yield* fs.setattr((yield* fs.lookup(d, name())).ino, { atime: [rand(1e9), 0], mtime: "now" }); break;
            case 12: {
              const a = yield* fs.lookup(d, name());
              if ((a.mode & 0o170000) === NodeType.Dir) dirs.push(a.ino);
              break;
            }
            case 13: yield* fs.rename(d, name(), pickDir(), name(), 2); break;
          }
        })());
        counts[e === 0 ? k : `${k}:${e}`] = (counts[`${e === 0 ? k : `${k}:${e}`}`] ?? 0) + 1;
        // Directories that went away stay in `dirs`: calls on them must fail cleanly (ENOENT).
      }
      // Read everything that is left, through the listing.
      const walk = function* (d: number, depth: number): Gen {
        if (depth > 6) return;
        for (const [n, ino, type] of (yield* fs.list(d, 50)).slice(2)) {
          void n;
          if (type === NodeType.Dir) yield* walk(ino, depth + 1);
          else if (type === NodeType.Reg) yield* fs.readFile(ino);
        }
      };
      yield* walk(root, 0);
    },
  }]);
  assert.deepEqual(r.threadErrors, [], `seed ${seed}`);
  assert.equal(hashTree(host.root), before, `the host tree changed (seed ${seed}; K42_SEED=${seed} repeats it)`);
  if (process.env.K42_FS_DEBUG !== undefined) console.log(JSON.stringify(counts));
  const ok = Object.entries(counts).filter(([k]) => !k.includes(":")).reduce((n, [, v]) => n + v, 0);
  assert.ok(ok > 300, `only ${ok} operations succeeded (seed ${seed}): ${JSON.stringify(counts)}`);
});

test("hostfs: --overlay keeps the upper layer across two server instances; the host never changes", () => {
  const host = makeHostTree();
  const before = hashTree(host.root);
  const overlay = join(mkdtempSync(join(tmpdir(), "k42fs-ov-")), "upper");
  const opts = (): FileServersOptions => ({ root: host.root, overlay, seed: 3, now: clock() });
  let bigIno = 0;
  const r1 = runClients(1, opts(), [{
    cpu: 0, domain: 100,
    body: function* (c) {
      const fs = new FsClient(c, c.fs("/"), ROOT);
      const root = yield* fs.root();
      yield* fs.writeFile(root, "created", "made in run 1");
      const etc = yield* fs.path("etc");
      yield* fs.writeFile(etc.ino, "hostname", "guest-name\n");
      yield* fs.unlink(etc.ino, "passwd");
      yield* fs.setattr((yield* fs.path("bin/sh")).ino, { mode: 0o4711, uid: 5, gid: 6 });
      yield* fs.rename(root, "tree", root, "moved");
      yield* fs.mkdir(root, "newdir", 0o750);
      yield* fs.symlink((yield* fs.path("newdir")).ino, "ln", "../created");
      const cr = yield* fs.path("created");
      yield* fs.link(cr.ino, (yield* fs.path("newdir")).ino, "hardlink");
      yield* fs.fs.setxattr(cr.ino, "user.note", Buffer.from("kept"), 0, fs.cred as never);
      const big = yield* fs.path("usr/lib/big");
      bigIno = big.ino;
      const f = yield* fs.open(big.ino, OpenFlag.RdWr);
      yield* f.write(150_000, "MIDDLE");
      yield* f.close();
      // A directory emptied of its host entries and removed.
      yield* fs.unlink((yield* fs.path("locked")).ino, "inner");
      yield* fs.rmdir(root, "locked");
      yield* fs.mkdir(root, "locked", 0o755);
    },
  }]);
  assert.deepEqual(r1.threadErrors, []);
  assert.ok(existsSync(join(overlay, "manifest.json")));
  assert.equal(hashTree(host.root), before);
  // A crash in a later flush leaves a temporary manifest and orphan data files: harmless.
  writeFileSync(join(overlay, "manifest.json.tmp"), "{ torn");
  writeFileSync(join(overlay, "data", "999-1"), "orphan");
  const seen: Record<string, unknown> = {};
  const r2 = runClients(1, opts(), [{
    cpu: 0, domain: 100,
    body: function* (c) {
      const fs = new FsClient(c, c.fs("/"), ROOT);
      const root = yield* fs.root();
      seen.created = yield* fs.readFile((yield* fs.path("created")).ino);
      seen.hostname = yield* fs.readFile((yield* fs.path("etc/hostname")).ino);
      seen.passwd = yield* errno(fs.path("etc/passwd"));
      const sh = yield* fs.path("bin/sh");
      seen.sh = [sh.mode & 0o7777, sh.uid, sh.gid, yield* fs.readFile(sh.ino)];
      seen.tree = yield* errno(fs.path("tree"));
      seen.moved = yield* fs.readFile((yield* fs.path("moved/a/b/leaf")).ino);
      const nd = yield* fs.path("newdir");
      seen.newdir = [nd.mode & 0o7777, yield* fs.names(nd.ino)];
      seen.ln = yield* fs.readlink((yield* fs.path("newdir/ln")).ino);
      const cr = yield* fs.path("created");
      const hl = yield* fs.path("newdir/hardlink");
      seen.hard = [cr.ino === hl.ino, cr.nlink];
      seen.xattr = Buffer.from(yield* fs.fs.getxattr(cr.ino, "user.note")).toString();
      const big = yield* fs.path("usr/lib/big");
      seen.bigIno = big.ino === bigIno;
      const f = yield* fs.open(big.ino, OpenFlag.RdOnly);
      seen.bigMiddle = yield* f.text(149_998, 10);
      const tail = yield* f.read(BIG_SIZE - 3, 3);
      seen.bigTail = [...tail].every((b, i) => b === bigByte(BIG_SIZE - 3 + i));
      yield* f.close();
      seen.locked = [((yield* fs.path("locked")).mode & 0o7777), yield* fs.names((yield* fs.path("locked")).ino)];
      seen.rootNames = (yield* fs.names(root)).filter((n) => ["created", "newdir", "moved", "tree", "locked"].includes(n));
      // Change more in run 2: kept by the next flush too.
      yield* fs.unlink(root, "created");
    },
  }]);
  assert.deepEqual(r2.threadErrors, []);
  assert.deepEqual(seen, {
    created: "made in run 1",
    hostname: "guest-name\n",
    passwd: Errno.ENOENT,
    sh: [0o4711, 5, 6, "#!fake\n"],
    tree: Errno.ENOENT,
    moved: "leaf\n",
    newdir: [0o750, ["ln", "hardlink"]],
    ln: "../created",
    hard: [true, 2],
    xattr: "kept",
    bigIno: true,
    bigMiddle: `${String.fromCharCode(bigByte(149_998), bigByte(149_999))}MIDDLE${String.fromCharCode(bigByte(150_006), bigByte(150_007))}`,
    bigTail: true,
    locked: [0o755, []],
    rootNames: seen.rootNames,
  });
  assert.ok((seen.rootNames as string[]).includes("moved") && !(seen.rootNames as string[]).includes("tree"));
  assert.ok(!existsSync(join(overlay, "data", "999-1")), "orphan data files are collected");
  assert.equal(hashTree(host.root), before);
  // Run 3 sees run 2's deletion.
  const third: Record<string, unknown> = {};
  const r3 = runClients(1, opts(), [{
    cpu: 0, domain: 100,
    body: function* (c) {
      const fs = new FsClient(c, c.fs("/"), ROOT);
      third.created = yield* errno(fs.path("created"));
      third.hard = (yield* fs.path("newdir/hardlink")).nlink;
    },
  }]);
  assert.deepEqual(r3.threadErrors, []);
  assert.deepEqual(third, { created: Errno.ENOENT, hard: 1 });
  assert.equal(hashTree(host.root), before);
});

test("hostfs: the overlay directory may not lie inside the root", () => {
  const host = makeHostTree();
  assert.throws(() => new FileServers({ root: host.root, overlay: join(host.root, "upper"), seed: 1, now: clock() }), /inside the root/);
  assert.ok(!existsSync(join(host.root, "upper")));
});
