/*
 * The oracle's exec path for Debian programs under qemu-user without binfmt_misc (CI containers
 * have none). A host (x86-64) program that stands in, inside a chrooted copy of a ppc64el root,
 * for every PowerPC executable of the bin directories, whose real files were moved under /.ppc.
 * When a guest program under qemu execs /usr/bin/sort, the host kernel runs this instead, and it
 * runs qemu on the real file with the same arguments (qemu's -0 keeps argv[0]) and environment.
 *
 * The real file is found from the path that was exec'd (AT_EXECFN), symlinks resolved, under
 * /.ppc: there is no /proc in the chroot to ask.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp) {
  const char *execfn = (const char *)getauxval(AT_EXECFN);
  char real[PATH_MAX], target[PATH_MAX + 8];
  if (execfn == NULL || realpath(execfn, real) == NULL) {
    fprintf(stderr, "qemu-wrap: cannot resolve %s\n", execfn ? execfn : "(no AT_EXECFN)");
    return 127;
  }
  snprintf(target, sizeof target, "/.ppc%s", real);
  char **args = calloc((size_t)argc + 4, sizeof *args);
  if (args == NULL) return 127;
  int n = 0;
  args[n++] = "/qemu-ppc64le-static";
  args[n++] = "-0";
  args[n++] = argc > 0 ? argv[0] : target;
  args[n++] = target;
  for (int i = 1; i < argc; i++) args[n++] = argv[i];
  args[n] = NULL;
  execve(args[0], args, envp);
  perror("qemu-wrap: execve /qemu-ppc64le-static");
  return 127;
}
