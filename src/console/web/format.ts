/** Number, size, rate and time formatting for the console's tables and charts. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : n.toLocaleString('en-US');
}

export function rate(n: number | null | undefined, unit = '/s'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')}${unit}`;
}

export function time(ms: number): string {
  return ms < 0 ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

export function hex(base64: string): string {
  const raw = atob(base64);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 16) {
    const row = [...raw.slice(i, i + 16)];
    const codes = row.map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join(' ');
    const text = row.map((c) => (c.charCodeAt(0) >= 32 && c.charCodeAt(0) < 127 ? c : '.')).join('');
    out.push(`${i.toString(16).padStart(8, '0')}  ${codes.padEnd(47)}  ${text}`);
  }
  return out.join('\n');
}
