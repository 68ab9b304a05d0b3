/**
 * Structured logging with pino: JSON lines by default, or human-readable lines (pino-pretty)
 * when asked for or when writing to a terminal. GREGOR_LOG_LEVEL and GREGOR_LOG_FORMAT
 * (json | pretty) override the defaults.
 */
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  destination?: NodeJS.WritableStream;
}

export function createLogger(o: LoggerOptions = {}): Logger {
  const level = o.level ?? process.env.GREGOR_LOG_LEVEL ?? 'info';
  const envFormat = process.env.GREGOR_LOG_FORMAT;
  const format = o.format ?? (envFormat === 'json' || envFormat === 'pretty' ? envFormat : process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ level, base: undefined }, pretty({ colorize: process.stdout.isTTY, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', destination: o.destination ?? 1, sync: true }));
  }
  return pino({ level, base: undefined }, (o.destination as pino.DestinationStream | undefined) ?? pino.destination({ fd: 1, sync: false }));
}

/** A logger that discards everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
