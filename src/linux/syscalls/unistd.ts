// Reading the kernel's asm/unistd_64.h and asm/unistd_32.h: one `#define __NR_name number` a
// line. The generator of ppc64.ts/ppc32.ts and the test that checks them share this reader.

/** The installed PowerPC headers (linux-libc-dev-*-cross; the three triplets' copies are identical). */
export const UNISTD_HEADERS = {
  ppc64: "/usr/powerpc64-linux-gnu/include/asm/unistd_64.h",
  ppc32: "/usr/powerpc64-linux-gnu/include/asm/unistd_32.h",
} as const;

/** The [number, name] pairs a unistd header defines, in the header's order. */
export function parseUnistd(text: string): [number, string][] {
  const out: [number, string][] = [];
  for (const line of text.split("\n")) {
    const m = /^#define\s+__NR_(\w+)\s+(\d+)\s*$/.exec(line);
    if (m !== null) out.push([Number(m[2]), m[1]]);
    else if (/^#define\s+__NR_/.test(line)) throw new Error(`unistd header: cannot read ${JSON.stringify(line)}`);
  }
  return out;
}
