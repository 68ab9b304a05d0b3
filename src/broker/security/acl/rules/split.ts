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
