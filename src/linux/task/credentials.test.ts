// The set*id rules of Linux 6.1 (kernel/sys.c) with commoncap's capability fix-ups, on the
// Credentials class alone: each case names the rule it checks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { CAP_FULL, Cap, Credentials, NO_ID, NGROUPS_MAX, SECURE_KEEP_CAPS } from "./credentials.js";
import { E } from "../errno.js";

const ids = (c: Credentials): number[] => c.uids();
const gids = (c: Credentials): number[] => c.gids();
const SETUID = 1n << BigInt(Cap.SETUID);

test("a fresh login: root has every capability, others none; groups are kept sorted", () => {
  const r = new Credentials(0, 0, [5, 1]);
  assert.equal(r.permitted, CAP_FULL);
  assert.equal(r.effective, CAP_FULL);
  assert.deepEqual(r.groups, [1, 5]);
  const u = new Credentials(1000, 100);
  assert.equal(u.permitted, 0n);
  assert.equal(u.capable(Cap.SETUID), false);
  assert.deepEqual(u.fileCred(), { uid: 1000, gid: 100, groups: [] });
  assert.throws(() => new Credentials(NO_ID, 0), RangeError);
});

test("setuid: privileged sets all four ids; unprivileged only to the real or saved uid, and not the saved one", () => {
  const r = new Credentials(0, 0);
  assert.equal(r.setuid(1000), 0);
  assert.deepEqual(ids(r), [1000, 1000, 1000, 1000]);
  assert.equal(r.permitted, 0n, "leaving uid 0 entirely drops every capability");
  assert.equal(r.setuid(0), -E.EPERM);
  const u = new Credentials(1000, 1000);
  assert.equal(u.setresuid(NO_ID, NO_ID, 2000), -E.EPERM, "an unprivileged task cannot invent a saved uid");
  assert.equal(u.setuid(NO_ID), -E.EINVAL, "(uid_t)-1 is not a uid");
});

test("setuid with a saved uid of 0: the effective uid comes back, the caps with it", () => {
  const c = new Credentials(0, 0);
  assert.equal(c.setresuid(1000, 1000, 0), 0);
  assert.equal(c.effective, 0n, "euid leaving 0 clears the effective set");
  assert.equal(c.permitted, CAP_FULL, "the saved uid 0 keeps the permitted set");
  assert.equal(c.setuid(0), 0, "0 is the saved uid: allowed without privilege");
  assert.deepEqual(ids(c), [1000, 0, 0, 0], "unprivileged setuid changes only euid and fsuid");
  assert.equal(c.effective, CAP_FULL, "euid back to 0 restores the effective set from the permitted one");
});

test("setreuid: the saved uid follows the effective one when the real one is set or the effective one moves off the real one", () => {
  const c = new Credentials(0, 0);
  assert.equal(c.setreuid(100, 200), 0);
  assert.deepEqual(ids(c), [100, 200, 200, 200]);
  const d = new Credentials(0, 0);
  assert.equal(d.setreuid(NO_ID, 0), 0);
  assert.deepEqual(ids(d), [0, 0, 0, 0], "euid set to the old real uid leaves the saved uid");
  const u = new Credentials(500, 500);
  assert.equal(u.setresuid(NO_ID, NO_ID, NO_ID), 0);
  assert.equal(u.setreuid(NO_ID, 501), -E.EPERM);
  assert.equal(u.setreuid(501, NO_ID), -E.EPERM);
  // An unprivileged swap of real and effective: both are its own ids.
  const s = new Credentials(0, 0);
  s.setresuid(10, 20, 30);
  assert.equal(s.setreuid(20, 10), 0);
  assert.deepEqual(ids(s), [20, 10, 10, 10]);
  assert.equal(s.setreuid(30, NO_ID), -E.EPERM, "the real uid may take only the old real or effective uid");
});

test("setresuid: a no-op needs no privilege; any fresh id needs CAP_SETUID", () => {
  const u = new Credentials(10, 10);
  assert.equal(u.setresuid(10, 10, 10), 0);
  assert.equal(u.setresuid(11, NO_ID, NO_ID), -E.EPERM);
  const r = new Credentials(0, 0);
  assert.equal(r.setresuid(1, 2, 3), 0);
  assert.deepEqual(ids(r), [1, 2, 3, 2]);
  assert.equal(r.setresuid(3, 1, 2), 0, "a permutation of its own ids is allowed unprivileged");
  assert.deepEqual(ids(r), [3, 1, 2, 1]);
});

test("setfsuid answers the old fsuid always and changes it only when allowed; fs capabilities follow fsuid 0", () => {
  const u = new Credentials(1000, 1000);
  assert.equal(u.setfsuid(0), 1000);
  assert.equal(u.fsuid, 1000, "refused silently");
  assert.equal(u.setfsuid(NO_ID), 1000, "-1 only asks");
  const r = new Credentials(0, 0);
  assert.equal(r.setfsuid(5), 0);
  assert.equal(r.fsuid, 5);
  assert.equal(r.capable(Cap.DAC_OVERRIDE), false, "fsuid off 0 drops the file-system capabilities");
  assert.equal(r.capable(Cap.SETUID), true, "but keeps the others");
  assert.equal(r.setfsuid(0), 5);
  assert.equal(r.capable(Cap.DAC_OVERRIDE), true, "fsuid back to 0 restores them");
  assert.deepEqual(r.fileCred().uid, 0);
});

test("group ids: the same rules with CAP_SETGID, and no capability changes", () => {
  const r = new Credentials(0, 0);
  assert.equal(r.setresgid(1, 2, 3), 0);
  assert.deepEqual(gids(r), [1, 2, 3, 2]);
  assert.equal(r.setregid(NO_ID, 3), 0);
  assert.deepEqual(gids(r), [1, 3, 3, 3]);
  assert.equal(r.setgid(9), 0);
  assert.deepEqual(gids(r), [9, 9, 9, 9]);
  assert.equal(r.permitted, CAP_FULL);
  const u = new Credentials(1, 1);
  assert.equal(u.setgid(0), -E.EPERM);
  assert.equal(u.setfsgid(0), 1);
  assert.equal(u.fsgid, 1);
  assert.equal(u.setgid(NO_ID), -E.EINVAL);
});

test("setgroups: CAP_SETGID first; -1 and more than NGROUPS_MAX are EINVAL; duplicates kept, sorted", () => {
  const u = new Credentials(1, 1);
  assert.equal(u.setgroups([1]), -E.EPERM);
  const r = new Credentials(0, 0);
  assert.equal(r.setgroups([3, 1, 3]), 0);
  assert.deepEqual(r.groups, [1, 3, 3]);
  assert.equal(r.setgroups([NO_ID]), -E.EINVAL);
  assert.equal(r.setgroups(new Array(NGROUPS_MAX + 1).fill(1)), -E.EINVAL);
  assert.deepEqual(r.fileCred().groups, [1, 3, 3]);
});

test("SECURE_KEEP_CAPS keeps the permitted set when root leaves uid 0; the effective set still goes", () => {
  const c = new Credentials(0, 0);
  assert.equal(c.setKeepCaps(1), 0);
  assert.equal(c.securebits, 1 << SECURE_KEEP_CAPS);
  assert.equal(c.setresuid(7, 7, 7), 0);
  assert.equal(c.permitted, CAP_FULL);
  assert.equal(c.effective, 0n);
  assert.equal(c.setKeepCaps(2), -E.EINVAL);
});

test("capset: permitted only shrinks, effective within permitted, inheritable within the old sets without CAP_SETPCAP", () => {
  const c = new Credentials(0, 0);
  assert.equal(c.capset(SETUID, SETUID, 0n), 0);
  assert.equal(c.capable(Cap.SETUID), true);
  assert.equal(c.capable(Cap.SETGID), false);
  assert.equal(c.capset(SETUID, CAP_FULL, 0n), -E.EPERM, "permitted cannot grow");
  assert.equal(c.capset(SETUID | 1n, SETUID, 0n), -E.EPERM, "effective beyond permitted");
  assert.equal(c.capset(SETUID, SETUID, 1n), -E.EPERM, "inheritable beyond inheritable and permitted, without CAP_SETPCAP");
  assert.equal(c.capset(0n, SETUID, SETUID), 0);
  assert.equal(c.inheritable, SETUID);
});

test("securebits: locked bits stay, locks never go, unknown bits and the unprivileged are refused", () => {
  const c = new Credentials(0, 0);
  assert.equal(c.setSecurebits(0x30), 0, "KEEP_CAPS and its lock");
  assert.equal(c.setSecurebits(0x20), -E.EPERM, "a locked bit cannot be cleared");
  assert.equal(c.setSecurebits(0x10), -E.EPERM, "a lock cannot be removed");
  assert.equal(c.setKeepCaps(0), -E.EPERM);
  assert.equal(c.setSecurebits(0x30 | 0x100), -E.EPERM);
  const u = new Credentials(1, 1);
  assert.equal(u.setSecurebits(0), -E.EPERM);
  assert.equal(u.dropBounding(3), -E.EPERM);
  assert.equal(c.dropBounding(41), -E.EINVAL);
});
