/**
 * Whether a browser request comes from another site: its Origin (when the browser names one)
 * names a host other than the one the request was sent to. Changes from another site are refused
 * by every HTTP API, so a page elsewhere cannot drive the broker from a visitor's browser.
 *
 * Contract: pure.
 */
import type { IncomingMessage } from 'node:http';

/** The foreign Origin of `req`, or undefined when it has none or it is this host. */
export function foreignOrigin(req: IncomingMessage): string | undefined {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return undefined;
  let host = '';
  try {
    host = new URL(origin).host;
  } catch {
    // not a URL: foreign
  }
  return host === req.headers.host ? undefined : origin;
}
