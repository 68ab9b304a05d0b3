/**
 * Helpers for rules that refuse part of a request: split items by whether the caller may touch
 * them, and add the refused ones back to the response with their error.
 */
export function split<T>(items: readonly T[], ok: (item: T) => boolean): { kept: T[]; refused: T[] } {
  const kept: T[] = [];
  const refused: T[] = [];
  for (const item of items) (ok(item) ? kept : refused).push(item);
  return { kept, refused };
}

/**
 * The usual partial refusal: the items the caller may not touch leave the request (`without`),
 * and come back in the response with their error (`withErrors`); nothing changes when every item
 * is allowed.
 */
export function trimmed<Req, Res, T>(
  request: Req,
  items: readonly T[],
  ok: (item: T) => boolean,
  without: (kept: T[]) => Req,
  withErrors: (response: Res, refused: T[]) => Res,
): { request: Req; complete?: (response: Res) => Res } {
  const { kept, refused } = split(items, ok);
  if (refused.length === 0) return { request };
  return { request: without(kept), complete: (response) => withErrors(response, refused) };
}
