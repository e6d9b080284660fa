// Comparing documents whatever the order of their keys (the database returns JSON keys in its own order).

/** JSON text with object keys sorted, so that equal documents give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const sorted: Record<string, unknown> = {};
      for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
      return sorted;
    }
    return inner;
  });
}

export function sameDocument(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
