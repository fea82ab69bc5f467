/** 3_600_000 -> "1h", 86_400_000 -> "1d", 90_000 -> "90s": the `window` label of drift metrics and rows. */
export function windowLabel(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
