/** Test support for the console API: one call, answered as status and parsed JSON body. */
export type Caller = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, auth?: string) => Promise<{ status: number; body: any; headers: Headers }>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function consoleCaller(port: number): Caller {
  return async (method, path, body, auth) => {
    const headers: Record<string, string> = {};
    if (method !== 'GET') headers['content-type'] = 'application/json';
    if (auth) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    const res = await fetch(`http://127.0.0.1:${port}/ui/api${path}`, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body ?? {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}
