/* What qemu-user cannot show (it passes the host's /dev, /tmp and terminals through, and 7.2 has
 * no openat2): the guest's own mounts — /dev (devtmpfs), /tmp (tmpfs) — crossed by walks and
 * refused by rename and link (EXDEV); the console and /dev/tty; openat2's RESOLVE_* flags;
 * the old getdents. The test compares the output with what Linux prints. */
#include "common.h"
#include <sys/ioctl.h>
#include <sys/statfs.h>
#include <linux/openat2.h>
#include <termios.h>
#include <dirent.h>

struct old_dirent {
  unsigned long d_ino;
  unsigned long d_off;
  unsigned short d_reclen;
  char d_name[];
};

static long openat2(int dirfd, const char *path, unsigned long long flags, unsigned long long resolve) {
  struct open_how how = { .flags = flags, .mode = 0, .resolve = resolve };
  return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int main(int argc, char **argv) {
  int tty = argc > 1 && strcmp(argv[1], "tty") == 0;
  char b[64];
  struct statfs sf;
  /* mounts */
  show("statfs /tmp", statfs("/tmp", &sf));
  printf("/tmp f_type %lx\n", (unsigned long)sf.f_type);
  show("statfs /dev", statfs("/dev", &sf));
  printf("/dev f_type %lx\n", (unsigned long)sf.f_type);
  int fd = open("/f", O_CREAT | O_WRONLY, 0644);
  write(fd, "root file\n", 10);
  close(fd);
  show("rename across mounts", rename("/f", "/tmp/f"));
  show("link across mounts", link("/f", "/tmp/f"));
  show("create in /tmp", (fd = open("/tmp/t", O_CREAT | O_RDWR, 0600)) >= 0 ? 0 : -1);
  show("write in /tmp", write(fd, "tmp\n", 4));
  close(fd);
  show("rename within /tmp", rename("/tmp/t", "/tmp/u"));
  show("chdir /tmp", chdir("/tmp"));
  printf("getcwd %s\n", getcwd(b, sizeof b));
  show("chdir ..", chdir(".."));
  printf("getcwd %s\n", getcwd(b, sizeof b));
  show("chdir /tmp/../dev", chdir("/tmp/../dev"));
  printf("getcwd %s\n", getcwd(b, sizeof b));
  struct stat a, c;
  stat("/tmp", &a);
  stat("/", &c);
  printf("/tmp and / on different devices: %s\n", a.st_dev != c.st_dev ? "yes" : "no");
  show("rmdir /tmp (a mount point)", rmdir("/tmp"));
  chdir("/");

  /* devices */
  fd = open("/dev/null", O_RDWR);
  show("write /dev/null", write(fd, "gone", 4));
  show("read /dev/null", read(fd, b, sizeof b));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(b, 1, 8);
  show("read /dev/zero", read(fd, b, 8));
  printf("zeros: %s\n", b[0] == 0 && b[7] == 0 ? "yes" : "no");
  close(fd);
  fd = open("/dev/console", O_WRONLY);
  show("write /dev/console", write(fd, "to the console\n", 15));
  close(fd);
  fd = open("/dev/tty", O_RDWR);
  okerr("open /dev/tty", fd);
  struct termios t;
  show("TCGETS stdout", ioctl(1, TCGETS, &t));
  if (tty) {
    printf("c_lflag has ICANON|ECHO: %s\n", (t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO) ? "yes" : "no");
    t.c_lflag &= ~(ICANON | ECHO);
    show("TCSETS raw", ioctl(1, TCSETS, &t));
    struct termios u;
    ioctl(0, TCGETS, &u);
    printf("kept: %s\n", (u.c_lflag & ICANON) == 0 ? "yes" : "no");
    struct winsize w;
    show("TIOCGWINSZ", ioctl(1, TIOCGWINSZ, &w));
    printf("rows %d cols %d\n", w.ws_row, w.ws_col);
    printf("isatty(1) %d\n", isatty(1));
  } else printf("isatty(1) %d\n", isatty(1));
  int n = -1;
  show("FIONREAD stdin", ioctl(0, FIONREAD, &n));
  printf("stdin has %d bytes\n", n);
  show("read stdin", read(0, b, 5));

  /* openat2 */
  mkdir("/o", 0755);
  mkdir("/o/d", 0755);
  close(open("/o/d/f", O_CREAT | O_WRONLY, 0644));
  symlink("/o/d/f", "/o/d/abs");
  symlink("f", "/o/d/rel");
  int d = open("/o/d", O_RDONLY | O_DIRECTORY);
  show("openat2 plain", openat2(d, "f", O_RDONLY, 0) >= 0 ? 0 : -1);
  show("openat2 BENEATH ..", openat2(d, "../d/f", O_RDONLY, RESOLVE_BENEATH));
  show("openat2 BENEATH absolute link", openat2(d, "abs", O_RDONLY, RESOLVE_BENEATH));
  show("openat2 BENEATH relative link", openat2(d, "rel", O_RDONLY, RESOLVE_BENEATH) >= 0 ? 0 : -1);
  show("openat2 IN_ROOT absolute", openat2(d, "/f", O_RDONLY, RESOLVE_IN_ROOT) >= 0 ? 0 : -1);
  show("openat2 NO_SYMLINKS", openat2(d, "rel", O_RDONLY, RESOLVE_NO_SYMLINKS));
  show("openat2 NO_XDEV /tmp", openat2(AT_FDCWD, "/tmp/u", O_RDONLY, RESOLVE_NO_XDEV));
  show("openat2 NO_XDEV same mount", openat2(AT_FDCWD, "/o/d/f", O_RDONLY, RESOLVE_NO_XDEV) >= 0 ? 0 : -1);
  show("openat2 BENEATH|IN_ROOT", openat2(d, "f", O_RDONLY, RESOLVE_BENEATH | RESOLVE_IN_ROOT));
  show("openat2 unknown resolve", openat2(d, "f", O_RDONLY, 0x100));
  show("openat2 unknown flag", openat2(d, "f", O_RDONLY | 0x80000000ULL, 0));
  struct open_how how = { .flags = O_RDONLY, .mode = 0644 };
  show("openat2 mode without O_CREAT", syscall(SYS_openat2, d, "f", &how, sizeof how));
  show("openat2 small size", syscall(SYS_openat2, d, "f", &how, 16));

  /* the old getdents: struct linux_dirent, d_type in the last byte */
  d = open("/o/d", O_RDONLY | O_DIRECTORY);
  char buf[512];
  long r = syscall(SYS_getdents, d, buf, sizeof buf);
  int entries = 0, types = 0;
  for (long o = 0; o < r;) {
    struct old_dirent *e = (struct old_dirent *)(buf + o);
    entries++;
    if (strcmp(e->d_name, "abs") == 0 && buf[o + e->d_reclen - 1] == DT_LNK) types++;
    if (strcmp(e->d_name, "f") == 0 && buf[o + e->d_reclen - 1] == DT_REG) types++;
    o += e->d_reclen;
  }
  printf("getdents: %d entries, types right: %d\n", entries, types);
  return 0;
}
