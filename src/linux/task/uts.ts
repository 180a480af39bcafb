// The names uname reports (a UTS namespace: struct new_utsname): fixed system name, release,
// version and machine, and the host and domain names that root may change (sethostname,
// setdomainname). The guest's names only: the host's are never read or changed.

/** __NEW_UTS_LEN: a field's bytes without its NUL. */
export const UTS_LEN = 64;

export const SYSNAME = "Linux";
export const RELEASE = "6.1.0-k42ts";
export const VERSION = "#1 SMP k42ts";

export class Uts {
  /** Raw bytes, as sethostname stored them (at most UTS_LEN). */
  nodename: Uint8Array = new TextEncoder().encode("k42");
  domainname: Uint8Array = new TextEncoder().encode("(none)");
}
