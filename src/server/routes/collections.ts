// The six model collections share one set of routes: list (paged, searchable), read, create, replace, delete.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { COLLECTIONS, ENTITY_SCHEMAS, type Collection, type EntityOf } from '../../model/organisation.js';
import { createEntity, deleteEntity, notFound, replaceEntity } from '../../operations/model-writer.js';
import { isValidCursor, ModelRepository } from '../../store/model-repository.js';
import { RempartError } from '../../errors.js';
import { collectionAbilities, organisationReadWithCaller, withAbilities } from '../access.js';
import { PageCache, pageKey, sendJsonText } from '../page-cache.js';
import { presentEntity } from '../presenters.js';
import { ERRORS, ItemParams, OrgParams, pageQuery, withoutReadOnly } from './shared.js';
import { entityPage, ENTITY_VIEWS, type EntityView } from '../../model/contract/organisation.js';

const LABEL: Record<Collection, [string, string]> = {
  sites: ['site', 'sites'],
  pools: ['remote-access pool', 'remote-access pools'],
  applications: ['application', 'applications'],
  suppliers: ['supplier', 'suppliers'],
  activities: ['activity', 'prioritised activities (with their BIA)'],
  strategies: ['strategy', 'continuity strategies'],
};

/** Numeric fields each list may also be sorted by. */
const NUMERIC_SORTS: Record<Collection, ReadonlyArray<'mtpd' | 'rto' | 'capacity'>> = {
  sites: [],
  pools: ['capacity'],
  applications: ['rto'],
  suppliers: [],
  activities: ['mtpd', 'rto'],
  strategies: [],
};

export const collectionRoutes: FastifyPluginAsyncZod = async (app) => {
  const repository = new ModelRepository(app.db);

  const totals = new Map<string, { version: number; total: number }>();
  const pages = new PageCache();

  async function organisation(request: FastifyRequest, orgId: string) {
    const org = organisationReadWithCaller(request, orgId) ?? (await repository.getOrganisation(orgId));
    if (!org) throw notFound('organisation', orgId);
    return org;
  }

  for (const collection of COLLECTIONS) {
    const schema = ENTITY_SCHEMAS[collection];
    const [singular, plural] = LABEL[collection];
    const item = ENTITY_VIEWS[collection];
    // Read-only blocks may come back with what was read; they are dropped before validation.
    const body = z.preprocess((value) => withoutReadOnly(value), schema);
    const tags = ['model'];
    // The rules of activity owners look at the activity as stored, so abilities are computed on the stored item.
    const present = (
      request: Parameters<typeof withAbilities>[0],
      entity: EntityOf<Collection>,
      bia: Parameters<typeof presentEntity>[2],
    ): EntityView<Collection> => withAbilities(request, collection, presentEntity(collection, entity, bia), entity);

    app.get(
      `/orgs/:org/${collection}`,
      {
        config: { policy: { resource: collection, action: 'read' } },
        schema: {
          tags,
          summary: `List ${plural}`,
          description: 'Paged by cursor: pass `nextCursor` back as `cursor` with the same `sort` and `order`. `q` searches ids and names.',
          params: OrgParams,
          querystring: pageQuery(NUMERIC_SORTS[collection]),
          response: { 200: entityPage(collection), ...ERRORS },
        },
      },
      async (request, reply) => {
        const { org: orgId } = request.params;
        const query = request.query;
        if (query.cursor && !isValidCursor(query.cursor, query.sort))
          throw new RempartError('invalid_input', 'The cursor does not come from this list.', [
            { path: 'query.cursor', rule: 'cursor', value: query.cursor, message: 'pass back nextCursor of the previous page, with the same sort' },
          ]);
        const org = await organisation(request, orgId);
        const pageKeyOf = pageKey(request, org, collection);
        const served = pages.get(pageKeyOf);
        if (served !== undefined) return sendJsonText(reply, served);
        // Every model write bumps the version, so a total counted at this version is still true; only
        // unfiltered lists are cached, one entry per organisation and collection.
        const key = `${orgId}\u0000${collection}`;
        const cached = query.q ? undefined : totals.get(key);
        const page = await repository.listEntities(orgId, collection, query, cached?.version === org.modelVersion ? cached.total : undefined);
        if (!query.q) totals.set(key, { version: org.modelVersion, total: page.total });
        const body = JSON.stringify({
          ...page,
          items: page.items.map((entity) => present(request, entity, org.bia)),
          abilities: collectionAbilities(request, collection),
        });
        pages.set(pageKeyOf, body);
        return sendJsonText(reply, body);
      },
    );

    app.get(
      `/orgs/:org/${collection}/:id`,
      {
        config: { policy: { resource: collection, action: 'read' } },
        schema: { tags, summary: `Read one ${singular}`, params: ItemParams, response: { 200: item, ...ERRORS } },
      },
      async (request) => {
        const { org: orgId, id } = request.params;
        const [org, entity] = await Promise.all([organisation(request, orgId), repository.getEntity(orgId, collection, id)]);
        if (!entity) throw notFound(singular, id);
        return present(request, entity, org.bia);
      },
    );

    app.post(
      `/orgs/:org/${collection}`,
      {
        config: { policy: { resource: collection, action: 'create' } },
        schema: { tags, summary: `Create a ${singular}`, params: OrgParams, body, response: { 201: item, ...ERRORS } },
      },
      async (request, reply) => {
        const { org: orgId } = request.params;
        const created = await createEntity(app.db, orgId, collection, request.body as EntityOf<Collection>);
        return reply.code(201).send(present(request, created.entity, created.bia));
      },
    );

    app.put(
      `/orgs/:org/${collection}/:id`,
      {
        config: { policy: { resource: collection, action: 'update' } },
        schema: {
          tags,
          summary: `Replace a ${singular}`,
          description: 'Renaming (a different `id` in the body) is refused while other items refer to the old id.',
          params: ItemParams,
          body,
          response: { 200: item, ...ERRORS },
        },
      },
      async (request) => {
        const { org: orgId, id } = request.params;
        const saved = await replaceEntity(app.db, orgId, collection, id, request.body as EntityOf<Collection>);
        return present(request, saved.entity, saved.bia);
      },
    );

    app.delete(
      `/orgs/:org/${collection}/:id`,
      {
        config: { policy: { resource: collection, action: 'delete' } },
        schema: { tags, summary: `Delete a ${singular} (refused while it is referred to)`, params: ItemParams, response: { 204: z.null(), ...ERRORS } },
      },
      async (request, reply) => {
        await deleteEntity(app.db, request.params.org, collection, request.params.id);
        return reply.code(204).send(null);
      },
    );
  }
};
