// Conversations of the crisis assistant through an organisation's public key: start one on a flow, answer it message
// by message. The interpreter is pure; here its state is read and written (compare-and-set on the turn), and the
// records it produces (completed orientation questionnaires, minimised) are saved in the same statement.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { advanceFlow, startFlow, type FlowEffect, type FlowState } from '../engine/flow.js';
import { FLOW_BUILTINS, flowBuiltins } from '../engine/flow-builtins.js';
import { RempartError } from '../errors.js';
import type { FlowMessage } from '../model/flow.js';
import { ConversationRepository, type OrientationRecordRow } from '../store/conversation-repository.js';
import type { Database } from '../store/schema.js';
import { shippedFlows } from './flows.js';
import { publicKbSearcher } from './kb.js';
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

let searching: Set<string> | undefined;

/** The flows from which a `kbSearch` call can be reached (through `goto`s to other flows): only they need the knowledge base. */
function searchingFlows(): Set<string> {
  if (searching) return searching;
  const flows = shippedFlows();
  const calls = (id: string) => Object.values(flows[id].steps).some((steps) => steps.some((step) => 'call' in step && step.call.fn === 'kbSearch'));
  const targets = (id: string) =>
    Object.values(flows[id].steps).flatMap((steps) =>
      steps.flatMap((step) => ('goto' in step && typeof step.goto === 'object' && step.goto.flow in flows ? [step.goto.flow] : [])),
    );
  const reaches = (id: string, seen: Set<string>): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    return calls(id) || targets(id).some((target) => reaches(target, seen));
  };
  searching = new Set(Object.keys(flows).filter((id) => reaches(id, new Set())));
  return searching;
}

/** The built-ins for a turn of a conversation on this flow: with the organisation's knowledge base only where it can be searched. */
async function builtinsFor(db: Kysely<Database>, orgId: string, flowId: string) {
  return searchingFlows().has(flowId) ? flowBuiltins(await publicKbSearcher(db, orgId)) : FLOW_BUILTINS;
}

function recordsOf(effects: readonly FlowEffect[]): OrientationRecordRow[] {
  return effects
    .filter((effect) => effect.type === 'orientationRecord')
    .map(({ data }) => ({
      day: data.date.slice(0, 10),
      department: data.postal_code ? data.postal_code.slice(0, 2) : null,
      orientation: data.orientation,
      ageRange: data.age_range,
      record: data,
    }));
}

export async function startConversation(
  db: Kysely<Database>,
  key: PublicKeyRecord,
  input: { lang?: string; flow?: string },
  now: number,
): Promise<{ id: string; messages: FlowMessage[] }> {
  const flows = shippedFlows();
  const flowId = input.flow ?? DEFAULT_FLOW;
  if (!Object.hasOwn(flows, flowId))
    throw new RempartError('not_found', `No flow "${flowId}".`, [
      { path: 'body.flow', rule: 'exists', value: flowId, message: `one of: ${Object.keys(flows).join(', ')}` },
    ]);
  const turn = startFlow(flows, flowId, { lang: input.lang, now }, await builtinsFor(db, key.orgId, flowId));
  // 122 random bits: the id is all a client holds, it must not be guessed.
  const id = randomUUID();
  await new ConversationRepository(db).insert(
    {
      orgId: key.orgId,
      id,
      keyId: key.id,
      flowId: turn.state.flow,
      flowVersion: turn.state.version,
      state: turn.state,
      ended: turn.state.ended,
      records: recordsOf(turn.effects),
    },
    new Date(now),
  );
  remember(`${key.id}:${id}`, { orgId: key.orgId, turn: 0, ended: turn.state.ended, state: turn.state });
  return { id, messages: turn.messages };
}

export async function postMessage(
  db: Kysely<Database>,
  key: PublicKeyRecord,
  id: string,
  input: { text?: string; choice?: string },
  now: number,
): Promise<{ messages: FlowMessage[] }> {
  const repository = new ConversationRepository(db);
  const cacheKey = `${key.id}:${id}`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // The first attempt trusts what this process last wrote (the compare-and-set checks it); a retry reads the row.
    const cached = attempt === 0 ? lastWritten.get(cacheKey) : undefined;
    const conversation =
      cached && cached.orgId === key.orgId
        ? { orgId: key.orgId, id, turn: cached.turn, ended: cached.ended, state: cached.state }
        : await repository.get(key.orgId, key.id, id);
    lastWritten.delete(cacheKey);
    if (!conversation)
      throw new RempartError('not_found', 'No such conversation.', [{ path: 'params.id', rule: 'exists', value: id, message: 'a conversation of this key' }]);
    if (conversation.ended)
      throw new RempartError('conflict', 'This conversation has ended: start a new one.', [
        { path: 'params.id', rule: 'ended', value: id, message: 'a conversation still going on' },
      ]);
    const state = conversation.state as FlowState;
    const turn = advanceFlow(shippedFlows(), state, { ...input, now }, await builtinsFor(db, key.orgId, state.flow));
    const moved = await repository.advance(
      conversation,
      { state: turn.state, flowId: turn.state.flow, flowVersion: turn.state.version, ended: turn.state.ended },
      recordsOf(turn.effects),
      new Date(now),
    );
    if (moved) {
      remember(cacheKey, { orgId: key.orgId, turn: conversation.turn + 1, ended: turn.state.ended, state: turn.state });
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
