// The --strace decoder on made-up guest memory: each argument kind, failures, both ABIs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { KINDS, knownKind, signatureNames, signatureOf, straceEnter, type StraceMemory, type StraceTarget } from "./decode.js";
import { PPC64_SYSCALLS } from "../syscalls/ppc64.js";
import { PPC32_SYSCALLS } from "../syscalls/ppc32.js";

const PAGE = 4096;

/** Guest memory of a few readable pages (zero where nothing was put); everything else faults. */
class FakeMemory implements StraceMemory {
  private readonly pages = new Map<number, Uint8Array>();
  put(va: number, data: string | Uint8Array): number {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    bytes.forEach((b, i) => {
      const a = va + i, page = Math.floor(a / PAGE);
      let p = this.pages.get(page);
      if (p === undefined) this.pages.set(page, (p = new Uint8Array(PAGE)));
      p[a % PAGE] = b;
    });
    return va;
  }
  read(va: number, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const p = this.pages.get(Math.floor((va + i) / PAGE));
      if (p === undefined) return undefined;
      out[i] = p[(va + i) % PAGE];
    }
    return out;
  }
}

const word = (v: number): bigint => BigInt.asUintN(64, BigInt(v));
const target = (mem: StraceMemory, is64 = true, le = false): StraceTarget => ({ is64, le, mem });

test("openat: AT_FDCWD, a quoted path, PowerPC open flags, the descriptor", () => {
  const m = new FakeMemory();
  const path = m.put(0x10000, "/etc/passwd\0");
  const t = target(m);
  assert.equal(straceEnter(t, "openat", [word(-100), word(path), 0x80000n, 0n]).exit(3), `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`);
  // O_DIRECTORY, O_NOFOLLOW and O_LARGEFILE have PowerPC's values; the mode shows with O_CREAT only.
  assert.equal(straceEnter(t, "openat", [7n, word(path), BigInt(0x4000 | 0x8000 | 0x10000), 0o644n]).exit(-2),
    `openat(7, "/etc/passwd", O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_LARGEFILE) = -1 ENOENT (No such file or directory)`);
  assert.equal(straceEnter(t, "openat", [word(-100), word(path), BigInt(1 | 0x40 | 0x200), 0o644n]).exit(4),
    `openat(AT_FDCWD, "/etc/passwd", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4`);
});

test("read: the buffer is printed after the call, cut at 32 bytes; on failure its address", () => {
  const m = new FakeMemory();
  const text = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n";
  const buf = m.put(0x20000, text);
  const t = target(m);
  assert.equal(straceEnter(t, "read", [3n, word(buf), 4096n]).exit(text.length),
    `read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = ${text.length}`);
  assert.equal(straceEnter(t, "read", [3n, word(buf), 4096n]).exit(4), `read(3, "root", 4096) = 4`);
  assert.equal(straceEnter(t, "read", [3n, word(buf), 4096n]).exit(0), `read(3, "", 4096) = 0`);
  assert.equal(straceEnter(t, "read", [9n, word(buf), 4096n]).exit(-9), `read(9, 0x20000, 4096) = -1 EBADF (Bad file descriptor)`);
});

test("write: the buffer in, with C and octal escapes", () => {
  const m = new FakeMemory();
  const buf = m.put(0x30000, Uint8Array.from([0x68, 0x69, 0x0a, 0x00, 0x31, 0x1b, 0x5b, 0x22, 0x5c, 0xff]));
  const t = target(m);
  assert.equal(straceEnter(t, "write", [1n, word(buf), 10n]).exit(10), `write(1, "hi\\n\\0001\\33[\\"\\\\\\377", 10) = 10`);
  // An unreadable buffer prints as its address (the call then fails with EFAULT).
  assert.equal(straceEnter(t, "write", [1n, 0x10n, 5n]).exit(-14), `write(1, 0x10, 5) = -1 EFAULT (Bad address)`);
});

test("a string the guest cannot read prints as its address; NULL as NULL", () => {
  const t = target(new FakeMemory());
  assert.equal(straceEnter(t, "openat", [word(-100), 0x7777n, 0n]).exit(-14), `openat(AT_FDCWD, 0x7777, O_RDONLY) = -1 EFAULT (Bad address)`);
  assert.equal(straceEnter(t, "chdir", [0n]).exit(-14), `chdir(NULL) = -1 EFAULT (Bad address)`);
});

test("a string ending just before an unreadable page is read page by page", () => {
  const m = new FakeMemory();
  m.put(0x40000 - 4, "abc\0");
  assert.equal(straceEnter(target(m), "unlink", [word(0x40000 - 4)]).exit(0), `unlink("abc") = 0`);
});

test("mmap: protection and flags by name, the address in hex; munmap, mprotect, brk", () => {
  const t = target(new FakeMemory());
  assert.equal(straceEnter(t, "mmap", [0n, 8192n, 3n, 0x22n, word(-1), 0n]).exit(0x7fffb7ff0000),
    "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7fffb7ff0000");
  assert.equal(straceEnter(t, "mmap", [0x10000000n, 4096n, 5n, BigInt(0x02 | 0x10 | 0x800), 3n, 0x1000n]).exit(0x10000000),
    "mmap(0x10000000, 4096, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x1000) = 0x10000000");
  assert.equal(straceEnter(t, "mmap", [0n, 0n, 1n, 0x22n, word(-1), 0n]).exit(-22),
    "mmap(NULL, 0, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)");
  assert.equal(straceEnter(t, "mprotect", [0x7fff0000n, 8192n, 0n]).exit(0), "mprotect(0x7fff0000, 8192, PROT_NONE) = 0");
  assert.equal(straceEnter(t, "brk", [0n]).exit(0x10020000), "brk(NULL) = 0x10020000");
});

test("exit_group does not return", () => {
  assert.equal(straceEnter(target(new FakeMemory()), "exit_group", [3n]).noReturn(), "exit_group(3) = ?");
});

test("clocks, signals, whence, fcntl commands, ioctl requests by name", () => {
  const m = new FakeMemory();
  const ts = new Uint8Array(16);
  new DataView(ts.buffer).setBigInt64(0, 12n, false);
  new DataView(ts.buffer).setBigInt64(8, 500n, false);
  const t = target(m);
  const p = m.put(0x50000, ts);
  assert.equal(straceEnter(t, "clock_gettime", [1n, word(p)]).exit(0), "clock_gettime(CLOCK_MONOTONIC, {tv_sec=12, tv_nsec=500}) = 0");
  assert.equal(straceEnter(t, "clock_gettime", [99n, word(p)]).exit(-22), "clock_gettime(99, 0x50000) = -1 EINVAL (Invalid argument)");
  assert.equal(straceEnter(t, "tgkill", [1n, 1n, 6n]).exit(0), "tgkill(1, 1, SIGABRT) = 0");
  assert.equal(straceEnter(t, "kill", [1n, 34n]).exit(0), "kill(1, SIGRT_2) = 0");
  assert.equal(straceEnter(t, "lseek", [3n, word(-10), 2n]).exit(90), "lseek(3, -10, SEEK_END) = 90");
  assert.equal(straceEnter(t, "fcntl", [3n, 2n, 1n]).exit(0), "fcntl(3, F_SETFD, FD_CLOEXEC) = 0");
  assert.equal(straceEnter(t, "fcntl", [3n, 3n, 0n]).exit(0x8002), "fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_NOFOLLOW)");
  assert.equal(straceEnter(t, "fcntl", [3n, 1n, 0n]).exit(1), "fcntl(3, F_GETFD) = 0x1 (flags FD_CLOEXEC)");
  assert.equal(straceEnter(t, "fcntl", [3n, 1030n, 10n]).exit(10), "fcntl(3, F_DUPFD_CLOEXEC, 10) = 10");
  assert.equal(straceEnter(t, "ioctl", [1n, 0x402c7413n, 0x7fff0000n]).exit(-25), "ioctl(1, TCGETS, 0x7fff0000) = -1 ENOTTY (Inappropriate ioctl for device)");
  assert.equal(straceEnter(t, "ioctl", [1n, 0x40087468n, 0x7fff0000n]).exit(0), "ioctl(1, TIOCGWINSZ, 0x7fff0000) = 0");
  assert.equal(straceEnter(t, "futex", [0x1000n, 0x81n, 1n, 0n, 0n, 0n]).exit(0), "futex(0x1000, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) = 0");
});

test("ppc32: 64-bit values in aligned register pairs, 32-bit timespecs, little and big endian structures", () => {
  const m = new FakeMemory();
  const t = target(m, false);
  const buf = m.put(0x1000, "abcdef");
  // pread64(fd, buf, count, <pad>, off_hi, off_lo)
  assert.equal(straceEnter(t, "pread64", [3n, word(buf), 100n, 0n, 1n, 16n]).exit(6), `pread64(3, "abcdef", 100, 4294967312) = 6`);
  // _llseek(fd, hi, lo, &result, whence): the result is read back after the call
  const res = new Uint8Array(8);
  new DataView(res.buffer).setBigInt64(0, 4096n, false);
  const r = m.put(0x2000, res);
  assert.equal(straceEnter(t, "_llseek", [3n, 0n, 4096n, word(r), 0n]).exit(0), "_llseek(3, 4096, [4096], SEEK_SET) = 0");
  const ts = new Uint8Array(8);
  new DataView(ts.buffer).setInt32(0, 7, false);
  new DataView(ts.buffer).setInt32(4, 9, false);
  assert.equal(straceEnter(t, "clock_gettime", [0n, word(m.put(0x3000, ts))]).exit(0), "clock_gettime(CLOCK_REALTIME, {tv_sec=7, tv_nsec=9}) = 0");
  // the signal set: ppc32 keeps it as two 32-bit words, low word first
  const set = new Uint8Array(8);
  new DataView(set.buffer).setUint32(0, (1 << 1) | (1 << 14), false); // SIGINT, SIGTERM
  new DataView(set.buffer).setUint32(4, 1, false); // signal 33
  assert.equal(straceEnter(t, "rt_sigprocmask", [0n, word(m.put(0x4000, set)), 0n, 8n]).exit(0), "rt_sigprocmask(SIG_BLOCK, [INT TERM RT_1], NULL, 8) = 0");
  const le = target(m, true, true);
  const full = new Uint8Array(8).fill(0xff);
  full[1] = 0xbf; // all but signal 15 (SIGTERM), little-endian
  assert.equal(straceEnter(le, "rt_sigprocmask", [2n, word(m.put(0x5000, full)), 0n, 8n]).exit(0), "rt_sigprocmask(SIG_SETMASK, ~[TERM], NULL, 8) = 0");
});

test("stat structures: type and mode, then the size (or the device of a device file)", () => {
  const m = new FakeMemory();
  const st = new Uint8Array(144);
  const dv = new DataView(st.buffer);
  dv.setUint32(24, 0o100644, true);
  dv.setBigInt64(48, 1234n, true);
  const t = target(m, true, true);
  const path = m.put(0x1000, "/etc/passwd\0");
  assert.equal(straceEnter(t, "newfstatat", [word(-100), word(path), word(m.put(0x2000, st)), 0x100n]).exit(0),
    `newfstatat(AT_FDCWD, "/etc/passwd", {st_mode=S_IFREG|0644, st_size=1234, ...}, AT_SYMLINK_NOFOLLOW) = 0`);
  const dev = new Uint8Array(104);
  const dd = new DataView(dev.buffer);
  dd.setUint32(16, 0o020620, false);
  dd.setBigUint64(32, BigInt((136 << 8) | 3), false);
  assert.equal(straceEnter(target(m, false), "fstat64", [1n, word(m.put(0x3000, dev))]).exit(0), "fstat64(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0x3), ...}) = 0");
});

test("writev and uname: vectors and structures", () => {
  const m = new FakeMemory();
  const a = m.put(0x1000, "hello, "), b = m.put(0x2000, "world\n");
  const iov = new Uint8Array(32);
  const dv = new DataView(iov.buffer);
  dv.setBigUint64(0, BigInt(a)); dv.setBigUint64(8, 7n); dv.setBigUint64(16, BigInt(b)); dv.setBigUint64(24, 6n);
  const t = target(m);
  assert.equal(straceEnter(t, "writev", [1n, word(m.put(0x3000, iov)), 2n]).exit(13),
    `writev(1, [{iov_base="hello, ", iov_len=7}, {iov_base="world\\n", iov_len=6}], 2) = 13`);
  const u = new Uint8Array(390);
  u.set(new TextEncoder().encode("Linux"), 0);
  u.set(new TextEncoder().encode("k42ts"), 65);
  assert.equal(straceEnter(t, "uname", [word(m.put(0x4000, u))]).exit(0), `uname({sysname="Linux", nodename="k42ts", ...}) = 0`);
});

test("a call without a signature is printed with six hex arguments", () => {
  assert.equal(signatureOf("kexec_load", true), undefined);
  assert.equal(straceEnter(target(new FakeMemory()), "kexec_load", [1n, 0x20n, 0n, 3n, 4n, 5n]).exit(-38),
    "kexec_load(0x1, 0x20, 0, 0x3, 0x4, 0x5) = -1 ENOSYS (Function not implemented)");
});

test("every signature names a real call and known argument kinds", () => {
  const names = new Set([...PPC64_SYSCALLS, ...PPC32_SYSCALLS].map(([, n]) => n));
  for (const n of signatureNames()) {
    assert.ok(names.has(n), `signature for ${n}, which neither table has`);
    for (const k of signatureOf(n, true)?.args ?? []) assert.ok(knownKind(k), `${n}: kind ${k}`);
  }
  assert.ok(KINDS.size > 40);
});

test("every call of both tables decodes, with unreadable memory, successful or failing", () => {
  for (const [is64, table] of [[true, PPC64_SYSCALLS], [false, PPC32_SYSCALLS]] as const) {
    const t = target(new FakeMemory(), is64);
    const args = [0x1234n, 0x10n, 3n, 0x20n, 5n, 6n];
    let covered = 0;
    for (const [, name] of table) {
      const line = straceEnter(t, name, args).exit(0);
      assert.match(line, new RegExp(`^${name}\\(.*\\) = (0|0x0|00|\\?)$`), line);
      assert.match(straceEnter(t, name, args).exit(-38), / = (-1 ENOSYS \(Function not implemented\)|\?)$/);
      if (signatureOf(name, is64) !== undefined) covered++;
    }
    assert.ok(covered > 240, `${covered} calls with a signature`);
  }
});
