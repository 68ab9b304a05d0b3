/**
 * Test support for the consumer-group tests: confluent-kafka (the python binding of librdkafka)
 * under the system python (PYTHON from python.ts). Scripts get their parameters as one JSON
 * argument (sys.argv[1]) and answer with JSON lines on stdout; they run in the background and are
 * told to finish by creating a file (`stopFile` in their parameters), so that they close their
 * consumers themselves (a kill would skip the close and its commit or LeaveGroup).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executableProblem, run, startBackground, type Background } from './process.js';
import { PYTHON } from './python.js';

const PROBE = `
import json
import confluent_kafka
print(json.dumps({"version": confluent_kafka.version()[0], "librdkafka": confluent_kafka.libversion()[0]}))
`;

let probed: Promise<{ version: string; librdkafka: string } | string> | undefined;

/** confluent-kafka's and librdkafka's versions, or why they cannot be used here. */
export function confluentKafkaForGroups(): Promise<{ version: string; librdkafka: string } | string> {
  probed ??= (async () => {
    const problem = executableProblem(PYTHON);
    if (problem !== undefined) return `confluent-kafka unavailable (${problem}); set GREGOR_KAFKA_PYTHON`;
    const r = await run(PYTHON, ['-'], { input: PROBE, timeoutMs: 20_000 });
    if (r.code !== 0) return `confluent-kafka unavailable: ${PYTHON} cannot import confluent_kafka (${r.stderr.trim().split('\n').pop() ?? ''})`;
    return JSON.parse(r.stdout.trim()) as { version: string; librdkafka: string };
  })();
  return probed;
}

export interface StoppablePython<T> {
  background: Background;
  /** JSON lines printed so far (a last, incomplete line is left out). */
  lines(): T[];
  /** Creates the stop file: the script leaves its loop and closes its clients. */
  finish(): void;
  /** finish(), then waits for the exit, killing the process (by pid) after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/**
 * Starts a python script in the background with `params` plus `stopFile` (a path that does not
 * exist yet; the script should return once it does). It is killed after timeoutMs at the latest.
 */
export function startStoppablePython<T = unknown>(script: string, params: Record<string, unknown>, timeoutMs = 60_000): StoppablePython<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-group-py-'));
  const stopFile = join(dir, 'stop');
  const background = startBackground(PYTHON, ['-u', '-', JSON.stringify({ ...params, stopFile })], { input: script, timeoutMs });
  let exited = false;
  void background.exited.then(() => {
    exited = true;
    rmSync(dir, { recursive: true, force: true });
  });
  const finish = (): void => {
    if (!exited) writeFileSync(stopFile, '');
  };
  return {
    background,
    lines: () => {
      const out = background.output().stdout;
      const end = out.lastIndexOf('\n');
      return end < 0 ? [] : out.slice(0, end).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as T);
    },
    finish,
    async stop(graceMs = 15_000) {
      if (existsSync(dir)) finish();
      const pid = background.child.pid;
      const timer = setTimeout(() => {
        if (!exited && pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch { /* already gone */ }
        }
      }, graceMs);
      const r = await background.exited;
      clearTimeout(timer);
      return r;
    },
    stderr: () => background.output().stderr,
  };
}
