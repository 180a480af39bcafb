/* Directories and names: mkdir/mkdirat, rmdir, unlink/unlinkat, rename/renameat/renameat2
 * (NOREPLACE, EXCHANGE), getdents64 (listings printed sorted: the order of entries is the file
 * system's), getcwd/chdir/fchdir, umask, mknod (FIFO, socket, regular), and chroot last. */
#include "common.h"
#include <dirent.h>
#include <sys/sysmacros.h>

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* List a directory with getdents64 in small buffers (several calls), names sorted with types. */
static void list(const char *path) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    printf("list %s: %s\n", path, ename(errno));
    return;
  }
  static char names[64][64];
  char *sorted[64];
  int n = 0, calls = 0;
  char buf[80];
  for (;;) {
    long r = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (r < 0) {
      printf("getdents64 %s: %s\n", path, ename(errno));
      break;
    }
    if (r == 0) break;
    calls++;
    for (long o = 0; o < r;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + o);
      if (n < 64) snprintf(names[n++], 64, "%s:%d", d->d_name, d->d_type);
      o += d->d_reclen;
    }
  }
  for (int i = 0; i < n; i++) sorted[i] = names[i];
  qsort(sorted, n, sizeof sorted[0], cmp);
  printf("%s (%d entries, %s call):", path, n, calls > 1 ? "more than one" : "one");
  for (int i = 0; i < n; i++) printf(" %s", sorted[i]);
  printf("\n");
  close(fd);
}

/* The test directory's absolute path (k42: "/", qemu: a host temporary directory): working
 * directories are printed relative to it. */
static char base[256];

static void cwd(const char *what) {
  char b[256];
  if (getcwd(b, sizeof b) == NULL) {
    printf("%s: getcwd %s\n", what, ename(errno));
    return;
  }
  size_t n = strlen(base);
  if (strcmp(base, "/") == 0) printf("%s: .%s\n", what, strcmp(b, "/") == 0 ? "" : b);
  else if (strncmp(b, base, n) == 0) printf("%s: .%s\n", what, b + n);
  else printf("%s: outside the test directory\n", what);
}

int main(void) {
  if (getcwd(base, sizeof base) == NULL) die("getcwd");
  mode_t old = umask(022);
  printf("umask was %03o\n", old);
  okerr("mkdir t", mkdir("t", 0777));
  struct stat st;
  stat("t", &st);
  printf("t mode %o\n", st.st_mode & 07777);
  show("mkdir t again", mkdir("t", 0777));
  show("mkdir t/a/b (no a)", mkdir("t/a/b", 0777));
  show("mkdir t/a/", mkdir("t/a/", 0700));
  show("mkdir .", mkdir(".", 0700));
  show("mkdir data/hello.txt/x", mkdir("data/hello.txt/x", 0700));
  int t = open("t", O_RDONLY | O_DIRECTORY);
  show("mkdirat", mkdirat(t, "b", 0750));
  umask(077);
  show("mkdirat c", mkdirat(t, "c", 0777));
  stat("t/c", &st);
  printf("t/c mode %o (umask 077)\n", st.st_mode & 07777);
  umask(022);
  close(open("t/a/f1", O_CREAT | O_WRONLY, 0644));
  close(open("t/a/f2", O_CREAT | O_WRONLY, 0644));
  list("t");
  list("t/a");
  list("data");
  list("empty");
  show("getdents on a file", syscall(SYS_getdents64, open("data/hello.txt", O_RDONLY), (char[64]){0}, 64));
  int d = open("t", O_RDONLY | O_DIRECTORY);
  show("getdents64 tiny buffer", syscall(SYS_getdents64, d, (char[8]){0}, 8));
  close(d);

  /* unlink, rmdir */
  show("rmdir t/a (not empty)", rmdir("t/a"));
  show("unlink t/a (a dir)", unlink("t/a"));
  show("unlink t/a/f1/", unlink("t/a/f1/"));
  show("unlink t/a/f1", unlink("t/a/f1"));
  show("unlink t/a/f1 again", unlink("t/a/f1"));
  show("rmdir t/a/f2", rmdir("t/a/f2"));
  show("unlinkat AT_REMOVEDIR file", unlinkat(t, "a/f2", AT_REMOVEDIR));
  show("unlinkat f2", unlinkat(t, "a/f2", 0));
  show("unlinkat bad flag", unlinkat(t, "a", 0x1));
  show("rmdir t/a/.", rmdir("t/a/."));
  show("rmdir t/a/..", rmdir("t/a/.."));
  show("unlinkat AT_REMOVEDIR a", unlinkat(t, "a", AT_REMOVEDIR));
  list("t");

  /* rename */
  close(open("t/x", O_CREAT | O_WRONLY, 0644));
  close(open("t/y", O_CREAT | O_WRONLY, 0600));
  write(open("t/y", O_WRONLY), "yy", 2);
  show("rename x z", rename("t/x", "t/z"));
  show("rename missing", rename("t/x", "t/w"));
  show("rename z over y", rename("t/z", "t/y"));
  stat("t/y", &st);
  printf("t/y size %ld (the old z)\n", (long)st.st_size);
  show("rename dir into itself", rename("t/b", "t/b/inner"));
  show("rename dir over file", rename("t/b", "t/y"));
  show("rename file over dir", rename("t/y", "t/b"));
  show("rename file to file/", rename("t/y", "t/q/"));
  close(open("t/n", O_CREAT | O_WRONLY, 0644));
  show("renameat2 NOREPLACE onto existing", syscall(SYS_renameat2, AT_FDCWD, "t/n", AT_FDCWD, "t/y", 1));
  show("renameat2 NOREPLACE", syscall(SYS_renameat2, AT_FDCWD, "t/n", AT_FDCWD, "t/m", 1));
  show("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "t/m", AT_FDCWD, "t/b", 2));
  stat("t/m", &st);
  printf("after exchange t/m is a %s\n", S_ISDIR(st.st_mode) ? "directory" : "file");
  show("renameat2 both flags", syscall(SYS_renameat2, AT_FDCWD, "t/m", AT_FDCWD, "t/b", 3));
  show("renameat2 EXCHANGE missing", syscall(SYS_renameat2, AT_FDCWD, "t/m", AT_FDCWD, "t/none", 2));
  show("renameat", renameat(t, "m", t, "mm"));
  show("rename .", rename("t/.", "t/dot"));
  list("t");

  /* the working directory */
  cwd("start");
  show("chdir t/mm", chdir("t/mm"));
  cwd("in t/mm");
  show("chdir ..", chdir(".."));
  cwd("in t");
  show("chdir a file", chdir("y"));
  show("chdir missing", chdir("missing"));
  show("fchdir to data (fd)", fchdir(open("../data", O_RDONLY)));
  cwd("in data");
  show("chdir dir-link", chdir("dir-link"));
  cwd("through the link");
  show("chdir ..", chdir(".."));
  cwd("its real parent");
  show("fchdir file", fchdir(open("hello.txt", O_RDONLY)));
  show("fchdir bad", fchdir(77));
  chdir("../t");
  char small[2];
  show("getcwd too small", getcwd(small, sizeof small) == NULL ? -1 : 0);
  chdir("..");

  /* nodes */
  show("mknod fifo", mknod("t/fifo", S_IFIFO | 0644, 0));
  show("mknod sock", mknod("t/sock", S_IFSOCK | 0644, 0));
  show("mknod reg", mknod("t/reg", S_IFREG | 0644, 0));
  show("mknod plain", mknod("t/plain", 0644, 0));
  show("mknod dir", mknod("t/dir", S_IFDIR | 0755, 0));
  show("mknod bad type", mknod("t/bad", 0170000 | 0644, 0));
  show("mknod existing", mknod("t/fifo", S_IFIFO | 0644, 0));
  show("mknodat", mknodat(t, "fifo2", S_IFIFO | 0600, 0));
  show("open a socket node", open("t/sock", O_RDONLY));
  show("open a socket node O_PATH", open("t/sock", O_PATH) >= 0 ? 0 : -1);
  list("t");

  /* chroot (EPERM unless root: both sides run as the same user) */
  long r = chroot("t");
  okerr("chroot t", r);
  if (r == 0) {
    cwd("after chroot (outside the new root)");
    strcpy(base, "/"); /* paths are the new root's from here */
    show("chdir /", chdir("/"));
    cwd("at the new root");
    show("chdir ..", chdir(".."));
    cwd("still at the root");
    show("stat /data", stat("/data", &st));
    show("stat /mm", stat("/mm", &st));
  }
  return 0;
}
