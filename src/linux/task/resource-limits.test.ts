// do_prlimit's checks (Linux 6.1 kernel/sys.c) and the kernel's default limits.

import { test } from "node:test";
import assert from "node:assert/strict";
import { NR_OPEN, RLIM_INFINITY, ResourceLimits, Rlimit, defaultLimits } from "./resource-limits.js";
import { E } from "../errno.js";

test("defaults: INIT_RLIMITS, with NPROC and SIGPENDING from the machine's memory (fork_init)", () => {
  const l = defaultLimits(1 << 30);
  assert.deepEqual(l[Rlimit.STACK], { cur: 8n << 20n, max: RLIM_INFINITY });
  assert.deepEqual(l[Rlimit.NOFILE], { cur: 1024n, max: 4096n });
  assert.deepEqual(l[Rlimit.CORE], { cur: 0n, max: RLIM_INFINITY });
  assert.deepEqual(l[Rlimit.MEMLOCK], { cur: 8n << 20n, max: 8n << 20n });
  // 1 GiB / (8 × 16 KiB) = 8192 threads; half of them.
  assert.deepEqual(l[Rlimit.NPROC], { cur: 4096n, max: 4096n });
  assert.deepEqual(l[Rlimit.SIGPENDING], { cur: 4096n, max: 4096n });
  assert.deepEqual(defaultLimits(64 << 10)[Rlimit.NPROC], { cur: 10n, max: 10n }, "at least 20 threads");
  assert.equal(l.length, 16);
});

test("set: cur > max is EINVAL; raising max needs privilege; NOFILE's max never past nr_open", () => {
  const r = new ResourceLimits(1 << 30);
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: 5n }, true), -E.EINVAL);
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: 4097n }, false), -E.EPERM);
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: NR_OPEN + 1n }, true), -E.EPERM, "even with CAP_SYS_RESOURCE");
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: NR_OPEN }, true), 0);
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: 100n }, false), 0, "lowering needs nothing");
  assert.equal(r.set(Rlimit.NOFILE, { cur: 10n, max: 101n }, false), -E.EPERM, "and cannot be undone unprivileged");
  assert.deepEqual(r.get(Rlimit.NOFILE), { cur: 10n, max: 100n }, "a refused change changes nothing");
  assert.equal(r.set(16, { cur: 0n, max: 0n }, true), -E.EINVAL);
  assert.equal(r.get(16), undefined);
  assert.equal(r.cur(Rlimit.NOFILE), 10n);
  assert.deepEqual(r.pairs()[Rlimit.NOFILE], [10n, 100n]);
  const got = r.get(Rlimit.STACK);
  if (got !== undefined) got.cur = 1n;
  assert.equal(r.cur(Rlimit.STACK), 8n << 20n, "get answers a copy");
});
