// devfs (/dev), devpts and /dev/shm through real PPC calls: the device nodes with Linux's
// numbers and modes, the memory devices' semantics (null, zero, full's ENOSPC, random and
// urandom from the seeded generator: the same bytes for the same seed), the terminal devices
// left to the personality (ENXIO) and ptmx to the pty server (ENODEV), the descriptor links.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeType, OpenFlag, type Time } from "../../servers/fs/iface.js";
import { Errno } from "../../servers/fs/errno.js";
import { DEVPTS_SUPER_MAGIC, TMPFS_MAGIC } from "../../servers/fs/tmpfs.js";
import { ROOT, errno, runClients, user, type Client, type Gen } from "./testing/harness.js";
import { FsClient } from "./testing/client.js";

const E = Errno;

function run(seed: number, body: (dev: FsClient, c: Client) => Gen): void {
  let t = 1_700_000_000;
  const r = runClients(2, { root: mkdtempSync(join(tmpdir(), "k42fs-root-")), seed, now: (): Time => [t++, 0] }, [{
    cpu: 1, domain: 100,
    body: (c) => body(new FsClient(c, c.fs("/dev"), ROOT), c),
  }]);
  assert.deepEqual(r.threadErrors, []);
}

const dev = (ma: number, mi: number): number => (ma << 8) | mi;

test("devfs: the nodes, their numbers, modes and owners", () => {
  run(1, function* (fs, c) {
    const root = yield* fs.root();
    assert.deepEqual(yield* fs.names(root), ["null", "zero", "full", "random", "urandom", "tty", "console", "ptmx", "fd", "stdin", "stdout", "stderr", "pts", "shm"]);
    const want: [string, number, number, number][] = [
      ["null", dev(1, 3), 0o666, 0], ["zero", dev(1, 5), 0o666, 0], ["full", dev(1, 7), 0o666, 0],
      ["random", dev(1, 8), 0o666, 0], ["urandom", dev(1, 9), 0o666, 0], ["tty", dev(5, 0), 0o666, 5],
      ["console", dev(5, 1), 0o600, 0], ["ptmx", dev(5, 2), 0o666, 0],
    ];
    for (const [name, rdev, perm, gid] of want) {
      const a = yield* fs.lookup(root, name);
      assert.deepEqual([a.mode, a.rdev, a.uid, a.gid], [NodeType.Chr | perm, rdev, 0, gid], name);
    }
    for (const [name, target] of [["fd", "/proc/self/fd"], ["stdin", "/proc/self/fd/0"], ["stdout", "/proc/self/fd/1"], ["stderr", "/proc/self/fd/2"]]) {
      assert.equal(yield* fs.readlink((yield* fs.lookup(root, name)).ino), target);
    }
    assert.equal((yield* fs.lookup(root, "pts")).mode, NodeType.Dir | 0o755);
    assert.equal((yield* fs.statfs()).type, TMPFS_MAGIC);
    // The mounts over /dev/pts and /dev/shm.
    const pts = new FsClient(c, c.fs("/dev/pts"), ROOT);
    assert.equal((yield* pts.statfs()).type, DEVPTS_SUPER_MAGIC);
    assert.deepEqual(yield* pts.names(yield* pts.root()), []);
    const shm = new FsClient(c, c.fs("/dev/shm"), ROOT);
    assert.equal((yield* shm.getattr(yield* shm.root())).mode, NodeType.Dir | 0o1777);
    yield* shm.as(user(1000)).writeFile(yield* shm.root(), "sem.x", "shared");
    // Only root adds nodes to /dev (devtmpfs is writable by root).
    assert.equal(yield* errno(fs.as(user(1000)).create(root, "x")), E.EACCES);
    const made = yield* fs.mknod(root, "null2", NodeType.Chr | 0o666, dev(1, 3));
    const h = yield* fs.open(made.ino, OpenFlag.RdWr);
    assert.deepEqual(yield* h.write(0, "x"), { n: 1, end: 1 });
    yield* h.close();
  });
});

test("devfs: null, zero, full; terminals left to the personality; ptmx to the pty server", () => {
  run(1, function* (fs) {
    const root = yield* fs.root();
    const open = function* (name: string, flags = OpenFlag.RdWr) {
      return yield* fs.as(user(1000)).open((yield* fs.lookup(root, name)).ino, flags);
    };
    const n = yield* open("null");
    assert.deepEqual(yield* n.write(0, "gone"), { n: 4, end: 4 });
    assert.equal((yield* n.read(0, 100)).length, 0);
    assert.equal((yield* n.attr()).rdev, dev(1, 3), "fstat of an open device");
    yield* n.close();
    const z = yield* open("zero");
    assert.deepEqual([...(yield* z.read(0, 5))], [0, 0, 0, 0, 0]);
    assert.deepEqual(yield* z.write(0, "x"), { n: 1, end: 1 });
    yield* z.close();
    const f = yield* open("full");
    assert.equal(yield* errno(f.write(0, "x")), E.ENOSPC);
    assert.deepEqual([...(yield* f.read(0, 3))], [0, 0, 0]);
    yield* f.close();
    assert.equal(yield* errno(open("tty")), E.ENXIO);
    assert.equal(yield* errno(open("console")), E.EACCES, "console is 0600 root: permission first");
    assert.equal(yield* errno(fs.open((yield* fs.lookup(root, "console")).ino, OpenFlag.RdWr)), E.ENXIO);
    assert.equal(yield* errno(open("ptmx")), E.ENODEV);
  });
});

test("devfs: random and urandom are the seeded generator: same seed, same bytes", () => {
  const read = (seed: number): number[][] => {
    const out: number[][] = [];
    run(seed, function* (fs) {
      const root = yield* fs.root();
      for (const name of ["urandom", "random", "urandom"]) {
        const h = yield* fs.open((yield* fs.lookup(root, name)).ino, OpenFlag.RdOnly);
        out.push([...(yield* h.read(0, 16))]);
        yield* h.close();
      }
    });
    return out;
  };
  const a = read(42);
  const b = read(42);
  const c = read(43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.notDeepEqual(a[0], a[2], "one stream: later reads differ");
  assert.ok(a.flat().some((x) => x !== 0));
});
