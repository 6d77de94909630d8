/**
 * A tiny timing helper for bench/*.bench.ts: runs `fn` in batches until `minMs` have passed (after
 * a short warm-up) and prints operations per second. It never asserts.
 */
export interface Measurement {
  label: string;
  opsPerSecond: number;
}

export function measure(label: string, fn: () => unknown, minMs = 500): Measurement {
  const warmUpEnd = performance.now() + Math.min(100, minMs / 5);
  while (performance.now() < warmUpEnd) fn();
  let operations = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < batch; i++) fn();
    operations += batch;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 10) batch *= 2;
  }
  const opsPerSecond = (operations * 1000) / elapsed;
  console.log(`  ${label.padEnd(48)} ${formatRate(opsPerSecond).padStart(12)} ops/s`);
  return { label, opsPerSecond };
}

function formatRate(rate: number): string {
  return rate >= 100 ? Math.round(rate).toLocaleString("en-US") : rate.toFixed(2);
}
