// A real server on a real database for one suite, called in-process through Fastify's inject.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/server/app.js';
import type { DatabaseHandle } from '../../src/store/database.js';
import { createTestDatabase } from './database.js';

export interface TestApp {
  app: FastifyInstance;
  database: DatabaseHandle;
  request(options: InjectOptions): Promise<LightMyRequestResponse & { json<T = any>(): T }>;
  close(): Promise<void>;
}

export async function startTestApp(): Promise<TestApp> {
  const database = await createTestDatabase();
  const app = await buildApp({ db: database.db, databaseKind: database.kind });
  await app.ready();
  return {
    app,
    database,
    request: (options) => app.inject(options) as never,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** A small, complete model whose figures are easy to check by hand. */
export function smallModel() {
  return {
    organisation: { name: 'Small Co' },
    sites: [
      { id: 'paris', name: 'Paris', seats: 100 },
      { id: 'lyon', name: 'Lyon' },
    ],
    pools: [{ id: 'vpn', kind: 'vpn', capacity: 50 }],
    applications: [
      { id: 'crm', name: 'CRM', rto: '4h' },
      { id: 'ledger', name: 'Ledger', rto: '3d', rpo: 24 },
    ],
    suppliers: [{ id: 'telco', name: 'Telco' }],
    activities: [
      {
        id: 'claims',
        name: 'Claims',
        mtpd: '3d',
        rto: 24,
        mbco: 0.5,
        staff: [{ site: 'paris', headcount: 40, remote: 0.5, access: ['vpn'] }],
        applications: ['crm'],
        suppliers: ['telco'],
      },
      { id: 'payments', name: 'Payments', mtpd: '1w', rto: '2d', mbco: 0.3, dependsOn: ['claims'], applications: ['ledger'] },
    ],
    strategies: [
      { id: 'vpn-up', name: 'VPN upgrade', leadTime: '2d', cost: { fixed: 10000, perDay: 0 }, effect: { type: 'poolCapacity', pool: 'vpn', amount: 100 } },
    ],
  };
}
