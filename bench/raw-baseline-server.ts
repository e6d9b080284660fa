// The baseline of bench/model-writes.ts: the least a server can do for the same requests (fastify and node-postgres,
// no validation, no access control, no audit), on the same database kind, in a process of its own.
// Run by the bench: tsx bench/raw-baseline-server.ts (DATABASE_URL for PostgreSQL, else REMPART_BASELINE_DIR for PGlite).
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import Fastify from 'fastify';
import pg from 'pg';

const docs = JSON.parse(process.env.REMPART_BASELINE_DOCS ?? '[]') as Array<{ id: string }>;
const pool = process.env.DATABASE_URL
  ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
  : new pg.Pool(createPgConfig(await PGlite.create(process.env.REMPART_BASELINE_DIR!)));

await pool.query('create table if not exists baseline_activities (org_id text, id text, position int, doc jsonb, primary key (org_id, id))');
await pool.query('delete from baseline_activities');
for (const [position, doc] of docs.entries())
  await pool.query('insert into baseline_activities values ($1, $2, $3, $4)', ['synthetic', doc.id, position, JSON.stringify(doc)]);

const app = Fastify({ logger: false });
app.put<{ Params: { id: string }; Body: unknown }>('/activities/:id', async (request) => {
  const { rows } = await pool.query('update baseline_activities set doc = $1 where org_id = $2 and id = $3 returning doc', [
    JSON.stringify(request.body),
    'synthetic',
    request.params.id,
  ]);
  return rows[0].doc;
});
app.get<{ Querystring: { limit?: string } }>('/activities', async (request) => {
  const { rows } = await pool.query('select doc from baseline_activities where org_id = $1 order by position limit $2', [
    'synthetic',
    Number(request.query.limit ?? 50),
  ]);
  return { items: rows.map((row) => row.doc) };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`running at ${address}`);
