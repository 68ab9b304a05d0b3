/**
 * Test support: a TCP proxy on a free 127.0.0.1 port that forwards every connection to a target
 * port, and can cut the link. `cut()` black-holes it, as a failed route or a firewall that drops
 * packets does: open connections stay open but nothing passes either way, and new connections
 * are accepted but never forwarded, so peers find out only through their own timeouts. `heal()`
 * forwards new connections again and resets the black-holed ones. Put in front of a broker's
 * inter-broker listener, it partitions that broker from the others while clients and etcd still
 * reach it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream?: Socket;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const links = new Set<Link>();
  let isCut = false;
  const drop = (link: Link): void => {
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };
  const server: Server = createServer((client) => {
    const link: Link = { client };
    links.add(link);
    client.on('error', () => drop(link)).on('close', () => drop(link));
    if (isCut) {
      client.on('data', () => undefined); // swallowed
      return;
    }
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    link.upstream = upstream;
    upstream.on('error', () => drop(link)).on('close', () => drop(link));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    port: address.port,
    cut() {
      isCut = true;
      for (const { client, upstream } of links) {
        client.unpipe();
        upstream?.unpipe();
        client.on('data', () => undefined);
        upstream?.on('data', () => undefined);
      }
    },
    heal() {
      isCut = false;
      for (const link of [...links]) drop(link);
    },
    close: () => new Promise<void>((resolve) => {
      for (const link of [...links]) drop(link);
      server.close(() => resolve());
    }),
  };
}
