/* POSIX shared memory and semaphores across fork: a counter in shm_open'd memory (a file in
 * /dev/shm, mapped MAP_SHARED) incremented by a parent and two children under a process-shared
 * sem_t in the same memory (futexes on shared memory: keyed by the physical page), a named
 * semaphore (sem_open: also a file in /dev/shm) handing turns, and the names removed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 2000

struct shared {
    sem_t lock;
    volatile long counter;
};

static void work(struct shared *s) {
    for (int i = 0; i < ROUNDS; i++) {
        while (sem_wait(&s->lock) == -1 && errno == EINTR) {}
        long v = s->counter;
        if (i % 64 == 0) sched_yield(); /* let another process try the lock while it is held */
        s->counter = v + 1;
        sem_post(&s->lock);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    char name[64], semname[64];
    snprintf(name, sizeof name, "/k42-posix-%d", (int)getpid());
    snprintf(semname, sizeof semname, "/k42-posix-sem-%d", (int)getpid());

    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    printf("shm_open O_CREAT|O_EXCL: %s\n", fd >= 0 ? "ok" : strerror(errno));
    if (fd < 0) return 1;
    printf("shm_open again with O_EXCL: %s\n", shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) >= 0 ? "ok" : strerror(errno));
    printf("ftruncate: %s\n", ftruncate(fd, sizeof(struct shared)) == 0 ? "ok" : strerror(errno));
    struct stat st;
    fstat(fd, &st);
    printf("size right: %s, mode %o\n", st.st_size == (off_t)sizeof(struct shared) ? "yes" : "no", (unsigned)(st.st_mode & 07777));
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (s == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        shm_unlink(name);
        return 1;
    }
    close(fd);
    printf("sem_init pshared: %s\n", sem_init(&s->lock, 1, 1) == 0 ? "ok" : strerror(errno));

    /* A named semaphore gives the children the start signal (0: wait). */
    sem_t *go = sem_open(semname, O_CREAT | O_EXCL, 0600, 0);
    printf("sem_open O_CREAT|O_EXCL: %s\n", go != SEM_FAILED ? "ok" : strerror(errno));
    if (go == SEM_FAILED) {
        shm_unlink(name);
        return 1;
    }

    pid_t kids[2];
    for (int k = 0; k < 2; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            /* The child opens the shared memory again by name: the same object. */
            int cfd = shm_open(name, O_RDWR, 0);
            struct shared *cs = mmap(NULL, sizeof *cs, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
            sem_t *cgo = sem_open(semname, 0);
            if (cfd < 0 || cs == MAP_FAILED || cgo == SEM_FAILED) _exit(2);
            sem_wait(cgo);
            work(k == 0 ? s : cs); /* one child through the inherited mapping, one through its own */
            _exit(0);
        }
    }
    sem_post(go);
    sem_post(go);
    work(s);
    int ok = 1;
    for (int k = 0; k < 2; k++) {
        int status;
        waitpid(kids[k], &status, 0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ok = 0;
    }
    printf("children exited 0: %s\n", ok ? "yes" : "no");
    printf("counter: %ld (expected %d)\n", s->counter, 3 * ROUNDS);
    int v = -1;
    sem_getvalue(&s->lock, &v);
    printf("the lock's value at the end: %d\n", v);
    printf("sem_trywait on the named semaphore (used up): %s\n", sem_trywait(go) == 0 ? "ok" : strerror(errno));
    sem_close(go);
    printf("sem_unlink: %s\n", sem_unlink(semname) == 0 ? "ok" : strerror(errno));
    printf("sem_open after sem_unlink: %s\n", sem_open(semname, 0) != SEM_FAILED ? "ok" : strerror(errno));
    sem_destroy(&s->lock);
    munmap(s, sizeof *s);
    printf("shm_unlink: %s\n", shm_unlink(name) == 0 ? "ok" : strerror(errno));
    printf("shm_open after shm_unlink: %s\n", shm_open(name, O_RDWR, 0) >= 0 ? "ok" : strerror(errno));
    return 0;
}
