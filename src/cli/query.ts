/**
 * `gregor query <topic> [options]`: runs a query on a broker (its HTTP listener's
 * /query/topics/{topic}, where the records are scanned and filtered) and prints the matching
 * records as JSON lines as they arrive, then the scan's counts on standard error.
 */
import { optionsHelp, parseOptions, UsageError, type OptionSpec } from './support/options.js';

const OPTIONS: readonly OptionSpec[] = [
  { name: 'http', value: 'url', doc: "The broker's HTTP listener (default http://127.0.0.1:9644)." },
  { name: 'partition', value: 'n', repeatable: true, doc: 'A partition to scan (repeatable; all when absent).' },
  { name: 'from-offset', value: 'n', doc: 'First offset to scan.' },
  { name: 'to-offset', value: 'n', doc: 'Last offset to scan (inclusive).' },
  { name: 'from-time', value: 'time', doc: 'Earliest record time: ms since the epoch or ISO 8601 (found with the time index).' },
  { name: 'to-time', value: 'time', doc: 'Latest record time (inclusive).' },
  { name: 'key', value: 'text', doc: 'The key contains this text.' },
  { name: 'value', value: 'text', doc: 'The value contains this text.' },
  { name: 'header', value: 'text', doc: "A header's name or value contains this text." },
  { name: 'key-regex', value: 're', doc: 'The key matches this regular expression.' },
  { name: 'value-regex', value: 're', doc: 'The value matches this regular expression.' },
  { name: 'where', value: 'predicate', repeatable: true, doc: 'A JSON predicate on the value (decoded through the schema registry when it has a schema id): amount > 10, customer.country == "FR", tags[0] exists.' },
  { name: 'limit', value: 'n', doc: 'Stop after this many matches (default 1000).' },
  { name: 'user', value: 'name:password', doc: 'Credentials when the broker listens with SASL.' },
  { name: 'help', doc: 'Show this help.' },
];

const USAGE = `Usage: gregor query <topic> [options]

Scans a topic on the broker and prints the records that match, one JSON object per line.

Options:
${optionsHelp(OPTIONS)}

Examples:
  gregor query orders --where 'amount > 100' --where 'customer.country == "FR"'
  gregor query orders --from-time 2026-12-01T00:00:00Z --to-time 2026-12-02T00:00:00Z --key customer-42
  gregor query logs --partition 0 --from-offset 1000 --value-regex 'timeout|refused' --limit 20`;

export async function queryCommand(args: string[]): Promise<number> {
  let options;
  try {
    options = parseOptions(OPTIONS, args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`gregor query: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (options.has('help')) {
    console.log(USAGE);
    return 0;
  }
  const topic = options.positional[0];
  if (!topic) {
    console.error('gregor query: a topic is needed: gregor query <topic> [options] (see --help)');
    return 2;
  }
  const q = new URLSearchParams();
  const pairs: [string, string][] = [['from-offset', 'fromOffset'], ['to-offset', 'toOffset'], ['from-time', 'fromTime'], ['to-time', 'toTime'], ['key', 'key'], ['value', 'value'],
    ['header', 'header'], ['key-regex', 'keyRegex'], ['value-regex', 'valueRegex'], ['limit', 'limit']];
  for (const [flag, param] of pairs) if (options.has(flag)) q.set(param, options.get(flag)!);
  if (options.all('partition').length) q.set('partitions', options.all('partition').join(','));
  for (const w of options.all('where')) q.append('where', w);
  const base = (options.get('http') ?? 'http://127.0.0.1:9644').replace(/\/$/, '');
  const user = options.get('user');
  let res: Response;
  try {
    res = await fetch(`${base}/query/topics/${encodeURIComponent(topic)}?${q}`, { headers: user ? { authorization: `Basic ${Buffer.from(user).toString('base64')}` } : {} });
  } catch (e) {
    console.error(`gregor query: cannot reach ${base} (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}); give the broker's HTTP listener with --http`);
    return 1;
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ message: res.statusText }))) as { message?: string };
    console.error(`gregor query: ${body.message ?? res.statusText}`);
    return 1;
  }
  let rest = '';
  let failed = false;
  for await (const chunk of res.body!) {
    rest += Buffer.from(chunk as Uint8Array).toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const lineText = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (lineText.startsWith('{"done":')) {
        const s = JSON.parse(lineText) as { matched: number; recordsScanned: number; batchesSkipped: number; elapsedMs: number };
        console.error(`${s.matched} matched; ${s.recordsScanned} records scanned, ${s.batchesSkipped} batches skipped by their header, ${s.elapsedMs} ms`);
      } else if (lineText.startsWith('{"error":')) {
        console.error(`gregor query: ${(JSON.parse(lineText) as { error: string }).error}`);
        failed = true;
      } else process.stdout.write(`${lineText}\n`);
    }
  }
  return failed ? 1 : 0;
}
