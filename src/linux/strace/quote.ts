// Strings and buffers as strace prints them: in double quotes, printable ASCII as it is, the
// C escapes \t \n \v \f \r \" \\, other bytes in octal (three digits when an octal digit
// follows, so that the reader can tell where the escape ends), and "..." after the closing
// quote when the value was cut.

const ESCAPES: ReadonlyMap<number, string> = new Map([
  [0x09, "\\t"], [0x0a, "\\n"], [0x0b, "\\v"], [0x0c, "\\f"], [0x0d, "\\r"], [0x22, "\\\""], [0x5c, "\\\\"],
]);

export function quote(bytes: Uint8Array, cut: boolean): string {
  let s = "\"";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    const esc = ESCAPES.get(b);
    if (esc !== undefined) s += esc;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else {
      const next = i + 1 < bytes.length ? bytes[i + 1] : -1;
      const octal = b.toString(8);
      s += `\\${next >= 0x30 && next <= 0x37 ? octal.padStart(3, "0") : octal}`;
    }
  }
  return `${s}"${cut ? "..." : ""}`;
}
