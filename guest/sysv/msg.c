/* System V message queues: msgget's checks, msgsnd and msgrcv (typed receives: any, one
 * type, MSG_EXCEPT, the lowest type up to a bound; MSG_NOERROR, MSG_COPY, E2BIG, ENOMSG,
 * EAGAIN), msgctl (IPC_STAT, IPC_SET of the queue's size, MSG_STAT, IPC_RMID), a child blocked
 * in msgrcv until a message comes, a child blocked in msgsnd on a full queue, and EIDRM. */
#include "sysv.h"
#include <sys/msg.h>
#include <sys/syscall.h>

#ifndef MSG_COPY
#define MSG_COPY 040000
#endif

struct mbuf {
    long mtype;
    char mtext[64];
};

static int snd(int q, long type, const char *text, int flags) {
    struct mbuf m;
    m.mtype = type;
    snprintf(m.mtext, sizeof m.mtext, "%s", text);
    return msgsnd(q, &m, strlen(text) + 1, flags);
}

/* Receive and print what came: its type and text, or the errno. */
static void rcv(const char *cas, int q, size_t size, long type, int flags) {
    struct mbuf m;
    memset(&m, 0, sizeof m);
    errno = 0;
    long n = msgrcv(q, &m, size, type, flags);
    if (n == -1) printf("%-10s %-48s -> %s\n", "msgrcv", cas, ename(errno));
    else printf("%-10s %-48s -> %ld bytes, type %ld, \"%.*s\"\n", "msgrcv", cas, n, m.mtype, (int)n, m.mtext);
}

static struct msqid_ds stat_of(int q) {
    struct msqid_ds ds;
    memset(&ds, 0, sizeof ds);
    msgctl(q, IPC_STAT, &ds);
    return ds;
}

static void errors(void) {
    key_t key = 0x4b450000 ^ getpid();
    OK("msgget", "a key nobody made, no IPC_CREAT", msgget(key, 0600));
    int q = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    OK("msgget", "the key, IPC_CREAT|IPC_EXCL", q);
    OK("msgget", "again, IPC_CREAT|IPC_EXCL", msgget(key, IPC_CREAT | IPC_EXCL | 0600));
    SAY("msgget", "again: the same queue", msgget(key, 0) == q);
    OK("msgsnd", "type 0", snd(q, 0, "x", 0));
    OK("msgsnd", "type -1", snd(q, -1, "x", 0));
    struct mbuf m = {1, "x"};
    static struct { long mtype; char mtext[8200]; } big = {1, "x"};
    OK("msgsnd", "8193 bytes (past MSGMAX)", msgsnd(q, &big, 8193, 0));
    OK("msgsnd", "a bad message address", msgsnd(q, (void *)16, 4, 0));
    OK("msgsnd", "a stale id", msgsnd(q + 32768 * 3, &m, 2, 0));
    OK("msgrcv", "an empty queue, IPC_NOWAIT", msgrcv(q, &m, 8, 0, IPC_NOWAIT));
    OK("msgrcv", "id -1", msgrcv(-1, &m, 8, 0, IPC_NOWAIT));
    OK("msgrcv", "MSG_COPY without IPC_NOWAIT", msgrcv(q, &m, 8, 0, MSG_COPY));
    OK("msgrcv", "MSG_COPY with MSG_EXCEPT", msgrcv(q, &m, 8, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT));
    OK("msgctl", "an unknown command", msgctl(q, 77, NULL));
    OK("msgctl", "IPC_RMID", msgctl(q, IPC_RMID, NULL));
    OK("msgctl", "IPC_STAT after IPC_RMID", msgctl(q, IPC_STAT, &(struct msqid_ds){0}));
    OK("msgsnd", "after IPC_RMID", snd(q, 1, "x", 0));
}

static void typed(void) {
    int q = msgget(IPC_PRIVATE, 0600);
    OK("msgsnd", "type 3 \"three-a\"", snd(q, 3, "three-a", 0));
    OK("msgsnd", "type 1 \"one\"", snd(q, 1, "one", 0));
    OK("msgsnd", "type 2 \"two\"", snd(q, 2, "two", 0));
    OK("msgsnd", "type 3 \"three-b\"", snd(q, 3, "three-b", 0));
    OK("msgsnd", "type 5 \"five\"", snd(q, 5, "five", IPC_NOWAIT));
    struct msqid_ds ds = stat_of(q);
    printf("%-10s %-48s -> qnum %lu cbytes %lu qbytes %lu\n", "msgctl", "IPC_STAT", (unsigned long)ds.msg_qnum,
           (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes);
    /* (qemu-user 7.2 swaps msg_lspid and msg_lrpid, and leaves a 32-bit process's times 0:
     * guest/sysv/linux.c checks those.) */
    rcv("MSG_COPY of message 1", q, 64, 1, MSG_COPY | IPC_NOWAIT);
    rcv("MSG_COPY of message 9", q, 64, 9, MSG_COPY | IPC_NOWAIT);
    rcv("type 3, a 4-byte buffer", q, 4, 3, IPC_NOWAIT);
    rcv("type 3, a 4-byte buffer, MSG_NOERROR", q, 4, 3, MSG_NOERROR | IPC_NOWAIT);
    rcv("type 4", q, 64, 4, IPC_NOWAIT);
    rcv("any type but 3", q, 64, 3, MSG_EXCEPT | IPC_NOWAIT);
    rcv("the lowest type up to 4", q, 64, -4, IPC_NOWAIT);
    rcv("the lowest type up to 4", q, 64, -4, IPC_NOWAIT);
    rcv("any type", q, 64, 0, IPC_NOWAIT);
    rcv("any type", q, 64, 0, IPC_NOWAIT);
    ds = stat_of(q);
    printf("%-10s %-48s -> qnum %lu cbytes %lu\n", "msgctl", "IPC_STAT", (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes);
    SAY("msgctl", "MSG_STAT of the slot gives the id", msgctl(q % 32768, MSG_STAT, &ds) == q);
    msgctl(q, IPC_RMID, NULL);
}

static void waits(void) {
    int q = msgget(IPC_PRIVATE, 0600);
    int sync = semget(IPC_PRIVATE, 1, 0600);
    int status;
    /* A receiver waiting for type 7: other types do not wake it. */
    pid_t c = fork();
    if (c == 0) {
        struct sembuf up = {0, 1, 0};
        semop(sync, &up, 1);
        rcv("the child waits for type 7", q, 64, 7, 0);
        _exit(0);
    }
    struct sembuf down = {0, -1, 0};
    semop(sync, &down, 1);
    usleep(20000);
    snd(q, 6, "six", 0);
    snd(q, 7, "seven", 0);
    waitpid(c, &status, 0);
    report("the receiving child", status);
    rcv("what is left", q, 64, 0, IPC_NOWAIT);

    /* A full queue: msg_qbytes 100 takes two 40-byte messages; a third waits. */
    struct msqid_ds ds = stat_of(q);
    ds.msg_qbytes = 100;
    OK("msgctl", "IPC_SET msg_qbytes 100", msgctl(q, IPC_SET, &ds));
    char big[40];
    memset(big, 'b', sizeof big - 1);
    big[39] = 0;
    int sent = 0;
    while (snd(q, 1, big, IPC_NOWAIT) == 0) sent++;
    printf("%-10s %-48s -> %d, then %s\n", "msgsnd", "40-byte messages sent with IPC_NOWAIT", sent, ename(errno));
    c = fork();
    if (c == 0) {
        struct sembuf up = {0, 1, 0};
        semop(sync, &up, 1);
        int r = snd(q, 2, "waited", 0);
        _exit(r == 0 ? 0 : errno);
    }
    semop(sync, &down, 1);
    usleep(20000);
    rcv("one message, to make room", q, 64, 1, 0);
    waitpid(c, &status, 0);
    report("the sending child", status);
    rcv("the child's message", q, 64, 2, IPC_NOWAIT);
    ds = stat_of(q);
    printf("%-10s %-48s -> qnum %lu\n", "msgctl", "IPC_STAT", (unsigned long)ds.msg_qnum);
    /* A receiver when the queue goes: EIDRM. (The child says it is about to wait; the 20 ms
     * give it the time to start waiting — should it not, it would see EINVAL.) */
    c = fork();
    if (c == 0) {
        struct sembuf up = {0, 1, 0};
        semop(sync, &up, 1);
        struct mbuf m;
        int r = msgrcv(q, &m, 64, 99, 0);
        _exit(r >= 0 ? 0 : errno);
    }
    semop(sync, &down, 1);
    usleep(20000);
    OK("msgctl", "IPC_RMID", msgctl(q, IPC_RMID, NULL));
    waitpid(c, &status, 0);
    printf("%-10s %-48s -> %s\n", "child", "msgrcv when the queue is removed", WIFEXITED(status) ? ename(WEXITSTATUS(status)) : "killed");
    semctl(sync, 0, IPC_RMID);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    errors();
    typed();
    waits();
    return 0;
}
