/** Produce one record to a topic from a form: partition (or by key), key, headers, value as text, JSON or base64. */
import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { FormResult, useSubmit } from '../components/common.js';
import type { TopicDetail } from '../types.js';

/** `name: value` lines into headers; throws on a line without a name. */
export function parseHeaderLines(text: string): { key: string; value: string }[] {
  return text.split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`header line ${i + 1} ('${line.trim()}') is not name: value`);
    return { key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
  });
}

export function ProduceForm({ topic }: { topic: TopicDetail }) {
  const [partition, setPartition] = useState('');
  const [key, setKey] = useState('');
  const [headers, setHeaders] = useState('');
  const [value, setValue] = useState('');
  const [format, setFormat] = useState<'text' | 'json' | 'base64'>('text');
  const { busy, error, message, submit } = useSubmit(
    () => api<{ partition: number; offset: number }>('POST', `/topics/${enc(topic.name)}/messages`, {
      ...(partition !== '' ? { partition } : {}),
      key: key === '' ? null : key,
      value,
      valueFormat: format,
      headers: parseHeaderLines(headers),
    }),
    (r) => `Produced to partition ${r.partition} at offset ${r.offset}.`,
  );
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="produce-title">
      <h2 id="produce-title">Produce a record</h2>
      <div class="row">
        <label>Partition
          <select name="partition" value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
            <option value="">By key (or spread)</option>
            {topic.partitions.map((p) => <option key={p.partition} value={String(p.partition)}>{p.partition}</option>)}
          </select>
        </label>
        <label>Key<input name="key" value={key} onInput={(e) => setKey(e.currentTarget.value)} autoComplete="off" /></label>
        <label>Value format
          <select name="valueFormat" value={format} onChange={(e) => setFormat(e.currentTarget.value as typeof format)}>
            <option value="text">Text</option><option value="json">JSON (checked)</option><option value="base64">Base64 bytes</option>
          </select>
        </label>
      </div>
      <label>Headers (one name: value per line)<textarea name="headers" rows={2} value={headers} onInput={(e) => setHeaders(e.currentTarget.value)} /></label>
      <label>Value<textarea name="value" rows={6} class="mono" value={value} onInput={(e) => setValue(e.currentTarget.value)} /></label>
      <button type="submit" class="primary" disabled={busy}>Produce</button>
      <FormResult error={error} message={message} />
    </form>
  );
}
