// Assertions shared by every layer.

export function assertNever(x: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${String(x)}`);
}
