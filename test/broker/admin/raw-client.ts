/**
 * Test helper: a minimal Kafka client over one net.Socket that sends any request at any version
 * through the generated codecs and returns the decoded response (for APIs kafkajs lacks, and for
 * exact error codes at chosen versions).
 */
import { connect, type Socket } from 'node:net';
import { ApiKey, type ApiMessages } from '../../../src/protocol/generated/api-registry.js';
import { decodeResponseFrame, encodeRequestFrame } from '../../../src/protocol/framing/messages.js';

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly waiting: ((frame: Buffer) => void)[] = [];
  private correlationId = 0;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        this.waiting.shift()?.(frame);
      }
    });
    socket.on('error', (e) => {
      this.failure = e;
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with its decoded response body. */
  send<K extends keyof ApiMessages>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
    type T = ApiMessages[K]['response'];
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = ++this.correlationId;
    const chunks = encodeRequestFrame(apiKey, apiVersion, correlationId, 'gregor-admin-test', body);
    return new Promise<T>((resolve, reject) => {
      const onClose = (): void => reject(new Error(`connection closed before the response to API ${apiKey} v${apiVersion}`));
      this.socket.once('close', onClose);
      this.waiting.push((frame) => {
        this.socket.off('close', onClose);
        try {
          const decoded = decodeResponseFrame(apiKey, apiVersion, frame);
          if (decoded.correlationId !== correlationId) throw new Error(`correlation id ${decoded.correlationId}, expected ${correlationId}`);
          resolve(decoded.body as T);
        } catch (e) {
          reject(e);
        }
      });
      this.socket.write(Buffer.concat(chunks));
    });
  }

  /** The API keys the broker serves, with their version ranges. */
  async apiVersions(): Promise<Map<number, { minVersion: number; maxVersion: number }>> {
    const r = await this.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'gregor-test', clientSoftwareVersion: '0' });
    return new Map(r.apiKeys.map((k) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
  }

  close(): void {
    this.socket.destroy();
  }
}
