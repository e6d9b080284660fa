// The baseline of the check-in figure in bench/alerts.ts: the least a server can do for an answer (fastify and
// node-postgres: one INSERT, no lookup of the link, no validation, no history), in a process of its own.
// Run by the bench: tsx bench/checkin-raw-server.ts with DATABASE_URL.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'create table if not exists raw_checkins (id bigint generated always as identity primary key, token text not null, status text not null, at timestamptz not null default now())',
);

const app = Fastify({ logger: false });
app.post<{ Params: { token: string }; Body: { status: string } }>('/c/:token', async (request) => {
  await pool.query('insert into raw_checkins (token, status) values ($1, $2)', [request.params.token, request.body.status]);
  return { status: request.body.status };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`running at ${address}`);
