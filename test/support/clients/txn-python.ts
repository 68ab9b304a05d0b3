/**
 * Test support for the transaction tests: confluent-kafka (the python binding of librdkafka)
 * under the system python (PYTHON from python.ts). Scripts get their parameters as one JSON
 * argument (sys.argv[1]) and answer with JSON lines on stdout; background scripts' lines can be
 * awaited one by one, and a script can be killed by pid at a chosen moment (a producer that dies
 * in the middle of a transaction).
 */
import { executableProblem, run, startBackground, type Background } from './process.js';
import { PYTHON } from './python.js';
import { waitFor } from './wait.js';

let probed: Promise<string | undefined> | undefined;

/** Why confluent-kafka cannot be used here, or undefined when it can. */
export function confluentKafkaMissing(): Promise<string | undefined> {
  probed ??= (async () => {
    const problem = executableProblem(PYTHON);
    if (problem !== undefined) return `confluent-kafka unavailable (${problem}); set GREGOR_KAFKA_PYTHON`;
    const r = await run(PYTHON, ['-c', 'import confluent_kafka'], { timeoutMs: 20_000 });
    if (r.code !== 0) return `confluent-kafka unavailable: ${PYTHON} cannot import confluent_kafka (${r.stderr.trim().split('\n').pop() ?? ''})`;
    return undefined;
  })();
  return probed;
}

export interface BackgroundScript<L> {
  process: Background;
  /** The JSON values printed so far (lines that are not JSON are left out). */
  lines(): L[];
  /** Waits until a printed value satisfies `match`; fails early when the script exits first. */
  waitForLine(match: (line: L) => boolean, timeoutMs?: number): Promise<L>;
  /** SIGKILL by pid (no chance to clean up), then waits for the exit. */
  kill(): Promise<void>;
  describe(): string;
}

export function startScript<L>(script: string, params: unknown, timeoutMs = 30_000): BackgroundScript<L> {
  const bg = startBackground(PYTHON, ['-u', '-', JSON.stringify(params)], { input: script, timeoutMs });
  let exited = false;
  void bg.exited.then(() => { exited = true; });
  const lines = (): L[] => {
    const out: L[] = [];
    for (const line of bg.output().stdout.split('\n')) {
      if (line.trim() === '') continue;
      try {
        out.push(JSON.parse(line) as L);
      } catch {
        // not a JSON line
      }
    }
    return out;
  };
  const describe = (): string => {
    const o = bg.output();
    return `--- stdout\n${o.stdout}\n--- stderr\n${o.stderr}`;
  };
  return {
    process: bg,
    lines,
    describe,
    async waitForLine(match: (line: L) => boolean, waitMs = 20_000): Promise<L> {
      let outcome: { line: L } | 'exited';
      try {
        outcome = await waitFor((): { line: L } | 'exited' | undefined => {
          const found = lines().find(match);
          if (found !== undefined) return { line: found };
          return exited ? 'exited' : undefined;
        }, { timeoutMs: waitMs, intervalMs: 25, what: 'a line from the python script' });
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${describe()}`);
      }
      if (outcome === 'exited') throw new Error(`the python script exited without printing the line waited for\n${describe()}`);
      return outcome.line;
    },
    async kill(): Promise<void> {
      const pid = bg.child.pid;
      if (!exited && pid !== undefined) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await bg.exited;
    },
  };
}
