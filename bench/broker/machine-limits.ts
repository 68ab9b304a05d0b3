/**
 * The machine's own limits, measured in the same run as a benchmark: loopback TCP throughput
 * between two sockets of this process, and sequential disk writes (buffered, and with
 * fdatasync after every MiB) in the directory the broker will use.
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';

export async function loopbackMBps(seconds = 2): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  let received = 0;
  const server = createServer((s) => s.on('data', (d: Buffer) => (received += d.length)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const start = process.hrtime.bigint();
  const until = start + BigInt(seconds * 1e9);
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (process.hrtime.bigint() < until) {
        if (!client.write(chunk)) return void client.once('drain', pump);
      }
      resolve();
    };
    pump();
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  client.destroy();
  server.close();
  return received / elapsed / 1e6;
}

export function diskWriteMBps(dir: string, totalMiB: number, syncEveryWrite: boolean): number {
  const path = join(dir, `disk-probe-${process.pid}`);
  const buf = Buffer.alloc(1024 * 1024, 3);
  const fd = openSync(path, 'w');
  const start = process.hrtime.bigint();
  for (let i = 0; i < totalMiB; i++) {
    writeSync(fd, buf, 0, buf.length, i * buf.length);
    if (syncEveryWrite) fdatasyncSync(fd);
  }
  fdatasyncSync(fd);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  closeSync(fd);
  rmSync(path, { force: true });
  return totalMiB * 1.048576 / elapsed;
}
