/* System V semaphores: semget's checks, semctl (SETVAL, GETVAL, SETALL, GETALL, GETPID,
 * GETNCNT, GETZCNT, IPC_STAT, IPC_SET, SEM_STAT, IPC_RMID), semop's all-or-nothing arrays,
 * IPC_NOWAIT, ERANGE, timeouts, a child blocked until its parent posts or removes the set,
 * waits for zero, and SEM_UNDO undone at the child's exit. */
#include "sysv.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static int setval(int id, int n, int v) {
    union semun u;
    u.val = v;
    return semctl(id, n, SETVAL, u);
}

static int op1(int id, int num, int op, int flg) {
    struct sembuf b = {(unsigned short)num, (short)op, (short)flg};
    return semop(id, &b, 1);
}

/* A child's blocking call ends it: its exit status is the errno (0: success). The parent
 * prints that after waiting, so the lines come in one order whoever runs first. */
static void child_exit(int r) {
    _exit(r == -1 ? errno : 0);
}

static void child_result(const char *what, pid_t c) {
    int status;
    waitpid(c, &status, 0);
    if (WIFEXITED(status)) printf("%-10s %-48s -> %s\n", "child", what, WEXITSTATUS(status) == 0 ? "ok" : ename(WEXITSTATUS(status)));
    else report(what, status);
}

static void errors(void) {
    key_t key = 0x4b440000 ^ getpid();
    OK("semget", "0 semaphores", semget(IPC_PRIVATE, 0, 0600));
    OK("semget", "-1 semaphores", semget(IPC_PRIVATE, -1, 0600));
    OK("semget", "32001 semaphores (past SEMMSL)", semget(IPC_PRIVATE, 32001, 0600));
    OK("semget", "a key nobody made, no IPC_CREAT", semget(key, 1, 0600));
    int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
    OK("semget", "the key, IPC_CREAT|IPC_EXCL", id);
    OK("semget", "again, IPC_CREAT|IPC_EXCL", semget(key, 3, IPC_CREAT | IPC_EXCL | 0600));
    SAY("semget", "again with 0 semaphores: the same set", semget(key, 0, 0) == id);
    SAY("semget", "again with 2 semaphores: the same set", semget(key, 2, 0) == id);
    OK("semget", "again with 4 semaphores", semget(key, 4, 0));
    struct sembuf b = {0, 1, 0};
    OK("semop", "0 operations", semop(id, &b, 0));
    OK("semop", "501 operations (past SEMOPM)", semop(id, &b, 501));
    OK("semop", "semaphore 3 of 3", op1(id, 3, 1, 0));
    OK("semop", "a stale id", op1(id + 32768 * 5, 0, 1, 0));
    OK("semop", "id -1", op1(-1, 0, 1, 0));
    OK("semop", "operations at a bad address (direct call)", syscall(SYS_ipc, 1 /* SEMOP */, id, 1, 0, (void *)16));
    OK("semctl", "SETVAL 32768 (past SEMVMX)", setval(id, 0, 32768));
    OK("semctl", "SETVAL -1", setval(id, 0, -1));
    OK("semctl", "SETVAL of semaphore 3 of 3", setval(id, 3, 1));
    OK("semctl", "GETVAL of semaphore -1", semctl(id, -1, GETVAL));
    OK("semctl", "an unknown command", semctl(id, 0, 99));
    OK("semctl", "IPC_RMID", semctl(id, 0, IPC_RMID));
    OK("semctl", "GETVAL after IPC_RMID", semctl(id, 0, GETVAL));
    OK("semget", "the key after IPC_RMID, no IPC_CREAT", semget(key, 1, 0600));
}

static void values(void) {
    int id = semget(IPC_PRIVATE, 3, 0600);
    unsigned short all[3] = {1, 2, 3}, got[3] = {9, 9, 9};
    union semun u;
    VAL("semctl", "GETVAL of a new semaphore", semctl(id, 1, GETVAL));
    u.array = all;
    OK("semctl", "SETALL 1 2 3", semctl(id, 0, SETALL, u));
    u.array = got;
    OK("semctl", "GETALL", semctl(id, 0, GETALL, u));
    printf("%-10s %-48s -> %d %d %d\n", "semctl", "GETALL says", got[0], got[1], got[2]);
    all[1] = 40000;
    u.array = all;
    OK("semctl", "SETALL with 40000 (past SEMVMX)", semctl(id, 0, SETALL, u));
    OK("semctl", "SETVAL 7", setval(id, 2, 7));
    VAL("semctl", "GETVAL", semctl(id, 2, GETVAL));
    SAY("semctl", "GETPID is the caller", semctl(id, 2, GETPID) == getpid());
    VAL("semctl", "GETNCNT, nobody waits", semctl(id, 0, GETNCNT));
    VAL("semctl", "GETZCNT, nobody waits", semctl(id, 0, GETZCNT));

    /* An array applies all or nothing, in order. */
    struct sembuf two[2] = {{0, -1, 0}, {1, -5, IPC_NOWAIT}};
    OK("semop", "-1 on sem 0 and -5 on sem 1 (2): all or nothing", semop(id, two, 2));
    VAL("semctl", "sem 0 is untouched", semctl(id, 0, GETVAL));
    struct sembuf seq[3] = {{0, 2, 0}, {0, -3, 0}, {1, 1, 0}};
    OK("semop", "+2 then -3 on sem 0 (1), +1 on sem 1", semop(id, seq, 3));
    printf("%-10s %-48s -> %d %d\n", "semctl", "sem 0 and sem 1", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL));
    OK("semop", "-1 on sem 0 (0), IPC_NOWAIT", op1(id, 0, -1, IPC_NOWAIT));
    OK("semop", "wait for zero on sem 1 (3), IPC_NOWAIT", op1(id, 1, 0, IPC_NOWAIT));
    OK("semop", "wait for zero on sem 0 (0)", op1(id, 0, 0, 0));
    setval(id, 2, 32767);
    OK("semop", "+1 on 32767", op1(id, 2, 1, 0));
    setval(id, 0, 32767);
    OK("semop", "-32767 on sem 0 with SEM_UNDO", op1(id, 0, -32767, SEM_UNDO));
    OK("semop", "+5 on sem 0 without", op1(id, 0, 5, 0));
    OK("semop", "-1 with SEM_UNDO (its adjustment past SEMAEM)", op1(id, 0, -1, SEM_UNDO));
    VAL("semctl", "sem 0", semctl(id, 0, GETVAL));

    /* Timeouts: EAGAIN when the time passes; a bad timespec is EINVAL. */
    struct timespec ts = {0, 20 * 1000 * 1000};
    struct sembuf w = {1, -10, 0};
    OK("semtimedop", "-10 on sem 1 (3), 20 ms", semtimedop(id, &w, 1, &ts));
    ts.tv_nsec = 1000000000;
    OK("semtimedop", "a timespec of 1e9 ns", semtimedop(id, &w, 1, &ts));
    ts.tv_nsec = 0;
    OK("semtimedop", "a zero timeout", semtimedop(id, &w, 1, &ts));
    w.sem_op = -1;
    OK("semtimedop", "-1 on sem 1 (3), a zero timeout", semtimedop(id, &w, 1, &ts));

    struct semid_ds ds;
    union semun su;
    su.buf = &ds;
    OK("semctl", "IPC_STAT", semctl(id, 0, IPC_STAT, su));
    printf("%-10s %-48s -> nsems %lu mode %o\n", "semctl", "IPC_STAT says", (unsigned long)ds.sem_nsems, (unsigned)ds.sem_perm.mode);
    SAY("semctl", "owner and creator are the caller", ds.sem_perm.uid == geteuid() && ds.sem_perm.cuid == geteuid());
#ifdef __powerpc64__
    /* (qemu-user 7.2 leaves a 32-bit process's sem_ctime 0: guest/sysv/linux.c checks it.) */
    SAY("semctl", "ctime is set", ds.sem_ctime != 0);
#endif
    ds.sem_perm.mode = 0640;
    OK("semctl", "IPC_SET mode 0640", semctl(id, 0, IPC_SET, su));
    semctl(id, 0, IPC_STAT, su);
    printf("%-10s %-48s -> %o\n", "semctl", "mode after IPC_SET", (unsigned)ds.sem_perm.mode);
    SAY("semctl", "SEM_STAT of the slot gives the id", semctl(id % 32768, 0, SEM_STAT, su) == id);
    OK("semctl", "IPC_RMID", semctl(id, 0, IPC_RMID));
}

/* A child blocked until the parent posts, or waits for zero, or sees its set removed. */
static void waits(void) {
    int id = semget(IPC_PRIVATE, 2, 0600);
    pid_t c = fork();
    if (c == 0) {
        child_exit(op1(id, 0, -1, 0));
    }
    SAY("parent", "the child waits (GETNCNT 1)", wait_count(id, 0, GETNCNT, 1));
    OK("parent", "+1 on sem 0", op1(id, 0, 1, 0));
    child_result("-1 on sem 0 (0): blocked until the post", c);
    VAL("semctl", "sem 0 after", semctl(id, 0, GETVAL));

    setval(id, 1, 2);
    c = fork();
    if (c == 0) {
        child_exit(op1(id, 1, 0, 0));
    }
    SAY("parent", "the child waits for zero (GETZCNT 1)", wait_count(id, 1, GETZCNT, 1));
    OK("parent", "-1 on sem 1", op1(id, 1, -1, 0));
    VAL("parent", "GETZCNT still", semctl(id, 1, GETZCNT));
    OK("parent", "-1 on sem 1 again", op1(id, 1, -1, 0));
    child_result("wait for zero on sem 1 (2)", c);

    /* An array waits at the operation that blocks it (GETNCNT counts it there only). */
    c = fork();
    if (c == 0) {
        struct sembuf two[2] = {{0, -1, 0}, {1, -1, 0}};
        child_exit(semop(id, two, 2));
    }
    SAY("parent", "the child waits at sem 0", wait_count(id, 0, GETNCNT, 1));
    VAL("parent", "GETNCNT of sem 1", semctl(id, 1, GETNCNT));
    OK("parent", "+1 on sem 0", op1(id, 0, 1, 0));
    SAY("parent", "now it waits at sem 1", wait_count(id, 1, GETNCNT, 1));
    VAL("parent", "GETNCNT of sem 0", semctl(id, 0, GETNCNT));
    VAL("parent", "sem 0 (the array took nothing)", semctl(id, 0, GETVAL));
    OK("parent", "+1 on sem 1", op1(id, 1, 1, 0));
    child_result("-1 on sem 0 and sem 1 (0, 0)", c);
    printf("%-10s %-48s -> %d %d\n", "semctl", "sem 0 and sem 1", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL));

    /* A child killed while it waits: its operation leaves the queue. */
    c = fork();
    if (c == 0) {
        child_exit(op1(id, 0, -1, 0));
    }
    SAY("parent", "the child waits", wait_count(id, 0, GETNCNT, 1));
    OK("parent", "SIGKILL to the waiting child", kill(c, SIGKILL));
    int status;
    waitpid(c, &status, 0);
    report("the killed child", status);
    VAL("parent", "GETNCNT after its death", semctl(id, 0, GETNCNT));

    c = fork();
    if (c == 0) {
        child_exit(op1(id, 0, -1, 0));
    }
    SAY("parent", "the child waits", wait_count(id, 0, GETNCNT, 1));
    OK("parent", "IPC_RMID", semctl(id, 0, IPC_RMID));
    child_result("-1 on sem 0 (0): the set is removed", c);
}

/* SEM_UNDO: a child's adjustments are undone when it exits (not those of SETVAL'd semaphores). */
static void undo(void) {
    int id = semget(IPC_PRIVATE, 3, 0600);
    int status;
    setval(id, 1, 5);
    setval(id, 2, 2);
    pid_t c = fork();
    if (c == 0) {
        OK("child", "+3 on sem 0 with SEM_UNDO", op1(id, 0, 3, SEM_UNDO));
        OK("child", "-2 on sem 1 with SEM_UNDO", op1(id, 1, -2, SEM_UNDO));
        OK("child", "+1 on sem 1 without", op1(id, 1, 1, 0));
        OK("child", "-2 on sem 2 with SEM_UNDO", op1(id, 2, -2, SEM_UNDO));
        printf("%-10s %-48s -> %d %d %d\n", "child", "values before exit", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL), semctl(id, 2, GETVAL));
        OK("child", "SETVAL sem 2 to 1 (its adjustment cleared)", setval(id, 2, 1));
        _exit(0);
    }
    waitpid(c, &status, 0);
    report("the child", status);
    printf("%-10s %-48s -> %d %d %d\n", "parent", "values after its exit", semctl(id, 0, GETVAL), semctl(id, 1, GETVAL), semctl(id, 2, GETVAL));
    SAY("parent", "GETPID of sem 0 is the child", semctl(id, 0, GETPID) == c);

    /* A child blocked in an undo op; the parent's post completes it, its exit undoes it. */
    setval(id, 0, 0);
    c = fork();
    if (c == 0) {
        child_exit(op1(id, 0, -1, SEM_UNDO));
    }
    SAY("parent", "the child waits", wait_count(id, 0, GETNCNT, 1));
    OK("parent", "+2 on sem 0", op1(id, 0, 2, 0));
    child_result("-1 on sem 0 (0) with SEM_UNDO: waited", c);
    VAL("parent", "sem 0 after its exit (2 - 1 + 1)", semctl(id, 0, GETVAL));

    /* Clamped at 0: the child's +4 was taken by the parent before the child exits. */
    setval(id, 0, 0);
    c = fork();
    if (c == 0) {
        op1(id, 0, 4, SEM_UNDO);
        op1(id, 1, 0, 0); /* sem 1 is 4: wait until the parent empties it */
        _exit(0);
    }
    OK("parent", "-4 on sem 0 (waits for the child's +4)", op1(id, 0, -4, 0));
    setval(id, 1, 0);
    waitpid(c, &status, 0);
    report("the child", status);
    VAL("parent", "sem 0 after the undo (clamped at 0)", semctl(id, 0, GETVAL));
    semctl(id, 0, IPC_RMID);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    errors();
    values();
    waits();
    undo();
    return 0;
}
