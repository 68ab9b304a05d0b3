/**
 * Test helper for the admin API tests: a kafkajs admin client (quiet, few retries) against a test
 * broker, a raw protocol client on the same broker, and kcat.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { TestBroker } from '../../support/broker.js';
import { RawClient } from './raw-client.js';

export async function kafkajsAdmin(broker: TestBroker): Promise<Admin> {
  const kafka = new Kafka({
    clientId: 'gregor-admin-test',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
  });
  const admin = kafka.admin();
  await admin.connect();
  return admin;
}

export function rawClient(broker: TestBroker): Promise<RawClient> {
  return RawClient.connect(broker.port);
}

/** The `type` of a KafkaJSProtocolError thrown by `fn` (or of the first per-item error it carries). */
export async function kafkajsErrorType(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    type KafkajsError = { type?: string; originalError?: KafkajsError; cause?: KafkajsError; errors?: { type?: string; error?: { type?: string } }[]; partitions?: { error?: { type?: string } }[] };
    let err = e as KafkajsError;
    while (err.originalError ?? err.cause) err = (err.originalError ?? err.cause)!; // retries exhausted: the error retried on
    const inner = err.errors?.[0];
    return err.type ?? inner?.type ?? inner?.error?.type ?? err.partitions?.[0]?.error?.type ?? String(e);
  }
  throw new Error('expected an error');
}

export const KCAT = process.env.GREGOR_KCAT ?? '/usr/bin/kcat';

/** Runs kcat with `input` on stdin; it is killed (through its own handle) if it outlives the limit. */
export function kcat(args: readonly string[], input = '', timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => { /* kcat may exit before reading everything */ });
    child.stdin.end(input);
  });
}

export function kcatAvailable(): boolean {
  return existsSync(KCAT);
}
