// The socket ABI as PowerPC Linux has it: address families, socket types and flags, MSG_*
// flags, SOL_SOCKET options (asm/socket.h: PowerPC moves SO_RCVLOWAT..SO_PEERCRED to 16..21),
// and struct sockaddr_un (a 2-byte family, then up to 108 bytes of sun_path).

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17;
/** Families past the last one Linux knows (AF_MAX in 6.1 is 46). */
export const AF_MAX = 46;

export const enum SockType {
  Stream = 1,
  Dgram = 2,
  Raw = 3,
  Rdm = 4,
  SeqPacket = 5,
}

/** socket(2)'s type flags: O_NONBLOCK and O_CLOEXEC (PowerPC's values). */
export const SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
export const SOCK_TYPE_MASK = 0xf;

export const MSG = {
  OOB: 0x1, PEEK: 0x2, DONTROUTE: 0x4, CTRUNC: 0x8, TRUNC: 0x20, DONTWAIT: 0x40, EOR: 0x80,
  WAITALL: 0x100, NOSIGNAL: 0x4000, MORE: 0x8000, WAITFORONE: 0x10000, CMSG_CLOEXEC: 0x40000000,
  ERRQUEUE: 0x2000,
} as const;

export const SOL_SOCKET = 1;
export const SO = {
  DEBUG: 1, REUSEADDR: 2, TYPE: 3, ERROR: 4, DONTROUTE: 5, BROADCAST: 6, SNDBUF: 7, RCVBUF: 8,
  KEEPALIVE: 9, OOBINLINE: 10, PRIORITY: 12, LINGER: 13, REUSEPORT: 15,
  RCVLOWAT: 16, SNDLOWAT: 17, RCVTIMEO_OLD: 18, SNDTIMEO_OLD: 19, PASSCRED: 20, PEERCRED: 21,
  ACCEPTCONN: 30, SNDBUFFORCE: 32, RCVBUFFORCE: 33, PROTOCOL: 38, DOMAIN: 39,
  RCVTIMEO_NEW: 66, SNDTIMEO_NEW: 67,
} as const;

export const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
/** Most descriptors one SCM_RIGHTS message may carry (SCM_MAX_FD). */
export const SCM_MAX_FD = 253;

export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

/** offsetof(struct sockaddr_un, sun_path), and sizeof(struct sockaddr_un). */
export const SUN_PATH = 2, SOCKADDR_UN = 110;

/** Linux's defaults for net.core.wmem_default/rmem_default (and the _max the options cap at). */
export const DEFAULT_BUF = 212992;
export const SOCK_MIN_SNDBUF = 4608, SOCK_MIN_RCVBUF = 2304;
/** net.unix.max_dgram_qlen: a datagram receiver's queue (not a socketpair's) holds one more than this. */
export const MAX_DGRAM_QLEN = 10;
/** net.core.somaxconn: listen's backlog is capped here. */
export const SOMAXCONN = 4096;
