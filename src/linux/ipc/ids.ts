// The identifier sets of System V IPC (ipc/util.c): one per kind of object (segments,
// semaphore sets, message queues) in an IPC namespace. An object has an index (its slot) and
// a sequence number; its id is index + sequence × 32768. Slots are handed out cyclically
// (idr_alloc_cyclic over a window of max(1.5 × in use, 64) slots): a removed object's id is
// not given out again at once. Lookups by id check the sequence number (a stale id is EINVAL);
// *_STAT commands look up by index. Keys other than IPC_PRIVATE name at most one live object.
//
// Also the checks every call makes: ipcperms (the mode bits against the caller's effective
// ids and groups; CAP_IPC_OWNER passes) and the owner check of IPC_SET/IPC_RMID (the creator
// or owner, or CAP_SYS_ADMIN).

import { Cap } from "../task/credentials.js";
import type { Task } from "../task/task.js";
import { E } from "../errno.js";
import { IPC_CREAT, IPC_EXCL, IPC_PRIVATE, MIN_CYCLE, S_IRWXUGO, SEQ_MAX, SEQ_MULTIPLIER } from "./limits.js";

/** The ids and mode of an object (kern_ipc_perm). */
export interface IpcPerm {
  key: number;
  uid: number;
  gid: number;
  readonly cuid: number;
  readonly cgid: number;
  /** Permission bits, and SHM_DEST/SHM_LOCKED for segments. */
  mode: number;
  seq: number;
  id: number;
  /** Removed (IPC_RMID): a wait on it ends with EIDRM. */
  deleted: boolean;
}

/** What every IPC object has. */
export interface IpcObject {
  readonly perm: IpcPerm;
}

/** A new object's perm: the caller's effective ids, the low nine bits of its flags. */
export function newPerm(task: Task, key: number, flags: number): IpcPerm {
  const c = task.creds;
  return { key, uid: c.euid, gid: c.egid, cuid: c.euid, cgid: c.egid, mode: flags & S_IRWXUGO, seq: 0, id: -1, deleted: false };
}

export class IpcIds<T extends IpcObject> {
  private readonly slots = new Map<number, T>();
  private readonly keys = new Map<number, T>();
  inUse = 0;
  private seq = 0;
  private lastIdx = -1;
  private maxIdx = -1;
  /** idr_alloc_cyclic's cursor. */
  private next = 0;

  constructor(readonly mni: number) {}

  /** No more objects of this kind (ipc_addid's ENOSPC). */
  full(): boolean {
    return this.inUse >= this.mni;
  }

  /**
   * Add `obj` (its perm's key, ids and mode set): its id, or -ENOSPC when the set is full (a
   * free slot below the window always exists otherwise: the window is wider than the count).
   */
  add(obj: T): number {
    if (this.full()) return -E.ENOSPC;
    const window = Math.min(Math.max(Math.floor((this.inUse * 3) / 2), MIN_CYCLE), this.mni);
    const idx = this.cyclic(window);
    if (idx < 0) return -E.ENOSPC;
    // The sequence number moves on when the cursor wrapped (a slot at or below the last one).
    if (idx <= this.lastIdx) {
      this.seq++;
      if (this.seq >= SEQ_MAX) this.seq = 0;
    }
    this.lastIdx = idx;
    const p = obj.perm;
    p.seq = this.seq;
    p.id = this.seq * SEQ_MULTIPLIER + idx;
    this.slots.set(idx, obj);
    if (p.key !== IPC_PRIVATE) this.keys.set(p.key, obj);
    this.inUse++;
    if (idx > this.maxIdx) this.maxIdx = idx;
    return p.id;
  }

  /** The lowest free slot at or after the cursor below `end`, else from 0; -1 if none. */
  private cyclic(end: number): number {
    const from = (start: number): number => {
      for (let i = start; i < end; i++) if (!this.slots.has(i)) return i;
      return -1;
    };
    let idx = from(this.next);
    if (idx < 0 && this.next > 0) idx = from(0);
    if (idx >= 0) this.next = idx + 1;
    return idx;
  }

  /** Take `obj` out (IPC_RMID, or its last user gone): it is marked deleted. */
  remove(obj: T): void {
    const p = obj.perm;
    const idx = p.id % SEQ_MULTIPLIER;
    if (this.slots.get(idx) !== obj) return;
    this.slots.delete(idx);
    if (p.key !== IPC_PRIVATE && this.keys.get(p.key) === obj) this.keys.delete(p.key);
    p.deleted = true;
    this.inUse--;
    if (idx === this.maxIdx) {
      let i = idx - 1;
      while (i >= 0 && !this.slots.has(i)) i--;
      this.maxIdx = i;
    }
  }

  /** The object stops being found by its key (a segment marked for removal keeps its id). */
  makePrivate(obj: T): void {
    const p = obj.perm;
    if (p.key !== IPC_PRIVATE && this.keys.get(p.key) === obj) this.keys.delete(p.key);
    p.key = IPC_PRIVATE;
  }

  /** The object of id `id` (index and sequence must match), or undefined (EINVAL). */
  get(id: number): T | undefined {
    if (id < 0) return undefined;
    const o = this.slots.get(id % SEQ_MULTIPLIER);
    return o !== undefined && Math.floor(id / SEQ_MULTIPLIER) === o.perm.seq ? o : undefined;
  }

  /** The object in slot `idx` (the *_STAT commands), or undefined. */
  atIndex(idx: number): T | undefined {
    return idx < 0 ? undefined : this.slots.get(idx);
  }

  byKey(key: number): T | undefined {
    return key === IPC_PRIVATE ? undefined : this.keys.get(key);
  }

  /** The highest slot in use (IPC_INFO's result), -1 when empty. */
  highest(): number {
    if (this.inUse === 0) return -1;
    if (this.inUse === this.mni) return this.mni - 1;
    return this.maxIdx;
  }

  all(): IterableIterator<T> {
    return this.slots.values();
  }
}

/** Is the caller in group `gid` (its effective group or a supplementary one: in_group_p)? */
function inGroup(task: Task, gid: number): boolean {
  const c = task.creds;
  return c.egid === gid || c.groups.includes(gid);
}

/**
 * ipcperms: may the caller access `p` as `flag` asks (S_IRUGO, S_IWUGO, S_IXUGO, or a mix)?
 * The owner's bits for the creator or owner, the group's for a member, else the others'.
 */
export function ipcPermits(task: Task, p: IpcPerm, flag: number): boolean {
  const requested = (flag >> 6) | (flag >> 3) | flag;
  const euid = task.creds.euid;
  let granted = p.mode;
  if (euid === p.cuid || euid === p.uid) granted >>= 6;
  else if (inGroup(task, p.cgid) || inGroup(task, p.gid)) granted >>= 3;
  return (requested & ~granted & 0o7) === 0 || task.creds.capable(Cap.IPC_OWNER);
}

/** IPC_SET and IPC_RMID: the creator, the owner, or CAP_SYS_ADMIN. */
export function ipcOwns(task: Task, p: IpcPerm): boolean {
  const euid = task.creds.euid;
  return euid === p.cuid || euid === p.uid || task.creds.capable(Cap.SYS_ADMIN);
}

/**
 * IPC_SET's update of an object's perm (ipc_update_perm): owner and group, and the low nine bits
 * of the mode; EINVAL for the invalid id (uid_t)-1.
 */
export function updatePerm(p: IpcPerm, uid: number, gid: number, mode: number): number {
  if (uid === 0xffffffff || gid === 0xffffffff) return -E.EINVAL;
  p.uid = uid;
  p.gid = gid;
  p.mode = (p.mode & ~S_IRWXUGO) | (mode & S_IRWXUGO);
  return 0;
}

/** How ipcget makes or finds an object of a kind. */
export interface IpcGetOps<T extends IpcObject> {
  /** Make the object (its perm from newPerm) and add it: its id or -errno. */
  create(): number;
  /** A kind's own check of an existing object (shm: the size; sem: the number of semaphores). */
  moreChecks?(obj: T): number;
}

/**
 * ipcget: IPC_PRIVATE always makes a new object; a key finds its object (EEXIST with
 * IPC_CREAT|IPC_EXCL, then the kind's own check, then the caller's access by `flags`'s mode
 * bits: EACCES) or, with IPC_CREAT, makes one (else ENOENT).
 */
export function ipcGet<T extends IpcObject>(task: Task, ids: IpcIds<T>, key: number, flags: number, ops: IpcGetOps<T>): number {
  if (key === IPC_PRIVATE) return ops.create();
  const found = ids.byKey(key);
  if (found === undefined) return (flags & IPC_CREAT) === 0 ? -E.ENOENT : ops.create();
  if ((flags & IPC_CREAT) !== 0 && (flags & IPC_EXCL) !== 0) return -E.EEXIST;
  const more = ops.moreChecks?.(found) ?? 0;
  if (more !== 0) return more;
  if (!ipcPermits(task, found.perm, flags)) return -E.EACCES;
  return found.perm.id;
}
