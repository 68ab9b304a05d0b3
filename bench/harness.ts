/**
 * A small benchmark harness: runs a function repeatedly for a time budget after a warm-up and
 * reports operations and bytes per second. Medians over rounds damp noise on shared machines.
 */
export interface BenchResult {
  name: string;
  opsPerSec: number;
  mbPerSec: number;
}

export function measure(name: string, bytesPerOp: number, fn: () => void, budgetMs = 400, rounds = 5): BenchResult {
  for (let i = 0; i < 50; i++) fn();
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let ops = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(budgetMs) * 1_000_000n / BigInt(rounds);
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 10; i++) fn();
      ops += 10;
      now = process.hrtime.bigint();
    }
    rates.push(ops / (Number(now - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  const opsPerSec = rates[Math.floor(rates.length / 2)]!;
  return { name, opsPerSec, mbPerSec: (opsPerSec * bytesPerOp) / 1e6 };
}

export function printTable(results: BenchResult[], reference?: BenchResult): void {
  const rows = results.map((r) => {
    const ratio = reference ? ` ${((r.mbPerSec / reference.mbPerSec) * 100).toFixed(1).padStart(7)}%` : '';
    const micros = (1e6 / r.opsPerSec).toFixed(2).padStart(9);
    return `${r.name.padEnd(52)} ${micros} µs/op ${r.mbPerSec.toFixed(0).padStart(9)} MB/s${ratio}`;
  });
  console.log(rows.join('\n'));
}
