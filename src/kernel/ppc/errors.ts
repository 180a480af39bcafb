// Why a PPC failed: the codes carried by error replies and PPC/Refused and PPC/Error trace
// events, and the exception a caller sees. Codes are part of the wire and trace formats:
// never renumber one, add new ones at the end.

export const enum PpcErr {
  /** No server with that number is registered. */
  NoServer = 1,
  /** The request reached a processor where the server has no dispatcher. */
  NoDispatcher = 2,
  /** Method number out of range, or a one-way method called as two-way (or the reverse). */
  BadMethod = 3,
  /** The handle names no slot that was ever handed out (index out of range or never used). */
  Forged = 4,
  /** The handle's slot was revoked (sequence number mismatch, or not live). */
  Stale = 5,
  /** The caller's domain lacks a right the method requires. */
  Rights = 6,
  /** Arguments do not match the declaration (count or type). */
  BadArgs = 7,
  /** The server method threw. */
  ServerFault = 8,
  /** The server method returned a value that does not match the declaration. */
  BadResult = 9,
  /** A call made outside a kernel thread. */
  NoThread = 10,
  /** The request or reply does not fit in one interconnect message. */
  TooLarge = 11,
  /** A request or reply message could not be decoded. */
  Malformed = 12,
  /**
   * The server refused the request with an error number of its interface (a file server's
   * errno): the server threw ServerErrno. Not a fault: the server object is not restarted.
   */
  Errno = 13,
}

const NAMES: Readonly<Record<number, string>> = {
  1: "no such server", 2: "no dispatcher here", 3: "bad method", 4: "forged handle", 5: "stale handle",
  6: "rights", 7: "bad arguments", 8: "server fault", 9: "bad result", 10: "no thread", 11: "too large",
  12: "malformed message", 13: "errno",
};

export function errName(code: number): string {
  return NAMES[code] ?? `error ${code}`;
}

/** Refusals happen before the server object is reached (trace PPC/Refused). */
export function isRefusal(code: PpcErr): boolean {
  return code !== PpcErr.ServerFault && code !== PpcErr.BadResult && code !== PpcErr.Errno;
}

/** A failed PPC, thrown in the caller. A server's exception arrives as code ServerFault. */
export class PPCError extends Error {
  constructor(readonly code: PpcErr, message: string) {
    super(`${errName(code)}: ${message}`);
    this.name = "PPCError";
  }

  /** The server's error number (code Errno), else undefined. */
  get errno(): number | undefined {
    if (this.code !== PpcErr.Errno) return undefined;
    const n = Number(this.message.slice(errName(PpcErr.Errno).length + 2));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }
}

/**
 * Thrown by a server method to refuse a request with an error number of its interface (an
 * errno for the file servers). The caller's PPCError has code Errno and `.errno` set; the
 * server is not considered faulty.
 */
export class ServerErrno extends Error {
  constructor(readonly errno: number, detail = "") {
    super(`errno ${errno}${detail === "" ? "" : `: ${detail}`}`);
    this.name = "ServerErrno";
    if (!Number.isInteger(errno) || errno <= 0 || errno > 4095) throw new RangeError(`ServerErrno(${errno})`);
  }
}
