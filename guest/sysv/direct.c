/* The direct System V IPC system calls (glibc on PowerPC goes through ipc() instead): shmget,
 * shmat, shmdt, shmctl, semget, semctl (its union argument by value, as a libc passes it),
 * semtimedop (ppc32: semtimedop_time64), msgget, msgsnd, msgrcv, msgctl; and ipc()'s
 * version-1 msgrcv, which takes the buffer and type directly. */
#include "sysv.h"
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>

#ifdef SYS_semtimedop
#define SEMTIMEDOP SYS_semtimedop
#else
#define SEMTIMEDOP SYS_semtimedop_time64
#endif

/* The union semun as a register holds it: its memory image read as a long. */
static long semun_val(int val) {
    union semun u;
    memset(&u, 0, sizeof u);
    u.val = val;
    return (long)u.array;
}

struct ts64 {
    long long sec;
    long long nsec; /* a 32-bit process's __kernel_timespec: the low half counts */
};

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    /* Shared memory. */
    long id = syscall(SYS_shmget, IPC_PRIVATE, 8192, 0600);
    OK("shmget", "8192 bytes", id);
    char *p = (char *)syscall(SYS_shmat, id, 0, 0);
    OK("shmat", "the kernel's address", (long)p);
    strcpy(p + 4096, "direct");
    /* The kernel's struct shmid64_ds, read at its offsets (mode at 20; segsz and nattch at 72
     * and 88 as longs on ppc64, at 76 and 88 as words on ppc32). */
    unsigned long long raw[16];
    memset(raw, 0, sizeof raw);
    unsigned char *b8 = (unsigned char *)raw;
    OK("shmctl", "IPC_STAT", syscall(SYS_shmctl, id, IPC_STAT, raw));
#ifdef __powerpc64__
    unsigned long segsz = *(unsigned long *)(b8 + 72), natt = *(unsigned long *)(b8 + 88);
#else
    unsigned long segsz = *(unsigned *)(b8 + 76), natt = *(unsigned *)(b8 + 88);
#endif
    printf("%-10s %-48s -> segsz %lu nattch %lu mode %o\n", "shmctl", "it says", segsz, natt, *(unsigned *)(b8 + 20));
    char *q = (char *)syscall(SYS_shmat, id, 0, SHM_RDONLY);
    printf("%-10s %-48s -> %s\n", "shmat", "a second attach reads", q + 4096);
    OK("shmdt", "the second", syscall(SYS_shmdt, q));
    OK("shmdt", "the first", syscall(SYS_shmdt, p));
    OK("shmctl", "IPC_RMID", syscall(SYS_shmctl, id, IPC_RMID, 0));

    /* Semaphores. */
    long s = syscall(SYS_semget, IPC_PRIVATE, 2, 0600);
    OK("semget", "2 semaphores", s);
    OK("semctl", "SETVAL 5 (the union by value)", syscall(SYS_semctl, s, 1, SETVAL, semun_val(5)));
    VAL("semctl", "GETVAL", syscall(SYS_semctl, s, 1, GETVAL, 0));
    unsigned short all[2] = {9, 9};
    OK("semctl", "GETALL", syscall(SYS_semctl, s, 0, GETALL, all));
    printf("%-10s %-48s -> %d %d\n", "semctl", "GETALL says", all[0], all[1]);
    struct sembuf b[2] = {{1, -2, 0}, {0, 1, 0}};
    OK("semtimedop", "-2 on sem 1, +1 on sem 0, no timeout", syscall(SEMTIMEDOP, s, b, 2, NULL));
    struct ts64 t = {0, 10 * 1000 * 1000};
    struct sembuf w = {0, -2, 0};
    OK("semtimedop", "-2 on sem 0 (1), 10 ms", syscall(SEMTIMEDOP, s, &w, 1, &t));
    t.nsec = -1;
    OK("semtimedop", "a negative timespec", syscall(SEMTIMEDOP, s, &w, 1, &t));
    OK("semtimedop", "a timespec at a bad address", syscall(SEMTIMEDOP, s, &w, 1, (void *)16));
    OK("semctl", "IPC_RMID", syscall(SYS_semctl, s, 0, IPC_RMID, 0));

    /* Message queues. */
    long m = syscall(SYS_msgget, IPC_PRIVATE, 0600);
    OK("msgget", "a queue", m);
    struct { long type; char text[16]; } msg = {4, "four"}, in;
    OK("msgsnd", "type 4", syscall(SYS_msgsnd, m, &msg, 5, 0));
    msg.type = 2;
    strcpy(msg.text, "two");
    OK("msgsnd", "type 2", syscall(SYS_msgsnd, m, &msg, 4, 0));
    memset(&in, 0, sizeof in);
    long n = syscall(SYS_msgrcv, m, &in, sizeof in.text, -3L, IPC_NOWAIT);
    printf("%-10s %-48s -> %ld bytes, type %ld, %s\n", "msgrcv", "the lowest type up to 3", n, in.type, in.text);
    memset(&in, 0, sizeof in);
    n = syscall(SYS_ipc, 12 | (1 << 16) /* MSGRCV, version 1 */, m, sizeof in.text, IPC_NOWAIT, &in, 4L);
    printf("%-10s %-48s -> %ld bytes, type %ld, %s\n", "ipc", "version-1 msgrcv of type 4", n, in.type, in.text);
    OK("msgctl", "IPC_STAT", syscall(SYS_msgctl, m, IPC_STAT, raw));
    OK("msgctl", "IPC_RMID", syscall(SYS_msgctl, m, IPC_RMID, 0));
    OK("ipc", "an unknown call", syscall(SYS_ipc, 99, 0, 0, 0, 0, 0));
    return 0;
}
