// What the file routes answer: a stored file's description, and the list with the organisation's use of its quota.
import { z } from 'zod';
import { FileUsage, FileView } from '../file.js';
import { Abilities } from './common.js';

export { FileUsage, FileView };

export const FileList = z.object({
  items: z.array(FileView),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
  usage: FileUsage,
  abilities: Abilities,
});
export type FileList = z.infer<typeof FileList>;
export type FileUsageView = z.infer<typeof FileUsage>;
