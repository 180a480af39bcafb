/* Stopped processes and the signals that end them (kernel/signal.c: SIGKILL wakes a stopped
 * process and kills it; any other fatal signal waits, pending, for the SIGCONT).
 *
 *   stopkill        the checks below, in order; only the parent prints
 *   stopkill leave  a child stops itself and the program exits without reaping it: the run must
 *                   still end (k42's init kills what is left with SIGKILL at the program's end,
 *                   as the end of a container's pid namespace does) — not run under qemu, whose
 *                   host kernel would leave the stopped child holding the output pipe
 *
 * Checks, each on a child whose threads are all stopped (one thread, or two: the second blocked
 * in a read of a pipe nobody writes, or spinning in user code):
 *   - SIGKILL from the parent ends a stopped child;
 *   - SIGKILL from another process (a sibling) ends a stopped child;
 *   - SIGTERM to a stopped child stays pending (WNOHANG sees no change), SIGCONT then lets it
 *     kill the child; SIGCONT then SIGTERM does the same;
 *   - with a SIGTERM handler, the handler runs after the SIGCONT and the child exits on its own.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum second { NONE, READER, SPINNER };

static int never[2]; /* a pipe nobody writes: the reader thread waits in read for ever */

static void *reader(void *arg) {
    (void)arg;
    char c;
    for (;;) read(never[0], &c, 1);
    return NULL;
}

static void *spinner(void *arg) {
    volatile unsigned long *n = arg;
    for (;;) (*n)++;
    return NULL;
}

static void on_term(int sig) {
    (void)sig;
    _exit(7);
}

static void show(const char *what, int st) {
    if (WIFSTOPPED(st)) printf("%s: stopped by %s\n", what, WSTOPSIG(st) == SIGSTOP ? "SIGSTOP" : "another signal");
    else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
    else if (WIFSIGNALED(st)) printf("%s: killed by %s\n", what, WTERMSIG(st) == SIGKILL ? "SIGKILL" : WTERMSIG(st) == SIGTERM ? "SIGTERM" : strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

/* A child with `second` beside its main thread (and a SIGTERM handler if `handler`), that stops
 * itself once its threads run; the parent sees the stop. */
static pid_t stopped_child(enum second second, int handler) {
    int ready[2];
    if (pipe(ready) != 0) exit(2);
    pid_t c = fork();
    if (c == 0) {
        static unsigned long spins;
        pthread_t t;
        if (handler) signal(SIGTERM, on_term);
        if (second == READER) pthread_create(&t, NULL, reader, NULL);
        if (second == SPINNER) {
            pthread_create(&t, NULL, spinner, (void *)&spins);
            while (__atomic_load_n(&spins, __ATOMIC_RELAXED) == 0) sched_yield();
        }
        close(ready[0]);
        write(ready[1], "r", 1);
        raise(SIGSTOP);
        for (;;) pause(); /* continued: wait for the signal that ends it */
    }
    close(ready[1]);
    char b;
    read(ready[0], &b, 1);
    close(ready[0]);
    int st;
    pid_t r = waitpid(c, &st, WUNTRACED);
    if (r != c) printf("waitpid WUNTRACED -> %d %s\n", (int)r, strerror(errno));
    else show("  the child", st);
    return c;
}

static void finish(const char *what, pid_t c) {
    int st;
    pid_t r = waitpid(c, &st, 0);
    if (r != c) printf("%s: waitpid -> %d %s\n", what, (int)r, strerror(errno));
    else show(what, st);
}

static const char *name(enum second s) { return s == NONE ? "one thread" : s == READER ? "a reader thread" : "a spinning thread"; }

static void killed_by_parent(enum second s) {
    printf("SIGKILL from the parent (%s):\n", name(s));
    pid_t c = stopped_child(s, 0);
    kill(c, SIGKILL);
    finish("  SIGKILL while stopped", c);
}

static void killed_by_sibling(enum second s) {
    printf("SIGKILL from a sibling (%s):\n", name(s));
    pid_t c = stopped_child(s, 0);
    pid_t k = fork();
    if (k == 0) _exit(kill(c, SIGKILL) == 0 ? 0 : 1);
    finish("  the sibling", k);
    finish("  SIGKILL while stopped", c);
}

static void term_then_cont(enum second s, int handler) {
    printf("SIGTERM, then SIGCONT (%s%s):\n", name(s), handler ? ", a SIGTERM handler" : "");
    pid_t c = stopped_child(s, handler);
    kill(c, SIGTERM);
    int st;
    pid_t r = waitpid(c, &st, WNOHANG);
    printf("  SIGTERM while stopped: waitpid WNOHANG -> %d\n", (int)r);
    kill(c, SIGCONT);
    finish("  after SIGCONT", c);
}

static void cont_then_term(enum second s) {
    printf("SIGCONT, then SIGTERM (%s):\n", name(s));
    pid_t c = stopped_child(s, 0);
    kill(c, SIGCONT);
    kill(c, SIGTERM);
    finish("  after SIGTERM", c);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (pipe(never) != 0) return 2;
    if (argc > 1 && strcmp(argv[1], "leave") == 0) {
        stopped_child(READER, 0);
        stopped_child(NONE, 0);
        printf("exiting with two stopped children\n");
        return 0;
    }
    for (enum second s = NONE; s <= SPINNER; s++) {
        killed_by_parent(s);
        killed_by_sibling(s);
        term_then_cont(s, 0);
        term_then_cont(s, 1);
        cont_then_term(s);
    }
    return 0;
}
