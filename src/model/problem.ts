// One shape for everything that refuses input: API errors, CLI output, import reports.
import type { z } from 'zod';

/** A refused value: where it is, which rule it breaks, what it was, and a sentence for people. */
export interface Problem {
  /** Where the value is, as `activities[3].staff[0].site` (or `rows[12].mtpd` in a spreadsheet). */
  path: string;
  /** Stable rule name, e.g. `unknown_reference`, `duplicate_id`, `too_small`, `rto_above_mtpd`. */
  rule: string;
  /** The offending value (truncated when long). */
  value: unknown;
  message: string;
  /** Spreadsheet imports: 1-based row number as the user sees it in the file, and the column header. */
  row?: number;
  column?: string;
}

/** `['activities', 3, 'staff', 0, 'site']` → `activities[3].staff[0].site`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function clip(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 200) return `${value.slice(0, 200)}…`;
  if (value !== null && typeof value === 'object') {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length > 200) return `${text.slice(0, 200)}…`;
  }
  return value;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key as string];
  }
  return current;
}

/** Zod issues → problems, with the value looked up in the input when Zod did not report it. */
export function problemsFromZod(error: z.ZodError, input: unknown, prefix: ReadonlyArray<PropertyKey> = []): Problem[] {
  return error.issues.map((issue) => {
    const full = [...prefix, ...issue.path];
    const params = (issue as { params?: { rule?: string } }).params;
    const rule = params?.rule ?? (issue.code === 'invalid_format' ? 'format' : issue.code);
    const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
    return { path: formatPath(full), rule, value: clip(value), message: issue.message };
  });
}

export function problem(path: ReadonlyArray<PropertyKey>, rule: string, value: unknown, message: string): Problem {
  return { path: formatPath(path), rule, value: clip(value), message };
}
