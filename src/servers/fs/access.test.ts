// generic_permission on attributes (access.ts): owner, group (primary and supplementary) and
// other bits, owner bits taking precedence even when stricter, and uid 0's override, which
// still needs an x bit somewhere to execute a file (but searches any directory).

import { test } from "node:test";
import assert from "node:assert/strict";
import { MAY_EXEC, MAY_READ, MAY_WRITE, mayAccess } from "./access.js";
import { NodeType, type Cred } from "./iface.js";

const cred = (uid: number, gid: number, groups: number[] = []): Cred => ({ uid, gid, groups });
const ROOT = cred(0, 0);

test("access: the permission table", () => {
  const f = (perm: number, uid = 10, gid = 20) => ({ mode: NodeType.Reg | perm, uid, gid });
  const d = (perm: number) => ({ mode: NodeType.Dir | perm, uid: 10, gid: 20 });
  const rows: [string, { mode: number; uid: number; gid: number }, Cred, number, boolean][] = [
    ["owner rw", f(0o600), cred(10, 99), MAY_READ | MAY_WRITE, true],
    ["owner x without bit", f(0o600), cred(10, 99), MAY_EXEC, false],
    ["owner bits win over group bits", f(0o070), cred(10, 20), MAY_READ, false],
    ["group by primary gid", f(0o040), cred(11, 20), MAY_READ, true],
    ["group by supplementary gid", f(0o040), cred(11, 30, [5, 20]), MAY_READ, true],
    ["group bits win over other bits", f(0o704), cred(11, 20), MAY_READ, false],
    ["other", f(0o004), cred(11, 30), MAY_READ, true],
    ["other cannot write", f(0o664), cred(11, 30), MAY_WRITE, false],
    ["root reads 000", f(0o000), ROOT, MAY_READ | MAY_WRITE, true],
    ["root cannot execute without any x", f(0o666), ROOT, MAY_EXEC, false],
    ["root executes with other x only", f(0o001), ROOT, MAY_EXEC, true],
    ["root searches a 000 directory", d(0o000), ROOT, MAY_EXEC | MAY_WRITE, true],
    ["non-root search needs x", d(0o666), cred(11, 30), MAY_EXEC, false],
    ["nothing asked, always", f(0o000), cred(11, 30), 0, true],
  ];
  for (const [what, a, c, mask, want] of rows) assert.equal(mayAccess(a, c, mask), want, what);
});
