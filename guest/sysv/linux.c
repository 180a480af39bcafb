/* What qemu-user cannot be the oracle for, checked against Linux's own answers in k42 alone
 * (src/linux/sysv.test.ts has the expected lines): the limits (IPC_INFO: the host's sysctls
 * would show through qemu), the counts of SHM_INFO, SEM_INFO and MSG_INFO, ids as a fresh IPC
 * namespace hands them out, checks that depend on capabilities (run it as an ordinary user),
 * and what qemu-user 7.2 gets wrong: shmat(NULL, SHM_REMAP), the direct semctl with IPC_64,
 * a 32-bit process's sem_ctime and msg times, msg_lspid and msg_lrpid. */
#include "sysv.h"
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#define PAGE 4096

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("euid is 0: %s\n", geteuid() == 0 ? "yes" : "no");

    /* Ids: index + 32768 × sequence, slots handed out in turn over a window of 64. */
    int first = shmget(IPC_PRIVATE, PAGE, 0600);
    shmctl(first, IPC_RMID, NULL);
    int second = shmget(IPC_PRIVATE, PAGE, 0600);
    printf("shm ids: %d then %d\n", first, second);
    shmctl(second, IPC_RMID, NULL);
    int last = second;
    for (int i = 0; i < 63; i++) {
        last = shmget(IPC_PRIVATE, PAGE, 0600);
        shmctl(last, IPC_RMID, NULL);
    }
    printf("after 65 segments: the last %d, the next ", last);
    int wrapped = shmget(IPC_PRIVATE, PAGE, 0600);
    printf("%d\n", wrapped);
    shmctl(wrapped, IPC_RMID, NULL);
    int sem0 = semget(IPC_PRIVATE, 1, 0600), msg0 = msgget(IPC_PRIVATE, 0600);
    printf("first semaphore set %d, first queue %d\n", sem0, msg0);
    semctl(sem0, 0, IPC_RMID);
    msgctl(msg0, IPC_RMID, NULL);

    /* Limits. */
    struct shminfo si;
    int hi = shmctl(0, IPC_INFO, (struct shmid_ds *)&si);
    printf("shm IPC_INFO -> %d: shmmax %lu shmmin %lu shmmni %lu shmseg %lu shmall %lu\n", hi,
           (unsigned long)si.shmmax, (unsigned long)si.shmmin, (unsigned long)si.shmmni, (unsigned long)si.shmseg, (unsigned long)si.shmall);
    struct seminfo mi;
    union semun u;
    u.__buf = &mi;
    hi = semctl(0, 0, IPC_INFO, u);
    printf("sem IPC_INFO -> %d: semmap %d semmni %d semmns %d semmnu %d semmsl %d semopm %d semume %d semusz %d semvmx %d semaem %d\n", hi,
           mi.semmap, mi.semmni, mi.semmns, mi.semmnu, mi.semmsl, mi.semopm, mi.semume, mi.semusz, mi.semvmx, mi.semaem);
    struct msginfo qi;
    hi = msgctl(0, IPC_INFO, (struct msqid_ds *)&qi);
    printf("msg IPC_INFO -> %d: msgpool %d msgmap %d msgmax %d msgmnb %d msgmni %d msgssz %d msgtql %d msgseg %u\n", hi,
           qi.msgpool, qi.msgmap, qi.msgmax, qi.msgmnb, qi.msgmni, qi.msgssz, qi.msgtql, (unsigned)qi.msgseg);

    /* What is in use. */
    int a = shmget(IPC_PRIVATE, 3 * PAGE, 0600), b = shmget(IPC_PRIVATE, 5000, 0);
    char *p = shmat(a, NULL, 0);
    p[0] = 1;
    p[2 * PAGE] = 1;
    struct shm_info in;
    hi = shmctl(0, SHM_INFO, (struct shmid_ds *)&in);
    printf("SHM_INFO -> highest slot %s: used_ids %d shm_tot %lu shm_rss %lu shm_swp %lu\n", hi == b % 32768 ? "right" : "wrong",
           in.used_ids, (unsigned long)in.shm_tot, (unsigned long)in.shm_rss, (unsigned long)in.shm_swp);
    struct shmid_ds ds;
    OK("shmctl", "SHM_STAT of a segment of mode 0", shmctl(b % 32768, SHM_STAT, &ds));
    SAY("shmctl", "SHM_STAT_ANY of it gives the id", shmctl(b % 32768, SHM_STAT_ANY, &ds) == b);
    OK("shmat", "address 0 with SHM_REMAP", shmat(a, NULL, SHM_REMAP));
    OK("shmget", "SHM_HUGETLB (no huge pages)", shmget(IPC_PRIVATE, 2 << 20, SHM_HUGETLB | 0600));
    OK("shmget", "more than the machine's memory", shmget(IPC_PRIVATE, 1UL << 31, 0600));
    int big = shmget(IPC_PRIVATE, 1UL << 31, SHM_NORESERVE | 0600);
    OK("shmget", "the same with SHM_NORESERVE", big);
    shmctl(big, IPC_RMID, NULL);
    OK("shmctl", "SHM_LOCK (RLIMIT_MEMLOCK 8 MiB)", shmctl(a, SHM_LOCK, NULL));
    int c = shmget(IPC_PRIVATE, 9 << 20, 0600);
    OK("shmctl", "SHM_LOCK of 9 MiB more", shmctl(c, SHM_LOCK, NULL));
    OK("shmctl", "IPC_STAT, the old layout (no IPC_64)", syscall(SYS_ipc, 24, a, IPC_STAT, 0, &ds));
    shmdt(p);
    shmctl(a, IPC_RMID, NULL);
    shmctl(b, IPC_RMID, NULL);
    shmctl(c, IPC_RMID, NULL);

    int s = semget(IPC_PRIVATE, 4, 0600);
    hi = semctl(0, 0, SEM_INFO, u);
    printf("SEM_INFO -> highest slot %s: semusz (sets) %d semaem (semaphores) %d\n", hi == s % 32768 ? "right" : "wrong", mi.semusz, mi.semaem);
    OK("semctl", "GETVAL with IPC_64, the direct call", syscall(SYS_semctl, s, 0, GETVAL | 0x100, 0));
    struct semid_ds sd;
    u.buf = &sd;
    semctl(s, 0, IPC_STAT, u);
    SAY("semctl", "ctime is set, otime not yet", sd.sem_ctime != 0 && sd.sem_otime == 0);
    struct sembuf up = {0, 1, 0};
    semop(s, &up, 1);
    semctl(s, 0, IPC_STAT, u);
    SAY("semctl", "otime is set", sd.sem_otime != 0);
    semctl(s, 0, IPC_RMID);

    int q = msgget(IPC_PRIVATE, 0600);
    struct { long type; char text[8]; } m = {1, "x"};
    msgsnd(q, &m, 2, 0);
    msgsnd(q, &m, 2, 0);
    hi = msgctl(0, MSG_INFO, (struct msqid_ds *)&qi);
    printf("MSG_INFO -> highest slot %s: msgpool (queues) %d msgmap (messages) %d msgtql (bytes) %d\n", hi == q % 32768 ? "right" : "wrong",
           qi.msgpool, qi.msgmap, qi.msgtql);
    struct msqid_ds md;
    msgctl(q, IPC_STAT, &md);
    SAY("msgctl", "lspid is the caller, lrpid none", md.msg_lspid == getpid() && md.msg_lrpid == 0);
    SAY("msgctl", "stime and ctime are set, rtime not", md.msg_stime != 0 && md.msg_ctime != 0 && md.msg_rtime == 0);
    msgrcv(q, &m, 8, 0, 0);
    msgctl(q, IPC_STAT, &md);
    SAY("msgctl", "lrpid is the caller, rtime set", md.msg_lrpid == getpid() && md.msg_rtime != 0);
    md.msg_qbytes = 16385;
    OK("msgctl", "IPC_SET msg_qbytes past MSGMNB", msgctl(q, IPC_SET, &md));
    msgctl(q, IPC_RMID, NULL);
    return 0;
}
