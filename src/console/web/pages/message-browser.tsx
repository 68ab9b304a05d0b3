/**
 * The message browser: choose partitions and where to start (oldest, newest, an offset or a
 * time), filter by key, value, header or JSON predicates (evaluated by the broker), then page on
 * or tail live. Each record shows its partition, offset, time, key, headers and value as text,
 * JSON (collapsible) or hex.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { ErrorBox, Notice } from '../components/common.js';
import { JsonTree } from '../components/json-tree.js';
import { count, hex, time } from '../format.js';
import type { BytesView, Messages, RecordRow, TopicDetail } from '../types.js';

type Format = 'auto' | 'text' | 'json' | 'hex';

function Payload({ view, format }: { view: BytesView | null; format: Format }) {
  if (view === null) return <span class="muted">null</span>;
  if (format === 'hex' || (format === 'auto' && view.text === undefined)) return <pre class="mono hex">{hex(view.base64)}</pre>;
  if (format !== 'text' && view.text !== undefined) {
    try {
      const parsed: unknown = JSON.parse(view.text);
      if (format === 'json' || (parsed !== null && typeof parsed === 'object')) return <div class="json"><JsonTree value={parsed} /></div>;
    } catch {
      if (format === 'json') return <p class="muted">Not JSON; shown as text:<pre class="mono">{view.text}</pre></p>;
    }
  }
  return <pre class="mono">{view.text ?? '(binary; choose hex)'}{view.truncated ? '\n… (cut at 64 KiB)' : ''}</pre>;
}

function short(view: BytesView | null, decoded?: RecordRow['decoded']): string {
  if (decoded) {
    const s = JSON.stringify(decoded.json);
    return s.length > 80 ? `${s.slice(0, 80)}…` : s;
  }
  if (view === null) return 'null';
  const s = view.text ?? `<${view.size} bytes>`;
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

function RecordItem({ r, format }: { r: RecordRow; format: Format }) {
  return (
    <li class="record">
      <details>
        <summary>
          <span class="rec-pos">p{r.partition} @ {r.offset}</span>
          <span class="rec-time">{time(r.timestamp)}</span>
          <span class="rec-key">key: {short(r.key)}</span>
          <span class="rec-value">{short(r.value, r.decoded)}</span>
        </summary>
        <dl class="rec-detail">
          <dt>Partition / offset</dt><dd>{r.partition} / {r.offset}</dd>
          <dt>Timestamp</dt><dd>{time(r.timestamp)} ({r.timestamp})</dd>
          <dt>Key</dt><dd><Payload view={r.key} format={format === 'json' ? 'auto' : format} /></dd>
          <dt>Headers</dt><dd>{r.headers.length === 0 ? <span class="muted">none</span> : <ul class="headers">{r.headers.map((h, i) => <li key={i}><b>{h.key}</b>: {short(h.value)}</li>)}</ul>}</dd>
          <dt>Value{r.value ? ` (${r.value.size} bytes)` : ''}</dt>
          <dd>{r.decoded && (format === 'auto' || format === 'json')
            ? <><p class="muted small">Decoded with schema {r.decoded.schemaId} from the schema registry</p><div class="json"><JsonTree value={r.decoded.json} /></div></>
            : <Payload view={r.value} format={format} />}</dd>
        </dl>
      </details>
    </li>
  );
}

export function MessageBrowser({ topic }: { topic: TopicDetail }) {
  const [partitions, setPartitions] = useState<number[]>([]);
  const [from, setFrom] = useState<'oldest' | 'newest' | 'offset' | 'timestamp'>('oldest');
  const [offset, setOffset] = useState('0');
  const [when, setWhen] = useState('');
  const [limit, setLimit] = useState('50');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [header, setHeader] = useState('');
  const [valueRegex, setValueRegex] = useState('');
  const [where, setWhere] = useState('');
  const [format, setFormat] = useState<Format>('auto');
  const [records, setRecords] = useState<RecordRow[]>([]);
  const [result, setResult] = useState<Messages | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [tail, setTail] = useState(false);
  const cursor = useRef<string | undefined>();

  const query = (extra: Record<string, string>) => {
    const q = new URLSearchParams({ limit: limit.trim() || '50', ...extra });
    if (partitions.length > 0) q.set('partitions', partitions.join(','));
    if (key) q.set('key', key);
    if (value) q.set('value', value);
    if (header) q.set('header', header);
    if (valueRegex) q.set('valueRegex', valueRegex);
    if (where.trim()) q.set('where', where.trim());
    return q;
  };

  const read = async (q: URLSearchParams, append: boolean) => {
    const m = await api<Messages>('GET', `/topics/${enc(topic.name)}/messages?${q}`);
    cursor.current = m.cursor;
    setResult(m);
    setRecords((old) => (append ? [...old, ...m.records] : m.records));
    setError(undefined);
  };

  const search = async (e?: Event) => {
    e?.preventDefault();
    setTail(false);
    setBusy(true);
    try {
      const start: Record<string, string> = { from };
      if (from === 'offset') start.offset = offset.trim();
      if (from === 'timestamp') start.timestamp = when ? String(new Date(when).getTime()) : '';
      await read(query(start), false);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const more = async () => {
    if (!cursor.current) return;
    setBusy(true);
    try {
      await read(query({ cursor: cursor.current }), true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!tail) return;
    let live = true;
    // tailing shows the newest records first and puts each new one on top
    const loop = async () => {
      try {
        await read(query({ from: 'newest' }), false);
      } catch (err) {
        setError((err as Error).message);
      }
      while (live) {
        try {
          const m = await api<Messages>('GET', `/topics/${enc(topic.name)}/messages?${query({ cursor: cursor.current ?? '', wait: '2000' })}`);
          if (!live) return;
          cursor.current = m.cursor;
          setResult(m);
          if (m.records.length) setRecords((old) => [...[...m.records].reverse(), ...old].slice(0, 1000));
        } catch (err) {
          if (!live) return;
          setError((err as Error).message);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    };
    void loop();
    return () => {
      live = false;
    };
  }, [tail]);

  const toggle = (p: number, on: boolean) => setPartitions((ps) => (on ? [...ps, p].sort((a, b) => a - b) : ps.filter((x) => x !== p)));

  return (
    <div class="browser">
      <form class="card form" onSubmit={search} aria-label="Find messages">
        <fieldset>
          <legend>Partitions (none ticked: all)</legend>
          <div class="checks">
            {topic.partitions.map((p) => (
              <label key={p.partition} class="check"><input type="checkbox" name="partition" value={p.partition} checked={partitions.includes(p.partition)} onChange={(e) => toggle(p.partition, e.currentTarget.checked)} /> {p.partition}</label>
            ))}
          </div>
        </fieldset>
        <div class="row">
          <label>Start at
            <select name="from" value={from} onChange={(e) => setFrom(e.currentTarget.value as typeof from)}>
              <option value="oldest">Oldest</option>
              <option value="newest">Newest</option>
              <option value="offset">Offset</option>
              <option value="timestamp">Time</option>
            </select>
          </label>
          {from === 'offset' ? <label>Offset<input name="offset" inputMode="numeric" value={offset} onInput={(e) => setOffset(e.currentTarget.value)} /></label> : null}
          {from === 'timestamp' ? <label>Time<input name="timestamp" type="datetime-local" step="1" value={when} onInput={(e) => setWhen(e.currentTarget.value)} /></label> : null}
          <label>Limit<input name="limit" inputMode="numeric" value={limit} onInput={(e) => setLimit(e.currentTarget.value)} /></label>
          <label>Show values as
            <select name="format" value={format} onChange={(e) => setFormat(e.currentTarget.value as Format)}>
              <option value="auto">Auto</option><option value="text">Text</option><option value="json">JSON</option><option value="hex">Hex</option>
            </select>
          </label>
        </div>
        <div class="row">
          <label>Key contains<input name="key" value={key} onInput={(e) => setKey(e.currentTarget.value)} /></label>
          <label>Value contains<input name="value" value={value} onInput={(e) => setValue(e.currentTarget.value)} /></label>
          <label>Header contains<input name="header" value={header} onInput={(e) => setHeader(e.currentTarget.value)} /></label>
          <label>Value matches (regex)<input name="valueRegex" class="mono" value={valueRegex} onInput={(e) => setValueRegex(e.currentTarget.value)} /></label>
        </div>
        <label>JSON predicates (joined with &&)<input name="where" class="mono" placeholder='amount > 10 && customer.country == "FR"' value={where} onInput={(e) => setWhere(e.currentTarget.value)} /></label>
        <div class="row">
          <button type="submit" class="primary" disabled={busy}>Search</button>
          <button type="button" disabled={busy || !result || result.reachedEnd} onClick={() => void more()}>Load more</button>
          <button type="button" aria-pressed={tail} onClick={() => setTail((t) => !t)}>{tail ? 'Stop live tail' : 'Live tail'}</button>
        </div>
      </form>
      <ErrorBox error={error} />
      {result ? <Notice>{count(records.length)} record(s) shown; {count(result.scanned)} scanned in the last read{result.reachedEnd ? '; read to the end' : ''}{tail ? '; tailing' : ''}.</Notice> : null}
      <ol class="records" aria-label="Records">
        {records.map((r) => <RecordItem key={`${r.partition}-${r.offset}`} r={r} format={format} />)}
      </ol>
    </div>
  );
}
