/* System V shared memory: shmget's checks, shmat/shmdt (the kernel's address, SHM_RND,
 * SHM_RDONLY, SHM_REMAP, pieces left by munmap), shmctl (IPC_STAT, IPC_SET, SHM_STAT, IPC_RMID
 * while attached, SHM_LOCK), memory shared with a child across fork and after the child's
 * execve, shm_nattch through all of it. With "exec ID" as arguments it is that exec'd child. */
#include "sysv.h"
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>

#define PAGE 4096

static void xexecv(const char *path, char *const argv[]) {
    const char *wrap = getenv("QEMU_WRAP");
    if (wrap != NULL) {
        char *v[8];
        int n = 0;
        v[n++] = (char *)wrap;
        v[n++] = "-0";
        v[n++] = argv[0];
        v[n++] = (char *)path;
        for (int i = 1; argv[i] != NULL && n < 7; i++) v[n++] = argv[i];
        v[n] = NULL;
        execv(wrap, v);
    } else {
        execv(path, argv);
    }
    printf("execv failed: %s\n", strerror(errno));
    _exit(127);
}

static long nattch(int id) {
    struct shmid_ds ds;
    if (shmctl(id, IPC_STAT, &ds) == -1) return -1;
    return (long)ds.shm_nattch;
}

/* The exec'd child: its inherited attach went with its old image. */
static int execd(int id) {
    printf("%-10s %-48s -> %ld\n", "exec", "nattch in the exec'd child", nattch(id));
    char *p = shmat(id, NULL, 0);
    if (p == (char *)-1) {
        printf("exec'd child: shmat %s\n", ename(errno));
        return 1;
    }
    printf("%-10s %-48s -> %s\n", "exec", "the exec'd child reads", p);
    strcpy(p, "written after exec");
    shmdt(p);
    return 0;
}

static void errors(void) {
    key_t key = 0x4b420000 ^ getpid();
    OK("shmget", "size 0 (below SHMMIN)", shmget(IPC_PRIVATE, 0, 0600));
    OK("shmget", "a key nobody made, no IPC_CREAT", shmget(key, PAGE, 0600));
    int id = shmget(key, 2 * PAGE, IPC_CREAT | IPC_EXCL | 0600);
    OK("shmget", "the key, IPC_CREAT|IPC_EXCL", id);
    OK("shmget", "again, IPC_CREAT|IPC_EXCL", shmget(key, PAGE, IPC_CREAT | IPC_EXCL | 0600));
    SAY("shmget", "again, IPC_CREAT: the same segment", shmget(key, PAGE, IPC_CREAT | 0600) == id);
    SAY("shmget", "again, size 0: the same segment", shmget(key, 0, 0) == id);
    OK("shmget", "again, larger than the segment", shmget(key, 3 * PAGE, 0600));
    OK("shmat", "a stale id", shmat(id + 32768 * 7, NULL, 0));
    OK("shmat", "id -1", shmat(-1, NULL, 0));
    OK("shmat", "an address not page-aligned, no SHM_RND", shmat(id, (void *)(0x30000000 + 5), 0));
    OK("shmdt", "an address nothing is attached at", shmdt((void *)0x30000000));
    OK("shmdt", "an address not page-aligned", shmdt((void *)0x30000001));
    OK("shmctl", "an unknown command", shmctl(id, 77, NULL));
    OK("shmctl", "IPC_RMID", shmctl(id, IPC_RMID, NULL));
    OK("shmctl", "IPC_STAT after IPC_RMID", nattch(id));
    OK("shmget", "the key after IPC_RMID, no IPC_CREAT", shmget(key, PAGE, 0600));
}

static void attaches(void) {
    int id = shmget(IPC_PRIVATE, 3 * PAGE, 0600);
    char *p = shmat(id, NULL, 0);
    SAY("shmat", "the kernel picks a page-aligned address", p != (char *)-1 && ((unsigned long)p % PAGE) == 0);
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch after one attach", nattch(id));
    SAY("shmat", "a new segment reads as zeros", p[0] == 0 && p[3 * PAGE - 1] == 0);
    strcpy(p, "first");
    char *q = shmat(id, NULL, SHM_RDONLY);
    SAY("shmat", "a second attach sees the first's writes", q != (char *)-1 && strcmp(q, "first") == 0);
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch after two attaches", nattch(id));
    OK("mprotect", "PROT_WRITE on an SHM_RDONLY attach", mprotect(q, PAGE, PROT_READ | PROT_WRITE));
    OK("shmdt", "the SHM_RDONLY attach", shmdt(q));
    OK("shmdt", "the same address again", shmdt(q));
    /* The middle page unmapped: two pieces, each a mapping of the segment. */
    OK("munmap", "the middle page of the attach", munmap(p + PAGE, PAGE));
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch with the attach in two pieces", nattch(id));
    OK("shmdt", "inside the attach (its second page)", shmdt(p + PAGE));
    OK("shmdt", "the attach address: both pieces go", shmdt(p));
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch after shmdt", nattch(id));
    /* Given addresses, inside a reservation of this program's own (under qemu-user a freed
     * range may be taken by qemu itself): SHM_RND rounds down (to a 64 KiB boundary here,
     * a page boundary whatever the page size), SHM_REMAP replaces what is there. */
    char *hole = mmap(NULL, 1 << 18, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *at = (char *)(((unsigned long)hole + 0xffff) & ~0xfffful);
    char *r = shmat(id, at + 123, SHM_RND | SHM_REMAP);
    SAY("shmat", "SHM_RND rounds the address down", r == at);
    OK("shmat", "over an attach, no SHM_REMAP", shmat(id, at, 0));
    OK("shmat", "over another mapping, no SHM_REMAP", shmat(id, at + (1 << 16), 0));
    char *s = shmat(id, at, SHM_REMAP);
    SAY("shmat", "over an attach with SHM_REMAP", s == at);
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch after the remap", nattch(id));
    SAY("shmat", "the memory is the segment's", strcmp(s, "first") == 0);
    OK("shmdt", "the remapped attach", shmdt(s));
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch after shmdt", nattch(id));
    munmap(hole, 1 << 18);
    OK("shmctl", "IPC_RMID", shmctl(id, IPC_RMID, NULL));
}

static void ctl(void) {
    key_t key = 0x4b430000 ^ getpid();
    int id = shmget(key, 5000, IPC_CREAT | 0640);
    struct shmid_ds ds;
    memset(&ds, 0, sizeof ds);
    OK("shmctl", "IPC_STAT", shmctl(id, IPC_STAT, &ds));
    printf("%-10s %-48s -> key %s segsz %lu mode %o nattch %lu\n", "shmctl", "IPC_STAT says",
           ds.shm_perm.__key == key ? "right" : "wrong", (unsigned long)ds.shm_segsz, (unsigned)ds.shm_perm.mode, (unsigned long)ds.shm_nattch);
    SAY("shmctl", "creator and owner are the caller", ds.shm_perm.cuid == geteuid() && ds.shm_perm.uid == geteuid() && ds.shm_perm.cgid == getegid());
    SAY("shmctl", "the creator's pid, no attach yet", ds.shm_cpid == getpid() && ds.shm_lpid == 0 && ds.shm_atime == 0);
    SAY("shmctl", "ctime is set", ds.shm_ctime != 0);
    ds.shm_perm.mode = 0604;
    OK("shmctl", "IPC_SET mode 0604", shmctl(id, IPC_SET, &ds));
    memset(&ds, 0, sizeof ds);
    shmctl(id, IPC_STAT, &ds);
    printf("%-10s %-48s -> %o\n", "shmctl", "mode after IPC_SET", (unsigned)ds.shm_perm.mode);
    SAY("shmctl", "SHM_STAT of the slot gives the id", shmctl(id % 32768, SHM_STAT, &ds) == id);
    /* The direct calls (glibc's 32-bit shmctl converts the structure itself and would fault). */
    OK("shmctl", "IPC_STAT into a bad buffer (direct call)", syscall(SYS_shmctl, id, IPC_STAT, 16));
    OK("shmctl", "IPC_SET from a bad buffer (direct call)", syscall(SYS_shmctl, id, IPC_SET, 16));
    OK("shmctl", "SHM_LOCK", shmctl(id, SHM_LOCK, NULL));
    shmctl(id, IPC_STAT, &ds);
    printf("%-10s %-48s -> %o\n", "shmctl", "mode after SHM_LOCK", (unsigned)ds.shm_perm.mode);
    OK("shmctl", "SHM_UNLOCK", shmctl(id, SHM_UNLOCK, NULL));
    shmctl(id, IPC_STAT, &ds);
    printf("%-10s %-48s -> %o\n", "shmctl", "mode after SHM_UNLOCK", (unsigned)ds.shm_perm.mode);

    /* IPC_RMID while attached: the segment lives on, found by its id only. */
    char *p = shmat(id, NULL, 0);
    strcpy(p, "still here");
    OK("shmctl", "IPC_RMID while attached", shmctl(id, IPC_RMID, NULL));
    memset(&ds, 0, sizeof ds);
    OK("shmctl", "IPC_STAT after IPC_RMID, still attached", shmctl(id, IPC_STAT, &ds));
    printf("%-10s %-48s -> key %d mode %o nattch %lu\n", "shmctl", "it says", (int)ds.shm_perm.__key, (unsigned)ds.shm_perm.mode, (unsigned long)ds.shm_nattch);
    OK("shmget", "its old key, no IPC_CREAT", shmget(key, 0, 0));
    char *q = shmat(id, NULL, 0);
    SAY("shmat", "a removed segment still attaches (Linux)", q != (char *)-1 && strcmp(q, "still here") == 0);
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch", nattch(id));
    OK("shmdt", "one attach", shmdt(q));
    OK("shmctl", "IPC_STAT with one attach left", nattch(id));
    OK("shmdt", "the last attach", shmdt(p));
    OK("shmctl", "IPC_STAT after the last detach", nattch(id));
}

static void forked(const char *self) {
    int id = shmget(IPC_PRIVATE, 2 * PAGE, 0600);
    char *p = shmat(id, NULL, 0);
    strcpy(p, "parent wrote this");
    pid_t c = fork();
    if (c == 0) {
        printf("%-10s %-48s -> %ld\n", "child", "nattch after fork (inherited attach)", nattch(id));
        printf("%-10s %-48s -> %s\n", "child", "the child reads", p);
        strcpy(p + PAGE, "child wrote this");
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    report("the forked child", status);
    printf("%-10s %-48s -> %s\n", "parent", "the parent reads", p + PAGE);
    printf("%-10s %-48s -> %ld\n", "parent", "nattch after the child's exit", nattch(id));

    /* A child that execs: its attach goes with its old image; it attaches again. */
    c = fork();
    if (c == 0) {
        char ids[16];
        snprintf(ids, sizeof ids, "%d", id);
        char *argv[] = {(char *)self, "exec", ids, NULL};
        xexecv(self, argv);
    }
    waitpid(c, &status, 0);
    report("the exec'd child", status);
    printf("%-10s %-48s -> %s\n", "parent", "the parent reads", p);
    printf("%-10s %-48s -> %ld\n", "parent", "nattch after the exec'd child's exit", nattch(id));
    shmdt(p);
    shmctl(id, IPC_RMID, NULL);
}

/* IPC_RMID of a segment only a child still has attached: it goes when the child exits. */
static void last_attach(void) {
    int id = shmget(IPC_PRIVATE, PAGE, 0600);
    int sem = semget(IPC_PRIVATE, 1, 0600);
    char *p = shmat(id, NULL, 0);
    pid_t c = fork();
    if (c == 0) {
        struct sembuf down = {0, -1, 0};
        semop(sem, &down, 1); /* the inherited attach stays until the parent says */
        _exit(0);
    }
    OK("shmdt", "the parent detaches", shmdt(p));
    OK("shmctl", "IPC_RMID, the child still attached", shmctl(id, IPC_RMID, NULL));
    printf("%-10s %-48s -> %ld\n", "shmctl", "nattch", nattch(id));
    struct sembuf up = {0, 1, 0};
    semop(sem, &up, 1);
    int status;
    waitpid(c, &status, 0);
    report("the attached child", status);
    OK("shmctl", "IPC_STAT after the child's exit", nattch(id));
    semctl(sem, 0, IPC_RMID);
}

/* Permissions, in a child that is not root (CAP_IPC_OWNER would pass every check). */
static void perms(void) {
    pid_t c = fork();
    if (c == 0) {
        if (geteuid() == 0 && setuid(65534) != 0) _exit(2);
        int id = shmget(IPC_PRIVATE, PAGE, 0400);
        OK("shmat", "read-write, the owner may only read", shmat(id, NULL, 0));
        char *p = shmat(id, NULL, SHM_RDONLY);
        OK("shmat", "SHM_RDONLY, the owner may read", p);
        OK("shmat", "SHM_EXEC without execute permission", shmat(id, NULL, SHM_RDONLY | SHM_EXEC));
        struct shmid_ds ds;
        OK("shmctl", "IPC_STAT, readable", shmctl(id, IPC_STAT, &ds));
        shmdt(p);
        shmctl(id, IPC_RMID, NULL);
        int w = shmget(IPC_PRIVATE, PAGE, 0200);
        OK("shmctl", "IPC_STAT, not readable", shmctl(w, IPC_STAT, &ds));
        shmctl(w, IPC_RMID, NULL);
        _exit(0);
    }
    int status;
    waitpid(c, &status, 0);
    report("the permission child", status);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 2 && strcmp(argv[1], "exec") == 0) return execd(atoi(argv[2]));
    errors();
    attaches();
    ctl();
    forked(argv[0]);
    last_attach();
    perms();
    return 0;
}
