// The knowledge-base search, table-tested: what folding, stemming, synonyms and typo tolerance make equal, what the
// score and its threshold decide, and that audiences and languages never mix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadSynonyms } from '../operations/kb-synonyms.js';
import { buildKbIndex, KB_THRESHOLD, searchKb, type KbSearchDocument } from './kb-search.js';
import { analyse, compileSynonyms, editDistance, foldText, stemEn, stemFr } from './kb-text.js';

const synonyms = loadSynonyms();
const stems = (text: string, lang: 'fr' | 'en') => analyse(text, lang, compileSynonyms(synonyms[lang])).map((term) => term.stem);

const ARTICLES: KbSearchDocument[] = [
  { id: 'telework', lang: 'fr', audience: 'public', question: 'Qui peut télétravailler pendant la crise ?', variants: [], tags: [], answer: 'Tous les postes compatibles passent en télétravail.' },
  { id: 'password', lang: 'fr', audience: 'staff', question: 'J’ai oublié mon mot de passe : comment le réinitialiser ?', variants: [], tags: [], answer: 'Utilisez la page de réinitialisation.' },
  { id: 'childcare', lang: 'fr', audience: 'public', question: 'Les écoles sont fermées : comment garder mes enfants ?', variants: ['garde d’enfants'], tags: ['famille'], answer: 'Demandez des horaires aménagés.' },
  { id: 'childcare-en', lang: 'en', audience: 'public', question: 'Schools are closed: how do I look after my children?', variants: [], tags: [], answer: 'Ask your manager for adjusted hours.' },
  { id: 'masks-en', lang: 'en', audience: 'staff', question: 'Where can I get masks?', variants: [], tags: [], answer: 'At reception, two per day.' },
]; // prettier-ignore
const index = buildKbIndex(ARTICLES, synonyms);
const everyone = ['public', 'staff'] as const;

describe('text analysis', () => {
  it.each([
    ['Télétravailler', 'teletravailler'],
    ['ŒUVRE Cœur', 'oeuvre coeur'],
    ['Où ?', 'ou ?'],
  ])('folds %s', (text, folded) => expect(foldText(text)).toBe(folded));

  it.each([
    ['teletravailler', 'teletravail'],
    ['declaration', 'declar'],
    ['declarer', 'declar'],
    ['maladie', 'malad'],
    ['malade', 'malad'],
    ['remboursement', 'rembour'],
    ['rembourse', 'rembour'],
    ['fermees', 'ferm'],
  ])('French stem of %s is %s', (word, stem) => expect(stemFr(word)).toBe(stem));

  it.each([
    ['vaccinated', 'vaccin'],
    ['vaccination', 'vaccin'],
    ['vaccine', 'vaccin'],
    ['holidays', 'holida'],
    ['holiday', 'holida'],
    ['running', 'run'],
    ['delivering', 'deliver'],
    ['delivery', 'deliver'],
  ])('English stem of %s is %s', (word, stem) => expect(stemEn(word)).toBe(stem));

  it.each([
    ['mdp', 'mot de passe', 'fr'],
    ['mes gosses', 'mes enfants', 'fr'],
    ['bosser', 'travailler', 'fr'],
    ['le boulot', 'le travail', 'fr'],
    ['le taf', 'le travail', 'fr'],
    ['my kids', 'my children', 'en'],
    ['wfh', 'work from home', 'en'],
  ] as const)('"%s" reads as "%s" (%s)', (slang, words, lang) => expect(stems(slang, lang)).toEqual(stems(words, lang)));

  it('drops stop words, keeps digits', () => {
    expect(stems('Est-ce que je peux le faire ?', 'fr')).toEqual([]);
    expect(stems('appeler le 15', 'fr')).toContain('15');
  });

  it.each([
    ['maladie', 'maldie', 1],
    ['lockdown', 'lockdwon', 1],
    ['children', 'childern', 1],
    ['abc', 'xyz', 3],
  ])('edit distance %s ↔ %s is %i (bounded)', (a, b, distance) => expect(editDistance(a, b, 2)).toBe(Math.min(distance, 3)));

  it('edit distance is symmetric and bounded', () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), (a, b) => {
        const d = editDistance(a, b, 2);
        expect(d).toBe(editDistance(b, a, 2));
        expect(d).toBeLessThanOrEqual(3);
        if (a === b) expect(d).toBe(0);
      }),
    ));
});

describe('searchKb', () => {
  it.each([
    ['je peux teletravailler ?', 'fr', 'telework'],
    ['bosser de chez moi', 'fr', 'telework'],
    ['j ai oublie mon mdp', 'fr', 'password'],
    ['qui garde mes gosses', 'fr', 'childcare'],
    ['ecoles fermees', 'fr', 'childcare'],
    ['who looks after my kids', 'en', 'childcare-en'],
    ['where can i get a face mask', 'en', 'masks-en'],
    ['wher can i get maks', 'en', 'masks-en'],
  ] as const)('"%s" (%s) finds %s first', (query, lang, id) => {
    const hits = searchKb(index, query, { lang, audiences: everyone });
    expect(hits[0]?.id).toBe(id);
    expect(hits[0].score).toBeGreaterThanOrEqual(KB_THRESHOLD);
    expect(hits[0].score).toBeLessThanOrEqual(1);
  });

  it.each([
    ['quelle est la recette de la tarte aux pommes', 'fr'],
    ['what is the capital of australia', 'en'],
    ['le la les de', 'fr'],
    ['', 'en'],
  ] as const)('"%s" gets nothing rather than a weak guess', (query, lang) => {
    expect(searchKb(index, query, { lang, audiences: everyone })).toEqual([]);
  });

  it('never answers the public with a staff article', () => {
    expect(searchKb(index, 'mot de passe oublie', { lang: 'fr', audiences: ['public'] })).toEqual([]);
    expect(searchKb(index, 'mot de passe oublie', { lang: 'fr', audiences: ['staff'] })[0].id).toBe('password');
  });

  it('answers in the language asked only', () => {
    expect(searchKb(index, 'children schools closed', { lang: 'fr', audiences: everyone }).map((hit) => hit.id)).not.toContain('childcare-en');
    expect(searchKb(index, 'ecoles fermees enfants', { lang: 'en', audiences: everyone }).map((hit) => hit.id)).not.toContain('childcare');
  });

  it('orders by score, gives at most the limit, and is deterministic', () =>
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.constantFrom('fr' as const, 'en' as const), fc.integer({ min: 1, max: 5 }), (query, lang, limit) => {
        const hits = searchKb(index, query, { lang, audiences: everyone, limit });
        expect(hits.length).toBeLessThanOrEqual(limit);
        for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
        expect(searchKb(index, query, { lang, audiences: everyone, limit })).toEqual(hits);
      }),
    ));

  it('an empty knowledge base answers nothing', () => {
    expect(searchKb(buildKbIndex([], synonyms), 'mot de passe', { lang: 'fr', audiences: everyone })).toEqual([]);
  });
});
