/**
 * BrokerServer: the listening sockets of a broker and the connections accepted on them.
 * Shutting down stops accepting, stops reading requests, lets responses underway be written
 * (bounded by a timeout), then closes what is left.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Listener } from '../config/broker-config.js';
import type { BrokerServices } from '../services.js';
import { Connection } from './connection.js';

export interface BoundListener extends Listener {
  /** The port actually bound (differs from the configured one when that was 0). */
  boundPort: number;
}

export class BrokerServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  private services: BrokerServices | undefined;
  private nextConnectionId = 1;
  /** Sockets accepted while the broker was still starting; served once it is ready. */
  private early: { socket: Socket; listener: string }[] = [];

  /** Binds every listener; connections are served once `serve` supplies the services. */
  async bind(listeners: readonly Listener[]): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    for (const l of listeners) {
      // allowHalfOpen: a client that shuts down its sending side still gets the responses to the
      // requests it sent before (Connection ends the socket once they are written).
      const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, l.name));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.host === '' ? undefined : l.host, port: l.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      bound.push({ ...l, boundPort: typeof address === 'object' && address ? address.port : l.port });
      this.servers.push(server);
    }
    return bound;
  }

  serve(services: BrokerServices): void {
    this.services = services;
    const waiting = this.early;
    this.early = [];
    for (const { socket, listener } of waiting) if (!socket.destroyed) this.accept(socket, listener);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: Socket, listener: string): void {
    if (!this.services) {
      this.early.push({ socket, listener });
      return;
    }
    const client = {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      listener,
      connectionId: String(this.nextConnectionId++),
    };
    const maxQueued = this.services.config.int('queued.max.requests');
    const connection = new Connection(socket, this.services, client, maxQueued, (c) => this.connections.delete(c));
    this.connections.add(connection);
  }

  async shutdown(timeoutMs = 5000): Promise<void> {
    // close() stops accepting at once; its callback fires when the last connection has gone
    const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const c of this.connections) c.stopReading();
    const drained = Promise.all([...this.connections].map((c) => c.endWhenIdle()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    for (const c of this.connections) c.close('broker shutting down');
    for (const { socket } of this.early) socket.destroy();
    await Promise.all(closed);
  }
}
