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
  /** `too_big` / `too_small` of a number or a text: the bound crossed (the number, or the length of the text). */
  limit?: number;
  /** Spreadsheet imports: 1-based row number as the user sees it in the file, and the column header. */
  row?: number;
  column?: string;
}

/**
 * The sentence of each rule whose words do not depend on the place, the same in the API, the CLI and (translated, a
 * test keeps the English equal) the web app: one message per rule.
 */
export const RULE_MESSAGES = {
  /** Shares (MBCO, remote share, absenteeism rate, workaround factor): 0 to 1, also written as percentages in files. */
  share: 'must be between 0 % and 100 %',
  email: 'must be an e-mail address, such as name@example.com',
  /** Signing in: one sentence for both, so that it never tells which one was wrong. */
  credentials: 'the e-mail address or the password is wrong',
  /** A second-factor code (at sign-in or when turning the second factor on). */
  code: 'the code is wrong or no longer valid',
} as const;

/** A rule's message as the sentence of a refusal: "The code is wrong or no longer valid." */
export function ruleSentence(rule: keyof typeof RULE_MESSAGES): string {
  const message = RULE_MESSAGES[rule];
  return `${message[0].toUpperCase()}${message.slice(1)}.`;
}

/** The message of `too_big` / `too_small` for a value of this kind and its limit. */
export function limitMessage(rule: 'too_big' | 'too_small', value: unknown, limit: number, inclusive = true): string {
  const most = rule === 'too_big';
  if (typeof value === 'string') {
    if (!most && limit === 1) return 'must not be empty';
    return `must be at ${most ? 'most' : 'least'} ${limit} character${limit === 1 ? '' : 's'} long`;
  }
  if (Array.isArray(value)) return `must have at ${most ? 'most' : 'least'} ${limit} item${limit === 1 ? '' : 's'}`;
  if (!inclusive) return `must be ${most ? 'less' : 'more'} than ${limit}`;
  return `must be at ${most ? 'most' : 'least'} ${limit}`;
}

type ZodIssueLike = z.ZodError['issues'][number] & { params?: { rule?: string }; format?: string; maximum?: unknown; minimum?: unknown; inclusive?: boolean };

/**
 * A Zod issue as a rule and its message: rules declared by a refinement (`params.rule`), shares (schemas built with
 * the share message), e-mail addresses, and bounds with their limit; the issue's code otherwise.
 */
export function ruleOfIssue(issue: z.ZodError['issues'][number], value: unknown): { rule: string; message: string; limit?: number } {
  const detail = issue as ZodIssueLike;
  if (detail.params?.rule) return { rule: detail.params.rule, message: issue.message };
  if (issue.message === RULE_MESSAGES.share) return { rule: 'share', message: RULE_MESSAGES.share };
  if (issue.code === 'invalid_format')
    return detail.format === 'email' ? { rule: 'email', message: RULE_MESSAGES.email } : { rule: 'format', message: issue.message };
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    const bound = issue.code === 'too_big' ? detail.maximum : detail.minimum;
    const limit = typeof bound === 'bigint' ? Number(bound) : bound;
    // An exclusive bound ("more than 0") reads differently, and a list may reach clients clipped to text: both keep
    // their message without a limit to word again.
    if (typeof limit === 'number' && Number.isFinite(limit))
      return detail.inclusive === false || Array.isArray(value)
        ? { rule: issue.code, message: limitMessage(issue.code, value, limit, false) }
        : { rule: issue.code, message: limitMessage(issue.code, value, limit), limit };
  }
  return { rule: issue.code, message: issue.message };
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
    const value = 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path);
    const { rule, message, limit } = ruleOfIssue(issue, value);
    return { path: formatPath(full), rule, value: clip(value), message: clipMessage(message), ...(limit !== undefined ? { limit } : {}) };
  });
}

export function problem(path: ReadonlyArray<PropertyKey>, rule: string, value: unknown, message: string): Problem {
  return { path: formatPath(path), rule, value: clip(value), message };
}
