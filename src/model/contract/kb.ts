// What the knowledge-base routes answer: an article with whether it is past its review date and what the caller may do
// to it, pages of articles, the summary of an import, search answers with the handoff contact.
import { z } from 'zod';
import { KbArticle, KbHandoff } from '../kb.js';
import { Abilities, listPageOf } from './common.js';

export { KbArticle, KbHandoff };

export const KbArticleView = KbArticle.extend({
  stale: z.boolean().meta({ description: 'Past its review date: to check again (editors see a flag, readers its date)' }),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: Abilities.optional(),
}).meta({ id: 'KbArticleView' });
export type KbArticleView = z.infer<typeof KbArticleView>;

export const KbPage = listPageOf(KbArticleView)
  .extend({ stale: z.number().int().meta({ description: 'Articles of the knowledge base past their review date (whatever the filters)' }) })
  .meta({ id: 'KbPage' });
export type KbPage = z.infer<typeof KbPage>;

export const KbImportSummary = z
  .object({
    mode: z.enum(['upsert', 'replace']),
    articles: z.number().int().meta({ description: 'Articles read from the file' }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    removed: z.number().int().meta({ description: 'Articles no longer in the knowledge base (replace mode only)' }),
    total: z.number().int().meta({ description: 'Articles in the knowledge base after the import' }),
  })
  .meta({ id: 'KbImportSummary' });

export const KbSearchAnswer = z.object({ id: z.string(), score: z.number(), article: KbArticleView }).meta({ id: 'KbSearchAnswer' });

export const KbSearchResult = z
  .object({
    answers: z.array(KbSearchAnswer).meta({ description: 'Best first; empty when no article answers well enough' }),
    handoff: KbHandoff.nullable().meta({ description: 'Who to turn to when no answer fits' }),
  })
  .meta({ id: 'KbSearchResult' });
export type KbSearchResult = z.infer<typeof KbSearchResult>;

export const KbHandoffView = z.object({ handoff: KbHandoff.nullable() }).meta({ id: 'KbHandoffView' });
