/* /proc/PID of other processes and threads, as a parent reads them: a sleeping child (S), the
 * same child stopped (T) and continued, a zombie (Z) until reaped and gone after, its own
 * threads under /proc/self/task, and /proc listing the pids. k42-only: under qemu-user /proc is
 * the host's. Prints the fields that do not depend on the machine's speed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* From /proc/PID/stat: comm, state, ppid, pgrp, num_threads. */
static void stat_of(const char *path, const char *label) {
  FILE *f = fopen(path, "r");
  if (f == NULL) { printf("%s: %s\n", label, strerror(errno)); return; }
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  int pid, ppid, pgrp, sid, threads;
  char comm[64], state;
  long dummy;
  /* pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime prio nice threads */
  sscanf(buf, "%d (%63[^)]) %c %d %d %d %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %d", &pid, comm, &state, &ppid, &pgrp, &sid,
         &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &dummy, &threads);
  printf("%s: comm %s state %c ppid-is-me %s threads %d\n", label, comm, state, ppid == getpid() ? "yes" : "no", threads);
}

static void status_line(const char *path, const char *key, const char *label) {
  FILE *f = fopen(path, "r");
  if (f == NULL) { printf("%s: %s\n", label, strerror(errno)); return; }
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, strlen(key)) == 0) { printf("%s: %s", label, line); break; }
  }
  fclose(f);
}

static void nap(long ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000 }; nanosleep(&t, NULL); }

static int listed(pid_t p) {
  DIR *d = opendir("/proc");
  struct dirent *e;
  int found = 0;
  while ((e = readdir(d)) != NULL) if (atoi(e->d_name) == p) found = 1;
  closedir(d);
  return found;
}


/* The state letter of /proc/PID/stat (waiting for a stop does not use WUNTRACED: another part
 * of the system tells parents of stops). */
static char state_of(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return '?';
  char buf[512];
  size_t m = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[m] = 0;
  char *c = strrchr(buf, ')');
  return c != NULL ? c[2] : '?';
}

static void until_state(const char *path, int want, int is) {
  for (int i = 0; i < 500 && ((state_of(path) == want) != is); i++) nap(2);
}

static void *sleeper(void *arg) { (void)arg; for (;;) pause(); return NULL; }

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  char path[64], st[64];
  pid_t a = fork();
  if (a == 0) { for (;;) pause(); }
  nap(20);
  snprintf(path, sizeof path, "/proc/%d/stat", a);
  snprintf(st, sizeof st, "/proc/%d/status", a);
  stat_of(path, "sleeping child");
  status_line(st, "State:", "status");
  status_line(st, "PPid:", "status PPid is me");
  printf("listed in /proc: %s\n", listed(a) ? "yes" : "no");
  kill(a, SIGSTOP);
  int s;
  until_state(path, 'T', 1);
  stat_of(path, "stopped child");
  status_line(st, "State:", "status");
  kill(a, SIGCONT);
  until_state(path, 'T', 0);
  nap(20);
  stat_of(path, "continued child");
  kill(a, SIGKILL);
  siginfo_t si;
  waitid(P_PID, a, &si, WEXITED | WNOWAIT);
  stat_of(path, "killed, not reaped");
  status_line(st, "State:", "status");
  waitpid(a, &s, 0);
  stat_of(path, "reaped");
  printf("listed in /proc after reaping: %s\n", listed(a) ? "yes" : "no");
  /* Threads: the main thread and one sleeping in pause. */
  pthread_t t;
  pthread_create(&t, NULL, sleeper, NULL);
  nap(20);
  DIR *d = opendir("/proc/self/task");
  int n = 0, sleeping = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    n++;
    if (atoi(e->d_name) != getpid()) {
      snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
      if (state_of(path) == 'S') sleeping++;
    }
  }
  closedir(d);
  printf("tasks: %d, the other sleeping: %d\n", n, sleeping);
  stat_of("/proc/self/stat", "self");
  status_line("/proc/self/status", "Threads:", "status");
  return 0;
}
