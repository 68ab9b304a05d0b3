/**
 * CPU accounting for the benchmarks, from Linux's /proc: a process's CPU time (all its threads),
 * the CPU time of this process's reaped children (load generators run with spawnSync) and the
 * whole machine's busy share over an interval, so a run can say whether the machine's cores,
 * rather than the broker, were the limit.
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function statFields(pid: number | 'self'): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

/** User + system CPU seconds of a running process, all threads. */
export function processCpuSeconds(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** User + system CPU seconds of this process's children that have exited and been waited for. */
export function reapedChildrenCpuSeconds(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
}

export interface MachineCpu {
  busy: number;
  total: number;
  cores: number;
}

/** The machine's cumulative busy and total jiffies over all cores (the `cpu` line of /proc/stat). */
export function machineCpu(): MachineCpu {
  const text = readFileSync('/proc/stat', 'utf8');
  const values = text.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const cores = text.split('\n').filter((l) => /^cpu\d+ /.test(l)).length;
  return { busy: total - idle, total, cores };
}

/** CPU seconds the machine's cores were busy between two readings, all cores together. */
export function machineBusySeconds(before: MachineCpu, after: MachineCpu): number {
  return (after.busy - before.busy) / TICKS_PER_SECOND;
}
