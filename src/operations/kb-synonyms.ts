// The knowledge base's maintained synonym list, shipped in data/kb/synonyms.json, read and checked once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SynonymList } from '../engine/kb-text.js';
import { SynonymFile } from '../model/kb.js';
import { DATA_DIR } from '../paths.js';

let loaded: SynonymList | undefined;

/** The synonym list; a list that does not validate stops the process rather than searching without it. */
export function loadSynonyms(): SynonymList {
  if (loaded) return loaded;
  const parsed = SynonymFile.safeParse(JSON.parse(readFileSync(join(DATA_DIR, 'kb', 'synonyms.json'), 'utf8')));
  if (!parsed.success) throw new Error(`data/kb/synonyms.json is not a valid synonym list: ${parsed.error.message}`);
  loaded = { fr: parsed.data.fr, en: parsed.data.en };
  return loaded;
}
