// The response check the API suites run under: it must catch a wrong field, an undeclared field, an undocumented
// status and a malformed error, and let a matching response through.
import Fastify from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_RESPONSES } from '../../src/model/contract/errors.js';
import { installResponseCheck, type ResponseMismatch } from '../../src/server/response-check.js';

const mismatches: ResponseMismatch[] = [];
const app = Fastify().withTypeProvider<ZodTypeProvider>();
const Thing = z.object({ id: z.string(), size: z.number() });

beforeAll(async () => {
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installResponseCheck(app, (mismatch) => mismatches.push(mismatch));
  const schema = { response: { 200: Thing, 404: ERROR_RESPONSES[404] } };
  app.get('/good', { schema }, async () => ({ id: 'a', size: 1 }));
  app.get('/wrong-type', { schema }, async () => ({ id: 'a', size: 'big' }) as never);
  app.get('/extra-field', { schema }, async () => ({ id: 'a', size: 1, secret: 'x' }) as never);
  app.get(
    '/undocumented-status',
    { schema },
    async (_request, reply) => reply.code(409 as 404).send({ error: { code: 'conflict', message: 'm', details: [] } }) as never,
  );
  app.get(
    '/wrong-error-code',
    { schema },
    async (_request, reply) => reply.code(404).send({ error: { code: 'forbidden', message: 'm', details: [] } }) as never,
  );
  app.get('/not-found', { schema }, async (_request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: 'm', details: [{ path: 'id', rule: 'exists', message: 'none' }] } }),
  );
  await app.ready();
});
afterAll(() => app.close());

async function problemsOf(url: string): Promise<string[]> {
  mismatches.length = 0;
  await app.inject({ url });
  return mismatches.flatMap((mismatch) => mismatch.problems);
}

describe('response check', () => {
  it('lets a matching response through, and a 404 with its own code', async () => {
    expect(await problemsOf('/good')).toEqual([]);
    expect(await problemsOf('/not-found')).toEqual([]);
  });

  it('reports a wrong field, an undeclared field, an undocumented status and a code of another status', async () => {
    expect(await problemsOf('/wrong-type')).toEqual([expect.stringMatching(/^size: /)]);
    expect(await problemsOf('/extra-field')).toEqual(['secret: not in the documented schema']);
    expect(await problemsOf('/undocumented-status')).toEqual([expect.stringContaining('status 409 is not documented')]);
    expect(await problemsOf('/wrong-error-code')).toEqual([expect.stringMatching(/^error\.code: /)]);
  });

  it('checks the error body of an address no route serves (Fastify’s own 404 is not the API’s error shape)', async () => {
    expect(await problemsOf('/nowhere')).toEqual(['error: Invalid input: expected object, received string']);
  });
});
