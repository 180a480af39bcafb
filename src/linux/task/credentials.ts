// A task's credentials as Linux keeps them (include/linux/cred.h): real, effective, saved and
// file-system user and group ids, the supplementary groups, the capability sets and the
// securebits. The set*id rules are Linux 6.1's (kernel/sys.c __sys_setuid … __sys_setfsgid,
// kernel/groups.c) with the capability fix-ups of security/commoncap.c (cap_task_fix_setuid):
// leaving uid 0 drops capabilities, coming back to euid 0 restores the effective set from the
// permitted one. "Privileged" is the capability in the effective set (CAP_SETUID for user ids,
// CAP_SETGID for group ids), as ns_capable_setid asks in the initial user namespace.
//
// Ids are unsigned 32-bit numbers; (uid_t)-1 (0xffffffff) is "unchanged" where Linux takes it
// so and invalid elsewhere (EINVAL). Methods return 0 or a negative errno and change nothing
// when they fail. Owned by the one task; changed only by its system calls.

import { E } from "../errno.js";

/** Capability numbers (linux/capability.h) that the personality checks. */
export const enum Cap {
  CHOWN = 0,
  DAC_OVERRIDE = 1,
  DAC_READ_SEARCH = 2,
  FOWNER = 3,
  FSETID = 4,
  KILL = 5,
  SETGID = 6,
  SETUID = 7,
  SETPCAP = 8,
  LINUX_IMMUTABLE = 9,
  IPC_LOCK = 14,
  IPC_OWNER = 15,
  SYS_CHROOT = 18,
  SYS_ADMIN = 21,
  SYS_BOOT = 22,
  SYS_NICE = 23,
  SYS_RESOURCE = 24,
  SYS_TIME = 25,
  MKNOD = 27,
  MAC_OVERRIDE = 32,
  SYSLOG = 34,
  WAKE_ALARM = 35,
}

/** CAP_LAST_CAP of Linux 6.1 (CAP_CHECKPOINT_RESTORE). */
export const CAP_LAST_CAP = 40;
/** Every capability: bits 0..CAP_LAST_CAP. */
export const CAP_FULL = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;
/** The file-system capabilities that follow fsuid 0 (CAP_FS_SET of linux/capability.h). */
const CAP_FS_SET = [Cap.CHOWN, Cap.MKNOD, Cap.DAC_OVERRIDE, Cap.DAC_READ_SEARCH, Cap.FOWNER, Cap.FSETID, Cap.MAC_OVERRIDE]
  .reduce((m, c) => m | (1n << BigInt(c)), 0n);

/** Securebits (linux/securebits.h). */
export const SECURE_NOROOT = 0, SECURE_NO_SETUID_FIXUP = 2, SECURE_KEEP_CAPS = 4, SECURE_NO_CAP_AMBIENT_RAISE = 6;
/** Every settable bit and its lock bit. */
export const SECURE_ALL_BITS = 0x55, SECURE_ALL_LOCKS = 0xaa;

/** uid_t / gid_t -1: "leave unchanged" (and never a valid id). */
export const NO_ID = 0xffffffff;

/** Linux's NGROUPS_MAX. */
export const NGROUPS_MAX = 65536;

/** What the file servers check permissions against (fsuid, fsgid, supplementary groups). */
export interface FileCred {
  readonly uid: number;
  readonly gid: number;
  readonly groups: readonly number[];
}

/** One set of ids: real, effective, saved, file system. */
interface Ids {
  r: number;
  e: number;
  s: number;
  fs: number;
}

export class Credentials {
  private readonly u: Ids;
  private readonly g: Ids;
  /** Sorted ascending, as Linux keeps them (kernel/groups.c groups_sort). */
  private groupList: number[];
  /** Capability sets, a bit per capability. */
  permitted: bigint;
  effective: bigint;
  inheritable = 0n;
  bounding = CAP_FULL;
  ambient = 0n;
  securebits = 0;

  /** A fresh login of `uid`/`gid`: root starts with every capability, others with none. */
  constructor(uid: number, gid: number, groups: readonly number[] = []) {
    const id = (v: number, what: string): number => {
      if (!Number.isInteger(v) || v < 0 || v >= NO_ID) throw new RangeError(`${what} ${v} is not a valid id (0..${NO_ID - 1})`);
      return v;
    };
    this.u = { r: id(uid, "uid"), e: uid, s: uid, fs: uid };
    this.g = { r: id(gid, "gid"), e: gid, s: gid, fs: gid };
    this.groupList = [...new Set(groups.map((x) => id(x, "group")))].sort((a, b) => a - b);
    this.permitted = uid === 0 ? CAP_FULL : 0n;
    this.effective = this.permitted;
  }

  get uid(): number { return this.u.r; }
  get euid(): number { return this.u.e; }
  get suid(): number { return this.u.s; }
  get fsuid(): number { return this.u.fs; }
  get gid(): number { return this.g.r; }
  get egid(): number { return this.g.e; }
  get sgid(): number { return this.g.s; }
  get fsgid(): number { return this.g.fs; }
  get groups(): readonly number[] { return this.groupList; }

  /** Real, effective, saved and file-system ids, as /proc/PID/status lists them. */
  uids(): [number, number, number, number] {
    return [this.u.r, this.u.e, this.u.s, this.u.fs];
  }

  gids(): [number, number, number, number] {
    return [this.g.r, this.g.e, this.g.s, this.g.fs];
  }

  /** The capability is in the effective set (capable()). */
  capable(c: Cap): boolean {
    return (this.effective & (1n << BigInt(c))) !== 0n;
  }

  /** The ids file permission checks use. */
  fileCred(): FileCred {
    return { uid: this.u.fs, gid: this.g.fs, groups: this.groupList };
  }

  // ---- user ids ----

  setuid(uid: number): number {
    if (uid === NO_ID) return -E.EINVAL;
    const old = this.snapshot();
    if (this.capable(Cap.SETUID)) {
      this.u.r = this.u.s = uid;
    } else if (uid !== this.u.r && uid !== this.u.s) {
      return -E.EPERM;
    }
    this.u.e = this.u.fs = uid;
    this.fixSetuid(old);
    return 0;
  }

  setreuid(ruid: number, euid: number): number {
    const old = this.snapshot();
    const priv = this.capable(Cap.SETUID);
    if (ruid !== NO_ID && ruid !== old.r && ruid !== old.e && !priv) return -E.EPERM;
    if (euid !== NO_ID && euid !== old.r && euid !== old.e && euid !== old.s && !priv) return -E.EPERM;
    if (ruid !== NO_ID) this.u.r = ruid;
    if (euid !== NO_ID) this.u.e = euid;
    // The saved id follows the effective one when the real id is set, or when the effective
    // id becomes something other than the old real id.
    if (ruid !== NO_ID || (euid !== NO_ID && euid !== old.r)) this.u.s = this.u.e;
    this.u.fs = this.u.e;
    this.fixSetuid(old);
    return 0;
  }

  setresuid(ruid: number, euid: number, suid: number): number {
    const old = this.snapshot();
    if (changesNothing(old, ruid, euid, suid)) return 0;
    if (needsPrivilege(old, ruid, euid, suid) && !this.capable(Cap.SETUID)) return -E.EPERM;
    if (ruid !== NO_ID) this.u.r = ruid;
    if (euid !== NO_ID) this.u.e = euid;
    if (suid !== NO_ID) this.u.s = suid;
    this.u.fs = this.u.e;
    this.fixSetuid(old);
    return 0;
  }

  /** setfsuid: always answers the old fsuid; changes it only when allowed. */
  setfsuid(uid: number): number {
    const old = this.snapshot();
    if (uid === NO_ID) return old.fs;
    const u = this.u;
    if (uid === u.r || uid === u.e || uid === u.s || uid === u.fs || this.capable(Cap.SETUID)) {
      if (uid !== u.fs) {
        u.fs = uid;
        this.fixSetfsuid(old.fs);
      }
    }
    return old.fs;
  }

  // ---- group ids (no capability fix-ups: commoncap leaves them alone) ----

  setgid(gid: number): number {
    if (gid === NO_ID) return -E.EINVAL;
    const g = this.g;
    if (this.capable(Cap.SETGID)) g.r = g.e = g.s = g.fs = gid;
    else if (gid === g.r || gid === g.s) g.e = g.fs = gid;
    else return -E.EPERM;
    return 0;
  }

  setregid(rgid: number, egid: number): number {
    const g = this.g, old = { ...g };
    const priv = this.capable(Cap.SETGID);
    if (rgid !== NO_ID && rgid !== old.r && rgid !== old.e && !priv) return -E.EPERM;
    if (egid !== NO_ID && egid !== old.r && egid !== old.e && egid !== old.s && !priv) return -E.EPERM;
    if (rgid !== NO_ID) g.r = rgid;
    if (egid !== NO_ID) g.e = egid;
    if (rgid !== NO_ID || (egid !== NO_ID && egid !== old.r)) g.s = g.e;
    g.fs = g.e;
    return 0;
  }

  setresgid(rgid: number, egid: number, sgid: number): number {
    const g = this.g, old = { ...g };
    if (changesNothing(old, rgid, egid, sgid)) return 0;
    if (needsPrivilege(old, rgid, egid, sgid) && !this.capable(Cap.SETGID)) return -E.EPERM;
    if (rgid !== NO_ID) g.r = rgid;
    if (egid !== NO_ID) g.e = egid;
    if (sgid !== NO_ID) g.s = sgid;
    g.fs = g.e;
    return 0;
  }

  setfsgid(gid: number): number {
    const g = this.g, old = g.fs;
    if (gid === NO_ID) return old;
    if (gid === g.r || gid === g.e || gid === g.s || gid === g.fs || this.capable(Cap.SETGID)) g.fs = gid;
    return old;
  }

  /** setgroups after the caller read the list: EPERM without CAP_SETGID, EINVAL for -1 or too many. */
  setgroups(list: readonly number[]): number {
    if (!this.capable(Cap.SETGID)) return -E.EPERM;
    if (list.length > NGROUPS_MAX || list.some((x) => x === NO_ID)) return -E.EINVAL;
    // Linux sorts the list and keeps duplicates.
    this.groupList = [...list].sort((a, b) => a - b);
    return 0;
  }

  // ---- capabilities (security/commoncap.c) ----

  private snapshot(): Ids {
    return { ...this.u };
  }

  private issecure(bit: number): boolean {
    return (this.securebits & (1 << bit)) !== 0;
  }

  /** cap_emulate_setxuid: capabilities follow the [res]uid change from `old`. */
  private fixSetuid(old: Ids): void {
    if (this.issecure(SECURE_NO_SETUID_FIXUP)) return;
    const u = this.u;
    if ((old.r === 0 || old.e === 0 || old.s === 0) && u.r !== 0 && u.e !== 0 && u.s !== 0) {
      if (!this.issecure(SECURE_KEEP_CAPS)) this.permitted = this.effective = 0n;
      this.ambient = 0n;
    }
    if (old.e === 0 && u.e !== 0) this.effective = 0n;
    if (old.e !== 0 && u.e === 0) this.effective = this.permitted;
  }

  /** The LSM_SETID_FS fix-up: the file-system capabilities follow fsuid 0. */
  private fixSetfsuid(oldFs: number): void {
    if (this.issecure(SECURE_NO_SETUID_FIXUP)) return;
    if (oldFs === 0 && this.u.fs !== 0) this.effective &= ~CAP_FS_SET;
    if (oldFs !== 0 && this.u.fs === 0) this.effective |= this.permitted & CAP_FS_SET;
  }

  /**
   * capset after the caller read the three sets (commoncap's cap_capset): without CAP_SETPCAP
   * the inheritable set stays within the old inheritable and permitted sets; it never gains
   * what the bounding set lacks; permitted may only shrink; effective stays within permitted.
   */
  capset(effective: bigint, permitted: bigint, inheritable: bigint): number {
    const within = (a: bigint, b: bigint): boolean => (a & ~b) === 0n;
    if (!this.capable(Cap.SETPCAP) && !within(inheritable, this.inheritable | this.permitted)) return -E.EPERM;
    if (!within(inheritable, this.inheritable | this.bounding)) return -E.EPERM;
    if (!within(permitted, this.permitted)) return -E.EPERM;
    if (!within(effective, permitted)) return -E.EPERM;
    this.effective = effective;
    this.permitted = permitted;
    this.inheritable = inheritable;
    // The ambient set never holds what is no longer both permitted and inheritable.
    this.ambient &= permitted & inheritable;
    return 0;
  }

  /** prctl(PR_SET_SECUREBITS): locked bits never change, locks never go, unknown bits are refused, and all of it needs CAP_SETPCAP. */
  setSecurebits(bits: number): number {
    const cur = this.securebits;
    const lockedChange = (((cur & SECURE_ALL_LOCKS) >>> 1) & (cur ^ bits)) !== 0;
    const unlocks = (cur & ~bits & SECURE_ALL_LOCKS) !== 0;
    const unknown = (bits & ~(SECURE_ALL_BITS | SECURE_ALL_LOCKS)) !== 0;
    if (lockedChange || unlocks || unknown) return -E.EPERM;
    if (!this.capable(Cap.SETPCAP)) return -E.EPERM;
    this.securebits = bits;
    return 0;
  }

  /** prctl(PR_SET_KEEPCAPS). */
  setKeepCaps(on: number): number {
    if (on > 1) return -E.EINVAL;
    if (this.issecure(SECURE_KEEP_CAPS + 1)) return -E.EPERM; // SECURE_KEEP_CAPS_LOCKED
    this.securebits = on === 1 ? this.securebits | (1 << SECURE_KEEP_CAPS) : this.securebits & ~(1 << SECURE_KEEP_CAPS);
    return 0;
  }

  get keepCaps(): boolean {
    return this.issecure(SECURE_KEEP_CAPS);
  }

  /** prctl(PR_CAPBSET_DROP): CAP_SETPCAP first, then a valid capability. */
  dropBounding(c: number): number {
    if (!this.capable(Cap.SETPCAP)) return -E.EPERM;
    if (!Number.isInteger(c) || c < 0 || c > CAP_LAST_CAP) return -E.EINVAL;
    this.bounding &= ~(1n << BigInt(c));
    return 0;
  }
}

/** setres[ug]id's no-op check: every argument is -1 or the current value. */
function changesNothing(old: Ids, r: number, e: number, s: number): boolean {
  return (r === NO_ID || r === old.r) && (e === NO_ID || e === old.e) && (s === NO_ID || s === old.s);
}

/** An unprivileged caller may only set ids to one of its current real, effective or saved ids. */
function needsPrivilege(old: Ids, r: number, e: number, s: number): boolean {
  const fresh = (v: number): boolean => v !== NO_ID && v !== old.r && v !== old.e && v !== old.s;
  return fresh(r) || fresh(e) || fresh(s);
}
