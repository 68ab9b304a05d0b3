/** Calls to the console's JSON API (/ui/api); failures become ApiError with the server's message. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly kafkaError?: string) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } };
  if (method !== 'GET') {
    init.headers = { ...init.headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(`/ui/api${path}`, init);
  } catch (e) {
    throw new ApiError(0, `the broker cannot be reached (${(e as Error).message})`);
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the status
  }
  if (!res.ok) {
    const err = data as { message?: string; kafka_error?: string } | null;
    throw new ApiError(res.status, err?.message ?? `HTTP ${res.status}`, err?.kafka_error);
  }
  return data as T;
}

export const enc = encodeURIComponent;
