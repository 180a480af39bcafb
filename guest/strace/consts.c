/*
 * The PowerPC values of the constants k42 --strace names (src/linux/strace/names.ts), and
 * glibc's strerror text for each errno, as this target's headers and C library define them.
 * consts.test.ts runs it under qemu-user and compares. One "NAME VALUE" line each (unsigned
 * hex); a name the headers do not define is not printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
/* Kernel-only names glibc does not define (PROT_SEM, MAP_UNINITIALIZED, MADV_SOFT_OFFLINE). */
#include <linux/mman.h>

#define P(name) printf("%s 0x%lx\n", #name, (unsigned long)(unsigned int)(name))

int main(void) {
#ifdef O_CREAT
    P(O_CREAT);
#endif
#ifdef O_EXCL
    P(O_EXCL);
#endif
#ifdef O_NOCTTY
    P(O_NOCTTY);
#endif
#ifdef O_TRUNC
    P(O_TRUNC);
#endif
#ifdef O_APPEND
    P(O_APPEND);
#endif
#ifdef O_NONBLOCK
    P(O_NONBLOCK);
#endif
#ifdef O_SYNC
    P(O_SYNC);
#endif
#ifdef O_DSYNC
    P(O_DSYNC);
#endif
#ifdef O_ASYNC
    P(O_ASYNC);
#endif
#ifdef O_TMPFILE
    P(O_TMPFILE);
#endif
#ifdef O_DIRECTORY
    P(O_DIRECTORY);
#endif
#ifdef O_NOFOLLOW
    P(O_NOFOLLOW);
#endif
#ifdef O_LARGEFILE
    P(O_LARGEFILE);
#endif
#ifdef O_DIRECT
    P(O_DIRECT);
#endif
#ifdef O_NOATIME
    P(O_NOATIME);
#endif
#ifdef O_CLOEXEC
    P(O_CLOEXEC);
#endif
#ifdef O_PATH
    P(O_PATH);
#endif
#ifdef O_RDONLY
    P(O_RDONLY);
#endif
#ifdef O_WRONLY
    P(O_WRONLY);
#endif
#ifdef O_RDWR
    P(O_RDWR);
#endif
#ifdef PROT_READ
    P(PROT_READ);
#endif
#ifdef PROT_WRITE
    P(PROT_WRITE);
#endif
#ifdef PROT_EXEC
    P(PROT_EXEC);
#endif
#ifdef PROT_SEM
    P(PROT_SEM);
#endif
#ifdef PROT_SAO
    P(PROT_SAO);
#endif
#ifdef PROT_GROWSDOWN
    P(PROT_GROWSDOWN);
#endif
#ifdef PROT_GROWSUP
    P(PROT_GROWSUP);
#endif
#ifdef MAP_SHARED
    P(MAP_SHARED);
#endif
#ifdef MAP_PRIVATE
    P(MAP_PRIVATE);
#endif
#ifdef MAP_SHARED_VALIDATE
    P(MAP_SHARED_VALIDATE);
#endif
#ifdef MAP_FIXED
    P(MAP_FIXED);
#endif
#ifdef MAP_ANONYMOUS
    P(MAP_ANONYMOUS);
#endif
#ifdef MAP_NORESERVE
    P(MAP_NORESERVE);
#endif
#ifdef MAP_LOCKED
    P(MAP_LOCKED);
#endif
#ifdef MAP_GROWSDOWN
    P(MAP_GROWSDOWN);
#endif
#ifdef MAP_DENYWRITE
    P(MAP_DENYWRITE);
#endif
#ifdef MAP_EXECUTABLE
    P(MAP_EXECUTABLE);
#endif
#ifdef MAP_POPULATE
    P(MAP_POPULATE);
#endif
#ifdef MAP_NONBLOCK
    P(MAP_NONBLOCK);
#endif
#ifdef MAP_STACK
    P(MAP_STACK);
#endif
#ifdef MAP_HUGETLB
    P(MAP_HUGETLB);
#endif
#ifdef MAP_SYNC
    P(MAP_SYNC);
#endif
#ifdef MAP_FIXED_NOREPLACE
    P(MAP_FIXED_NOREPLACE);
#endif
#ifdef MAP_UNINITIALIZED
    P(MAP_UNINITIALIZED);
#endif
#ifdef AT_SYMLINK_NOFOLLOW
    P(AT_SYMLINK_NOFOLLOW);
#endif
#ifdef AT_REMOVEDIR
    P(AT_REMOVEDIR);
#endif
#ifdef AT_SYMLINK_FOLLOW
    P(AT_SYMLINK_FOLLOW);
#endif
#ifdef AT_NO_AUTOMOUNT
    P(AT_NO_AUTOMOUNT);
#endif
#ifdef AT_EMPTY_PATH
    P(AT_EMPTY_PATH);
#endif
#ifdef AT_STATX_FORCE_SYNC
    P(AT_STATX_FORCE_SYNC);
#endif
#ifdef AT_STATX_DONT_SYNC
    P(AT_STATX_DONT_SYNC);
#endif
#ifdef AT_RECURSIVE
    P(AT_RECURSIVE);
#endif
#ifdef AT_EACCESS
    P(AT_EACCESS);
#endif
#ifdef R_OK
    P(R_OK);
#endif
#ifdef W_OK
    P(W_OK);
#endif
#ifdef X_OK
    P(X_OK);
#endif
#ifdef CLOCK_REALTIME
    P(CLOCK_REALTIME);
#endif
#ifdef CLOCK_MONOTONIC
    P(CLOCK_MONOTONIC);
#endif
#ifdef CLOCK_PROCESS_CPUTIME_ID
    P(CLOCK_PROCESS_CPUTIME_ID);
#endif
#ifdef CLOCK_THREAD_CPUTIME_ID
    P(CLOCK_THREAD_CPUTIME_ID);
#endif
#ifdef CLOCK_MONOTONIC_RAW
    P(CLOCK_MONOTONIC_RAW);
#endif
#ifdef CLOCK_REALTIME_COARSE
    P(CLOCK_REALTIME_COARSE);
#endif
#ifdef CLOCK_MONOTONIC_COARSE
    P(CLOCK_MONOTONIC_COARSE);
#endif
#ifdef CLOCK_BOOTTIME
    P(CLOCK_BOOTTIME);
#endif
#ifdef CLOCK_REALTIME_ALARM
    P(CLOCK_REALTIME_ALARM);
#endif
#ifdef CLOCK_BOOTTIME_ALARM
    P(CLOCK_BOOTTIME_ALARM);
#endif
#ifdef CLOCK_TAI
    P(CLOCK_TAI);
#endif
#ifdef TIMER_ABSTIME
    P(TIMER_ABSTIME);
#endif
#ifdef SIGHUP
    P(SIGHUP);
#endif
#ifdef SIGINT
    P(SIGINT);
#endif
#ifdef SIGQUIT
    P(SIGQUIT);
#endif
#ifdef SIGILL
    P(SIGILL);
#endif
#ifdef SIGTRAP
    P(SIGTRAP);
#endif
#ifdef SIGABRT
    P(SIGABRT);
#endif
#ifdef SIGBUS
    P(SIGBUS);
#endif
#ifdef SIGFPE
    P(SIGFPE);
#endif
#ifdef SIGKILL
    P(SIGKILL);
#endif
#ifdef SIGUSR1
    P(SIGUSR1);
#endif
#ifdef SIGSEGV
    P(SIGSEGV);
#endif
#ifdef SIGUSR2
    P(SIGUSR2);
#endif
#ifdef SIGPIPE
    P(SIGPIPE);
#endif
#ifdef SIGALRM
    P(SIGALRM);
#endif
#ifdef SIGTERM
    P(SIGTERM);
#endif
#ifdef SIGSTKFLT
    P(SIGSTKFLT);
#endif
#ifdef SIGCHLD
    P(SIGCHLD);
#endif
#ifdef SIGCONT
    P(SIGCONT);
#endif
#ifdef SIGSTOP
    P(SIGSTOP);
#endif
#ifdef SIGTSTP
    P(SIGTSTP);
#endif
#ifdef SIGTTIN
    P(SIGTTIN);
#endif
#ifdef SIGTTOU
    P(SIGTTOU);
#endif
#ifdef SIGURG
    P(SIGURG);
#endif
#ifdef SIGXCPU
    P(SIGXCPU);
#endif
#ifdef SIGXFSZ
    P(SIGXFSZ);
#endif
#ifdef SIGVTALRM
    P(SIGVTALRM);
#endif
#ifdef SIGPROF
    P(SIGPROF);
#endif
#ifdef SIGWINCH
    P(SIGWINCH);
#endif
#ifdef SIGIO
    P(SIGIO);
#endif
#ifdef SIGPWR
    P(SIGPWR);
#endif
#ifdef SIGSYS
    P(SIGSYS);
#endif
#ifdef SEEK_SET
    P(SEEK_SET);
#endif
#ifdef SEEK_CUR
    P(SEEK_CUR);
#endif
#ifdef SEEK_END
    P(SEEK_END);
#endif
#ifdef SEEK_DATA
    P(SEEK_DATA);
#endif
#ifdef SEEK_HOLE
    P(SEEK_HOLE);
#endif
#ifdef F_DUPFD
    P(F_DUPFD);
#endif
#ifdef F_GETFD
    P(F_GETFD);
#endif
#ifdef F_SETFD
    P(F_SETFD);
#endif
#ifdef F_GETFL
    P(F_GETFL);
#endif
#ifdef F_SETFL
    P(F_SETFL);
#endif
#ifdef F_GETLK
    P(F_GETLK);
#endif
#ifdef F_SETLK
    P(F_SETLK);
#endif
#ifdef F_SETLKW
    P(F_SETLKW);
#endif
#ifdef F_SETOWN
    P(F_SETOWN);
#endif
#ifdef F_GETOWN
    P(F_GETOWN);
#endif
#ifdef F_SETSIG
    P(F_SETSIG);
#endif
#ifdef F_GETSIG
    P(F_GETSIG);
#endif
#ifdef F_GETLK64
    P(F_GETLK64);
#endif
#ifdef F_SETLK64
    P(F_SETLK64);
#endif
#ifdef F_SETLKW64
    P(F_SETLKW64);
#endif
#ifdef F_SETOWN_EX
    P(F_SETOWN_EX);
#endif
#ifdef F_GETOWN_EX
    P(F_GETOWN_EX);
#endif
#ifdef F_OFD_GETLK
    P(F_OFD_GETLK);
#endif
#ifdef F_OFD_SETLK
    P(F_OFD_SETLK);
#endif
#ifdef F_OFD_SETLKW
    P(F_OFD_SETLKW);
#endif
#ifdef F_SETLEASE
    P(F_SETLEASE);
#endif
#ifdef F_GETLEASE
    P(F_GETLEASE);
#endif
#ifdef F_NOTIFY
    P(F_NOTIFY);
#endif
#ifdef F_DUPFD_CLOEXEC
    P(F_DUPFD_CLOEXEC);
#endif
#ifdef F_SETPIPE_SZ
    P(F_SETPIPE_SZ);
#endif
#ifdef F_GETPIPE_SZ
    P(F_GETPIPE_SZ);
#endif
#ifdef F_ADD_SEALS
    P(F_ADD_SEALS);
#endif
#ifdef F_GET_SEALS
    P(F_GET_SEALS);
#endif
#ifdef FD_CLOEXEC
    P(FD_CLOEXEC);
#endif
#ifdef TCGETS
    P(TCGETS);
#endif
#ifdef TCSETS
    P(TCSETS);
#endif
#ifdef TCSETSW
    P(TCSETSW);
#endif
#ifdef TCSETSF
    P(TCSETSF);
#endif
#ifdef TCGETA
    P(TCGETA);
#endif
#ifdef TCSETA
    P(TCSETA);
#endif
#ifdef TCSETAW
    P(TCSETAW);
#endif
#ifdef TCSETAF
    P(TCSETAF);
#endif
#ifdef TCSBRK
    P(TCSBRK);
#endif
#ifdef TCXONC
    P(TCXONC);
#endif
#ifdef TCFLSH
    P(TCFLSH);
#endif
#ifdef TIOCSWINSZ
    P(TIOCSWINSZ);
#endif
#ifdef TIOCGWINSZ
    P(TIOCGWINSZ);
#endif
#ifdef TIOCSTART
    P(TIOCSTART);
#endif
#ifdef TIOCSTOP
    P(TIOCSTOP);
#endif
#ifdef TIOCOUTQ
    P(TIOCOUTQ);
#endif
#ifdef TIOCSPGRP
    P(TIOCSPGRP);
#endif
#ifdef TIOCGPGRP
    P(TIOCGPGRP);
#endif
#ifdef TIOCEXCL
    P(TIOCEXCL);
#endif
#ifdef TIOCNXCL
    P(TIOCNXCL);
#endif
#ifdef TIOCSCTTY
    P(TIOCSCTTY);
#endif
#ifdef TIOCSTI
    P(TIOCSTI);
#endif
#ifdef TIOCNOTTY
    P(TIOCNOTTY);
#endif
#ifdef TIOCGSID
    P(TIOCGSID);
#endif
#ifdef TIOCGPTN
    P(TIOCGPTN);
#endif
#ifdef TIOCSPTLCK
    P(TIOCSPTLCK);
#endif
#ifdef FIOCLEX
    P(FIOCLEX);
#endif
#ifdef FIONCLEX
    P(FIONCLEX);
#endif
#ifdef FIOASYNC
    P(FIOASYNC);
#endif
#ifdef FIONBIO
    P(FIONBIO);
#endif
#ifdef FIONREAD
    P(FIONREAD);
#endif
#ifdef FUTEX_WAIT
    P(FUTEX_WAIT);
#endif
#ifdef FUTEX_WAKE
    P(FUTEX_WAKE);
#endif
#ifdef FUTEX_FD
    P(FUTEX_FD);
#endif
#ifdef FUTEX_REQUEUE
    P(FUTEX_REQUEUE);
#endif
#ifdef FUTEX_CMP_REQUEUE
    P(FUTEX_CMP_REQUEUE);
#endif
#ifdef FUTEX_WAKE_OP
    P(FUTEX_WAKE_OP);
#endif
#ifdef FUTEX_LOCK_PI
    P(FUTEX_LOCK_PI);
#endif
#ifdef FUTEX_UNLOCK_PI
    P(FUTEX_UNLOCK_PI);
#endif
#ifdef FUTEX_TRYLOCK_PI
    P(FUTEX_TRYLOCK_PI);
#endif
#ifdef FUTEX_WAIT_BITSET
    P(FUTEX_WAIT_BITSET);
#endif
#ifdef FUTEX_WAKE_BITSET
    P(FUTEX_WAKE_BITSET);
#endif
#ifdef FUTEX_WAIT_REQUEUE_PI
    P(FUTEX_WAIT_REQUEUE_PI);
#endif
#ifdef FUTEX_CMP_REQUEUE_PI
    P(FUTEX_CMP_REQUEUE_PI);
#endif
#ifdef FUTEX_LOCK_PI2
    P(FUTEX_LOCK_PI2);
#endif
#ifdef MADV_NORMAL
    P(MADV_NORMAL);
#endif
#ifdef MADV_RANDOM
    P(MADV_RANDOM);
#endif
#ifdef MADV_SEQUENTIAL
    P(MADV_SEQUENTIAL);
#endif
#ifdef MADV_WILLNEED
    P(MADV_WILLNEED);
#endif
#ifdef MADV_DONTNEED
    P(MADV_DONTNEED);
#endif
#ifdef MADV_FREE
    P(MADV_FREE);
#endif
#ifdef MADV_REMOVE
    P(MADV_REMOVE);
#endif
#ifdef MADV_DONTFORK
    P(MADV_DONTFORK);
#endif
#ifdef MADV_DOFORK
    P(MADV_DOFORK);
#endif
#ifdef MADV_MERGEABLE
    P(MADV_MERGEABLE);
#endif
#ifdef MADV_UNMERGEABLE
    P(MADV_UNMERGEABLE);
#endif
#ifdef MADV_HUGEPAGE
    P(MADV_HUGEPAGE);
#endif
#ifdef MADV_NOHUGEPAGE
    P(MADV_NOHUGEPAGE);
#endif
#ifdef MADV_DONTDUMP
    P(MADV_DONTDUMP);
#endif
#ifdef MADV_DODUMP
    P(MADV_DODUMP);
#endif
#ifdef MADV_WIPEONFORK
    P(MADV_WIPEONFORK);
#endif
#ifdef MADV_KEEPONFORK
    P(MADV_KEEPONFORK);
#endif
#ifdef MADV_COLD
    P(MADV_COLD);
#endif
#ifdef MADV_PAGEOUT
    P(MADV_PAGEOUT);
#endif
#ifdef MADV_POPULATE_READ
    P(MADV_POPULATE_READ);
#endif
#ifdef MADV_POPULATE_WRITE
    P(MADV_POPULATE_WRITE);
#endif
#ifdef MADV_HWPOISON
    P(MADV_HWPOISON);
#endif
#ifdef MADV_SOFT_OFFLINE
    P(MADV_SOFT_OFFLINE);
#endif
#ifdef MREMAP_MAYMOVE
    P(MREMAP_MAYMOVE);
#endif
#ifdef MREMAP_FIXED
    P(MREMAP_FIXED);
#endif
#ifdef MREMAP_DONTUNMAP
    P(MREMAP_DONTUNMAP);
#endif
#ifdef MS_ASYNC
    P(MS_ASYNC);
#endif
#ifdef MS_INVALIDATE
    P(MS_INVALIDATE);
#endif
#ifdef MS_SYNC
    P(MS_SYNC);
#endif
#ifdef MCL_CURRENT
    P(MCL_CURRENT);
#endif
#ifdef MCL_FUTURE
    P(MCL_FUTURE);
#endif
#ifdef MCL_ONFAULT
    P(MCL_ONFAULT);
#endif
#ifdef RLIMIT_CPU
    P(RLIMIT_CPU);
#endif
#ifdef RLIMIT_FSIZE
    P(RLIMIT_FSIZE);
#endif
#ifdef RLIMIT_DATA
    P(RLIMIT_DATA);
#endif
#ifdef RLIMIT_STACK
    P(RLIMIT_STACK);
#endif
#ifdef RLIMIT_CORE
    P(RLIMIT_CORE);
#endif
#ifdef RLIMIT_RSS
    P(RLIMIT_RSS);
#endif
#ifdef RLIMIT_NPROC
    P(RLIMIT_NPROC);
#endif
#ifdef RLIMIT_NOFILE
    P(RLIMIT_NOFILE);
#endif
#ifdef RLIMIT_MEMLOCK
    P(RLIMIT_MEMLOCK);
#endif
#ifdef RLIMIT_AS
    P(RLIMIT_AS);
#endif
#ifdef RLIMIT_LOCKS
    P(RLIMIT_LOCKS);
#endif
#ifdef RLIMIT_SIGPENDING
    P(RLIMIT_SIGPENDING);
#endif
#ifdef RLIMIT_MSGQUEUE
    P(RLIMIT_MSGQUEUE);
#endif
#ifdef RLIMIT_NICE
    P(RLIMIT_NICE);
#endif
#ifdef RLIMIT_RTPRIO
    P(RLIMIT_RTPRIO);
#endif
#ifdef RLIMIT_RTTIME
    P(RLIMIT_RTTIME);
#endif
#ifdef GRND_NONBLOCK
    P(GRND_NONBLOCK);
#endif
#ifdef GRND_RANDOM
    P(GRND_RANDOM);
#endif
#ifdef GRND_INSECURE
    P(GRND_INSECURE);
#endif
#ifdef LOCK_SH
    P(LOCK_SH);
#endif
#ifdef LOCK_EX
    P(LOCK_EX);
#endif
#ifdef LOCK_NB
    P(LOCK_NB);
#endif
#ifdef LOCK_UN
    P(LOCK_UN);
#endif
#ifdef SIG_BLOCK
    P(SIG_BLOCK);
#endif
#ifdef SIG_UNBLOCK
    P(SIG_UNBLOCK);
#endif
#ifdef SIG_SETMASK
    P(SIG_SETMASK);
#endif
#ifdef PR_SET_PDEATHSIG
    P(PR_SET_PDEATHSIG);
#endif
#ifdef PR_GET_PDEATHSIG
    P(PR_GET_PDEATHSIG);
#endif
#ifdef PR_GET_DUMPABLE
    P(PR_GET_DUMPABLE);
#endif
#ifdef PR_SET_DUMPABLE
    P(PR_SET_DUMPABLE);
#endif
#ifdef PR_GET_FPEXC
    P(PR_GET_FPEXC);
#endif
#ifdef PR_SET_FPEXC
    P(PR_SET_FPEXC);
#endif
#ifdef PR_SET_NAME
    P(PR_SET_NAME);
#endif
#ifdef PR_GET_NAME
    P(PR_GET_NAME);
#endif
#ifdef PR_SET_SECCOMP
    P(PR_SET_SECCOMP);
#endif
#ifdef PR_CAPBSET_READ
    P(PR_CAPBSET_READ);
#endif
#ifdef PR_SET_TIMERSLACK
    P(PR_SET_TIMERSLACK);
#endif
#ifdef PR_GET_TIMERSLACK
    P(PR_GET_TIMERSLACK);
#endif
#ifdef PR_SET_MM
    P(PR_SET_MM);
#endif
#ifdef PR_SET_CHILD_SUBREAPER
    P(PR_SET_CHILD_SUBREAPER);
#endif
#ifdef PR_GET_CHILD_SUBREAPER
    P(PR_GET_CHILD_SUBREAPER);
#endif
#ifdef PR_SET_NO_NEW_PRIVS
    P(PR_SET_NO_NEW_PRIVS);
#endif
#ifdef PR_GET_NO_NEW_PRIVS
    P(PR_GET_NO_NEW_PRIVS);
#endif
#ifdef PR_SET_THP_DISABLE
    P(PR_SET_THP_DISABLE);
#endif
#ifdef PR_GET_THP_DISABLE
    P(PR_GET_THP_DISABLE);
#endif
#ifdef PR_SET_VMA
    P(PR_SET_VMA);
#endif
#ifdef S_IFSOCK
    P(S_IFSOCK);
#endif
#ifdef S_IFLNK
    P(S_IFLNK);
#endif
#ifdef S_IFREG
    P(S_IFREG);
#endif
#ifdef S_IFBLK
    P(S_IFBLK);
#endif
#ifdef S_IFDIR
    P(S_IFDIR);
#endif
#ifdef S_IFCHR
    P(S_IFCHR);
#endif
#ifdef S_IFIFO
    P(S_IFIFO);
#endif
    for (int e = 1; e <= 133; e++) printf("strerror %d %s\n", e, strerror(e));
    return 0;
}
