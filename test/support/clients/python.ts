/**
 * Test support: running kafka-python scripts. The script goes to the interpreter on stdin, its
 * parameters as one JSON argument (sys.argv[1]), and it answers with JSON lines on stdout.
 *
 * The interpreter is the system python (/usr/bin/python3), which has kafka-python installed;
 * GREGOR_KAFKA_PYTHON names another one.
 */
import { checkOk, executableProblem, run } from './process.js';

export const PYTHON = process.env.GREGOR_KAFKA_PYTHON ?? '/usr/bin/python3';

export interface KafkaPythonInfo {
  version: string;
  /** kafka.codec's own view of which codecs it can use (they need optional python packages). */
  codecs: { gzip: boolean; snappy: boolean; lz4: boolean; zstd: boolean };
}

const PROBE = `
import json
import kafka
from kafka import codec
print(json.dumps({
  "version": kafka.__version__,
  "codecs": {
    "gzip": codec.has_gzip(),
    "snappy": codec.has_snappy(),
    "lz4": codec.has_lz4(),
    "zstd": bool(getattr(codec, "has_zstd", lambda: False)()),
  },
}))
`;

let probed: Promise<KafkaPythonInfo | string> | undefined;

/** kafka-python's version and codecs, or why it cannot be used here. */
export function kafkaPython(): Promise<KafkaPythonInfo | string> {
  probed ??= (async () => {
    const problem = executableProblem(PYTHON);
    if (problem !== undefined) return `kafka-python unavailable (${problem}); set GREGOR_KAFKA_PYTHON`;
    const r = await run(PYTHON, ['-'], { input: PROBE, timeoutMs: 20_000 });
    if (r.code !== 0) return `kafka-python unavailable: ${PYTHON} cannot import kafka (${r.stderr.trim().split('\n').pop() ?? ''})`;
    return JSON.parse(r.stdout.trim()) as KafkaPythonInfo;
  })();
  return probed;
}

/** Runs a python script with JSON parameters and returns the JSON values it printed, one a line. */
export async function runPython<T = unknown>(script: string, params: unknown, timeoutMs = 30_000): Promise<T[]> {
  const r = checkOk('python script', await run(PYTHON, ['-', JSON.stringify(params)], { input: script, timeoutMs }));
  return r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);
}
