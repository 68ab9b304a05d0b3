/**
 * The REST API's resource envelope, as REST Proxy v3 writes it: every object has `kind` and
 * `metadata` (`self`, its URL, and `resource_name`, a CRN such as
 * `crn:///kafka=<cluster>/topic=<name>`), lists have `metadata.self` and `next`, and related
 * collections are `{related: <url>}`.
 *
 * Contract: one per request (URLs are built from the request's Host and path prefix).
 */
export class Links {
  constructor(
    /** e.g. http://127.0.0.1:9644/v3 */
    readonly base: string,
    readonly clusterId: string,
  ) {}

  url(...segments: (string | number)[]): string {
    return `${this.base}/clusters/${encodeURIComponent(this.clusterId)}${segments.map((s) => `/${encodeURIComponent(String(s))}`).join('')}`;
  }

  crn(...pairs: [string, string | number][]): string {
    return `crn:///kafka=${this.clusterId}${pairs.map(([k, v]) => `/${k}=${v}`).join('')}`;
  }

  resource<T extends object>(kind: string, self: string, resourceName: string | null, body: T): { kind: string; metadata: { self: string; resource_name: string | null } } & T {
    return { kind, metadata: { self, resource_name: resourceName }, ...body };
  }

  list<T>(kind: string, self: string, data: T[]): { kind: string; metadata: { self: string; next: null }; data: T[] } {
    return { kind, metadata: { self, next: null }, data };
  }

  related(...segments: (string | number)[]): { related: string } {
    return { related: this.url(...segments) };
  }
}
