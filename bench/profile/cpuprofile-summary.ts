/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output): where the broker's time went, as self
 * time per function (top N) and per area, the area being read off the function's source file:
 * Gregor's own layers (protocol, storage, broker, cluster), Node's networking and streams,
 * garbage collection, other Node internals, and idle time.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  byArea: [string, number][];
  topSelf: { name: string; where: string; ms: number }[];
}

function areaOf(f: CallFrame): string {
  const url = f.url;
  if (f.functionName === '(idle)') return 'idle';
  if (f.functionName === '(garbage collector)') return 'garbage collection';
  if (f.functionName === '(program)') return 'V8 / native (program)';
  const gregor = /\/dist\/src\/([a-z-]+)\//.exec(url);
  if (gregor) return `gregor ${gregor[1]}`;
  if (url.includes('node_modules/')) return `npm: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? '?'}`;
  if (/^node:(net|stream|internal\/stream|internal\/net|internal\/streams|_stream|internal\/tcp|internal\/dgram)/.test(url)) return 'node: sockets and streams';
  if (/^node:(fs|internal\/fs)/.test(url)) return 'node: fs';
  if (/^node:(buffer|internal\/buffer)/.test(url)) return 'node: buffer';
  if (url.startsWith('node:')) return 'node: other internals';
  if (url === '') return f.functionName.startsWith('(') ? f.functionName : 'native (no source)';
  return 'other';
}

export function summarise(path: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  }
  const area = new Map<string, number>();
  const fn = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    total += us;
    const a = areaOf(n.callFrame);
    area.set(a, (area.get(a) ?? 0) + us);
    const where = n.callFrame.url === '' ? '' : `${n.callFrame.url.replace(/^.*\/dist\//, '').replace(/^.*node_modules\//, '')}:${n.callFrame.lineNumber + 1}`;
    const key = `${n.callFrame.functionName}@${where}`;
    const e = fn.get(key) ?? { name: n.callFrame.functionName || '(anonymous)', where, us: 0 };
    e.us += us;
    fn.set(key, e);
  }
  const idle = area.get('idle') ?? 0;
  return {
    totalMs: total / 1000,
    busyMs: (total - idle) / 1000,
    byArea: [...area].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, us / 1000]),
    topSelf: [...fn.values()].filter((e) => e.name !== '(idle)').sort((a, b) => b.us - a.us).slice(0, top).map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000 })),
  };
}

export function formatSummary(title: string, s: ProfileSummary): string {
  const lines = [`## ${title}`, '', `profiled ${s.totalMs.toFixed(0)} ms, busy ${s.busyMs.toFixed(0)} ms (${((100 * s.busyMs) / s.totalMs).toFixed(0)}%)`, ''];
  lines.push('| area | busy ms | share of busy |', '|---|---:|---:|');
  for (const [a, ms] of s.byArea) if (a !== 'idle') lines.push(`| ${a} | ${ms.toFixed(0)} | ${((100 * ms) / s.busyMs).toFixed(1)}% |`);
  lines.push('', '| function (self time) | where | ms | share of busy |', '|---|---|---:|---:|');
  for (const f of s.topSelf) lines.push(`| ${f.name} | ${f.where} | ${f.ms.toFixed(0)} | ${((100 * f.ms) / s.busyMs).toFixed(1)}% |`);
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('cpuprofile-summary.js') && process.argv[2]) {
  console.log(formatSummary(process.argv[2], summarise(process.argv[2], Number(process.argv[3] ?? 25))));
}
