// Debian version numbers: [epoch:]upstream[-revision], ordered as dpkg orders them, and the
// relations of a versioned dependency (<<, <=, =, >=, >>).

import { assertNever } from "../../machine/assert.js";

export type Relation = "<<" | "<=" | "=" | ">=" | ">>";

interface Parsed {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(v: string): Parsed {
  const colon = v.indexOf(":");
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf("-");
  return {
    epoch: Number.isInteger(epoch) ? epoch : 0,
    upstream: dash >= 0 ? rest.slice(0, dash) : rest,
    revision: dash >= 0 ? rest.slice(dash + 1) : "",
  };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** dpkg's weight of a character in a non-digit run: `~` sorts before everything, even the end
 *  of the string; letters sort before the other characters. */
function weight(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isDigit(c)) return 0;
  if (isAlpha(c)) return c;
  if (c === 126) return -1; // '~'
  return c + 256;
}

/** dpkg's comparison of an upstream version or a revision: alternating non-digit runs (by
 *  character weight) and digit runs (as numbers). */
function comparePart(a: string, b: string): number {
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a.charCodeAt(i))) || (j < b.length && !isDigit(b.charCodeAt(j)))) {
      const d = weight(a, i) - weight(b, j);
      if (d !== 0) return d;
      i++;
      j++;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    let first = 0;
    while (i < a.length && j < b.length && isDigit(a.charCodeAt(i)) && isDigit(b.charCodeAt(j))) {
      if (first === 0) first = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < a.length && isDigit(a.charCodeAt(i))) return 1;
    if (j < b.length && isDigit(b.charCodeAt(j))) return -1;
    if (first !== 0) return first;
  }
  return 0;
}

/** Negative, zero or positive as version `a` is older than, equal to, or newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a), y = parse(b);
  if (x.epoch !== y.epoch) return Math.sign(x.epoch - y.epoch);
  const u = comparePart(x.upstream, y.upstream);
  return Math.sign(u !== 0 ? u : comparePart(x.revision, y.revision));
}

/** Whether `version` satisfies `rel wanted` (a dependency's "(>= 1.2)"). */
export function satisfies(version: string, rel: Relation, wanted: string): boolean {
  const c = compareVersions(version, wanted);
  switch (rel) {
    case "<<": return c < 0;
    case "<=": return c <= 0;
    case "=": return c === 0;
    case ">=": return c >= 0;
    case ">>": return c > 0;
    default: return assertNever(rel);
  }
}
