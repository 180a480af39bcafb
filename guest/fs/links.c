/* Links: symlink/symlinkat, readlink/readlinkat (truncation, not a link, empty path), relative
 * and absolute targets, chains and loops (ELOOP), O_NOFOLLOW, AT_SYMLINK_NOFOLLOW, trailing
 * slashes through links, dangling links and O_CREAT through them, hard links (link/linkat,
 * AT_SYMLINK_FOLLOW, link counts, EPERM for directories), and a rename over a symlink. */
#include "common.h"

static void rl(const char *path) {
  char b[64];
  long n = readlink(path, b, sizeof b);
  if (n < 0) printf("readlink %s: %s\n", path, ename(errno));
  else printf("readlink %s = \"%.*s\"\n", path, (int)n, b);
}

static void kind(const char *what, const char *path, int follow) {
  struct stat st;
  int r = follow ? stat(path, &st) : lstat(path, &st);
  if (r < 0) {
    printf("%s %s: %s\n", what, path, ename(errno));
    return;
  }
  printf("%s %s: %s nlink %lu size %ld\n", what, path,
         S_ISLNK(st.st_mode) ? "link" : S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : "other",
         (unsigned long)st.st_nlink, S_ISDIR(st.st_mode) ? 0L : (long)st.st_size);
}

int main(void) {
  mkdir("l", 0755);
  show("symlink rel", symlink("../data/hello.txt", "l/rel"));
  show("symlink to dir", symlink("../data/sub", "l/d"));
  show("symlink existing", symlink("x", "l/rel"));
  show("symlink empty target", symlink("", "l/empty"));
  show("symlink into missing dir", symlink("x", "l/no/x"));
  show("symlink name/", symlink("x", "l/slash/"));
  show("symlink dangling", symlink("nowhere", "l/dangling"));
  show("symlink loop a", symlink("b", "l/a"));
  show("symlink loop b", symlink("a", "l/b"));
  show("symlink self", symlink("self", "l/self"));
  int dfd = open("l", O_RDONLY | O_DIRECTORY);
  show("symlinkat", symlinkat("rel", dfd, "chain1"));
  for (int i = 2; i <= 45; i++) {
    char name[16], target[16];
    snprintf(name, sizeof name, "chain%d", i);
    snprintf(target, sizeof target, "chain%d", i - 1);
    symlinkat(target, dfd, name);
  }
  rl("l/rel");
  rl("l/d");
  rl("l/chain1");
  rl("data/hello.txt");
  rl("l/missing");
  char small[4];
  show("readlink truncated", readlink("l/rel", small, sizeof small));
  printf("truncated to \"%.4s\"\n", small);
  show("readlink size 0", readlink("l/rel", small, 0));
  show("readlinkat", readlinkat(dfd, "d", small, sizeof small));
  int pfd = open("l/rel", O_PATH | O_NOFOLLOW);
  char b[64];
  long n = readlinkat(pfd, "", b, sizeof b);
  if (n >= 0) printf("readlinkat O_PATH link \"\" = \"%.*s\"\n", (int)n, b);
  else printf("readlinkat O_PATH link \"\": %s\n", ename(errno));
  show("readlinkat dir fd \"\"", readlinkat(dfd, "", b, sizeof b));
  show("readlink \"\"", readlink("", b, sizeof b));

  kind("stat", "l/rel", 1);
  kind("lstat", "l/rel", 0);
  kind("stat", "l/d/deep.txt", 1);
  kind("stat", "l/chain40", 1);
  kind("stat", "l/chain39", 1); /* 39 + rel = 40 links: the most one walk follows */
  kind("lstat", "l/chain45", 0);
  kind("stat", "l/a", 1);
  kind("lstat", "l/a", 0);
  kind("stat", "l/self", 1);
  kind("stat", "l/dangling", 1);
  kind("lstat", "l/dangling", 0);
  kind("stat", "l/rel/", 1);
  kind("lstat", "l/d/", 0);
  kind("lstat", "l/rel/", 0);
  kind("stat", "l/a/x", 1);
  struct stat st;
  show("fstatat nofollow", fstatat(dfd, "rel", &st, AT_SYMLINK_NOFOLLOW));
  printf("is a link: %s\n", S_ISLNK(st.st_mode) ? "yes" : "no");
  show("fstatat bad flag", fstatat(dfd, "rel", &st, 0x8));

  /* opening through links */
  int fd = open("l/rel", O_RDONLY);
  n = read(fd, b, sizeof b);
  printf("read through link: %ld \"%.*s\"\n", n, (int)(n > 0 ? n - 1 : 0), b);
  close(fd);
  show("O_NOFOLLOW on a link", open("l/rel", O_RDONLY | O_NOFOLLOW));
  show("O_NOFOLLOW on a link's dir", (fd = open("l/d/deep.txt", O_RDONLY | O_NOFOLLOW)) >= 0 ? 0 : -1);
  close(fd);
  show("open a loop", open("l/a", O_RDONLY));
  fd = open("l/dangling", O_CREAT | O_WRONLY, 0600);
  okerr("O_CREAT through a dangling link", fd);
  close(fd);
  kind("stat", "l/nowhere", 1);
  kind("stat", "l/dangling", 1);
  show("O_CREAT|O_EXCL on a link", open("l/rel", O_CREAT | O_EXCL | O_WRONLY, 0600));
  show("O_CREAT|O_NOFOLLOW on a link", open("l/rel", O_CREAT | O_NOFOLLOW | O_WRONLY, 0600));
  show("O_DIRECTORY through a dir link", (fd = open("l/d", O_RDONLY | O_DIRECTORY)) >= 0 ? 0 : -1);
  close(fd);

  /* hard links */
  close(open("l/file", O_CREAT | O_WRONLY, 0644));
  show("link", link("l/file", "l/file2"));
  kind("stat", "l/file", 1);
  show("link existing", link("l/file", "l/file2"));
  show("link a directory", link("l/d/..", "l/dirlink"));
  show("link missing", link("l/none", "l/none2"));
  show("link to file/", link("l/file", "l/f3/"));
  show("linkat a symlink (no follow)", linkat(dfd, "rel", dfd, "rel-hard", 0));
  kind("lstat", "l/rel-hard", 0);
  show("linkat AT_SYMLINK_FOLLOW", linkat(dfd, "rel", dfd, "hello-hard", AT_SYMLINK_FOLLOW));
  kind("lstat", "l/hello-hard", 0);
  kind("stat", "data/hello.txt", 1);
  show("linkat bad flag", linkat(dfd, "rel", dfd, "x", 0x1));
  show("unlink hello-hard", unlink("l/hello-hard"));
  kind("stat", "data/hello.txt", 1);
  show("unlink file", unlink("l/file"));
  kind("stat", "l/file2", 1);

  /* rename onto a symlink replaces the link, not its target */
  close(open("l/victim-src", O_CREAT | O_WRONLY, 0644));
  show("rename over a symlink", rename("l/victim-src", "l/rel"));
  kind("lstat", "l/rel", 0);
  kind("stat", "data/hello.txt", 1);
  show("unlink a symlink to a dir", unlink("l/d"));
  kind("stat", "data/sub/deep.txt", 1);
  return 0;
}
