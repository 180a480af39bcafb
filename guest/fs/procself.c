/* What a process sees of itself and of its machine in /proc and /sys: its command line, exe,
 * cwd, status, maps and descriptors, the mount table, the processors and the NUMA nodes.
 * Prints the values so that a difference names the file. (Under qemu-user these are the
 * host's; procfs-run.test.ts checks them against what Linux would print for k42's machine.) */
#include "common.h"
#include <dirent.h>

/* The whole file, NUL-terminated (its own NULs kept: the length is returned). */
static long slurp(const char *path, char *buf, size_t size) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("open %s = -1 %s\n", path, ename(errno));
    return -1;
  }
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, size - 1 - n);
    if (r < 0) {
      printf("read %s = -1 %s\n", path, ename(errno));
      close(fd);
      return -1;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  buf[n] = 0;
  close(fd);
  return (long)n;
}

static char buf[1 << 16];

static void link_of(const char *path) {
  char t[4096];
  ssize_t n = readlink(path, t, sizeof t - 1);
  if (n < 0) printf("readlink %s = -1 %s\n", path, ename(errno));
  else {
    t[n] = 0;
    printf("readlink %s = %s\n", path, t);
  }
}

/* The lines of `path` that start with `key`. */
static void lines_with(const char *path, const char *key) {
  if (slurp(path, buf, sizeof buf) < 0) return;
  for (char *l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n"))
    if (strncmp(l, key, strlen(key)) == 0) printf("%s\n", l);
}

static int cmp(const void *a, const void *b) {
  return atoi(*(char *const *)a) - atoi(*(char *const *)b);
}

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  if (chdir("/tmp") != 0) printf("chdir /tmp = -1 %s\n", ename(errno));

  long n = slurp("/proc/self/cmdline", buf, sizeof buf);
  if (n >= 0) {
    printf("cmdline =");
    for (long i = 0; i < n; i += (long)strlen(buf + i) + 1) printf(" [%s]", buf + i);
    printf("\n");
  }
  char exe[4096] = "";
  ssize_t e = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (e >= 0) exe[e] = 0;
  link_of("/proc/self/exe");
  link_of("/proc/self/cwd");
  lines_with("/proc/self/status", "Name:");
  lines_with("/proc/self/status", "Pid:");
  lines_with("/proc/self/status", "PPid:");
  lines_with("/proc/self/status", "Uid:");
  lines_with("/proc/self/status", "Gid:");

  if (slurp("/proc/self/maps", buf, sizeof buf) >= 0) {
    int has_exe = 0, has_stack = 0;
    for (char *l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n")) {
      size_t ll = strlen(l), el = strlen(exe);
      if (el > 0 && ll >= el && strcmp(l + ll - el, exe) == 0) has_exe++;
      if (ll >= 7 && strcmp(l + ll - 7, "[stack]") == 0) has_stack++;
    }
    printf("maps: lines naming the executable %s, [stack] %d\n", has_exe > 0 ? "yes" : "no", has_stack);
  }

  DIR *d = opendir("/proc/self/fd");
  if (d == NULL) printf("opendir /proc/self/fd = -1 %s\n", ename(errno));
  else {
    char *names[64];
    int k = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL && k < 64)
      if (de->d_name[0] != '.') names[k++] = strdup(de->d_name);
    if (errno != 0) printf("readdir /proc/self/fd = NULL %s\n", ename(errno));
    qsort(names, (size_t)k, sizeof names[0], cmp);
    printf("fd:");
    for (int i = 0; i < k; i++) printf(" %s", names[i]);
    printf(" (the directory's own: %d)\n", dirfd(d));
    closedir(d);
  }

  if (slurp("/proc/mounts", buf, sizeof buf) >= 0) {
    printf("mounts:");
    for (char *l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n")) {
      char dev[256], dir[256], type[64];
      if (sscanf(l, "%255s %255s %63s", dev, dir, type) == 3) printf(" %s(%s)", dir, type);
    }
    printf("\n");
  }

  if (slurp("/proc/cpuinfo", buf, sizeof buf) >= 0) {
    int cpus = 0;
    for (char *l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n"))
      if (strncmp(l, "processor", 9) == 0) cpus++;
    printf("cpuinfo processors: %d\n", cpus);
  }
  if (slurp("/sys/devices/system/cpu/online", buf, sizeof buf) >= 0) printf("cpu/online: %s", buf);
  if (slurp("/sys/devices/system/node/node1/cpulist", buf, sizeof buf) >= 0) printf("node1/cpulist: %s", buf);
  return 0;
}
