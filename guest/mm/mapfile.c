/* mmap of files: read-only, private with writes, shared with writes and msync, two mappings
 * of one file, a private mapping seeing shared writes until it writes itself, write-back when
 * the last mapping goes, offsets, mremap, /dev/zero, and the errno cases (EINVAL, EACCES,
 * ENODEV, EBADF). Ends by touching a page past the end of the file: SIGBUS.
 *
 * usage: mapfile FILE [linux]   FILE: 3 pages + 100 bytes, byte i = (i * 13 + 7) & 255,
 * opened read-write. "linux": also the cases where qemu-user 7.2 is not Linux (it ignores
 * madvise; qemu-ppc succeeds on msync of a hole). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *err(int e) {
    switch (e) {
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case ENODEV: return "ENODEV";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EPERM: return "EPERM";
    default: return "other";
    }
}

static void result(const char *what, void *p) {
    if (p == MAP_FAILED) printf("%-40s -> MAP_FAILED %s\n", what, err(errno));
    else printf("%-40s -> ok\n", what);
}

static void rc(const char *what, int r) {
    if (r < 0) printf("%-40s -> -1 %s\n", what, err(errno));
    else printf("%-40s -> %d\n", what, r);
}

static int expect(long i) { return (int)((i * 13 + 7) & 255); }

static int fbyte(int fd, long off) {
    unsigned char b = 0;
    if (pread(fd, &b, 1, off) != 1) return -1;
    return b;
}

int main(int argc, char **argv) {
    const char *path = argv[1];
    int linux_only = argc > 2 && strcmp(argv[2], "linux") == 0;
    long pg = sysconf(_SC_PAGESIZE);
    setvbuf(stdout, NULL, _IONBF, 0);

    int ro = open(path, O_RDONLY);
    struct stat st;
    fstat(ro, &st);
    long size = st.st_size;
    printf("size %ld pages %ld\n", size, (size + pg - 1) / pg);

    /* Read-only private: the file's bytes, zeros after the end in the last page. */
    unsigned char *p = mmap(0, size, PROT_READ, MAP_PRIVATE, ro, 0);
    result("private read-only", p);
    long bad = 0, sum = 0;
    for (long i = 0; i < size; i++) {
        if (p[i] != expect(i)) bad++;
        sum += p[i];
    }
    long tail = 0;
    for (long i = size; i < (size + pg - 1) / pg * pg; i++) tail += p[i];
    printf("bytes wrong %ld sum %ld tail after the end %ld\n", bad, sum, tail);

    unsigned char *o = mmap(0, pg, PROT_READ, MAP_SHARED, ro, pg);
    result("shared read-only at offset 1 page", o);
    printf("first byte %d (file %d)\n", o[0], fbyte(ro, pg));
    result("offset not page-aligned", mmap(0, pg, PROT_READ, MAP_PRIVATE, ro, 100));
    result("shared writable on a read-only fd", mmap(0, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
    rc("mprotect write on that shared mapping", mprotect(o, pg, PROT_READ | PROT_WRITE));
    rc("mprotect exec on it", mprotect(o, pg, PROT_READ | PROT_EXEC));

    /* Private writable on a read-only descriptor: the copy is ours, the file unchanged. */
    unsigned char *w = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    result("private writable on a read-only fd", w);
    w[5] = 0xaa;
    printf("private write reads back %d, file has %d\n", w[5], fbyte(ro, 5));
    rc("munmap", munmap(w, size));

    /* Shared writable: two mappings and a private one of the same file. */
    int rw = open(path, O_RDWR);
    unsigned char *s = mmap(0, size, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
    unsigned char *s2 = mmap(0, pg, PROT_READ | PROT_WRITE, MAP_SHARED, rw, pg);
    unsigned char *q = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, rw, 0);
    result("shared writable", s);
    result("shared writable at offset 1 page", s2);
    result("private writable", q);
    s[pg + 10] = 0x55;
    printf("shared write: other shared mapping sees %d, private (untouched) sees %d\n", s2[10], q[pg + 10]);
    q[2 * pg] = 0x77;
    s[2 * pg + 1] = 0x66;
    printf("private write: shared keeps %d, private keeps %d after a shared write next to it (file %d)\n", s[2 * pg], q[2 * pg + 1], expect(2 * pg + 1));
    rc("msync MS_SYNC", msync(s, size, MS_SYNC));
    printf("file after msync: %d at page 1, %d at page 2\n", fbyte(rw, pg + 10), fbyte(rw, 2 * pg + 1));
    s2[20] = 0x44;
    rc("msync MS_ASYNC", msync(s2, pg, MS_ASYNC));
    printf("file after MS_ASYNC: %d\n", fbyte(rw, pg + 20));
    rc("msync MS_INVALIDATE", msync(s, pg, MS_INVALIDATE));
    if (linux_only) {
        /* qemu-ppc (32-bit) reserves its address space and succeeds on holes. */
        char *h = mmap(0, 3 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        munmap(h + pg, pg);
        rc("msync over a hole", msync(h, 3 * pg, MS_SYNC));
        munmap(h, 3 * pg);
        /* qemu-user 7.2 ignores madvise: Linux drops the private copy (the file shows again)
         * and keeps shared contents. */
        rc("madvise DONTNEED private", madvise(q, size, MADV_DONTNEED));
        printf("private page after DONTNEED: %d (file %d), shared write seen %d\n", q[2 * pg], fbyte(rw, 2 * pg), q[pg + 10]);
        rc("madvise DONTNEED shared", madvise(s, size, MADV_DONTNEED));
        printf("shared after DONTNEED: %d\n", s[pg + 10]);
    }

    /* mremap: a one-page mapping grown to three pages shows the file's next pages. */
    unsigned char *m = mmap(0, pg, PROT_READ, MAP_PRIVATE, ro, 0);
    unsigned char *m2 = mremap(m, pg, 3 * pg, MREMAP_MAYMOVE);
    result("mremap grow", m2);
    printf("grown mapping: %d %d %d (file %d %d %d)\n", m2[0], m2[pg + 10], m2[2 * pg + 1], fbyte(ro, 0), fbyte(ro, pg + 10), fbyte(ro, 2 * pg + 1));

    /* /dev/zero: anonymous memory, private or shared. */
    int z = open("/dev/zero", O_RDONLY);
    unsigned char *zp = mmap(0, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
    result("/dev/zero private", zp);
    zp[pg + 1] = 9;
    printf("/dev/zero private: %d %d\n", zp[100], zp[pg + 1]);
    result("/dev/zero shared (read-only fd, writable)", mmap(0, pg, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0));
    unsigned char *zs = mmap(0, pg, PROT_READ, MAP_SHARED, z, 0);
    result("/dev/zero shared read-only", zs);
    printf("/dev/zero shared: %d\n", zs[7]);

    int dir = open("/", O_RDONLY | O_DIRECTORY);
    result("a directory", mmap(0, pg, PROT_READ, MAP_PRIVATE, dir, 0));
    result("a closed descriptor", mmap(0, pg, PROT_READ, MAP_PRIVATE, 99, 0));
    result("length 0", mmap(0, 0, PROT_READ, MAP_PRIVATE, ro, 0));

    /* Write-back when the last mapping goes: write, unmap everything, read the file. */
    s[0] = 0x12;
    s[3 * pg + 99] = 0x34;
    munmap(s, size);
    munmap(s2, pg);
    munmap(q, size);
    munmap(p, size);
    munmap(o, pg);
    munmap(m2, 3 * pg);
    close(rw);
    printf("file after the last unmap: %d %d\n", fbyte(ro, 0), fbyte(ro, 3 * pg + 99));

    /* System calls that read from file pages not yet read (the kernel waits for them). */
    unsigned char *v = mmap(0, 2 * pg, PROT_READ, MAP_PRIVATE, ro, 0);
    struct iovec iov[3] = { { "writev of file bytes: ", 22 }, { v + pg + 64, 16 }, { "\n", 1 } };
    fflush(stdout);
    rc("writev", (int)writev(1, iov, 3));
    rc("write", (int)write(1, v + 32, 8));
    printf("\n");
    munmap(v, 2 * pg);

    /* Past the end: the rest of the last page reads zeros; the next page is SIGBUS. */
    unsigned char *e = mmap(0, 5 * pg, PROT_READ, MAP_SHARED, ro, 0);
    result("mapping longer than the file", e);
    printf("last page past the end: %d; touching the page after it\n", e[3 * pg + 200]);
    printf("%d\n", e[4 * pg]);
    printf("not reached\n");
    return 0;
}
