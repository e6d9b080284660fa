// The Rempart server of bench/conversations.ts: the real app (routes, access control, validation, the interpreter,
// persistence) on DATABASE_URL, with the public limits raised: the bench is one client hammering one key.
// BENCH_REAL_LIMITS=1 (bench/conversation-burst.ts) keeps the default public limits and believes X-Forwarded-For from
// loopback, so that each simulated person counts as the client they would be behind a load balancer.
import { buildApp } from '../src/server/app.js';
import { openDatabase } from '../src/store/database.js';

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL! });
const app = await buildApp({
  db: database.db,
  databaseKind: database.kind,
  listen: database.listen,
  secretKey: Buffer.alloc(32, 7),
  logger: false,
  rateLimit: { perMinute: false, signInPerMinute: 10 },
  ...(process.env.BENCH_REAL_LIMITS === '1'
    ? { trustProxy: '127.0.0.1' }
    : { publicRateLimits: { perKeyPerMinute: 100_000_000, perClientPerMinute: 100_000_000 } }),
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`running at ${address}`);
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0)),
);
