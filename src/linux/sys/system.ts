// The system family: uname and ppc32's older forms, sethostname and setdomainname (the guest's
// names; root only), getrandom (the seeded generator), personality, syslog and reboot.
// Linux 6.1's checks in its order (kernel/sys.c, drivers/char/random.c, kernel/exec_domain.c,
// arch/powerpc/kernel/syscalls.c, kernel/printk/printk.c, kernel/reboot.c).

import { PAGE_SIZE } from "../../machine/memory.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { E } from "../errno.js";
import type { Handler, SysContext } from "../process/syscalls.js";
import { Cap } from "../task/credentials.js";
import { PER_LINUX, PER_LINUX32, PER_MASK } from "../task/attributes.js";
import { RELEASE, SYSNAME, UTS_LEN, VERSION } from "../task/uts.js";
import { readGuest, writeGuest } from "./guest-mem.js";
import { argInt, argPtr, mem } from "./user.js";

const enc = new TextEncoder();

/** personality's UNAME26 flag: uname reports a 2.6 release (for programs that parse "2.6.x"). */
const UNAME26 = 0x0020000;

/** The machine name: the ABI's, or the 32-bit one under PER_LINUX32 (COMPAT_UTS_MACHINE). */
function machine(ctx: SysContext): string {
  const per32 = (ctx.task.attrs.personality & PER_MASK) === PER_LINUX32;
  if (!ctx.image.is64) return "ppc";
  if (ctx.image.le) return per32 ? "ppcle" : "ppc64le";
  return per32 ? "ppc" : "ppc64";
}

/** The release, or its 2.6 disguise under UNAME26 ("6.1.0-k42ts" → "2.6.61-k42ts"). */
function release(ctx: SysContext): string {
  if ((ctx.task.attrs.personality & UNAME26) === 0) return RELEASE;
  const m = /^(\d+)\.(\d+)(?:\.\d+)?(.*)$/.exec(RELEASE);
  return m === null ? RELEASE : `2.6.${Number(m[2]) + 60}${m[3]}`;
}

/** The six fields of struct new_utsname, each padded to 65 bytes; `fields` and `len` cut it to the older forms. */
function utsname(ctx: SysContext, fields: number, len: number): Uint8Array {
  const u = ctx.task.uts;
  const values = [enc.encode(SYSNAME), u.nodename, enc.encode(release(ctx)), enc.encode(VERSION), enc.encode(machine(ctx)), u.domainname];
  const b = new Uint8Array(fields * (len + 1));
  for (let i = 0; i < fields; i++) b.set(values[i].subarray(0, len), i * (len + 1));
  return b;
}

const uname: Handler = (ctx) => {
  writeGuest(mem(ctx), argPtr(ctx, 0), utsname(ctx, 6, UTS_LEN));
  return 0;
};

/** ppc32's olduname (struct old_utsname: no domain name) and oldolduname (9-byte fields). */
const oldUname = (len: number): Handler => (ctx) => {
  const p = argPtr(ctx, 0);
  if (p === 0) return -E.EFAULT;
  writeGuest(mem(ctx), p, utsname(ctx, 5, len));
  return 0;
};

/** sethostname/setdomainname(name, len): CAP_SYS_ADMIN, then 0..64 bytes. */
const setName = (field: "nodename" | "domainname"): Handler => (ctx) => {
  const p = argPtr(ctx, 0), len = argInt(ctx, 1);
  if (!ctx.task.creds.capable(Cap.SYS_ADMIN)) return -E.EPERM;
  if (len < 0 || len > UTS_LEN) return -E.EINVAL;
  ctx.task.uts[field] = readGuest(mem(ctx), p, len).slice();
  return 0;
};

// ---- getrandom ----

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
const MAX_RW_COUNT = 0x7ffff000;

/**
 * getrandom(buf, len, flags): bytes of the seeded generator (the pool is always ready, so no
 * flag ever blocks). A buffer that becomes unwritable part-way gets the bytes before the fault.
 */
const getrandom: Handler = (ctx) => {
  const buf = argPtr(ctx, 0), flags = ctx.cpu.r[10] >>> 0;
  let len = argPtr(ctx, 1);
  if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) !== 0) return -E.EINVAL;
  if ((flags & (GRND_INSECURE | GRND_RANDOM)) === (GRND_INSECURE | GRND_RANDOM)) return -E.EINVAL;
  len = Math.min(len, MAX_RW_COUNT);
  let done = 0;
  while (done < len) {
    const n = Math.min(len - done, PAGE_SIZE - ((buf + done) % PAGE_SIZE));
    try {
      writeGuest(mem(ctx), buf + done, ctx.time.fill(new Uint8Array(n)));
    } catch (e) {
      if (e instanceof GuestFault && done > 0) return done;
      throw e;
    }
    done += n;
  }
  return done;
};

// ---- personality, syslog, reboot ----

/**
 * personality(persona): 0xffffffff only asks. On ppc64 (ppc64_personality) a PER_LINUX32 task
 * that asks for PER_LINUX keeps PER_LINUX32, and PER_LINUX32 is reported as PER_LINUX.
 */
const personality: Handler = (ctx) => {
  const a = ctx.task.attrs;
  let want = ctx.cpu.r[6] >>> 0;
  const is64 = ctx.image.is64;
  if (is64 && (a.personality & PER_MASK) === PER_LINUX32 && (want & PER_MASK) === PER_LINUX) want = (want & ~PER_MASK) | PER_LINUX32;
  const old = a.personality >>> 0;
  if (want !== 0xffffffff) a.personality = want >>> 0;
  return is64 && (old & PER_MASK) === PER_LINUX32 ? ((old & ~PER_MASK) | PER_LINUX) >>> 0 : old;
};

const SYSLOG_ACTION_CLOSE = 0, SYSLOG_ACTION_OPEN = 1, SYSLOG_ACTION_SIZE_BUFFER = 10;

/**
 * syslog(type, buf, len): dmesg_restrict is on (as Debian builds it), so every action needs
 * CAP_SYSLOG (or CAP_SYS_ADMIN); for root, opening and closing succeed and reading the kernel's
 * log is not built (ENOSYS, logged).
 */
const syslog: Handler = (ctx) => {
  const type = argInt(ctx, 0), c = ctx.task.creds;
  if (!c.capable(Cap.SYSLOG) && !c.capable(Cap.SYS_ADMIN)) return -E.EPERM;
  if (type === SYSLOG_ACTION_CLOSE || type === SYSLOG_ACTION_OPEN) return 0;
  if (type < 0 || type > SYSLOG_ACTION_SIZE_BUFFER) return -E.EINVAL;
  ctx.log(`syslog(${type}): the kernel's message log is not kept; returning ENOSYS`);
  return -E.ENOSYS;
};

const REBOOT_MAGIC1 = 0xfee1dead, REBOOT_MAGIC2 = [672274793, 85072278, 369367448, 537993216];

/** reboot: CAP_SYS_BOOT, then the magic numbers; the guest never reboots or halts its machine (EPERM, logged). */
const reboot: Handler = (ctx) => {
  if (!ctx.task.creds.capable(Cap.SYS_BOOT)) return -E.EPERM;
  if ((ctx.cpu.r[6] >>> 0) !== REBOOT_MAGIC1 || !REBOOT_MAGIC2.includes(ctx.cpu.r[8] >>> 0)) return -E.EINVAL;
  ctx.log(`reboot(cmd 0x${(ctx.cpu.r[10] >>> 0).toString(16)}): the guest does not reboot or halt the machine; returning EPERM`);
  return -E.EPERM;
};

/** The family (olduname and oldolduname are ppc32's: ppc64's slots are sys_ni_syscall, which the table keeps). */
export const SYSTEM_CALLS: Record<string, Handler> = {
  uname,
  olduname: oldUname(UTS_LEN),
  oldolduname: oldUname(8),
  sethostname: setName("nodename"),
  setdomainname: setName("domainname"),
  getrandom,
  personality,
  syslog,
  reboot,
};

export const SYSTEM_PARTIAL: Readonly<Record<string, string>> = {
  personality: "recorded; PER_LINUX32 and UNAME26 change uname, the other flags (ADDR_NO_RANDOMIZE, ...) would act at exec (next issue)",
  syslog: "root: opening and closing only; the kernel's log is not kept (ENOSYS); others: EPERM (dmesg_restrict)",
  reboot: "root: EPERM after Linux's checks (the guest does not reboot or halt its machine)",
};
