// The tables the dispatcher runs on: every call has a status, handlers are where they should
// be, and the reasons name real calls.

import { test } from "node:test";
import assert from "node:assert/strict";
import { FAMILIES, syscallTable } from "./registry.js";
import { buildTable, describeStatus, syscallNumbers } from "./status.js";
import { NAMED_IN_REASONS, NEXT_ISSUE, NOT_BUILT, LINUX_HAS_NONE } from "./reasons.js";
import { errnoName } from "../errno.js";
import type { Handler } from "../process/syscalls.js";

const h: Handler = () => 0;

test("every number of each architecture has an entry with a status, and only those", () => {
  for (const arch of ["ppc64", "ppc32"] as const) {
    const t = syscallTable(arch);
    const nums = syscallNumbers(arch);
    assert.equal([...t.entries()].length, nums.length);
    for (const [nr, name] of nums) {
      const e = t.get(nr);
      assert.equal(e?.name, name);
      assert.equal(e.handler === undefined, e.status.kind === "errno", `${arch} ${name}: a handler exactly when the status is not an errno`);
    }
    const c = t.counts();
    assert.equal(c.implemented + c.partial + c.errno, nums.length);
    assert.equal(t.get(9999), undefined);
  }
});

test("names register per architecture: newfstatat on ppc64, fstatat64/_llseek/mmap2 on ppc32", () => {
  const t64 = syscallTable("ppc64"), t32 = syscallTable("ppc32");
  assert.equal(t64.get(291)?.name, "newfstatat");
  assert.notEqual(t64.get(291)?.handler, undefined);
  assert.equal(t32.get(291)?.name, "fstatat64");
  assert.notEqual(t32.get(291)?.handler, undefined);
  assert.notEqual(t32.get(192)?.handler, undefined); // mmap2
  assert.notEqual(t32.get(140)?.handler, undefined); // _llseek
  assert.notEqual(t32.get(403)?.handler, undefined); // clock_gettime64
  assert.equal(t64.named("mmap2"), undefined);
  assert.notEqual(t64.named("ugetrlimit")?.handler, undefined);
  assert.equal(t64.named("madvise")?.family, "mm");
  assert.equal(t64.named("mbind")?.status.kind, "partial");
  assert.equal(t64.named("pipe2")?.family, "pipe");
  assert.equal(t32.named("_newselect")?.family, "poll");
  assert.equal(t64.named("select")?.handler, undefined, "ppc64's select slot is sys_ni_syscall");
});

test("calls without a handler say why: the next issue's, Linux's own ENOSYS, or not built", () => {
  const t64 = syscallTable("ppc64"), t32 = syscallTable("ppc32");
  const reason = (t: typeof t64, name: string): string | undefined => {
    const s = t.named(name)?.status;
    return s?.kind === "errno" ? `${errnoName(s.errno)} ${s.reason}` : undefined;
  };
  for (const n of ["unshare", "futex_waitv"]) {
    assert.equal(reason(t64, n), `ENOSYS ${NEXT_ISSUE}`, n);
  }
  // Sockets and epoll have their families, socketcall on both ABIs.
  for (const n of ["socket", "socketcall", "recvmmsg", "accept4"]) assert.equal(t32.named(n)?.family, "socket", n);
  for (const n of ["socketcall", "sendmmsg"]) assert.equal(t64.named(n)?.family, "socket", n);
  assert.equal(t64.named("epoll_pwait2")?.family, "epoll");
  // POSIX message queues are not built; the timers family has the timer and signal descriptors.
  assert.equal(reason(t32, "mq_open"), `ENOSYS ${NOT_BUILT}`);
  for (const n of ["signalfd4", "timer_create", "timerfd_settime64"]) assert.equal(t32.named(n)?.family, "timers", n);
  // System V IPC has its family: the direct calls, and ipc() on both ABIs.
  for (const n of ["ipc", "shmget", "semctl", "msgrcv"]) assert.equal(t32.named(n)?.family, "sysvipc", n);
  assert.equal(t64.named("semtimedop")?.family, "sysvipc");
  assert.equal(t32.named("semtimedop_time64")?.family, "sysvipc");
  // select is sys_ni_syscall on ppc64 but the old select on ppc32
  assert.equal(reason(t64, "select"), `ENOSYS ${LINUX_HAS_NONE}`);
  assert.equal(t32.named("select")?.family, "poll");
  assert.equal(reason(t64, "break"), `ENOSYS ${LINUX_HAS_NONE}`);
  assert.equal(reason(t64, "inotify_init1"), `ENOSYS ${NOT_BUILT}`);
  assert.equal(reason(t64, "getdents64"), undefined, "the vfs family's");
  assert.equal(t64.named("rt_sigreturn")?.family, "signal-delivery");
  assert.equal(reason(t64, "sigreturn"), `ENOSYS ${LINUX_HAS_NONE}`, "ppc64 has only the rt frame");
  assert.notEqual(t32.named("sigreturn")?.handler, undefined);
  assert.match(reason(t64, "rseq") ?? "", /^ENOSYS not built: restartable sequences/);
  assert.match(describeStatus(t64.named("openat")?.status ?? { kind: "implemented" }, errnoName), /^partial: O_TMPFILE: EOPNOTSUPP/);
  assert.equal(describeStatus(t64.named("read")?.status ?? { kind: "partial", missing: "" }, errnoName), "implemented");
});

test("every name the reasons and the families mention is a PowerPC system call", () => {
  const names = new Set([...syscallNumbers("ppc64"), ...syscallNumbers("ppc32")].map(([, n]) => n));
  for (const n of NAMED_IN_REASONS) assert.ok(names.has(n), `reasons.ts names ${n}`);
  for (const f of FAMILIES) for (const n of Object.keys(f.handlers)) assert.ok(names.has(n), `family ${f.name}: ${n}`);
});

test("registration mistakes are refused when the table is built", () => {
  assert.throws(() => buildTable("ppc64", [{ name: "a", handlers: { read: h } }, { name: "b", handlers: { read: h } }]), /read is registered by two families: a and b/);
  assert.throws(() => buildTable("ppc64", [{ name: "a", handlers: { fstatat: h } }]), /fstatat is not a PowerPC system call/);
  assert.throws(() => buildTable("ppc64", [{ name: "a", handlers: { read: h }, partial: { write: "x" } }]), /partial note for write/);
  // A name only the other architecture has is fine (and unused there).
  assert.equal(buildTable("ppc64", [{ name: "a", handlers: { mmap2: h } }]).named("mmap2"), undefined);
});
