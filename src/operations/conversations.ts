// Conversations of the crisis assistant, through an organisation's public key or with a signed-in member: start one
// on a flow, answer it message by message. The interpreter is pure; here its state is read and written (compare-and-set on the turn), and the
// records it produces (completed orientation questionnaires, minimised) are saved in the same statement.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { advanceFlow, startFlow, type Builtins, type FlowEffect, type FlowRegistry, type FlowState } from '../engine/flow.js';
import { FLOW_BUILTINS, flowBuiltins } from '../engine/flow-builtins.js';
import { RempartError } from '../errors.js';
import type { Builtin, FlowMessage } from '../model/flow.js';
import { ConversationRepository, type ConversationOwner, type OrientationRecordRow, type QuestionCaseRow } from '../store/conversation-repository.js';
import type { Database } from '../store/schema.js';
import { recordAudit, recordChain } from './audit.js';
import { flowsOf } from './flows.js';
import { publicKbSearcher, staffKbSearcher } from './kb.js';
import { planKnowledge } from './plan-knowledge.js';
import type { PublicKeyRecord } from './widget.js';

/** The flow a conversation runs when the client names none. */
export const DEFAULT_FLOW = 'orientation';
/** Conversations idle this long are deleted with their answers (an abandoned questionnaire is not kept). */
export const IDLE_CONVERSATION_MS = 24 * 60 * 60 * 1000;
/**
 * The state this process last wrote for each conversation, with its turn: the next message of a conversation this
 * process answered goes straight to the compare-and-set, which fails if anyone (another process, a purge) changed it
 * since, and only then is the row read. Bounded: the oldest entries go first.
 */
const lastWritten = new Map<string, { orgId: string; turn: number; ended: boolean; state: FlowState }>();
const CACHED_CONVERSATIONS = 20_000;

function remember(key: string, entry: { orgId: string; turn: number; ended: boolean; state: FlowState }): void {
  lastWritten.delete(key);
  lastWritten.set(key, entry);
  if (lastWritten.size > CACHED_CONVERSATIONS) lastWritten.delete(lastWritten.keys().next().value!);
}

/** Two messages of one conversation at once: the second reads again this many times before giving up (409). */
const ATTEMPTS = 3;

/** Who talks: anyone through an organisation's public key, or a signed-in member (a staff conversation, or a preview). */
export type ConversationCaller =
  | { kind: 'public'; orgId: string; keyId: string; startFlow?: string | null }
  | { kind: 'staff' | 'preview'; orgId: string; userId: string; email: string; startFlow?: undefined };

/** The caller behind a public key. */
export function publicCaller(key: PublicKeyRecord): ConversationCaller {
  return { kind: 'public', orgId: key.orgId, keyId: key.id, startFlow: key.flow };
}

const ownerOf = (caller: ConversationCaller): ConversationOwner =>
  caller.kind === 'public' ? { kind: 'public', keyId: caller.keyId } : { kind: caller.kind, userId: caller.userId };
const cacheKeyOf = (caller: ConversationCaller, id: string) => `${caller.kind === 'public' ? caller.keyId : `${caller.kind}:${caller.userId}`}:${id}`;

const calling = new WeakMap<FlowRegistry, Map<string, Set<string>>>();

/** The flows from which a call of this built-in can be reached (through `goto`s to other flows): only they need what it reads. */
function flowsCalling(flows: FlowRegistry, fn: Builtin): Set<string> {
  let byFn = calling.get(flows);
  if (!byFn) calling.set(flows, (byFn = new Map()));
  const known = byFn.get(fn);
  if (known) return known;
  const calls = (id: string) => Object.values(flows[id].steps).some((steps) => steps.some((step) => 'call' in step && step.call.fn === fn));
  const targets = (id: string) =>
    Object.values(flows[id].steps).flatMap((steps) =>
      steps.flatMap((step) => ('goto' in step && typeof step.goto === 'object' && step.goto.flow in flows ? [step.goto.flow] : [])),
    );
  const reaches = (id: string, seen: Set<string>): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    return calls(id) || targets(id).some((target) => reaches(target, seen));
  };
  const found = new Set(Object.keys(flows).filter((id) => reaches(id, new Set())));
  byFn.set(fn, found);
  return found;
}

/**
 * The built-ins for a turn of a conversation on this flow: the organisation's knowledge base only where it can be
 * searched (public articles for a public caller, staff ones too for a member), its plans only for a member.
 */
async function builtinsFor(db: Kysely<Database>, flows: FlowRegistry, caller: ConversationCaller, flowId: string): Promise<Builtins> {
  const staff = caller.kind !== 'public';
  const searches = flowsCalling(flows, 'kbSearch').has(flowId);
  const answersFromPlans = staff && flowsCalling(flows, 'planAnswer').has(flowId);
  if (!searches && !answersFromPlans && !staff) return FLOW_BUILTINS;
  const [kb, plans] = await Promise.all([
    searches ? (staff ? staffKbSearcher(db, caller.orgId) : publicKbSearcher(db, caller.orgId)) : undefined,
    answersFromPlans ? planKnowledge(db, caller.orgId, caller.email) : undefined,
  ]);
  return flowBuiltins({ kb, plans, staff });
}

function recordsOf(caller: ConversationCaller, effects: readonly FlowEffect[]): OrientationRecordRow[] {
  // A preview is someone trying a flow: it is counted in no surveillance.
  if (caller.kind === 'preview') return [];
  return effects.flatMap((effect) =>
    effect.type === 'orientationRecord'
      ? [
          {
            day: effect.data.date.slice(0, 10),
            department: effect.data.postal_code ? effect.data.postal_code.slice(0, 2) : null,
            orientation: effect.data.orientation,
            ageRange: effect.data.age_range,
            record: effect.data,
          },
        ]
      : [],
  );
}

/** The questions handed over with the person's consent; a member is reached at their account's address. A preview opens none. */
function casesOf(caller: ConversationCaller, effects: readonly FlowEffect[], now: number): QuestionCaseRow[] {
  if (caller.kind === 'preview') return [];
  return effects.flatMap((effect) =>
    effect.type === 'followUpCase'
      ? [
          {
            question: effect.data.question,
            contact: caller.kind === 'public' ? (effect.data.contact ?? '') : caller.email,
            language: effect.data.lang,
            requester: caller.kind === 'public' ? ('public' as const) : ('staff' as const),
            consentedAt: new Date(now),
          },
        ].filter((row) => row.contact.length > 0)
      : [],
  );
}

export async function startConversation(
  db: Kysely<Database>,
  caller: ConversationCaller,
  input: { lang?: string; flow?: string },
  now: number,
): Promise<{ id: string; messages: FlowMessage[] }> {
  const flows = await flowsOf(db, caller.orgId);
  const flowId = input.flow ?? caller.startFlow ?? DEFAULT_FLOW;
  if (!Object.hasOwn(flows, flowId))
    throw new RempartError('not_found', `No flow "${flowId}".`, [
      { path: 'body.flow', rule: 'exists', value: flowId, message: `one of: ${Object.keys(flows).join(', ')}` },
    ]);
  const turn = startFlow(flows, flowId, { lang: input.lang, now }, await builtinsFor(db, flows, caller, flowId));
  // 122 random bits: the id is all a client holds, it must not be guessed.
  const id = randomUUID();
  await new ConversationRepository(db).insert(
    {
      orgId: caller.orgId,
      id,
      owner: ownerOf(caller),
      flowId: turn.state.flow,
      flowVersion: turn.state.version,
      state: turn.state,
      ended: turn.state.ended,
      records: recordsOf(caller, turn.effects),
    },
    new Date(now),
  );
  remember(cacheKeyOf(caller, id), { orgId: caller.orgId, turn: 0, ended: turn.state.ended, state: turn.state });
  return { id, messages: turn.messages };
}

export async function postMessage(
  db: Kysely<Database>,
  caller: ConversationCaller,
  id: string,
  input: { text?: string; choice?: string },
  now: number,
): Promise<{ messages: FlowMessage[] }> {
  const repository = new ConversationRepository(db);
  const cacheKey = cacheKeyOf(caller, id);
  const flows = await flowsOf(db, caller.orgId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // The first attempt trusts what this process last wrote (the compare-and-set checks it); a retry reads the row.
    const cached = attempt === 0 ? lastWritten.get(cacheKey) : undefined;
    const conversation =
      cached && cached.orgId === caller.orgId
        ? { orgId: caller.orgId, id, turn: cached.turn, ended: cached.ended, state: cached.state }
        : await repository.get(caller.orgId, ownerOf(caller), id);
    lastWritten.delete(cacheKey);
    if (!conversation)
      throw new RempartError('not_found', 'No such conversation.', [
        { path: 'params.id', rule: 'exists', value: id, message: caller.kind === 'public' ? 'a conversation of this key' : 'a conversation of yours' },
      ]);
    if (conversation.ended)
      throw new RempartError('conflict', 'This conversation has ended: start a new one.', [
        { path: 'params.id', rule: 'ended', value: id, message: 'a conversation still going on' },
      ]);
    const state = conversation.state as FlowState;
    const turn = advanceFlow(flows, state, { ...input, now }, await builtinsFor(db, flows, caller, state.flow));
    const moved = await repository.advance(
      conversation,
      { state: turn.state, flowId: turn.state.flow, flowVersion: turn.state.version, ended: turn.state.ended },
      recordsOf(caller, turn.effects),
      new Date(now),
      casesOf(caller, turn.effects, now),
      (trx, caseId, row) =>
        recordAudit(
          trx,
          {
            org: caller.orgId,
            chain: recordChain(caller.orgId, 'conversation', id),
            action: 'hand_over',
            entityType: 'followUpCase',
            entityId: caseId,
            // The question and the contact may be personal: the trail keeps that consent was given, and the lengths.
            after: { requester: row.requester, consent: true, questionLength: row.question.length, language: row.language },
          },
          new Date(now),
        ),
    );
    if (moved) {
      remember(cacheKey, { orgId: caller.orgId, turn: conversation.turn + 1, ended: turn.state.ended, state: turn.state });
      return { messages: turn.messages };
    }
  }
  throw new RempartError('conflict', 'Another message of this conversation was being answered: send yours again.', [
    { path: 'params.id', rule: 'concurrent', value: id, message: 'one message at a time' },
  ]);
}

export async function purgeIdleConversations(db: Kysely<Database>, now: number): Promise<number> {
  return new ConversationRepository(db).purgeIdle(new Date(now - IDLE_CONVERSATION_MS));
}
