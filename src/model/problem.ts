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

const CLIP = 200;

/**
 * JSON text of a value, cut after `max` characters without serialising the rest: the value may be a body of
 * megabytes (or a Buffer, whose JSON is twelve times its size), and a refusal must cost little and echo little.
 */
function preview(value: unknown, max: number): string {
  let out = '';
  const visit = (item: unknown): void => {
    if (out.length > max) return;
    if (Buffer.isBuffer(item) || item instanceof Uint8Array) out += `"[${item.byteLength} bytes]"`;
    else if (Array.isArray(item)) {
      out += '[';
      for (let i = 0; i < item.length && out.length <= max; i++) {
        if (i > 0) out += ',';
        visit(item[i]);
      }
      out += ']';
    } else if (item !== null && typeof item === 'object') {
      out += '{';
      let first = true;
      for (const key in item) {
        if (out.length > max) break;
        if (!Object.hasOwn(item, key)) continue;
        out += `${first ? '' : ','}${JSON.stringify(key.length > max ? key.slice(0, max) : key)}:`;
        first = false;
        visit((item as Record<string, unknown>)[key]);
      }
      out += '}';
    } else if (typeof item === 'string') out += JSON.stringify(item.length > max ? item.slice(0, max) : item);
    else out += JSON.stringify(item) ?? 'null';
  };
  visit(value);
  return out;
}

function clip(value: unknown): unknown {
  if (typeof value === 'string') return value.length > CLIP ? `${value.slice(0, CLIP)}…` : value;
  if (value !== null && typeof value === 'object') {
    const text = preview(value, CLIP);
    return text.length > CLIP ? `${text.slice(0, CLIP)}…` : value;
  }
  return value;
}

/** A message built from the input (Zod lists every unknown key) stays a sentence, not a copy of the input. */
function clipMessage(message: string): string {
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
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
    return { path: formatPath(full), rule, value: clip(value), message: clipMessage(issue.message) };
  });
}

export function problem(path: ReadonlyArray<PropertyKey>, rule: string, value: unknown, message: string): Problem {
  return { path: formatPath(path), rule, value: clip(value), message };
}
