/**
 * BrokerServer: the listening sockets of a broker and the connections accepted on them.
 * Listeners with TLS (SSL, SASL_SSL) are node:tls servers; a connection is served once its
 * handshake is done, with the principal of its client certificate when one was presented
 * (mapped by ssl.principal.mapping.rules). A client whose certificate is not trusted, or whose
 * name no rule maps, is disconnected; a client speaking plaintext to a TLS port fails the
 * handshake and is disconnected.
 * Shutting down stops accepting, stops reading requests, lets responses underway be written
 * (bounded by a timeout), then closes what is left.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type SecureContextOptions, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Listener } from '../config/broker-config.js';
import type { BrokerServices } from '../services.js';
import { ConnectionSession } from '../security/connection-session.js';
import type { ListenerSecurity } from '../security/listener-security.js';
import { ANONYMOUS, principalText, userPrincipal, type KafkaPrincipal } from '../security/principal.js';
import { parseCredential } from '../../protocol/sasl/scram-credential.js';
import { mapPrincipal, rfc2253 } from '../security/tls-principal.js';
import { Connection } from './connection.js';

export interface BoundListener extends Listener {
  /** The port actually bound (differs from the configured one when that was 0). */
  boundPort: number;
}

export interface SecuredListener extends Listener {
  security: ListenerSecurity;
}

/** What identifies a TLS context's material, to tell whether a reload changed anything. */
function tlsFingerprint(o: SecureContextOptions): string {
  const text = (v: unknown): string => (v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('base64') : Array.isArray(v) ? v.map(text).join('|') : String(v));
  return [o.key, o.cert, o.ca, o.pfx, o.passphrase, o.ciphers, o.minVersion, o.maxVersion].map(text).join('/');
}

export class BrokerServer {
  private readonly servers: Server[] = [];
  /** TLS listeners' servers and the fingerprint of the material they use, by listener name. */
  private readonly tlsServers = new Map<string, { server: TlsServer; fingerprint: string }>();
  private readonly connections = new Set<Connection>();
  private services: BrokerServices | undefined;
  private nextConnectionId = 1;
  /** Sockets accepted while the broker was still starting; served once it is ready. */
  private early: { socket: Socket; listener: SecuredListener }[] = [];

  /** Binds every listener; connections are served once `serve` supplies the services. */
  async bind(listeners: readonly SecuredListener[]): Promise<BoundListener[]> {
    const bound: BoundListener[] = [];
    for (const l of listeners) {
      // allowHalfOpen: a client that shuts down its sending side still gets the responses to the
      // requests it sent before (Connection ends the socket once they are written). Not on TLS
      // listeners: there a client that goes away during the handshake would leave a half-open
      // socket no one ends (node emits neither secureConnection nor tlsClientError for it).
      const server = l.security.tls
        ? createTlsServer({ ...l.security.tls, allowHalfOpen: false }, (socket) => this.accept(socket, l))
        : createServer({ allowHalfOpen: true }, (socket) => this.accept(socket, l));
      server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
        this.services?.logger.debug({ err, client: `${socket.remoteAddress}:${socket.remotePort}`, listener: l.name }, 'TLS handshake failed');
        // with a listener for this event the socket is ours to end (the server waits for it when closing)
        socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: l.host === '' ? undefined : l.host, port: l.port }, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (l.security.tls) this.tlsServers.set(l.name, { server: server as TlsServer, fingerprint: tlsFingerprint(l.security.tls) });
      const address = server.address();
      bound.push({ name: l.name, host: l.host, port: l.port, boundPort: typeof address === 'object' && address ? address.port : l.port });
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

  /** Who is connected: each live connection's listener, client address and authenticated principal. */
  sessions(): { listener: string; address: string; principal: string; authenticated: boolean }[] {
    return [...this.connections].map((c) => ({
      listener: c.client.listener,
      address: `${c.client.address}:${c.client.port}`,
      principal: principalText(c.session.principal),
      authenticated: c.session.authenticated,
    }));
  }

  private accept(socket: Socket, listener: SecuredListener): void {
    if (!this.services) {
      this.early.push({ socket, listener });
      return;
    }
    const services = this.services;
    const principal = this.transportPrincipal(socket, listener);
    if (!principal) {
      socket.destroy();
      return;
    }
    const client = {
      address: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      listener: listener.name,
      connectionId: String(this.nextConnectionId++),
    };
    const session = new ConnectionSession(listener.security, {
      clock: services.clock,
      failedAuthenticationDelayMs: services.config.int('connection.failed.authentication.delay.ms'),
      scramCredential: (user, mechanism) => {
        const text = services.metadata.entityConfigs('users')[user]?.[mechanism];
        return text === undefined ? undefined : parseCredential(text);
      },
    }, principal);
    const maxQueued = services.config.int('queued.max.requests');
    const connection = new Connection(socket, services, client, session, maxQueued, (c) => this.connections.delete(c));
    this.connections.add(connection);
  }

  /** ANONYMOUS, or the mapped name of a trusted client certificate; undefined to refuse the client. */
  private transportPrincipal(socket: Socket, listener: SecuredListener): KafkaPrincipal | undefined {
    if (!listener.security.tls) return ANONYMOUS;
    const tlsSocket = socket as TLSSocket;
    const cert = tlsSocket.getPeerX509Certificate();
    if (!cert) return ANONYMOUS;
    const log = this.services!.logger;
    if (!tlsSocket.authorized) {
      log.info({ listener: listener.name, reason: String(tlsSocket.authorizationError) }, 'client certificate not trusted; closing the connection');
      return undefined;
    }
    const dn = rfc2253(cert.subject);
    const name = mapPrincipal(dn, listener.security.principalRules);
    if (name === undefined) {
      log.info({ listener: listener.name, dn }, 'no ssl.principal.mapping.rules rule matches the client certificate; closing the connection');
      return undefined;
    }
    return userPrincipal(name);
  }

  /**
   * Re-reads each TLS listener's key and trust stores (after a dynamic change of its ssl.*
   * settings, or to pick up rotated files) and, where they differ, serves new connections with
   * them; connections already open keep theirs. A store that cannot be read leaves the listener
   * as it was, and is reported.
   */
  reloadTls(optionsOf: (listener: string) => SecureContextOptions): { reloaded: string[]; failed: { listener: string; error: string }[] } {
    const reloaded: string[] = [];
    const failed: { listener: string; error: string }[] = [];
    for (const [name, entry] of this.tlsServers) {
      let options: SecureContextOptions;
      try {
        options = optionsOf(name);
      } catch (e) {
        failed.push({ listener: name, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      const fingerprint = tlsFingerprint(options);
      if (fingerprint === entry.fingerprint) continue;
      try {
        entry.server.setSecureContext(options);
      } catch (e) {
        failed.push({ listener: name, error: e instanceof Error ? e.message : String(e) });
        continue;
      }
      entry.fingerprint = fingerprint;
      reloaded.push(name);
    }
    return { reloaded, failed };
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
