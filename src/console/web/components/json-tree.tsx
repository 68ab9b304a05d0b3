/** A JSON value as a collapsible tree: objects and arrays are <details> (open to two levels), leaves are coloured by type. */
function Leaf({ value }: { value: unknown }) {
  const kind = value === null ? 'null' : typeof value;
  return <span class={`json-${kind}`}>{JSON.stringify(value)}</span>;
}

export function JsonTree({ value, name, depth = 0 }: { value: unknown; name?: string; depth?: number }) {
  const label = name !== undefined ? <span class="json-key">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') return <div class="json-row">{label}<Leaf value={value} /></div>;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <details class="json-node" open={depth < 2}>
      <summary>{label}{open}{entries.length === 0 ? close : <span class="muted"> {entries.length} {Array.isArray(value) ? 'items' : 'fields'} </span>}</summary>
      <div class="json-children">
        {entries.map(([k, v]) => <JsonTree key={k} name={Array.isArray(value) ? undefined : k} value={v} depth={depth + 1} />)}
      </div>
      <div>{close}</div>
    </details>
  );
}
