// The path walker against small in-memory servers (testing/fake-fs.ts) on a deterministic
// machine: ".", "..", the root's "..", chroot, mounts crossed both ways, relative and absolute
// symlinks, the 40-link limit, trailing slashes, ENOTDIR, ENAMETOOLONG, search permission,
// getcwd from the chain (and "(unreachable)"), /proc magic links, and openat2's RESOLVE_*.

import { test } from "node:test";
import assert from "node:assert/strict";
import { deterministicKernels, prepare } from "../../kernel/boot.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import { NodeType, S_IFMT, type Cred } from "../../servers/fs/iface.js";
import { E, errnoName } from "../errno.js";
import { SysError } from "../sys/guest-mem.js";
import { Console } from "./console.js";
import { FakeTree, fakeNames, startFake, type FakeNames } from "./testing/fake-fs.js";
import { AT_FDCWD, Vfs } from "./vfs.js";
import type { Found, Restrict } from "./walk.js";
import { openFile } from "./open.js";
import { O } from "./open-file.js";
import { mapSource } from "./map-source.js";

const ROOT: Cred = { uid: 0, gid: 0, groups: [] };
const USER: Cred = { uid: 1000, gid: 1000, groups: [] };

type Gen<T = void> = Generator<Block, T, unknown>;

/** Run `body` in a thread of domain 1 with a started Vfs over the fake trees. */
function withVfs(trees: { path: string; tree: FakeTree; fstype?: string }[], body: (v: Vfs, k: Kernel) => Gen, opts: { names?: FakeNames; boot?: number; epoch?: () => number } = {}): void {
  const b = prepare({ mode: "deterministic", cpus: 1, memBytes: 32 << 20 });
  const { machine, kernels } = deterministicKernels(b);
  const k = kernels[0];
  const ns = startFake(k, trees, opts.names, opts.boot);
  const v = new Vfs({ ns, console: new Console({ stdout: () => true, stderr: () => true }), nofile: () => 1024, pid: () => 1, epoch: opts.epoch ?? (() => 0) });
  let err: unknown;
  let done = false;
  k.sched.spawn("test", (function* (): Gen {
    try {
      yield* v.start(k, ROOT);
      yield* body(v, k);
      done = true;
    } catch (e) {
      err = e;
    }
  })(), 1);
  try {
    machine.run(kernels);
  } finally {
    b.input.close();
  }
  if (err !== undefined) throw err;
  assert.ok(done, "the test body ran to its end");
}

function* find(v: Vfs, k: Kernel, path: string, follow = true, cred = ROOT, restrict?: Restrict, start = v.cwd): Gen<Found> {
  const w = yield* v.walk(k, cred, restrict);
  return yield* w.resolve(start, path, follow);
}

/** The errno a walk fails with ("ok" if it does not). */
function* errOf(g: Gen<unknown>): Gen<string> {
  try {
    yield* g;
    return "ok";
  } catch (e) {
    if (e instanceof SysError) return errnoName(e.errno);
    throw e;
  }
}

function sample(): { root: FakeTree; other: FakeTree; proc: FakeTree } {
  const root = new FakeTree();
  root.file("a/b/c", "hello");
  root.link("a/l", "b");
  root.link("abs", "/a/b");
  root.link("loop1", "loop2");
  root.link("loop2", "loop1");
  for (let i = 0; i < 40; i++) root.link(`l${i}`, `l${i + 1}`);
  root.link("l40", "a");
  root.mkdirs("mnt");
  root.mkdirs("proc");
  root.file("f", "x");
  root.link("a/escape", "../../../b");
  root.link("a/absb", "/b");
  root.link("dangling", "nowhere");
  root.mkdirs("noexec", 0o644);
  root.file("noexec/in", "y");
  const other = new FakeTree();
  other.file("x/y", "in B");
  other.link("x/up", "../../a");
  const proc = new FakeTree();
  proc.mkdirs("1/fd");
  proc.link("1/fd/3", "/a/b/c");
  proc.link("1/cwd", "/");
  proc.link("self", "1");
  return { root, other, proc };
}

const mounts = (s: ReturnType<typeof sample>): { path: string; tree: FakeTree; fstype?: string }[] =>
  [{ path: "/", tree: s.root }, { path: "/mnt", tree: s.other }, { path: "/proc", tree: s.proc, fstype: "proc" }];

test("walks: components, '.', '..', the root's '..', trailing slashes, ENOTDIR, ENAMETOOLONG", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const c = yield* find(v, k, "/a/b/c");
    assert.equal(c.attr.size, 5);
    assert.equal(c.node.pathFrom(v.root), "/a/b/c");
    assert.equal((yield* find(v, k, "a/./b/../b//c")).node.ino, c.node.ino);
    assert.equal((yield* find(v, k, "/../../a/b/c")).node.ino, c.node.ino, "'..' at the root stays there");
    assert.equal(yield* errOf(find(v, k, "f/")), "ENOTDIR");
    assert.equal(yield* errOf(find(v, k, "f/x")), "ENOTDIR");
    assert.equal(yield* errOf(find(v, k, "f/.")), "ENOTDIR");
    assert.equal((yield* find(v, k, "a/")).node.pathFrom(v.root), "/a");
    assert.equal(yield* errOf(find(v, k, "a/" + "n".repeat(256))), "ENAMETOOLONG");
    assert.equal(yield* errOf(find(v, k, "a/" + "n".repeat(255))), "ENOENT");
    assert.equal(yield* errOf(find(v, k, "")), "ENOENT");
  });
});

test("symlinks: relative and absolute targets, loops, the 40-link limit, final links, trailing slash", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const c = yield* find(v, k, "/a/b/c");
    assert.equal((yield* find(v, k, "a/l/c")).node.ino, c.node.ino);
    assert.equal((yield* find(v, k, "abs/c")).node.ino, c.node.ino);
    assert.equal((yield* find(v, k, "a/l/c")).node.pathFrom(v.root), "/a/b/c", "the chain holds the target's names");
    assert.equal(yield* errOf(find(v, k, "loop1")), "ELOOP");
    assert.equal(((yield* find(v, k, "loop1", false)).attr.mode & S_IFMT), NodeType.Lnk, "a final link is not followed when asked");
    assert.equal(yield* errOf(find(v, k, "loop1/", false)), "ELOOP", "a trailing slash follows even without follow");
    assert.equal(yield* errOf(find(v, k, "l1/b")), "ok", "40 links in one walk");
    assert.equal(yield* errOf(find(v, k, "l0/b")), "ELOOP", "41 links");
    assert.equal(yield* errOf(find(v, k, "dangling")), "ENOENT");
    assert.equal(yield* errOf(find(v, k, "dangling", false)), "ok");
  });
});

test("mounts are crossed both ways; '..' from a mounted tree reaches the mount point's parent", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const y = yield* find(v, k, "/mnt/x/y");
    assert.equal(y.node.mnt.dev, 0x41);
    assert.equal(y.attr.size, 4);
    assert.equal(y.node.pathFrom(v.root), "/mnt/x/y");
    const up = yield* find(v, k, "/mnt/x/../../a/b/c");
    assert.equal(up.node.mnt.dev, 0x40);
    assert.equal(up.attr.size, 5);
    const m = yield* find(v, k, "/mnt");
    assert.equal(m.node.mnt.dev, 0x41, "the mount point shows the mounted root");
    assert.equal(m.node.ino, 1);
    assert.equal((yield* find(v, k, "/mnt/..")).node.same(v.root), true);
    assert.equal((yield* find(v, k, "/mnt/x/up/b/c")).attr.size, 5, "a relative link out of a mounted tree");
  });
});

test("chroot: '..', absolute paths and absolute links stay inside the process's root; getcwd", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const a = (yield* find(v, k, "/a")).node;
    const ab = (yield* find(v, k, "/a/b")).node;
    v.cwd = ab;
    assert.equal(v.cwd.pathFrom(v.root), "/a/b");
    v.root = a;
    assert.equal(v.cwd.pathFrom(v.root), "/b");
    assert.equal((yield* find(v, k, "/b/c")).attr.size, 5);
    assert.equal((yield* find(v, k, "/../../../b/c")).attr.size, 5);
    assert.equal((yield* find(v, k, "/escape/c")).attr.size, 5, "../../.. in a link stops at the root");
    assert.equal((yield* find(v, k, "/absb/c")).attr.size, 5, "an absolute link starts at the process's root");
    assert.equal(yield* errOf(find(v, k, "/f")), "ENOENT", "the real root's files are out of reach");
    v.cwd = (yield* find(v, k, "/..")).node;
    assert.equal(v.cwd.pathFrom(v.root), "/");
    // A working directory outside the root (chroot without chdir): Linux's "(unreachable)".
    const mnt = yield* find(v, k, "/b");
    v.root = mnt.node;
    v.cwd = a;
    assert.equal(v.cwd.pathFrom(v.root), "(unreachable)/a");
  });
});

test("search permission: lookups and '.'/'..' in a directory without x are EACCES for a user, not for root", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    assert.equal(yield* errOf(find(v, k, "/noexec/in", true, USER)), "EACCES");
    assert.equal(yield* errOf(find(v, k, "/noexec/..", true, USER)), "EACCES");
    assert.equal(yield* errOf(find(v, k, "/noexec/in", true, ROOT)), "ok");
  });
});

test("/proc magic links jump to the process's own open files and directories", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const fd = yield* openFile(k, v, ROOT, { dirfd: AT_FDCWD, path: "/mnt/x/y", flags: O.RDONLY, mode: 0 });
    assert.equal(fd, 3, "the lowest free descriptor after the console's 0, 1, 2");
    // procfs's own link says /a/b/c; the walker asks the descriptor table instead.
    const f = yield* find(v, k, "/proc/self/fd/3");
    assert.equal(f.node.mnt.dev, 0x41);
    assert.equal(f.attr.size, 4);
    assert.equal(f.file, v.file(3));
    assert.equal(yield* errOf(find(v, k, "/proc/self/fd/4")), "ENOENT", "a descriptor that is not open");
    v.cwd = (yield* find(v, k, "/a/b")).node;
    assert.equal((yield* find(v, k, "/proc/1/cwd/c")).attr.size, 5);
    assert.equal(v.fdPath(3), "/mnt/x/y");
    yield* v.close(k, 3);
    assert.equal(s.other.opens.size, 0, "close released the server's open file");
  });
});

test("openat2's RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_NO_SYMLINKS, RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const a = (yield* find(v, k, "/a")).node;
    const r = (restrict: Restrict, path: string): Gen<string> => errOf(find(v, k, path, true, ROOT, restrict, a));
    assert.equal(yield* r({ beneath: a }, "b/c"), "ok");
    assert.equal(yield* r({ beneath: a }, "../f"), "EXDEV");
    assert.equal(yield* r({ beneath: a }, "/f"), "EXDEV");
    assert.equal(yield* r({ beneath: a }, "absb"), "EXDEV");
    assert.equal(yield* r({ inRoot: a }, "/b/c"), "ok");
    assert.equal(yield* r({ inRoot: a }, "../../b/c"), "ok");
    assert.equal(yield* r({ inRoot: a }, "absb/c"), "ok");
    assert.equal(yield* r({ noSymlinks: true }, "l/c"), "ELOOP");
    assert.equal(yield* r({ noXdev: true }, "../mnt/x"), "EXDEV");
    assert.equal(yield* r({ noXdev: true }, "b/c"), "ok");
    yield* openFile(k, v, ROOT, { dirfd: AT_FDCWD, path: "/f", flags: O.RDONLY, mode: 0 });
    assert.equal(yield* r({ noMagic: true }, "/proc/self/fd/3"), "ELOOP");
    assert.equal(yield* r({}, "/proc/self/fd/3"), "ok");
  });
});

test("open: O_CREAT through a dangling link creates its target; O_EXCL, O_NOFOLLOW, O_DIRECTORY, EISDIR", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const open = (path: string, flags: number): Gen<number> => openFile(k, v, ROOT, { dirfd: AT_FDCWD, path, flags, mode: 0o600 });
    const e = (path: string, flags: number): Gen<string> => errOf(open(path, flags));
    assert.equal(yield* e("dangling", O.CREAT | O.EXCL | O.WRONLY), "EEXIST");
    assert.equal(yield* e("dangling", O.CREAT | O.NOFOLLOW | O.WRONLY), "ELOOP");
    assert.equal(yield* e("dangling", O.CREAT | O.WRONLY), "ok");
    assert.equal((yield* find(v, k, "/nowhere")).attr.mode, NodeType.Reg | 0o600);
    assert.equal(yield* e("a", O.CREAT | O.RDONLY), "EISDIR");
    assert.equal(yield* e("a", O.WRONLY), "EISDIR");
    assert.equal(yield* e("f", O.DIRECTORY), "ENOTDIR");
    assert.equal(yield* e("a/l", O.NOFOLLOW), "ELOOP");
    assert.equal(yield* e("a/l", O.NOFOLLOW | O.PATH), "ok");
    assert.equal(yield* e("newdir/", O.CREAT | O.WRONLY), "EISDIR");
    assert.equal(v.file(4).kind, "path");
    assert.equal(v.file(4).flags, O.PATH | O.NOFOLLOW, "O_PATH keeps only its own flags (no O_LARGEFILE)");
    yield* v.closeAll(k);
    assert.equal(s.root.opens.size, 0);
  });
});

test("'..' of a directory found through a symlink is its real parent, not the link's", () => {
  const s = sample();
  s.root.link("deep", "a/b");
  withVfs(mounts(s), function* (v, k) {
    assert.equal((yield* find(v, k, "deep/..")).node.pathFrom(v.root), "/a");
    assert.equal((yield* find(v, k, "deep/../l/c")).attr.size, 5);
  });
});

test("the console descriptors 0, 1, 2 exist from the start", () => {
  const s = sample();
  withVfs(mounts(s), function* (v) {
    assert.deepEqual([0, 1, 2].map((fd) => v.file(fd).kind), ["console", "console", "console"]);
    assert.equal(v.file(0).readable, true);
    assert.equal(v.file(1).writable, true);
    assert.equal(v.file(0).writable, false);
  });
});

test("mapSource: a regular file's source (key, label, size) and a pager that reads and writes through its own server open file", () => {
  const s = sample();
  withVfs(mounts(s), function* (v, k) {
    const fd = yield* openFile(k, v, ROOT, { dirfd: AT_FDCWD, path: "/a/b/c", flags: O.RDONLY, mode: 0 });
    const src = yield* mapSource(v, k, fd);
    assert.ok(typeof src !== "number");
    assert.equal(src.readable, true);
    assert.equal(src.writable, false);
    assert.ok(typeof src.maps === "object");
    const file = src.maps.file;
    const c = yield* find(v, k, "/a/b/c");
    assert.deepEqual(file.key, [c.node.mnt.root.server, c.node.ino]);
    assert.deepEqual(file.label, { dev: 0x40, ino: c.node.ino, path: "/a/b/c" });
    assert.equal(file.size, 5);
    const pager = file.pager();
    const page = yield* pager.pageIn(0, 4096);
    assert.ok(page instanceof Uint8Array);
    assert.equal(new TextDecoder().decode(page), "hello", "a short page at the end of the file");
    // The pager writes back although the descriptor is read-only: it has its own open file.
    assert.equal(yield* pager.pageOut(1, new TextEncoder().encode("EL")), 0);
    assert.equal(new TextDecoder().decode(s.root.node(c.node.ino).data), "hELlo");
    assert.equal(s.root.opens.size, 2, "the descriptor's open file and the pager's");
    pager.release?.();
    yield { kind: "yield" };
    assert.equal(s.root.opens.size, 1, "release closed the pager's open file");
    const dir = yield* openFile(k, v, ROOT, { dirfd: AT_FDCWD, path: "/a", flags: O.RDONLY, mode: 0 });
    const d = yield* mapSource(v, k, dir);
    assert.ok(typeof d !== "number" && d.maps === "none", "a directory maps nothing (ENODEV)");
    const con = yield* mapSource(v, k, 1);
    assert.ok(typeof con !== "number" && con.maps === "none", "the console maps nothing");
    const p = yield* openFile(k, v, ROOT, { dirfd: AT_FDCWD, path: "/a/b/c", flags: O.PATH, mode: 0 });
    assert.equal(yield* mapSource(v, k, p), -E.EBADF);
    assert.equal(yield* mapSource(v, k, 77), -E.EBADF);
  });
});

test("the mount table is asked for its generation at most once per time slice, and a new mount shows after the next one", () => {
  const s = sample();
  const names = fakeNames();
  let slice = 0;
  withVfs(mounts(s), function* (v, k) {
    const base = names.generationCalls;
    for (let i = 0; i < 5; i++) yield* find(v, k, "/a/b/c");
    assert.equal(names.generationCalls, base, "no PPC to the name space within the slice");
    assert.equal(yield* errOf(find(v, k, "/mnt/x/y")), "ENOENT", "/mnt is not mounted yet");
    // Another process mounts /mnt: the generation changes.
    names.mounts = [...names.mounts, names.all[1]];
    names.generation++;
    assert.equal(yield* errOf(find(v, k, "/mnt/x/y")), "ENOENT", "not seen within the same slice");
    slice++;
    const fetched = names.mountsCalls;
    assert.equal(yield* errOf(find(v, k, "/mnt/x/y")), "ok", "seen after the slice ended");
    assert.equal(names.generationCalls, base + 1);
    assert.equal(names.mountsCalls, fetched + 1, "the table fetched again once");
    slice++;
    yield* find(v, k, "/a/b/c");
    assert.equal(names.mountsCalls, fetched + 1, "an unchanged generation is not fetched again");
  }, { names, boot: 1, epoch: () => slice });
});
