/*
 * Backtraces from inside signal handlers: the frame chain must lead from the handler, through
 * the signal frame, back into the interrupted functions. Build dynamic, with -rdynamic, so that
 * backtrace_symbols names the program's functions. Only the names are printed (addresses differ
 * between runs); an entry without a name (the signal trampoline) prints as "?".
 *
 *   backtrace          glibc's backtrace() (a walk of the stack's back chain) from a SIGUSR1
 *                      handler raised in a nested call, and from a SIGSEGV handler
 *   backtrace unwind   libgcc's unwinder (_Unwind_Backtrace) from a SIGSEGV handler: it
 *                      crosses the signal frame by recognising the trampoline's instructions
 *                      (on Linux those of the vDSO)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <unwind.h>

static sigjmp_buf jb;

/** The function name of a backtrace_symbols line ("prog(name+0x1c) [0x...]"), or "?". */
static void put_name(const char *line) {
    const char *open = strchr(line, '(');
    if (open == NULL || open[1] == '+' || open[1] == ')') {
        printf(" ?");
        return;
    }
    const char *end = open + 1;
    while (*end && *end != '+' && *end != ')') end++;
    printf(" %.*s", (int)(end - open - 1), open + 1);
}

static void trace(const char *what) {
    /* Deep enough to reach main, not so deep that the walk leaves the stack's valid frames
       (past __libc_start_main the back chain is argc: a walk of 16 faults, on Linux too). */
    void *a[10];
    int n = backtrace(a, 10);
    char **s = backtrace_symbols(a, n);
    printf("%s:", what);
    for (int i = 0; i < n; i++) {
        put_name(s[i]);
        if (strstr(s[i], "(main+") != NULL) break;
    }
    printf("\n");
}

static _Unwind_Reason_Code step(struct _Unwind_Context *c, void *arg) {
    int *n = arg;
    Dl_info d;
    void *ip = (void *)_Unwind_GetIP(c);
    const char *name = dladdr((char *)ip - 1, &d) && d.dli_sname != NULL ? d.dli_sname : "?";
    printf(" %s", name);
    if (strcmp(name, "main") == 0 || ++*n > 12) return _URC_END_OF_STACK;
    return _URC_NO_REASON;
}

static int unwind_mode;

void on_usr1(int sig) {
    (void)sig;
    trace("backtrace in a SIGUSR1 handler");
}

void on_segv(int sig) {
    (void)sig;
    if (unwind_mode) {
        int n = 0;
        printf("_Unwind_Backtrace in a SIGSEGV handler:");
        _Unwind_Backtrace(step, &n);
        printf("\n");
    } else {
        trace("backtrace in a SIGSEGV handler");
    }
    siglongjmp(jb, 1);
}

volatile int *volatile nowhere = (int *)0x40;

void __attribute__((noinline)) level3(int how) {
    getpid(); /* a call: level3 has a frame of its own, its callee saved a return address in it */
    if (how == 0) raise(SIGUSR1);
    else *nowhere = 1;
    __asm__ volatile("" ::: "memory");
}

void __attribute__((noinline)) level2(int how) {
    level3(how);
    __asm__ volatile("" ::: "memory");
}

void __attribute__((noinline)) level1(int how) {
    level2(how);
    __asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    unwind_mode = argc > 1 && strcmp(argv[1], "unwind") == 0;
    signal(SIGUSR1, on_usr1);
    signal(SIGSEGV, on_segv);
    if (!unwind_mode) level1(0);
    if (sigsetjmp(jb, 1) == 0) level1(1);
    printf("back in main\n");
    return 0;
}
