/* Named pipes in one process: mkfifo, the non-blocking opens (a reader without a writer, ENXIO
 * for a writer without a reader), O_RDWR, data through the FIFO, POLLHUP only once a writer came
 * and went, end of file, fstat and /proc/self/fd, F_GETPIPE_SZ, and the unread bytes dropped
 * with the last close. */
#include "../fs/common.h"
#include <poll.h>
#include <sys/ioctl.h>

/* PowerPC's O_LARGEFILE as the kernel sets it on files opened by path (glibc's macro is 0 on
 * 64-bit); qemu-user 7.2 on a 64-bit host drops it from F_GETFL: masked out. */
#define KERNEL_O_LARGEFILE 0x10000

static int revents(int fd) {
  struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
  if (poll(&p, 1, 0) < 0) return -1;
  return p.revents;
}

int main(void) {
  char path[64], buf[100];
  snprintf(path, sizeof path, "/tmp/k42-ipc-fifo-%d", getpid());
  unlink(path);
  show("mkfifo", mkfifo(path, 0600));
  show("mkfifo again", mkfifo(path, 0600));
  struct stat st;
  stat(path, &st);
  printf("stat: FIFO %d, mode %o, size %ld\n", S_ISFIFO(st.st_mode), (unsigned)st.st_mode & 07777, (long)st.st_size);

  show("open O_WRONLY|O_NONBLOCK, no reader", open(path, O_WRONLY | O_NONBLOCK));
  int r = open(path, O_RDONLY | O_NONBLOCK);
  okerr("open O_RDONLY|O_NONBLOCK, no writer", r);
  printf("poll the reader, no writer yet: %#x\n", revents(r));
  show("read, no writer yet", read(r, buf, sizeof buf));
  int w = open(path, O_WRONLY | O_NONBLOCK);
  okerr("open O_WRONLY|O_NONBLOCK, a reader there", w);
  show("F_GETFL reader", fcntl(r, F_GETFL) & ~KERNEL_O_LARGEFILE);
  show("F_GETFL writer", fcntl(w, F_GETFL) & ~KERNEL_O_LARGEFILE);
  printf("poll the writer: %#x\n", revents(w));
  show("write", write(w, "through the fifo", 16));
  printf("poll the reader: %#x\n", revents(r));
  int n = -1;
  ioctl(r, FIONREAD, &n);
  printf("FIONREAD = %d\n", n);
  show("F_GETPIPE_SZ", fcntl(r, F_GETPIPE_SZ));
  show("read", read(r, buf, sizeof buf));
  printf("  got \"%.16s\"\n", buf);
  int w2 = open(path, O_WRONLY);
  okerr("open O_WRONLY (blocking), a reader there", w2);
  close(w2);
  close(w);
  printf("poll the reader, the writers went: %#x\n", revents(r));
  show("read at end of file", read(r, buf, sizeof buf));

  struct stat fs;
  fstat(r, &fs);
  printf("fstat: FIFO %d, the node's inode %d, the node's device %d\n", S_ISFIFO(fs.st_mode), fs.st_ino == st.st_ino, fs.st_dev == st.st_dev);
  char fdp[64], link[128];
  snprintf(fdp, sizeof fdp, "/proc/self/fd/%d", r);
  long l = readlink(fdp, link, sizeof link - 1);
  link[l < 0 ? 0 : l] = 0;
  printf("readlink /proc/self/fd/N is the FIFO's path: %d\n", strcmp(link, path) == 0);
  show("lseek", lseek(r, 0, SEEK_SET));
  close(r);

  int rw = open(path, O_RDWR);
  okerr("open O_RDWR (never waits)", rw);
  printf("poll O_RDWR: %#x\n", revents(rw));
  show("write", write(rw, "abc", 3));
  printf("poll O_RDWR with data: %#x\n", revents(rw));
  close(rw);
  rw = open(path, O_RDWR | O_NONBLOCK);
  ioctl(rw, FIONREAD, &n);
  printf("FIONREAD after all closed and opened again = %d\n", n);
  show("read", read(rw, buf, sizeof buf));
  close(rw);

  show("open O_WRONLY|O_TRUNC|O_NONBLOCK, no reader", open(path, O_WRONLY | O_TRUNC | O_NONBLOCK));
  show("open O_RDONLY|O_CREAT|O_NONBLOCK of the FIFO", (r = open(path, O_RDONLY | O_CREAT | O_NONBLOCK, 0600)) < 0 ? -1 : 0);
  close(r);
  chmod(path, 0);
  if (geteuid() != 0) show("open without permission", open(path, O_RDONLY | O_NONBLOCK));
  show("unlink", unlink(path));
  return 0;
}
