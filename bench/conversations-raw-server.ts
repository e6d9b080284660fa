// The baseline of bench/conversations.ts: the least a server can do for a persisted conversation message (fastify and
// node-postgres, no validation, no access control, no interpreter): read the conversation's state, write the next one.
// Run by the bench: tsx bench/conversations-raw-server.ts (DATABASE_URL).
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query('create table if not exists baseline_conversations (id uuid primary key, state jsonb not null, turn int not null default 0)');

const app = Fastify({ logger: false });
app.post('/conversations', async (_request, reply) => {
  const { rows } = await pool.query(`insert into baseline_conversations (id, state) values (gen_random_uuid(), '{"step": 0}') returning id`);
  return reply.code(201).send({ id: rows[0].id, messages: [] });
});
app.post<{ Params: { id: string }; Body: { text?: string } }>('/conversations/:id/messages', async (request) => {
  const { rows } = await pool.query('select state, turn from baseline_conversations where id = $1', [request.params.id]);
  const state = { step: rows[0].state.step + 1, last: request.body.text };
  await pool.query('update baseline_conversations set state = $1, turn = turn + 1 where id = $2 and turn = $3', [
    JSON.stringify(state),
    request.params.id,
    rows[0].turn,
  ]);
  return { messages: [{ type: 'text', text: 'ok' }] };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`running at ${address}`);
