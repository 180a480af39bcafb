// Node masks in guest memory against Linux 6.1 (mm/mempolicy.c get_nodes, get_bitmap,
// copy_nodes_to_user; kernel/compat.c compat_get_bitmap, compat_put_bitmap).

import { test } from "node:test";
import assert from "node:assert/strict";
import { EFAULT, EINVAL } from "./errno.js";
import {
  applyWordWrites, nodemaskAbi, readUserNodemask, wordReader, writeUserNodemask,
  type NodemaskAbi, type ReadWord, type UserNodemask, type WordWrite,
} from "./nodemask.js";

const PPC64 = nodemaskAbi(64, 4);
const PPC32 = nodemaskAbi(32, 4);

/** A mask of the given guest words; reading past them faults. */
function words(ws: readonly bigint[], maxnode: bigint): UserNodemask {
  return { present: true, maxnode, read: (i) => ws[i] };
}

/** A mask whose words are all zero except those given; reading past `length` words faults. */
function sparse(length: number, set: Record<number, bigint>, maxnode: bigint): UserNodemask {
  const read: ReadWord = (i) => (i < length ? set[i] ?? 0n : undefined);
  return { present: true, maxnode, read };
}

test("get_nodes: a NULL mask is empty whatever maxnode says", () => {
  assert.deepEqual(readUserNodemask(PPC64, { present: false, maxnode: 0n, read: () => undefined }), []);
  assert.deepEqual(readUserNodemask(PPC64, { present: false, maxnode: 1n << 40n, read: () => undefined }), []);
});

test("get_nodes: maxnode 1 means no bits, so nothing is read", () => {
  assert.deepEqual(readUserNodemask(PPC64, { present: true, maxnode: 1n, read: () => undefined }), []);
});

test("get_nodes: maxnode 0 wraps to 2^64-1 bits and is refused", () => {
  assert.equal(readUserNodemask(PPC64, words([1n], 0n)), -EINVAL);
  assert.equal(readUserNodemask(PPC32, words([1n], 0n)), -EINVAL);
});

test("get_nodes: more than a page of bits is refused before anything is read", () => {
  // maxnode - 1 bits may be at most PAGE_SIZE * 8 = 32768.
  assert.equal(readUserNodemask(PPC64, { present: true, maxnode: 32770n, read: () => undefined }), -EINVAL);
  assert.deepEqual(readUserNodemask(PPC64, sparse(512, { 0: 0b101n }, 32769n)), [0, 2]);
});

test("get_nodes: only maxnode - 1 bits count", () => {
  assert.deepEqual(readUserNodemask(PPC64, words([0b111n], 3n)), [0, 1]);
  assert.deepEqual(readUserNodemask(PPC64, words([1n << 63n], 65n)), [63]);
  assert.deepEqual(readUserNodemask(PPC64, words([1n << 63n], 64n)), []);
});

test("get_nodes: ids past nr_node_ids but below MAX_NUMNODES come back as given", () => {
  assert.deepEqual(readUserNodemask(PPC64, words([0n, 0n, 0n, 1n << 63n], 257n)), [255]);
});

test("get_nodes: bits past MAX_NUMNODES must be zero, even those past maxnode - 1 in the top long", () => {
  // maxnode 300: 299 bits, so bit 299 and up are not the caller's; Linux still checks all of
  // the long holding bit 298 (bits 256..319).
  assert.equal(readUserNodemask(PPC64, sparse(5, { 4: 1n << 50n }, 300n)), -EINVAL);
  assert.equal(readUserNodemask(PPC64, sparse(5, { 4: 1n }, 300n)), -EINVAL);
  assert.deepEqual(readUserNodemask(PPC64, sparse(5, { 3: 1n << 63n }, 300n)), [255]);
});

test("get_nodes: a fault anywhere in the mask is EFAULT, surplus longs first", () => {
  assert.equal(readUserNodemask(PPC64, words([1n], 129n)), -EFAULT);
  assert.equal(readUserNodemask(PPC64, sparse(7, {}, 513n)), -EFAULT); // long 7 is past the buffer
  assert.deepEqual(readUserNodemask(PPC64, sparse(8, {}, 513n)), []);
});

test("get_bitmap (compat): a 32-bit task's mask is read in 32-bit words, only as many as needed", () => {
  assert.deepEqual(readUserNodemask(PPC32, words([0x8000_0001n], 33n)), [0, 31]);
  assert.deepEqual(readUserNodemask(PPC32, words([0n, 1n], 34n)), [32]);
  assert.equal(readUserNodemask(PPC32, words([0n], 34n)), -EFAULT);
});

test("get_nodes (compat): the surplus check reads a whole 64-bit long, even a 32-bit word past maxnode", () => {
  // 261 bits fit in 9 words (0..8); the top long, bits 256..319, is words 8 and 9.
  assert.equal(readUserNodemask(PPC32, sparse(9, {}, 262n)), -EFAULT);
  assert.deepEqual(readUserNodemask(PPC32, sparse(10, {}, 262n)), []);
  assert.equal(readUserNodemask(PPC32, sparse(10, { 9: 1n << 31n }, 262n)), -EINVAL);
});

test("get_nodes: with MAX_NUMNODES not a multiple of 64 only the straddling long's upper bits are checked", () => {
  const small: NodemaskAbi = { ...PPC64, maxNumNodes: 4 };
  assert.equal(readUserNodemask(small, words([1n << 5n], 11n)), -EINVAL);
  assert.deepEqual(readUserNodemask(small, words([0b1010n], 11n)), [1, 3]);
  // MAX_NUMNODES 16, 130 bits: long 2 is checked whole, but long 1 is taken as the straddling
  // one, so its bits 0..15 (nodes 64..79) escape the check; and the final read keeps only bits
  // 0..15 of long 0, so nodes 16..63 are dropped without complaint.
  const sixteen: NodemaskAbi = { ...PPC64, maxNumNodes: 16 };
  assert.deepEqual(readUserNodemask(sixteen, words([(1n << 20n) | 1n, 1n << 6n, 0n], 131n)), [0]);
  assert.equal(readUserNodemask(sixteen, words([1n, 1n << 16n, 0n], 131n)), -EINVAL);
  assert.equal(readUserNodemask(sixteen, words([1n, 0n, 1n], 131n)), -EINVAL);
});

test("copy_nodes_to_user: maxnode - 1 bits rounded up to a long, zero-filled past the kernel's mask", () => {
  assert.deepEqual(writeUserNodemask(PPC64, 4n, [1, 3]), [{ index: 0, value: 0b1010n }]);
  assert.deepEqual(writeUserNodemask(PPC64, 65n, [1]), [{ index: 0, value: 2n }]);
  // 65 bits need two longs: the second is cleared first, then the mask stored.
  assert.deepEqual(writeUserNodemask(PPC64, 66n, [1]), [{ index: 1, value: 0n }, { index: 0, value: 2n }]);
});

test("copy_nodes_to_user: maxnode 1 on a one-node machine stores nothing at all (64-bit)", () => {
  assert.deepEqual(writeUserNodemask(nodemaskAbi(64, 1), 1n, [0]), []);
});

test("copy_nodes_to_user: more than a page to store is EINVAL", () => {
  // ALIGN(32769, 64) / 8 = 4104 bytes > 4096.
  assert.equal(writeUserNodemask(PPC64, 32770n, [0]), -EINVAL);
  const w = writeUserNodemask(PPC64, 32769n, [0]);
  assert.ok(Array.isArray(w));
  assert.equal(w.length, 512);
});

test("copy_nodes_to_user (compat): sized in 64-bit units, so a 32-bit task can get a word more than it asked", () => {
  // maxnode 4 asks for 3 bits, one word; Linux clears a second word, then stores the first.
  assert.deepEqual(writeUserNodemask(PPC32, 4n, [0, 2]), [{ index: 1, value: 0n }, { index: 0, value: 0b101n }]);
  assert.deepEqual(writeUserNodemask(PPC32, 33n, [0]), [{ index: 1, value: 0n }, { index: 0, value: 1n }]);
  // Not zero-filling, compat_put_bitmap stores ceil(maxnode / 32) words: maxnode 1 still gets one.
  assert.deepEqual(writeUserNodemask(nodemaskAbi(32, 1), 1n, [0]), [{ index: 0, value: 1n }]);
  // 33 nodes: the copy size (8 bytes) is the kernel's, yet maxnode 65 gets three words.
  assert.deepEqual(writeUserNodemask(nodemaskAbi(32, 33), 65n, [32]),
    [{ index: 0, value: 0n }, { index: 1, value: 1n }, { index: 2, value: 0n }]);
});

test("copy_nodes_to_user: a static mask's node past nr_node_ids survives in a 64-bit long, not in compat", () => {
  assert.deepEqual(writeUserNodemask(PPC64, 64n, [1, 40]), [{ index: 0, value: (1n << 40n) | 2n }]);
  assert.deepEqual(writeUserNodemask(PPC32, 64n, [1, 40]), [{ index: 1, value: 0n }, { index: 0, value: 2n }]);
});

function encode(abi: NodemaskAbi, le: boolean, maxnode: bigint, nodes: number[], bytes: number): Uint8Array {
  const buf = new Uint8Array(bytes).fill(0xa5);
  const w = writeUserNodemask(abi, maxnode, nodes);
  assert.ok(Array.isArray(w), "encodes");
  assert.ok(applyWordWrites(buf, abi.guestLongBits, le, w as WordWrite[]), "fits");
  return buf;
}

for (const bits of [64, 32] as const) {
  for (const le of [false, true]) {
    const name = `${bits === 64 ? "ppc64" : "ppc32"} ${le ? "little" : "big"}-endian`;

    test(`round trip, ${name}: a 256-node mask`, () => {
      const abi = nodemaskAbi(bits, 256);
      const nodes = [0, 3, 31, 32, 63, 64, 100, 200, 255];
      const buf = encode(abi, le, 257n, nodes, 40);
      const back = readUserNodemask(abi, { present: true, maxnode: 257n, read: wordReader(buf, bits, le) });
      assert.deepEqual(back, nodes);
    });

    test(`round trip, ${name}: a 4-node machine`, () => {
      const abi = nodemaskAbi(bits, 4);
      const buf = encode(abi, le, 64n, [1, 3], 8);
      assert.deepEqual(readUserNodemask(abi, { present: true, maxnode: 64n, read: wordReader(buf, bits, le) }), [1, 3]);
    });
  }
}

test("byte order: node 0 is the low bit of the first guest long", () => {
  const at = (bits: 32 | 64, le: boolean): number =>
    encode(nodemaskAbi(bits, 4), le, 5n, [0], 8).indexOf(1);
  assert.equal(at(64, false), 7);
  assert.equal(at(64, true), 0);
  assert.equal(at(32, false), 3);
  assert.equal(at(32, true), 0);
});

test("wordReader and applyWordWrites fault past the buffer", () => {
  const buf = new Uint8Array(8);
  assert.equal(wordReader(buf, 64, false)(1), undefined);
  assert.equal(wordReader(buf, 32, false)(1), 0n);
  assert.equal(wordReader(buf, 32, false)(2), undefined);
  assert.equal(applyWordWrites(buf, 64, true, [{ index: 1, value: 1n }]), false);
});
