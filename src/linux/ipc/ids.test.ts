// The identifier sets and permission checks of System V IPC (ids.ts), as Linux's ipc/util.c
// behaves: cyclic slots over a window of max(1.5 × in use, 64), the sequence number moving on
// when the slots wrap, stale ids refused, keys found until removed or made private, ipcperms'
// owner/group/other bits with CAP_IPC_OWNER passing, and ipcget's order of checks.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Task } from "../task/task.js";
import { E } from "../errno.js";
import { IpcIds, ipcGet, ipcOwns, ipcPermits, newPerm, updatePerm, type IpcObject } from "./ids.js";
import { IPC_CREAT, IPC_EXCL, IPC_PRIVATE } from "./limits.js";

const task = (uid: number, gid: number, groups: number[] = []): Task =>
  new Task({ uid, gid, groups, path: "t", cpus: 1, memBytes: 1 << 30, accounts: { userNs: () => 0n, systemNs: () => 0n, minorFaults: () => 0 } });

const obj = (t: Task, key = IPC_PRIVATE, mode = 0o600): IpcObject => ({ perm: newPerm(t, key, mode) });

test("ids: slots in turn, the sequence moves on when they wrap, stale ids are refused", () => {
  const ids = new IpcIds<IpcObject>(4096), t = task(1000, 1000);
  const a = obj(t);
  assert.equal(ids.add(a), 0);
  ids.remove(a);
  assert.equal(a.perm.deleted, true);
  const got: number[] = [];
  for (let i = 0; i < 63; i++) {
    const o = obj(t);
    got.push(ids.add(o));
    ids.remove(o);
  }
  assert.deepEqual(got, Array.from({ length: 63 }, (_, i) => i + 1)); // slots 1..63, sequence 0
  const w = obj(t);
  assert.equal(ids.add(w), 32768); // slot 0 again, sequence 1
  assert.equal(ids.get(32768), w);
  assert.equal(ids.get(0), undefined, "the old id of slot 0 is stale");
  assert.equal(ids.atIndex(0), w);
  assert.equal(ids.highest(), 0);
});

test("ids: the window grows with the count; highest() follows the top slot", () => {
  const ids = new IpcIds<IpcObject>(4096), t = task(0, 0);
  const live: IpcObject[] = [];
  for (let i = 0; i < 100; i++) {
    const o = obj(t);
    assert.equal(ids.add(o), i);
    live.push(o);
  }
  assert.equal(ids.highest(), 99);
  ids.remove(live[99]);
  ids.remove(live[98]);
  assert.equal(ids.highest(), 97);
  // 98 in use: the window is 147 slots; the cursor is at 100.
  assert.equal(ids.add(obj(t)), 100);
  const small = new IpcIds<IpcObject>(2);
  assert.equal(small.add(obj(t)), 0);
  assert.equal(small.add(obj(t)), 1);
  assert.equal(small.add(obj(t)), -E.ENOSPC);
  assert.equal(small.highest(), 1); // full: mni - 1
});

test("ids: keys name one live object until it goes or is made private", () => {
  const ids = new IpcIds<IpcObject>(16), t = task(1000, 1000);
  const o = obj(t, 0x1234);
  const id = ids.add(o);
  assert.equal(ids.byKey(0x1234), o);
  assert.equal(ids.byKey(IPC_PRIVATE), undefined);
  ids.makePrivate(o);
  assert.equal(o.perm.key, IPC_PRIVATE);
  assert.equal(ids.byKey(0x1234), undefined);
  assert.equal(ids.get(id), o, "still found by its id");
});

test("ipcget: IPC_PRIVATE makes; a key finds (EEXIST, the kind's check, then EACCES) or makes with IPC_CREAT (else ENOENT)", () => {
  const ids = new IpcIds<IpcObject>(16), owner = task(1000, 1000), other = task(2000, 2000);
  let made = 0;
  const ops = (t: Task, key: number, mode: number, check = 0) => ({
    create: () => {
      made++;
      return ids.add(obj(t, key, mode));
    },
    moreChecks: () => check,
  });
  assert.equal(ipcGet(owner, ids, IPC_PRIVATE, 0, ops(owner, IPC_PRIVATE, 0o600)), 0);
  assert.equal(ipcGet(owner, ids, 77, 0o600, ops(owner, 77, 0o600)), -E.ENOENT);
  const id = ipcGet(owner, ids, 77, IPC_CREAT | 0o640, ops(owner, 77, 0o640));
  assert.equal(id, 1);
  assert.equal(made, 2);
  assert.equal(ipcGet(owner, ids, 77, IPC_CREAT | IPC_EXCL | 0o600, ops(owner, 77, 0o600)), -E.EEXIST);
  assert.equal(ipcGet(owner, ids, 77, 0o600, ops(owner, 77, 0o600, -E.EINVAL)), -E.EINVAL, "the kind's check before access");
  assert.equal(ipcGet(other, ids, 77, 0o004, ops(other, 77, 0)), -E.EACCES, "others have no bits");
  assert.equal(ipcGet(other, ids, 77, 0, ops(other, 77, 0)), id, "asking for nothing is allowed");
  assert.equal(made, 2);
});

test("ipcperms: the owner's, the group's or the others' bits; CAP_IPC_OWNER passes; IPC_SET/RMID need the owner or CAP_SYS_ADMIN", () => {
  const creator = task(1000, 100), member = task(2000, 300, [100]), stranger = task(3000, 300), root = task(0, 0);
  const p = newPerm(creator, 5, 0o640);
  assert.equal(ipcPermits(creator, p, 0o600), true);
  assert.equal(ipcPermits(creator, p, 0o111), false);
  assert.equal(ipcPermits(member, p, 0o444), true);
  assert.equal(ipcPermits(member, p, 0o222), false);
  assert.equal(ipcPermits(stranger, p, 0o444), false);
  assert.equal(ipcPermits(root, p, 0o777), true);
  assert.equal(ipcOwns(creator, p), true);
  assert.equal(ipcOwns(member, p), false);
  assert.equal(ipcOwns(root, p), true);
  // IPC_SET hands the object to another owner: the creator keeps its rights, the new owner gets them.
  assert.equal(updatePerm(p, 2000, 300, 0o1604), 0);
  assert.equal(p.mode, 0o604);
  assert.equal(ipcOwns(member, p), true);
  assert.equal(ipcOwns(creator, p), true);
  assert.equal(updatePerm(p, 0xffffffff, 0, 0), -E.EINVAL);
});
