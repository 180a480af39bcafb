// The socket family of system calls, for the table (linux/syscalls/registry.ts): every call by
// its own number, and socketcall (ppc32 and ppc64 both have it; glibc may use it on ppc32),
// which reads its arguments as a block of longs from the guest and runs the same handlers.

import type { Handler } from "../process/syscalls.js";
import { E } from "../errno.js";
import { SOCKET_BASE, blockArgs, fromArgs, type ArgsHandler } from "./calls.js";
import { SOCKET_DATA } from "./data-calls.js";
import { SOCKET_OPTIONS } from "./sockopt.js";
import { argPtr } from "../sys/user.js";

const ALL: Record<string, ArgsHandler> = { ...SOCKET_BASE, ...SOCKET_DATA, ...SOCKET_OPTIONS };

/** socketcall's call numbers (linux/net.h SYS_*) and how many longs each takes. */
const MULTIPLEXED: readonly (readonly [string, number])[] = [
  ["", 0], ["socket", 3], ["bind", 3], ["connect", 3], ["listen", 2], ["accept", 3], ["getsockname", 3],
  ["getpeername", 3], ["socketpair", 4], ["send", 4], ["recv", 4], ["sendto", 6], ["recvfrom", 6],
  ["shutdown", 2], ["setsockopt", 5], ["getsockopt", 5], ["sendmsg", 3], ["recvmsg", 3], ["accept4", 4],
  ["recvmmsg", 5], ["sendmmsg", 4],
];

const socketcall: Handler = (ctx) => {
  const call = ctx.cpu.r[6] | 0;
  if (call < 1 || call >= MULTIPLEXED.length) return -E.EINVAL;
  const [name, n] = MULTIPLEXED[call];
  return ALL[name](ctx, blockArgs(ctx, argPtr(ctx, 1), n));
};

export const SOCKET_CALLS: Record<string, Handler> = {
  ...Object.fromEntries(Object.entries(ALL).map(([name, h]) => [name, fromArgs(h)])),
  socketcall,
};

export const SOCKET_PARTIAL: Record<string, string> = {
  socket: "AF_UNIX only: every other family is EAFNOSUPPORT (not built)",
  socketpair: "AF_UNIX only",
  setsockopt: "SOL_SOCKET's common options only (others ENOPROTOOPT)",
  getsockopt: "SOL_SOCKET's common options only (others ENOPROTOOPT)",
  sendmsg: "no MSG_OOB; in-flight sockets are not garbage-collected",
  recvmsg: "no MSG_OOB, no MSG_ERRQUEUE",
};
