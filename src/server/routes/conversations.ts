// The public conversation API (issue 13): a client (the widget of part 2, or any other) starts a conversation with an
// organisation's public key in the address and answers it message by message. The key's origins are the only ones
// CORS answers; each key and each client behind it are rate-limited across server processes.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConversationMessage, ConversationReply, ConversationStart, ConversationStarted } from '../../model/contract/conversations.js';
import { postMessage, publicCaller, startConversation } from '../../operations/conversations.js';
import type { PublicRateLimits, SharedRateLimiter } from '../../operations/public-rate-limit.js';
import { publicKeyPreflight } from '../access.js';
import { ERRORS } from './shared.js';

declare module 'fastify' {
  interface FastifyInstance {
    publicRateLimiter: SharedRateLimiter;
    publicRateLimits: PublicRateLimits;
  }
}

const tags = ['conversations'];
const BODY_LIMIT = 8 * 1024;
const Key = z.string().max(200).meta({ description: 'The organisation’s public key (`rmpk_…`)' });
const KeyParams = z.object({ key: Key });
const ConversationParams = z.object({ key: Key, id: z.uuid() });

export const conversationRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();
  /** One more message through this key, and from this client through it; 429 with Retry-After beyond either limit. */
  const count = (request: { publicKey: { id: string } | null; ip: string }) =>
    app.publicRateLimiter.take([
      { scope: `key:${request.publicKey!.id}`, limit: app.publicRateLimits.perKeyPerMinute },
      { scope: `client:${request.publicKey!.id}:${request.ip}`, limit: app.publicRateLimits.perClientPerMinute },
    ]);

  app.post(
    '/public/:key/conversations',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { access: 'publicKey', keyParam: 'key' } },
      schema: {
        tags,
        summary: 'Start a conversation (the orientation questionnaire by default): its id and the first messages',
        description:
          'The body may be left out. Conversations forget their answers when they end, and are deleted after a day without a message; a completed orientation questionnaire leaves only its minimised record (age range, BMI, department, day).',
        params: KeyParams,
        body: ConversationStart.nullish(),
        response: { 201: ConversationStarted, ...ERRORS },
      },
    },
    async (request, reply) => {
      await count(request);
      const started = await startConversation(app.db, publicCaller(request.publicKey!), request.body ?? {}, now());
      return reply.code(201).send(started);
    },
  );
  publicKeyPreflight(app, '/public/:key/conversations', ['POST'], 'key');

  app.post(
    '/public/:key/conversations/:id/messages',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { access: 'publicKey', keyParam: 'key' } },
      schema: {
        tags,
        summary: 'Answer the conversation: what the person typed (`text`) or the quick reply they picked (`choice`)',
        description: 'Only the key that started the conversation continues it (another key: 404). An ended conversation answers 409 (rule `ended`).',
        params: ConversationParams,
        body: ConversationMessage,
        response: { 200: ConversationReply, ...ERRORS },
      },
    },
    async (request) => {
      await count(request);
      return postMessage(app.db, publicCaller(request.publicKey!), request.params.id, request.body, now());
    },
  );
  publicKeyPreflight(app, '/public/:key/conversations/:id/messages', ['POST'], 'key');
};
