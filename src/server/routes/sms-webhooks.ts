// Inbound webhooks of the SMS provider: delivery receipts and replies (a digit 1–4 answers the check-in of the last
// alert texted to that number). No session nor token: each request is signed with the shared secret
// (`x-rempart-signature: sha256=<HMAC-SHA256 of the raw body>`, REMPART_SMS_WEBHOOK_SECRET); anything else is 401.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RempartError } from '../../errors.js';
import { SMS_KEYWORDS } from '../../model/alert-texts.js';
import { E164 } from '../../model/person.js';
import { alertSettings } from '../../operations/alert-settings.js';
import { checkInAs } from '../../operations/alerts.js';
import { SIGNATURE_HEADER, signatureValid } from '../../operations/channels.js';
import { DeliveryRepository } from '../../store/alert-repository.js';
import { ERRORS } from './shared.js';

const tags = ['alerts'];
const raw = new WeakMap<object, string>();

const Receipt = z
  .object({
    id: z.string().min(1).max(200).meta({ description: 'The id the provider gave when it accepted the message' }),
    status: z.enum(['delivered', 'failed']),
    error: z.string().max(500).optional(),
  })
  .strict();
const Reply = z
  .object({
    from: z.string().regex(E164, { message: 'an E.164 number such as +33612345678' }),
    text: z.string().max(1600),
  })
  .strict();
const Handled = z.object({ handled: z.boolean(), status: z.string().nullable().optional() });

export const smsWebhookRoutes: FastifyPluginAsyncZod = async (app) => {
  // The signature covers the bytes as sent: keep them beside the parsed body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    try {
      const parsed = JSON.parse(body as string) as unknown;
      if (parsed && typeof parsed === 'object') raw.set(parsed, body as string);
      done(null, parsed);
    } catch {
      done(
        new RempartError('invalid_input', 'The body is not JSON.', [{ path: 'body', rule: 'json', value: null, message: 'a JSON object' }]) as unknown as Error,
        undefined,
      );
    }
  });
  app.addHook('preValidation', async (request) => {
    const body = request.body as object | undefined;
    const text = body ? raw.get(body) : undefined;
    if (text === undefined || !signatureValid(alertSettings().sms.inboundSecret, text, request.headers[SIGNATURE_HEADER] as string | undefined))
      throw new RempartError('unauthenticated', 'The webhook is not signed with the shared secret.', [
        { path: `headers.${SIGNATURE_HEADER}`, rule: 'signature', value: null, message: 'sha256=<HMAC-SHA256 of the body with REMPART_SMS_WEBHOOK_SECRET>' },
      ]);
  });

  app.post(
    '/sms/receipts',
    {
      bodyLimit: 16 * 1024,
      config: { policy: { access: 'public' } },
      schema: {
        tags,
        summary: 'SMS provider webhook: a delivery receipt (`{"id", "status": "delivered"|"failed"}`), signed',
        description: `Signed with \`${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the raw body>\` and REMPART_SMS_WEBHOOK_SECRET; unsigned or wrongly signed: 401.`,
        body: Receipt,
        response: { 200: Handled, ...ERRORS },
      },
    },
    async (request) => ({
      handled: await new DeliveryRepository(app.db).receipt(request.body.id, request.body.status === 'delivered', request.body.error ?? null),
    }),
  );

  app.post(
    '/sms/replies',
    {
      bodyLimit: 16 * 1024,
      config: { policy: { access: 'public' } },
      schema: {
        tags,
        summary: 'SMS provider webhook: a reply (`{"from", "text"}`); 1 on site, 2 remote, 3 unavailable, 4 help answer the last alert texted to that number',
        description: `Signed as receipts are. A reply that is not one of the keywords is acknowledged and ignored (\`handled: false\`).`,
        body: Reply,
        response: { 200: Handled, ...ERRORS },
      },
    },
    async (request) => {
      const keyword = request.body.text.trim().split(/\s+/)[0] ?? '';
      const status = SMS_KEYWORDS[keyword];
      if (!status) return { handled: false, status: null };
      const target = await new DeliveryRepository(app.db).lastSmsTo(request.body.from);
      if (!target) return { handled: false, status: null };
      await checkInAs(app.db, target.org, target.incident, target.person, { status, note: undefined }, 'sms');
      return { handled: true, status };
    },
  );
};
