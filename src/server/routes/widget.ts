// The embeddable widget: an organisation's public keys and settings, managed by its owners and administrators, and
// the handshake a widget makes from a page of an allowed origin (GET /api/widget/config with the public key).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AllowedOrigins, KeyBranding, PublicKey, WidgetConfig, WidgetSettings } from '../../model/callers.js';
import { Id } from '../../model/organisation.js';
import { isInvalidText } from '../../model/text.js';
import {
  createPublicKey,
  listPublicKeys,
  publicKeyView,
  readWidgetSettings,
  revokePublicKey,
  updatePublicKey,
  updateWidgetSettings,
  widgetConfig,
  type PublicKeyRecord,
} from '../../operations/widget.js';
import { collectionAbilities, publicKeyPreflight, subjectOf, withAbilities } from '../access.js';
import { ERRORS, ItemAbilities, OrgParams, withoutReadOnly } from './shared.js';

const tags = ['widget'];
/** Settings and keys are small: a small body limit keeps refusals cheap. */
const BODY_LIMIT = 16 * 1024;

const KeyParams = z.object({ org: Id, id: z.uuid() });
const ListedKey = PublicKey.extend({ abilities: ItemAbilities });
const WidgetView = WidgetSettings.extend({ abilities: ItemAbilities });
const Label = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((text) => !isInvalidText(text), { message: 'no NUL character nor lone surrogate', params: { rule: 'invalid_text' } });
const FlowId = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: 'a flow id' })
  .nullish()
  .meta({
    description: 'The flow conversations through this key start with when the client names none (a shipped flow or one of the organisation’s)',
  });
const Branding = KeyBranding.nullish().meta({
  description: 'The key’s own look: title and greeting per language (fr, en), accent colour #rrggbb, logo (https). Null: none',
});

export const widgetRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.access.sessions.now();
  const present = (request: Parameters<typeof withAbilities>[0], key: PublicKeyRecord) => withAbilities(request, 'publicKeys', publicKeyView(key));

  app.get(
    '/orgs/:org/public-keys',
    {
      config: { policy: { resource: 'publicKeys', action: 'read' } },
      schema: {
        tags,
        summary: 'The organisation’s widget keys with their allowed origins, newest first (revoked ones too)',
        params: OrgParams,
        response: { 200: z.object({ items: z.array(ListedKey), abilities: ItemAbilities }), ...ERRORS },
      },
    },
    async (request) => ({
      items: (await listPublicKeys(app.db, request.params.org)).map((key) => present(request, key)),
      abilities: collectionAbilities(request, 'publicKeys'),
    }),
  );

  app.post(
    '/orgs/:org/public-keys',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { resource: 'publicKeys', action: 'create' } },
      schema: {
        tags,
        summary: 'Create a widget key for the pages of some origins',
        description:
          'The key (`rmpk_…`) is public: write it into the pages that embed the widget. It opens only the widget’s routes, and only from the listed origins (exact scheme, host and port; `["*"]` alone opens it to every origin, explicitly).',
        params: OrgParams,
        body: z
          .object({
            label: Label,
            origins: AllowedOrigins,
            flow: FlowId,
            branding: Branding,
          })
          .strict(),
        response: { 201: ListedKey, ...ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createPublicKey(app.db, request.params.org, subjectOf(request).userId, request.body, now());
      return reply.code(201).send(present(request, created));
    },
  );

  app.patch(
    '/orgs/:org/public-keys/:id',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { resource: 'publicKeys', action: 'update' } },
      schema: {
        tags,
        summary: 'Change a widget key’s label, allowed origins, start flow or branding (the key itself stays)',
        description: 'Give only what changes; `branding: null` takes the key’s own look away. A revoked key cannot change (409).',
        params: KeyParams,
        body: z
          .object({ label: Label.optional(), origins: AllowedOrigins.optional(), flow: FlowId, branding: Branding })
          .strict()
          .refine((change) => Object.values(change).some((value) => value !== undefined), {
            message: 'at least one of label, origins, flow, branding',
            params: { rule: 'empty_change' },
          }),
        response: { 200: ListedKey, ...ERRORS },
      },
    },
    async (request) => present(request, await updatePublicKey(app.db, request.params.org, request.params.id, request.body, now())),
  );

  app.delete(
    '/orgs/:org/public-keys/:id',
    {
      config: { policy: { resource: 'publicKeys', action: 'delete' } },
      schema: { tags, summary: 'Revoke a widget key: widgets using it stop at once', params: KeyParams, response: { 204: z.null(), ...ERRORS } },
    },
    async (request, reply) => {
      await revokePublicKey(app.db, request.params.org, request.params.id, now());
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/orgs/:org/widget',
    {
      config: { policy: { resource: 'widget', action: 'read' } },
      schema: { tags, summary: 'The widget’s public settings: name, languages, greeting', params: OrgParams, response: { 200: WidgetView, ...ERRORS } },
    },
    async (request) => withAbilities(request, 'widget', await readWidgetSettings(app.db, request.params.org)),
  );

  app.put(
    '/orgs/:org/widget',
    {
      bodyLimit: BODY_LIMIT,
      config: { policy: { resource: 'widget', action: 'update' } },
      schema: {
        tags,
        summary: 'Change the widget’s public settings',
        description: 'Whatever is set here is public: any page of an allowed origin reads it with the organisation’s key.',
        params: OrgParams,
        body: z.preprocess((body) => withoutReadOnly(body, ['abilities']), WidgetSettings),
        response: { 200: WidgetView, ...ERRORS },
      },
    },
    async (request) => withAbilities(request, 'widget', await updateWidgetSettings(app.db, request.params.org, request.body, now())),
  );

  app.get(
    '/widget/config',
    {
      config: { policy: { access: 'publicKey' } },
      schema: {
        tags,
        summary: 'The widget’s handshake: the organisation’s public settings, for a page of an allowed origin',
        description:
          'Send the key as the `x-rempart-key` header (or `?key=`) from a page of one of its origins; the answer names that origin in `Access-Control-Allow-Origin`.',
        querystring: z.object({ key: z.string().max(200).optional() }).strict(),
        response: { 200: WidgetConfig, ...ERRORS },
      },
    },
    async (request) => widgetConfig(app.db, request.publicKey!.orgId, request.publicKey!),
  );
  publicKeyPreflight(app, '/widget/config', ['GET']);
};
