/*
 * The system family as a program sees it: uname, sysinfo, getrandom, sethostname and
 * setdomainname, personality, syslog and reboot. Raw system calls.
 *
 *   system          what is the same on every host: the system name and machine, structure
 *                   of sysinfo's answer, getrandom's flags, and the refusals. Safe for any user
 *                   under qemu: nothing that would change the host (its names, its kernel log,
 *                   a reboot) is asked by root; an unprivileged caller is refused.
 *   system values   k42ts only: the guest's own names and the machine's memory, uptime and
 *                   load; root sets the host and domain names and the personality.
 *   system linux    k42ts only: where qemu-user 7.2 is not Linux (a getrandom buffer that
 *                   ends in an unmapped page: Linux writes up to it).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <linux/reboot.h>
#include "check.h"

static long grnd(void *b, long n, long f) { return syscall(SYS_getrandom, b, n, f); }

static void common(int root) {
    struct utsname u;
    CHK("uname", "", syscall(SYS_uname, &u));
    printf("%-16s %-40s -> %s %s\n", "uname", "sysname machine", u.sysname, u.machine);
    CHK("uname", "bad pointer", syscall(SYS_uname, BAD));

    struct sysinfo si;
    memset(&si, 0xff, sizeof si);
    CHK("sysinfo", "", syscall(SYS_sysinfo, &si));
    /* (Not freeram <= totalram: qemu-user cuts a large host's sizes to ppc32's 32 bits without
     * scaling mem_unit as Linux does.) */
    SAY("sysinfo", "procs >= 1, mem_unit >= 1", si.procs >= 1 && si.mem_unit >= 1);
    SAY("sysinfo", "no high memory", si.totalhigh == 0 && si.freehigh == 0);
    CHK("sysinfo", "bad pointer", syscall(SYS_sysinfo, BAD));

    unsigned char b[64];
    CHK("getrandom", "16 bytes", grnd(b, 16, 0));
    CHK("getrandom", "0 bytes", grnd(b, 0, 0));
    CHK("getrandom", "NONBLOCK", grnd(b, 16, 1));
    CHK("getrandom", "RANDOM", grnd(b, 16, 2));
    CHK("getrandom", "INSECURE", grnd(b, 16, 4));
    CHK("getrandom", "INSECURE|RANDOM", grnd(b, 16, 6));
    CHK("getrandom", "flag 8", grnd(b, 16, 8));
    CHK("getrandom", "bad pointer", grnd(BAD, 16, 0));
    unsigned char big[100000];
    memset(big, 0, sizeof big);
    CHK("getrandom", "100000 bytes", grnd(big, sizeof big, 0));
    int zeros = 0;
    for (unsigned i = 0; i < sizeof big; i++) zeros += big[i] == 0;
    SAY("getrandom", "bytes look random", zeros < 1000);

    if (!root) {
        CHK("sethostname", "unprivileged", syscall(SYS_sethostname, "x", 1));
        CHK("sethostname", "unprivileged, length 100", syscall(SYS_sethostname, "x", 100));
        CHK("setdomainname", "unprivileged", syscall(SYS_setdomainname, "x", 1));
        CHK("syslog", "unprivileged SIZE_BUFFER", syscall(SYS_syslog, 10, NULL, 0));
        CHK("syslog", "unprivileged READ_ALL", syscall(SYS_syslog, 3, b, sizeof b));
        CHK("reboot", "unprivileged", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    } else {
        /* Root: only what fails before it would change anything. */
        CHK("sethostname", "length 65", syscall(SYS_sethostname, "x", 65));
        CHK("sethostname", "length -1", syscall(SYS_sethostname, "x", -1));
        CHK("sethostname", "bad pointer", syscall(SYS_sethostname, BAD, 4));
        CHK("setdomainname", "length 65", syscall(SYS_setdomainname, "x", 65));
        CHK("syslog", "type 99", syscall(SYS_syslog, 99, NULL, 0));
        CHK("syslog", "CLOSE", syscall(SYS_syslog, 0, NULL, 0));
        CHK("reboot", "bad magic", syscall(SYS_reboot, 1, 2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
        CHK("reboot", "bad second magic", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    }
    CHK("personality", "query", syscall(SYS_personality, 0xffffffffUL));
}

/* k42ts only. */
static void values(int root) {
    struct utsname u;
    syscall(SYS_uname, &u);
    printf("uname: %s | %s | %s | %s | %s | %s\n", u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname);
    struct sysinfo si;
    syscall(SYS_sysinfo, &si);
    printf("sysinfo: uptime %ld loads %lu %lu %lu totalram %lu procs %u mem_unit %u shared %lu buffer %lu swap %lu %lu\n",
           si.uptime, si.loads[0], si.loads[1], si.loads[2], si.totalram, si.procs, si.mem_unit, si.sharedram, si.bufferram, si.totalswap, si.freeswap);
    SAY("sysinfo", "some memory is free, some is not", si.freeram > 0 && si.freeram < si.totalram);
    if (root) {
        CHK("sethostname", "guest", syscall(SYS_sethostname, "guest.example", 13));
        CHK("setdomainname", "example", syscall(SYS_setdomainname, "example", 7));
        CHK("sethostname", "empty", syscall(SYS_sethostname, "", 0) == 0 && syscall(SYS_sethostname, "h\0idden", 7) == 0 ? 0 : -1);
        syscall(SYS_uname, &u);
        printf("uname: nodename [%s] (then %d %d) domainname [%s]\n", u.nodename, u.nodename[1], u.nodename[2], u.domainname);
        CHK("syslog", "SIZE_BUFFER (root)", syscall(SYS_syslog, 10, NULL, 0));
        CHK("reboot", "CAD_OFF (root)", syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL));
    }
    /* personality: PER_LINUX32 shows a 32-bit machine in uname (ppc64 reports it as PER_LINUX);
     * UNAME26 a 2.6 release. */
    printf("personality(PER_LINUX32) -> %lx\n", syscall(SYS_personality, 0x0008));
    printf("personality(query) -> %lx\n", syscall(SYS_personality, 0xffffffffUL));
    syscall(SYS_uname, &u);
    printf("uname under PER_LINUX32: %s\n", u.machine);
    printf("personality(PER_LINUX|UNAME26) -> %lx\n", syscall(SYS_personality, 0x0020000));
    printf("personality(query) -> %lx\n", syscall(SYS_personality, 0xffffffffUL));
    syscall(SYS_uname, &u);
    printf("uname under UNAME26: %s %s\n", u.release, u.machine);
    syscall(SYS_personality, 0);
#if !defined(__powerpc64__)
    struct { char f[5][65]; } old;
    CHK("olduname", "", syscall(SYS_olduname, &old));
    printf("olduname: %s %s %s\n", old.f[0], old.f[1], old.f[4]);
    struct { char f[5][9]; } oldold;
    CHK("oldolduname", "", syscall(SYS_oldolduname, &oldold));
    printf("oldolduname: %s %s %s %s\n", oldold.f[0], oldold.f[2], oldold.f[3], oldold.f[4]);
    CHK("olduname", "NULL", syscall(SYS_olduname, NULL));
#endif
}

/* k42ts only: qemu-user locks the whole buffer first and answers EFAULT. */
static void linux_only(void) {
    long pg = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p + pg, pg);
    CHK("getrandom", "200 bytes, 100 before a hole", grnd(p + pg - 100, 200, 0));
    CHK("getrandom", "at the hole", grnd(p + pg, 200, 0));
    /* qemu-user checks the type before the permission; Linux the permission first. */
    if (syscall(SYS_geteuid) != 0) CHK("syslog", "unprivileged type 99", syscall(SYS_syslog, 99, NULL, 0));
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    int root = syscall(SYS_geteuid) == 0;
    if (argc > 1 && strcmp(argv[1], "values") == 0) values(root);
    else if (argc > 1 && strcmp(argv[1], "linux") == 0) linux_only();
    else common(root);
    return 0;
}
