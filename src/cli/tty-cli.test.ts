// `k42 run` under a host pseudo-terminal (python3's pty module drives it, as a person at a
// terminal would): with no program and a terminal on stdin, k42 starts Debian's bash -i; the
// host terminal is raw for the run, the guest's line discipline echoes and edits, ^C typed at
// the terminal reaches the foreground job through ISIG (not k42), a pipeline runs, and `exit`
// ends the run with bash's status. The driver waits for text, never for a time; the whole
// conversation is bounded (a generous limit per step). A job announces itself ("ready") before
// it is typed at or interrupted: bytes typed while bash's line editor still owns the terminal
// would be read in its raw mode, as on Linux.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { debianRoot } from "../linux/testing/debian.js";

const CLI = K42_BIN;

/** The driver: runs argv on a new pty, plays the conversation, prints what it saw and the exit status. */
const DRIVER = String.raw`
import os, pty, sys, select, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
buf = b""
log = []
def expect(s, limit=90):
    global buf
    end = time.monotonic() + limit
    while s.encode() not in buf:
        left = end - time.monotonic()
        r = select.select([fd], [], [], max(0, left))[0] if left > 0 else []
        if not r:
            print("TIMEOUT waiting for " + repr(s) + " after " + repr(buf[-300:])); sys.exit(2)
        try: d = os.read(fd, 4096)
        except OSError: d = b""
        if not d:
            print("EOF waiting for " + repr(s) + " after " + repr(buf[-300:])); sys.exit(3)
        buf += d
    i = buf.index(s.encode()) + len(s)
    seen, buf = buf[:i], buf[i:]
    log.append(seen)
    return seen
def send(s): os.write(fd, s.encode())
expect("# ")
send("echo hi $((6*7))\r"); expect("hi 42\r\n"); expect("# ")
send("echo abc def | tr a-z A-Z | cut -d' ' -f2\r"); expect("DEF\r\n"); expect("# ")
send("sh -c 'echo ready; exec cat'\r"); expect("ready\r\n")
send("typed\r"); expect("typed\r\ntyped\r\n")
send("\x03"); expect("# ")
send("echo cat $?\r"); expect("cat 130\r\n"); expect("# ")
send("sh -c 'echo ready; exec sleep 100'\r"); expect("ready\r\n"); send("\x03"); expect("# ")
send("echo sleep $?\r"); expect("sleep 130\r\n"); expect("# ")
send("stty size\r"); expect("\r\n"); expect("# ")
send("exit 3\r")
while True:
    try: d = os.read(fd, 4096)
    except OSError: break
    if not d: break
_, st = os.waitpid(pid, 0)
print("exit", os.waitstatus_to_exitcode(st))
`;
import { K42_BIN } from "../linux/testing/k42-bin.js";

test("k42 run with a terminal on stdin: an interactive bash, a pipeline, ^C to the foreground job, exit", () => {
  const root = debianRoot("ppc64el", ["bash", "coreutils"]);
  const r = spawnSync("python3", ["-c", DRIVER, process.execPath, CLI, "run", "--root", root], { encoding: "utf8", timeout: 600_000 });
  assert.equal(r.status, 0, `driver: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /^exit 3$/m, r.stdout);
});
