/**
 * What the broker's HTTP listener serves besides /metrics and /health: applications (the web
 * console, the REST API) that each claim a set of paths.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpApp {
  /** Serves the request if `path` is one of the app's; false to let the next app try. */
  handle(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): Promise<boolean>;
  /** Releases what the app holds (clients, timers); called when the listener closes. */
  close?(): Promise<void>;
}
