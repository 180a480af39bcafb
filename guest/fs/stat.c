/* Attributes: stat/lstat/fstat/fstatat (AT_EMPTY_PATH), statx (mask and flags), statfs/fstatfs,
 * access/faccessat/faccessat2 (AT_EACCESS), chmod/fchmod/fchmodat, chown/lchown/fchown/fchownat,
 * utimensat (UTIME_NOW, UTIME_OMIT, the descriptor form), utimes, utime, and the xattr family.
 * Values that belong to the host's file system (device and inode numbers, times of the test
 * tree, block counts of new files) are printed as comparisons, not as numbers. */
#include "common.h"
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <utime.h>

static struct stat st;

static void show_stat(const char *what, const char *path, int follow) {
  int r = follow ? stat(path, &st) : lstat(path, &st);
  if (r < 0) {
    printf("%s %s: %s\n", what, path, ename(errno));
    return;
  }
  printf("%s %s: mode %o nlink %lu uid %u gid %u size %ld\n", what, path, (unsigned)st.st_mode, (unsigned long)st.st_nlink,
         (unsigned)st.st_uid, (unsigned)st.st_gid, (long)st.st_size);
}

int main(void) {
  struct stat a, b;
  show_stat("stat", "data/hello.txt", 1);
  printf("blocks of a host file: %ld, blksize %ld\n", (long)st.st_blocks, (long)st.st_blksize);
  show_stat("lstat", "data/link", 0);
  show_stat("stat", "data", 1);
  show_stat("stat", "empty", 1);
  stat("data/hello.txt", &a);
  stat("data/link", &b);
  printf("link and target: same ino %s, same dev %s\n", a.st_ino == b.st_ino ? "yes" : "no", a.st_dev == b.st_dev ? "yes" : "no");
  stat(".", &b);
  printf("file and . on one device: %s\n", a.st_dev == b.st_dev ? "yes" : "no");
  int fd = open("data/hello.txt", O_RDONLY);
  show("fstat", fstat(fd, &b));
  printf("fstat same ino as stat: %s\n", a.st_ino == b.st_ino ? "yes" : "no");
  int dfd = open("data", O_RDONLY | O_DIRECTORY);
  show("fstatat", fstatat(dfd, "hello.txt", &b, 0));
  show("fstatat AT_EMPTY_PATH", fstatat(fd, "", &b, AT_EMPTY_PATH));
  printf("same ino: %s\n", a.st_ino == b.st_ino ? "yes" : "no");
  show("fstatat \"\" without AT_EMPTY_PATH", fstatat(fd, "", &b, 0));
  show("fstatat relative to a file fd", fstatat(fd, "x", &b, 0));
  show("fstatat bad dirfd", fstatat(55, "x", &b, 0));
  show("fstatat bad dirfd, absolute path", fstatat(55, "/", &b, 0) == 0 ? 0 : -1);
  show("fstat bad fd", fstat(55, &b));

  /* statx */
  struct statx sx;
  memset(&sx, 0xff, sizeof sx);
  show("statx", statx(AT_FDCWD, "data/hello.txt", 0, STATX_BASIC_STATS, &sx));
  printf("statx basic mask %x mode %o nlink %u size %llu same ino %s attributes %llx\n", sx.stx_mask & STATX_BASIC_STATS,
         sx.stx_mode, sx.stx_nlink, (unsigned long long)sx.stx_size, sx.stx_ino == a.st_ino ? "yes" : "no",
         (unsigned long long)sx.stx_attributes);
  printf("statx dev matches stat: %s\n", makedev(sx.stx_dev_major, sx.stx_dev_minor) == a.st_dev ? "yes" : "no");
  show("statx nofollow", statx(AT_FDCWD, "data/link", AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx));
  printf("statx link type %o size %llu\n", sx.stx_mode & S_IFMT, (unsigned long long)sx.stx_size);
  show("statx empty path", statx(fd, "", AT_EMPTY_PATH, STATX_SIZE, &sx));
  printf("size %llu\n", (unsigned long long)sx.stx_size);
  show("statx force+dont sync", statx(AT_FDCWD, "data", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0, &sx));
  show("statx force sync", statx(AT_FDCWD, "data", AT_STATX_FORCE_SYNC, STATX_ALL, &sx));
  show("statx reserved mask", statx(AT_FDCWD, "data", 0, 0x80000000u, &sx));
  show("statx bad flag", statx(AT_FDCWD, "data", 0x10, 0, &sx));

  /* statfs */
  struct statfs sf;
  show("statfs", statfs("data", &sf));
  printf("statfs bsize %ld namelen %ld has blocks %s has free %s\n", (long)sf.f_bsize, (long)sf.f_namelen,
         sf.f_blocks > 0 ? "yes" : "no", sf.f_bfree <= sf.f_blocks ? "yes" : "no");
  struct statfs sf2;
  show("fstatfs", fstatfs(fd, &sf2));
  printf("fstatfs agrees: %s\n", sf2.f_bsize == sf.f_bsize && sf2.f_type == sf.f_type ? "yes" : "no");
  show("statfs missing", statfs("missing", &sf));

  /* access */
  close(open("f", O_CREAT | O_WRONLY, 0644));
  show("access F_OK", access("f", F_OK));
  show("access R_OK|W_OK", access("f", R_OK | W_OK));
  show("access X_OK (no x bit)", access("f", X_OK));
  show("access X_OK dir", access("data", X_OK));
  show("access bad mode", access("f", 8));
  show("access missing", access("nope", F_OK));
  show("faccessat", faccessat(dfd, "hello.txt", R_OK, 0));
  show("faccessat2 AT_EACCESS", syscall(SYS_faccessat2, AT_FDCWD, "f", W_OK, AT_EACCESS));
  show("faccessat2 nofollow", syscall(SYS_faccessat2, dfd, "link", R_OK, AT_SYMLINK_NOFOLLOW));
  show("faccessat2 bad flag", syscall(SYS_faccessat2, AT_FDCWD, "f", R_OK, 0x1));
  show("faccessat2 empty path", syscall(SYS_faccessat2, fd, "", R_OK, AT_EMPTY_PATH));

  /* chmod */
  show("chmod 0600", chmod("f", 0600));
  show_stat("stat", "f", 1);
  show("chmod 07777", chmod("f", 07777));
  show_stat("stat", "f", 1);
  int wfd = open("f", O_RDWR);
  show("fchmod 0640", fchmod(wfd, 0640));
  show_stat("stat", "f", 1);
  show("fchmodat", fchmodat(AT_FDCWD, "f", 0444, 0));
  show_stat("stat", "f", 1);
  show("chmod through a link", chmod("data/link", 0600));
  show_stat("stat", "data/hello.txt", 1);
  show_stat("lstat", "data/link", 0);
  int p = open("f", O_PATH);
  show("fchmod O_PATH", fchmod(p, 0644));
  show("chmod missing", chmod("nope", 0644));

  /* chown (as the host user: root may give files away, others get EPERM) */
  show("chown", chown("f", 1234, 5678));
  show_stat("stat", "f", 1);
  show("chown -1 -1", chown("f", -1, -1));
  show("fchown gid only", fchown(wfd, -1, 42));
  show_stat("stat", "f", 1);
  show("lchown a link", lchown("data/link", 77, 88));
  show_stat("lstat", "data/link", 0);
  show_stat("stat", "data/hello.txt", 1);
  show("fchownat nofollow", fchownat(dfd, "link", 99, 99, AT_SYMLINK_NOFOLLOW));
  show("fchownat bad flag", fchownat(dfd, "link", 99, 99, 0x2));
  show("fchown O_PATH", fchown(p, 1, 1));

  /* times */
  struct timespec ts[2] = { { 1000000000, 5 }, { 1200000000, 123456789 } };
  show("utimensat", utimensat(AT_FDCWD, "f", ts, 0));
  stat("f", &b);
  printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)b.st_atim.tv_sec, b.st_atim.tv_nsec, (long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec);
  struct timespec omit[2] = { { 5, UTIME_OMIT }, { 1300000000, 0 } };
  show("utimensat omit atime", utimensat(AT_FDCWD, "f", omit, 0));
  stat("f", &b);
  printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)b.st_atim.tv_sec, b.st_atim.tv_nsec, (long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec);
  struct timespec now[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
  show("utimensat now", utimensat(AT_FDCWD, "f", now, 0));
  stat("f", &b);
  printf("mtime moved on: %s; atime kept: %s\n", b.st_mtim.tv_sec > 1300000000 ? "yes" : "no", b.st_atim.tv_sec == 1000000000 ? "yes" : "no");
  struct timespec both[2] = { { 0, UTIME_OMIT }, { 0, UTIME_OMIT } };
  show("utimensat both omitted, missing path", utimensat(AT_FDCWD, "nope", both, 0));
  struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
  show("utimensat bad nsec", utimensat(AT_FDCWD, "f", bad, 0));
  show("utimensat bad flag", utimensat(AT_FDCWD, "f", ts, 0x2));
  show("futimens", futimens(wfd, ts));
  show("utimensat fd, NULL path, flags", syscall(SYS_utimensat, wfd, NULL, ts, AT_SYMLINK_NOFOLLOW));
  show("utimensat AT_FDCWD, NULL path", syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0));
  show("utimensat nofollow on a link", utimensat(AT_FDCWD, "data/link", ts, AT_SYMLINK_NOFOLLOW));
  lstat("data/link", &b);
  printf("link mtime %ld\n", (long)b.st_mtim.tv_sec);
  struct timeval tv[2] = { { 1100000000, 7 }, { 1100000001, 999999 } };
  show("utimes", utimes("f", tv));
  stat("f", &b);
  printf("atime %ld.%09ld mtime %ld.%09ld\n", (long)b.st_atim.tv_sec, b.st_atim.tv_nsec, (long)b.st_mtim.tv_sec, b.st_mtim.tv_nsec);
  struct timeval badtv[2] = { { 0, 1000000 }, { 0, 0 } };
  show("utimes bad usec", utimes("f", badtv));
  struct utimbuf ub = { 1050000000, 1060000000 };
  show("utime", utime("f", &ub));
  stat("f", &b);
  printf("atime %ld mtime %ld\n", (long)b.st_atim.tv_sec, (long)b.st_mtim.tv_sec);
  show("futimesat", futimesat(dfd, "hello.txt", tv));

  /* extended attributes */
  close(open("x", O_CREAT | O_WRONLY, 0644));
  show("setxattr", setxattr("x", "user.k", "value", 5, 0));
  char v[64];
  long n = getxattr("x", "user.k", v, sizeof v);
  printf("getxattr = %ld \"%.*s\"\n", n, (int)(n > 0 ? n : 0), v);
  show("getxattr size 0", getxattr("x", "user.k", NULL, 0));
  show("getxattr small buffer", getxattr("x", "user.k", v, 2));
  show("getxattr missing", getxattr("x", "user.none", v, sizeof v));
  show("setxattr CREATE existing", setxattr("x", "user.k", "w", 1, XATTR_CREATE));
  show("setxattr REPLACE missing", setxattr("x", "user.n", "w", 1, XATTR_REPLACE));
  show("setxattr REPLACE", setxattr("x", "user.k", "w", 1, XATTR_REPLACE));
  show("setxattr bad flags", setxattr("x", "user.k", "w", 1, 4));
  show("setxattr second", setxattr("x", "user.second", "", 0, 0));
  n = listxattr("x", v, sizeof v);
  printf("listxattr = %ld:", n);
  for (long i = 0; i < n; i += (long)strlen(v + i) + 1) printf(" %s", v + i);
  printf("\n");
  show("listxattr size 0", listxattr("x", NULL, 0));
  show("listxattr small", listxattr("x", v, 3));
  show("fgetxattr", fgetxattr(fd, "user.none", v, sizeof v));
  show("getxattr unknown namespace", getxattr("x", "bogus.k", v, sizeof v));
  show("getxattr empty name", getxattr("x", "", v, sizeof v));
  char longname[300];
  memset(longname, 'a', sizeof longname);
  memcpy(longname, "user.", 5);
  longname[299] = 0;
  show("getxattr long name", getxattr("x", longname, v, sizeof v));
  show("removexattr", removexattr("x", "user.k"));
  show("removexattr again", removexattr("x", "user.k"));
  show("lgetxattr on a link", lgetxattr("data/link", "user.k", v, sizeof v));
  show("getxattr missing file", getxattr("nope", "user.k", v, sizeof v));
  return 0;
}
