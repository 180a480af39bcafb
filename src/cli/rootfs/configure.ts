// What installing the packages would have done beyond unpacking them: the effects of their
// maintainer scripts that a usable root needs, and the files a Debian installer writes. The
// scripts themselves do not run (at build time there is nothing to run ppc64el programs with);
// each effect is named here with the package whose script has it.
//
//   base-files   /etc/profile, /etc/motd, /root/.profile and .bashrc from /usr/share/base-files;
//                /mnt /srv /opt /media /etc/opt /var/opt, /var/mail, /run/lock (1777), the
//                /var/run -> /run and /var/lock -> /run/lock links, /usr/local/*,
//                /etc/dpkg/origins/default
//   base-passwd  /etc/passwd and /etc/group from its masters (plus, here, a user and group for
//                the host's uid and gid, as the guest runs as that uid; see users below)
//   debianutils  /etc/shells
//   libc-bin     /etc/nsswitch.conf; ldconfig (ldcache.ts)
//   python3      /etc/python3/debian_config; byte-compiling (pycompile.ts)
//   (any)        update-alternatives --install (alternatives.ts)
//   installer    /etc/hostname "k42", /etc/hosts, /tmp and /var/tmp with mode 1777, /root 0700
//   dpkg         /var/lib/dpkg/status listing the packages (so that `dpkg -l` in the root works)
// Every absolute symbolic link is then made relative (same target inside the root), so that
// host tools and qemu-user's -L, which resolve links on the host, see what the guest sees.

import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join, posix } from "node:path";
import type { PackageRecord } from "./control.js";
import { hostPathIn, relativeLink } from "./root-path.js";

export const HOSTNAME = "k42";

function installFromDefault(root: string, from: string, to: string): void {
  const src = hostPathIn(root, from), dst = hostPathIn(root, to);
  if (!existsSync(src) || existsSync(dst)) return;
  mkdirSync(dirname(dst), { recursive: true });
  copyFileSync(src, dst);
}

function dir(root: string, p: string, mode: number): void {
  const host = hostPathIn(root, p);
  if (!existsSync(host)) mkdirSync(host, { recursive: true });
  chmodSync(host, mode);
}

function link(root: string, at: string, target: string, replaceDir = false): void {
  const host = join(root, at);
  let st;
  try {
    st = lstatSync(host);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) return;
  if (st?.isDirectory()) {
    if (!replaceDir || readdirSync(host).length > 0) return;
    rmSync(host, { recursive: true });
  } else if (st !== undefined) return;
  mkdirSync(dirname(host), { recursive: true });
  symlinkSync(target, host);
}

function baseFiles(root: string): void {
  installFromDefault(root, "/usr/share/base-files/dot.profile", "/root/.profile");
  installFromDefault(root, "/usr/share/base-files/dot.bashrc", "/root/.bashrc");
  installFromDefault(root, "/usr/share/base-files/profile", "/etc/profile");
  installFromDefault(root, "/usr/share/base-files/motd", "/etc/motd");
  for (const d of ["/mnt", "/srv", "/opt", "/etc/opt", "/var/opt", "/media"]) dir(root, d, 0o755);
  dir(root, "/var/mail", 0o2775);
  link(root, "/var/spool/mail", "../mail");
  dir(root, "/run/lock", 0o1777);
  link(root, "/var/run", "/run", true);
  link(root, "/var/lock", "/run/lock", true);
  for (const d of ["", "/share", "/share/man", "/bin", "/games", "/lib", "/include", "/sbin", "/src", "/etc"]) dir(root, `/usr/local${d}`, 0o755);
  link(root, "/usr/local/man", "share/man");
  for (const f of ["/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog"]) {
    const host = hostPathIn(root, f);
    mkdirSync(dirname(host), { recursive: true });
    if (!existsSync(host)) writeFileSync(host, "");
  }
  if (existsSync(hostPathIn(root, "/etc/dpkg/origins/debian"))) link(root, "/etc/dpkg/origins/default", "debian");
}

/** A user and group for the host's uid and gid (the guest runs as them). Names come from the
 *  host; a uid or gid the root already has keeps the root's name. */
function users(root: string): void {
  installFromDefault(root, "/usr/share/base-passwd/passwd.master", "/etc/passwd");
  installFromDefault(root, "/usr/share/base-passwd/group.master", "/etc/group");
  const passwdFile = hostPathIn(root, "/etc/passwd"), groupFile = hostPathIn(root, "/etc/group");
  mkdirSync(dirname(passwdFile), { recursive: true });
  if (!existsSync(passwdFile)) writeFileSync(passwdFile, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
  if (!existsSync(groupFile)) writeFileSync(groupFile, "root:x:0:\nnogroup:x:65534:\n");
  const me = userInfo();
  if (me.uid < 0) return; // not a POSIX host
  const passwd = readFileSync(passwdFile, "utf8"), group = readFileSync(groupFile, "utf8");
  const has = (text: string, field: number, value: string): boolean => text.split("\n").some((l) => l.split(":")[field] === value);
  let groupName = hostGroupName(me.gid) ?? me.username;
  if (!has(group, 2, String(me.gid))) {
    if (has(group, 0, groupName)) groupName = `group${me.gid}`;
    writeFileSync(groupFile, group + `${groupName}:x:${me.gid}:\n`);
  }
  if (!has(passwd, 2, String(me.uid))) {
    const name = has(passwd, 0, me.username) ? `user${me.uid}` : me.username;
    const shell = existsSync(hostPathIn(root, "/bin/bash")) ? "/bin/bash" : "/bin/sh";
    writeFileSync(passwdFile, passwd + `${name}:x:${me.uid}:${me.gid}:${name}:/home/${name}:${shell}\n`);
    dir(root, `/home/${name}`, 0o755);
  }
}

function hostGroupName(gid: number): string | undefined {
  try {
    return readFileSync("/etc/group", "utf8").split("\n").map((l) => l.split(":")).find((f) => f[2] === String(gid))?.[0];
  } catch {
    return undefined;
  }
}

/** /etc/shells: debianutils' list and every shell a package declares in shells.d. */
function shells(root: string): void {
  const base = hostPathIn(root, "/usr/share/debianutils/shells");
  if (!existsSync(base)) return;
  const lines = readFileSync(base, "utf8").split("\n").filter((l) => l !== "");
  const d = hostPathIn(root, "/usr/share/debianutils/shells.d");
  if (existsSync(d)) {
    for (const f of readdirSync(d).sort()) {
      for (const l of readFileSync(join(d, f), "utf8").split("\n")) {
        const s = l.trim();
        if (s !== "" && !s.startsWith("#") && !lines.includes(s)) lines.push(s);
      }
    }
  }
  writeFileSync(hostPathIn(root, "/etc/shells"), lines.join("\n") + "\n");
}

function installerFiles(root: string): void {
  mkdirSync(hostPathIn(root, "/etc"), { recursive: true });
  writeFileSync(hostPathIn(root, "/etc/hostname"), `${HOSTNAME}\n`);
  writeFileSync(hostPathIn(root, "/etc/hosts"),
    `127.0.0.1\tlocalhost\n127.0.1.1\t${HOSTNAME}\n\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`);
  dir(root, "/tmp", 0o1777);
  dir(root, "/var/tmp", 0o1777);
  dir(root, "/root", 0o700);
  for (const d of ["/dev", "/proc", "/sys", "/run", "/home"]) dir(root, d, 0o755);
}

/** /var/lib/dpkg/status: each package's control paragraph as dpkg records an installed one. */
function dpkgStatus(root: string, installed: PackageRecord[]): void {
  const drop = /^(Status|Filename|Size|MD5sum|SHA1|SHA256|SHA512|Description-md5|Tag|Homepage-Url):/;
  const paras = [...installed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((p) => {
    const lines: string[] = [];
    let skipping = false;
    for (const l of p.paragraph.split("\n")) {
      if (l === "") continue;
      if (l[0] !== " " && l[0] !== "\t") skipping = drop.test(l);
      if (skipping) continue;
      lines.push(l);
      if (l.startsWith("Package:")) lines.push("Status: install ok installed");
    }
    return lines.join("\n");
  });
  const host = hostPathIn(root, "/var/lib/dpkg/status");
  mkdirSync(dirname(host), { recursive: true });
  // latin1 round-trips the index's bytes (see apt.ts).
  writeFileSync(host, paras.join("\n\n") + "\n", "latin1");
}

/** Make every absolute symbolic link under `root` relative (the same target inside it). */
export function relativeLinks(root: string): number {
  let n = 0;
  const walk = (guest: string): void => {
    for (const name of readdirSync(join(root, guest))) {
      const g = posix.join(guest, name);
      const host = join(root, g);
      const st = lstatSync(host);
      if (st.isDirectory()) walk(g);
      else if (st.isSymbolicLink()) {
        const t = readlinkSync(host);
        if (!t.startsWith("/")) continue;
        rmSync(host);
        symlinkSync(relativeLink(g, t), host);
        n++;
      }
    }
  };
  walk("/");
  return n;
}

/** Apply the effects above to a root holding `installed`. */
export function configureRoot(root: string, installed: PackageRecord[]): void {
  const has = (name: string): boolean => installed.some((p) => p.name === name);
  if (has("base-files")) baseFiles(root);
  users(root);
  if (has("debianutils")) shells(root);
  if (has("libc-bin")) installFromDefault(root, "/usr/share/libc-bin/nsswitch.conf", "/etc/nsswitch.conf");
  if (has("python3")) {
    const f = hostPathIn(root, "/etc/python3/debian_config");
    mkdirSync(dirname(f), { recursive: true });
    if (!existsSync(f)) writeFileSync(f, "[DEFAULT]\nbyte-compile = standard\n");
  }
  installerFiles(root);
  dpkgStatus(root, installed);
}
