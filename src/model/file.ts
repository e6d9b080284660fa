// Stored files: their names, media types and purposes, and the shape a file is described with.
import { z } from 'zod';

/** What a file is for; lists can be filtered by it. */
export const FILE_PURPOSES = ['attachment', 'evidence', 'report', 'other'] as const;
export const FilePurpose = z
  .enum(FILE_PURPOSES)
  .meta({ id: 'FilePurpose', description: 'attachment (of a plan or an item), evidence (for an audit), report (produced by Rempart), other' });
export type FilePurpose = z.infer<typeof FilePurpose>;

/** A file name's length in characters (code points), as PostgreSQL counts it. */
export const MAX_FILE_NAME_LENGTH = 200;

/** C0 and C1 control characters and DEL (NUL among them): never part of a name anyone means to type. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this looks for.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional overrides and isolates: they make `invoice‮fdp.exe` read as `invoiceexe.pdf`. */
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** Lone UTF-16 surrogates: not Unicode, and not storable. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A file's name as given by the uploader: kept as given (trimmed, NFC) for display, refused when it could name
 * another path (separators, `.`, `..`), hide what it is (control characters, bidirectional overrides) or is over
 * 200 characters. The name a download carries is derived from it (see `contentDisposition`).
 */
export const FileName = z
  .string()
  .transform((name) => name.normalize('NFC').trim())
  .superRefine((name, ctx) => {
    const refuse = (rule: string, message: string) => ctx.addIssue({ code: 'custom', message, input: name, params: { rule } });
    if (LONE_SURROGATE.test(name)) return refuse('invalid_text', 'no lone UTF-16 surrogate');
    if (name.length === 0) return refuse('required', 'a file name');
    if ([...name].length > MAX_FILE_NAME_LENGTH) return refuse('too_long', `at most ${MAX_FILE_NAME_LENGTH} characters`);
    if (CONTROL.test(name)) return refuse('control_character', 'no control character (NUL, line breaks, tabs…)');
    if (/[/\\]/.test(name)) return refuse('path_separator', 'a name, not a path: no "/" or "\\"');
    if (BIDI.test(name)) return refuse('bidi_control', 'no bidirectional control character');
    if (/^\.+$/.test(name)) return refuse('reserved_name', 'not "." or ".."');
  })
  .meta({
    description: 'The file’s name: at most 200 characters, no "/" or "\\", no control or bidirectional control character',
    example: 'evacuation-plan-lyon.pdf',
  });

/** A media type as sent in Content-Type: `type/subtype`, with parameters (`; charset=utf-8`). */
export const MediaType = z
  .string()
  .trim()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9!#$&^_.+-]+=("[\x20\x21\x23-\x5b\x5d-\x7e]*"|[a-z0-9!#$&^_.+-]+))*$/i, {
    message: 'a media type such as application/pdf',
  })
  .transform((type) => {
    const [essence, ...parameters] = type.split(';');
    return [essence.trim().toLowerCase(), ...parameters.map((parameter) => parameter.trim())].join('; ');
  });

/** A stored file, as the API describes it. */
export const FileView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    contentType: z.string(),
    purpose: FilePurpose,
    size: z.number().int().meta({ description: 'Bytes' }),
    sha256: z.string().meta({ description: 'SHA-256 of the content, hexadecimal' }),
    createdAt: z.string(),
    createdBy: z.string().nullable().meta({ description: 'The e-mail address of who uploaded it (null once their account is gone)' }),
    abilities: z.record(z.string(), z.boolean()).optional(),
  })
  .meta({ id: 'File' });
export type FileView = z.infer<typeof FileView>;

/** How much of its quota an organisation uses. */
export const FileUsage = z
  .object({
    files: z.number().int(),
    bytes: z.number().int(),
    quotaBytes: z.number().int(),
    maxFileBytes: z.number().int(),
  })
  .meta({ id: 'FileUsage' });
