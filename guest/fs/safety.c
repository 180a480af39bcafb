/* Path safety: a guest that tries to change everything it can reach — through "..", absolute
 * and looping symlinks, symlinks to the host path of its root, openat with directory
 * descriptors, /proc/self/root, rename over a symlink — writing, truncating, deleting,
 * renaming, chmodding, chowning, linking. The host tree behind its root must not change (the
 * test hashes it before and after); the guest itself must see its changes (it checks them and
 * exits 1 if it does not). argv[1]: the host path of the root; "-q" as argv[2]: print nothing. */
#include "common.h"
#include <dirent.h>
#include <sys/xattr.h>

static int quiet, changes, refusals;

static void did(const char *what, long r) {
  if (r >= 0) changes++;
  else refusals++;
  if (!quiet) printf("%s: %s\n", what, r >= 0 ? "done" : ename(errno));
}

static void vandalize(const char *path, int depth) {
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  if (fd < 0) return;
  DIR *d = fdopendir(fd);
  if (d == NULL) return;
  char names[64][256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 256, "%s", e->d_name);
  }
  for (int i = 0; i < n; i++) {
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", path, names[i]);
    struct stat st;
    if (lstat(p, &st) < 0) continue;
    if (S_ISDIR(st.st_mode) && depth < 6) vandalize(p, depth + 1);
    int f = open(p, O_WRONLY | O_TRUNC);
    if (f >= 0) {
      did("write", write(f, "PWNED\n", 6));
      close(f);
    }
    did("chmod", chmod(p, 0777));
    did("chown", lchown(p, 4321, 4321));
    did("utimens", utimensat(AT_FDCWD, p, NULL, AT_SYMLINK_NOFOLLOW));
    did("setxattr", lsetxattr(p, "user.pwned", "1", 1, 0));
    char q[1100];
    snprintf(q, sizeof q, "%s.moved", p);
    did("rename", rename(p, q));
    did("link", link(q, p));
    did("unlink", unlink(q));
  }
  closedir(d);
}

int main(int argc, char **argv) {
  const char *host = argc > 1 ? argv[1] : "/nonexistent";
  quiet = argc > 2 && strcmp(argv[2], "-q") == 0;
  /* Symlinks that would leave the root if the walk let them. */
  did("symlink to /", symlink("/", "rootlink"));
  did("symlink up", symlink("../../../../../..", "up"));
  did("symlink to the host path", symlink(host, "hostlink"));
  did("symlink loop a", symlink("loopb", "loopa"));
  did("symlink loop b", symlink("loopa", "loopb"));
  did("symlink to data through ..", symlink("../../../data", "datalink"));
  char hp[1024];
  snprintf(hp, sizeof hp, "%s/data/hello.txt", host);
  did("open the host path", open(hp, O_WRONLY | O_TRUNC));
  did("create the host path's dirs", mkdir(host, 0755));
  did("create through rootlink/..", close(open("rootlink/../../../escape1", O_CREAT | O_WRONLY, 0644)));
  did("create through up/up", close(open("up/up/up/escape2", O_CREAT | O_WRONLY, 0644)));
  did("create through hostlink", close(open("hostlink/escape3", O_CREAT | O_WRONLY, 0644)));
  did("open a loop", open("loopa/x", O_CREAT | O_WRONLY, 0644));
  did("create /proc/self/root/x", close(open("/proc/self/root/escape4", O_CREAT | O_WRONLY, 0644)));
  int dfd = open("data/sub", O_RDONLY | O_DIRECTORY);
  did("openat ../../../..", close(openat(dfd, "../../../../../escape5", O_CREAT | O_WRONLY, 0644)));
  did("openat absolute", close(openat(dfd, "/escape6", O_CREAT | O_WRONLY, 0644)));
  did("mkdirat ..", mkdirat(dfd, "../../../newdir", 0755));
  did("truncate through a link", truncate("datalink/link", 0));
  did("chmod through a link", chmod("data/link", 0));
  did("rename over a symlink", rename("escape1", "data/link"));
  did("rename a dir over a dir link", rename("newdir", "data/dir-link"));
  did("symlink over hello", unlink("data/hello.txt") == 0 ? symlink("/etc/passwd", "data/hello.txt") : -1);
  did("write through a dangling absolute link", close(open("data/hello.txt", O_CREAT | O_WRONLY, 0644)));
  /* The guest sees its own changes: the root is changed as far as it can tell. */
  struct stat st;
  int seen = stat("/escape1", &st) < 0 && lstat("/data/link", &st) == 0 && S_ISREG(st.st_mode) && stat("/escape5", &st) == 0 &&
             stat("/escape2", &st) == 0 && stat("/escape6", &st) == 0;
  vandalize(".", 0);
  vandalize("..", 0);
  vandalize("/", 0);
  did("rmdir data/sub", rmdir("data/sub.moved") == 0 ? 0 : rmdir("data/sub"));
  did("chroot and escape", chroot("data") == 0 && chdir("../../..") == 0 ? close(open("escape7", O_CREAT | O_WRONLY, 0644)) : -1);

  if (!quiet) printf("changes %d, refusals %d, the guest sees its changes: %s\n", changes, refusals, seen ? "yes" : "no");
  return seen && changes > 50 ? 0 : 1;
}
