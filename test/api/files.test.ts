// Stored files over HTTP on a real database: byte-identical round trips, hashes, media types, streaming without
// holding the file in memory, per-file limits and quotas that leave nothing behind, tenants, roles, hostile names and
// headers, and downloads a browser never renders in place.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { actAs, SYSTEM } from '../../src/operations/actor.js';
import { DEFAULT_SESSION_SETTINGS, issueSession } from '../../src/operations/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { AccountRepository } from '../../src/store/account-repository.js';
import { openDatabase, type DatabaseHandle } from '../../src/store/database.js';
import { CHUNK_SIZE, DatabaseBlobStore } from '../../src/store/blob-store.js';
import { credentialHeaders, smallModel, startTestApp, type Credentials, type TestApp, type TestUser } from '../support/app.js';
import { usingPostgres } from '../support/database.js';
import { TEMPLATE_PATH_ENV } from '../support/global-setup.js';

const MB = 1024 * 1024;
const ORG = 'files';

let t: TestApp;
let employee: TestUser;
let auditor: TestUser;
let manager: TestUser;
let crisis: TestUser;
let outsider: TestUser;

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.request({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: smallModel() })).statusCode).toBe(200);
  employee = await t.createUser('employee@files.example', { org: ORG, role: 'employee' });
  auditor = await t.createUser('auditor@files.example', { org: ORG, role: 'auditor' });
  manager = await t.createUser('manager@files.example', { org: ORG, role: 'continuityManager' });
  crisis = await t.createUser('crisis@files.example', { org: ORG, role: 'crisisTeam' });
  // The owner of another organisation, and nothing here.
  outsider = await t.createUser('owner@other.example');
  await sql`update users set is_server_admin = true where id = ${outsider.id}`.execute(t.database.db);
  expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'other', name: 'Other' }, as: outsider.session })).statusCode).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every byte value, then random bytes: what a text-minded path would mangle. */
function binary(size: number): Buffer {
  const data = randomBytes(size);
  for (let i = 0; i < Math.min(256, size); i++) data[i] = i;
  return data;
}

function upload(
  content: Buffer | Readable,
  options: { name?: string; type?: string; as?: Credentials; headers?: Record<string, string>; org?: string; app?: TestApp['app'] } = {},
) {
  const query = options.name === undefined ? '' : `?name=${encodeURIComponent(options.name)}`;
  const headers: Record<string, string> = { ...(options.type === undefined ? {} : { 'content-type': options.type }), ...options.headers };
  if (content instanceof Readable && !('content-length' in headers)) headers['transfer-encoding'] = 'chunked';
  if (options.app) {
    const as = options.as === undefined ? t.owner.session : options.as;
    return options.app.inject({
      method: 'POST',
      url: `/api/orgs/${options.org ?? ORG}/files${query}`,
      payload: content,
      headers: { ...credentialHeaders(as, 'POST'), ...headers },
    });
  }
  return t.request({ method: 'POST', url: `/api/orgs/${options.org ?? ORG}/files${query}`, payload: content, headers, as: options.as });
}

async function rows(org = ORG): Promise<{ blobs: number; chunks: number }> {
  const blobs = await t.database.db
    .selectFrom('blobs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', org)
    .executeTakeFirstOrThrow();
  const chunks = await t.database.db
    .selectFrom('blob_chunks')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('org_id', '=', org)
    .executeTakeFirstOrThrow();
  return { blobs: Number(blobs.n), chunks: Number(chunks.n) };
}

/** A stream of `size` bytes made as it is read, `piece` bytes at a time: the sender never holds the file either. */
function generated(size: number, piece = 64 * 1024, fill = 0x5a): Readable {
  let sent = 0;
  const block = Buffer.alloc(piece, fill);
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(piece, size - sent);
      sent += n;
      this.push(n === piece ? block : block.subarray(0, n));
    },
  });
}

describe('round trip', () => {
  it('stores 5 MB of binary and gives back the same bytes, with their SHA-256, type, length and an attachment', async () => {
    const data = binary(5 * MB + 123);
    const created = await upload(data, { name: 'Plan de continuité – Lyon.pdf', type: 'application/pdf' });
    expect(created.statusCode, created.body).toBe(201);
    const file = created.json();
    expect(file).toMatchObject({
      name: 'Plan de continuité – Lyon.pdf',
      contentType: 'application/pdf',
      size: data.length,
      sha256: sha256(data),
      purpose: 'attachment',
    });
    expect(file.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(file.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(created.headers.location).toBe(`/api/orgs/${ORG}/files/${file.id}`);

    const download = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${file.id}` });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.length).toBe(data.length);
    expect(download.rawPayload.equals(data)).toBe(true);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-length']).toBe(String(data.length));
    expect(download.headers['content-disposition']).toBe(
      `attachment; filename="Plan de continuite _ Lyon.pdf"; filename*=UTF-8''Plan%20de%20continuit%C3%A9%20%E2%80%93%20Lyon.pdf`,
    );
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.headers.etag).toBe(`"${sha256(data)}"`);
    // Stored in chunks, the last one short.
    const chunks = await t.database.db
      .selectFrom('blob_chunks')
      .select(['seq', sql<number>`length(data)`.as('length')])
      .where('blob_id', '=', file.id)
      .orderBy('seq')
      .execute();
    expect(chunks.length).toBe(Math.ceil(data.length / CHUNK_SIZE));
    expect(chunks.slice(0, -1).every((chunk) => chunk.length === CHUNK_SIZE)).toBe(true);
    expect(chunks.map((chunk) => chunk.seq)).toEqual(chunks.map((_, i) => i));
  });

  it('streams uploads in without a Content-Length (chunked), and files of a few bytes, exactly', async () => {
    const created = await upload(generated(3 * MB + 7), { name: 'stream.bin', type: 'application/octet-stream' });
    expect(created.statusCode, created.body).toBe(201);
    const expected = Buffer.alloc(3 * MB + 7, 0x5a);
    expect(created.json()).toMatchObject({ size: expected.length, sha256: sha256(expected) });
    const tiny = await upload(Buffer.from('ok'), { name: 'tiny.txt', type: 'text/plain' });
    expect(tiny.statusCode).toBe(201);
    const back = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${tiny.json().id}` });
    expect(back.body).toBe('ok');
  });

  it('keeps the media type as sent, octet-stream when none, and refuses one that is not a media type', async () => {
    const typed = await upload(Buffer.from('a;b\n1;2\n'), { name: 'table.csv', type: 'Text/CSV; charset=UTF-8' });
    expect(typed.statusCode).toBe(201);
    expect(typed.json().contentType).toBe('text/csv; charset=UTF-8');
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${typed.json().id}` })).headers['content-type']).toBe('text/csv; charset=UTF-8');

    const json = await upload(Buffer.from('{"a": 1}'), { name: 'data.json', type: 'application/json' });
    expect(json.statusCode).toBe(201);
    expect(json.json().contentType).toBe('application/json');

    const untyped = await t.app.inject({
      method: 'POST',
      url: `/api/orgs/${ORG}/files?name=raw.bin`,
      payload: Readable.from([Buffer.from([1, 2, 3])]),
      headers: { ...credentialHeaders(t.owner.session, 'POST'), 'transfer-encoding': 'chunked' },
    });
    expect(untyped.statusCode, untyped.body).toBe(201);
    expect(untyped.json().contentType).toBe('application/octet-stream');

    const before = await rows();
    for (const type of ['pdf', 'text/html\u0000', 'a/b; x', `application/${'x'.repeat(300)}`, '../../etc/passwd']) {
      const refused = await upload(Buffer.from('x'), { name: 'x.bin', type });
      expect(refused.statusCode, type).toBe(400);
      expect(refused.json().error.details[0]).toMatchObject({ path: 'headers.content-type', rule: 'media_type' });
    }
    expect(await rows()).toEqual(before);
  });

  it('takes the name from Content-Disposition (filename* first), and lists, pages and filters files', async () => {
    const named = await upload(Buffer.from('evidence'), {
      type: 'text/plain',
      headers: { 'content-disposition': `attachment; filename="ete.txt"; filename*=UTF-8''%C3%A9t%C3%A9%20%F0%9F%99%82.txt` },
    });
    expect(named.statusCode, named.body).toBe(201);
    expect(named.json().name).toBe('été 🙂.txt');
    const plain = await upload(Buffer.from('report'), {
      type: 'text/plain',
      headers: { 'content-disposition': 'attachment; filename="rapport \\"final\\".txt"' },
    });
    expect(plain.json().name).toBe('rapport "final".txt');
    const download = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${plain.json().id}` });
    expect(download.headers['content-disposition']).toBe(`attachment; filename="rapport _final_.txt"; filename*=UTF-8''rapport%20%22final%22.txt`);

    const evidence = await t.request({
      method: 'POST',
      url: `/api/orgs/${ORG}/files?name=proof.txt&purpose=evidence`,
      payload: Buffer.from('proof'),
      headers: { 'content-type': 'text/plain' },
    });
    expect(evidence.json().purpose).toBe('evidence');

    const all = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files` });
    expect(all.statusCode).toBe(200);
    const list = all.json();
    expect(list.total).toBe(list.items.length);
    expect(list.items[0].name).toBe('proof.txt');
    expect(list.items[0].createdBy).toBe(t.owner.email);
    expect(list.items[0].abilities).toEqual({ delete: true });
    expect(list.abilities).toEqual({ create: true });
    expect(list.usage).toMatchObject({ files: list.total, quotaBytes: 1024 * MB, maxFileBytes: 50 * MB });
    expect(list.usage.bytes).toBe(list.items.reduce((sum: number, item: { size: number }) => sum + item.size, 0));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = (
        await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files?limit=2${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(list.items.map((item: { id: string }) => item.id));

    const filtered = (await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files?purpose=evidence` })).json();
    expect(filtered.items.map((item: { name: string }) => item.name)).toEqual(['proof.txt']);
    expect(filtered.total).toBe(1);
    const bad = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files?cursor=not-a-cursor` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({ path: 'query.cursor', rule: 'cursor' });
  });

  it('deletes a file with its chunks, and records uploads and deletions in the audit trail', async () => {
    const created = (await upload(binary(600 * 1024), { name: 'gone.bin', type: 'application/octet-stream' })).json();
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/files/${created.id}` })).statusCode).toBe(204);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${created.id}` })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/files/${created.id}` })).statusCode).toBe(404);
    expect(await t.database.db.selectFrom('blob_chunks').select('seq').where('blob_id', '=', created.id).execute()).toEqual([]);
    const trail = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'after', 'before'])
      .where('entity_type', '=', 'file')
      .where('entity_id', '=', created.id)
      .orderBy('seq')
      .execute();
    expect(trail.map((entry) => entry.action)).toEqual(['create', 'delete']);
    expect(trail[0].after).toMatchObject({ name: 'gone.bin', size: 600 * 1024, sha256: created.sha256 });
  });
});

describe('hostile input', () => {
  it('refuses names that are paths, hide characters or run long, with path, rule and value, and stores nothing', async () => {
    const before = await rows();
    const cases: Array<[string, string]> = [
      ['../../etc/passwd', 'path_separator'],
      ['C:\\Windows\\system.ini', 'path_separator'],
      ['report\n.pdf', 'control_character'],
      ['bell\u0007.txt', 'control_character'],
      ['invoice\u202efdp.exe', 'bidi_control'],
      ['..', 'reserved_name'],
      ['   ', 'required'],
      ['x'.repeat(201), 'too_long'],
    ];
    for (const [name, rule] of cases) {
      const refused = await upload(Buffer.from('x'), { name, type: 'text/plain' });
      expect(refused.statusCode, name).toBe(400);
      expect(refused.json().error.details[0], name).toMatchObject({ path: 'query.name', rule });
    }
    // 200 characters (of two UTF-16 units each) are fine.
    expect((await upload(Buffer.from('x'), { name: '🙂'.repeat(200), type: 'text/plain' })).statusCode).toBe(201);
    // NUL and lone surrogates are refused at the edge, as everywhere.
    const nul = await upload(Buffer.from('x'), { name: 'a\u0000b', type: 'text/plain' });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.details[0]).toMatchObject({ path: 'query.name', rule: 'invalid_text' });
    const missing = await upload(Buffer.from('x'), { type: 'text/plain' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0]).toMatchObject({ path: 'query.name', rule: 'required' });

    const headers: Array<[string, string]> = [
      ['attachment; filename="../../x.html"', 'path_separator'],
      [`attachment; filename*=UTF-8''..%2F..%2Fx`, 'path_separator'],
      [`attachment; filename*=UTF-8''a%00b`, 'control_character'],
      [`attachment; filename*=UTF-8''%FF%FE`, 'encoding'],
      [`attachment; filename*=UTF-16''abc`, 'charset'],
      [`attachment; filename*=abc`, 'format'],
      ['attachment; filename=""', 'required'],
    ];
    for (const [header, rule] of headers) {
      const refused = await upload(Buffer.from('x'), { type: 'text/plain', headers: { 'content-disposition': header } });
      expect(refused.statusCode, header).toBe(400);
      expect(refused.json().error.details[0], header).toMatchObject({ path: 'headers.content-disposition', rule });
    }
    const empty = await upload(Buffer.alloc(0), { name: 'empty.txt', type: 'text/plain' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0]).toMatchObject({ path: 'body', rule: 'required' });
    const emptyStream = await upload(Readable.from([]), { name: 'empty.txt', type: 'text/plain' });
    expect(emptyStream.statusCode).toBe(400);
    expect((await rows()).blobs).toBe(before.blobs + 1);
  });

  it('serves a stored HTML or SVG file as an attachment with nosniff and a sandbox, never in place', async () => {
    for (const [name, type, content] of [
      ['evil.html', 'text/html', '<script>parent.document.cookie</script>'],
      ['evil.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ]) {
      const created = await upload(Buffer.from(content), { name, type });
      expect(created.statusCode).toBe(201);
      for (const as of [t.owner.session, auditor.session]) {
        const download = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${created.json().id}`, as });
        expect(download.statusCode).toBe(200);
        expect(download.headers['content-disposition']).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
        expect(download.headers['x-content-type-options']).toBe('nosniff');
        expect(download.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
        expect(download.body).toBe(content);
      }
    }
  });

  it('answers ids that are not file ids with 400 or 404, never a 500', async () => {
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/claims` })).statusCode).toBe(400);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/00000000-0000-4000-8000-000000000000` })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/files/00000000-0000-4000-8000-000000000000` })).statusCode).toBe(404);
  });
});

describe('tenants and roles', () => {
  let id = '';
  beforeAll(async () => {
    id = (await upload(Buffer.from('confidential BIA'), { name: 'bia.txt', type: 'text/plain' })).json().id;
  });

  it('finds nothing of another organisation’s files, by its address or by the id in one’s own', async () => {
    // The other organisation's owner, at this organisation's address: no such organisation for them.
    for (const method of ['GET', 'DELETE'] as const) {
      const theirs = await t.request({ method, url: `/api/orgs/${ORG}/files/${id}`, as: outsider.session });
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json().error.message).toMatch(/^No organisation/);
      // The id in their own organisation: no such file.
      const mine = await t.request({ method, url: `/api/orgs/other/files/${id}`, as: outsider.session });
      expect(mine.statusCode).toBe(404);
      expect(mine.body).not.toContain('confidential');
    }
    const list = (await t.request({ method: 'GET', url: '/api/orgs/other/files', as: outsider.session })).json();
    expect(list.items).toEqual([]);
    expect(list.usage.bytes).toBe(0);
    expect((await upload(Buffer.from('x'), { name: 'x.txt', type: 'text/plain', as: outsider.session })).statusCode).toBe(404);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${id}` })).statusCode).toBe(200);
  });

  it('lets employees do nothing, auditors and crisis teams read only, continuity managers add and delete', async () => {
    for (const who of [employee]) {
      expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files`, as: who.session })).statusCode).toBe(403);
      expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${id}`, as: who.session })).statusCode).toBe(403);
    }
    for (const who of [auditor, crisis]) {
      const list = await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files`, as: who.session });
      expect(list.statusCode).toBe(200);
      expect(list.json().abilities).toEqual({ create: false });
      expect(list.json().items[0].abilities).toEqual({ delete: false });
      expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${id}`, as: who.session })).body).toBe('confidential BIA');
      expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/files/${id}`, as: who.session })).statusCode).toBe(403);
    }
    const before = await rows();
    for (const who of [employee, auditor, crisis]) {
      const refused = await upload(Buffer.alloc(1000, 1), { name: 'x.bin', type: 'application/octet-stream', as: who.session });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
    }
    expect(await rows()).toEqual(before);

    const created = await upload(Buffer.from('by the manager'), { name: 'm.txt', type: 'text/plain', as: manager.session });
    expect(created.statusCode).toBe(201);
    expect(created.json().createdBy).toBe(manager.email);
    expect((await t.request({ method: 'DELETE', url: `/api/orgs/${ORG}/files/${created.json().id}`, as: manager.session })).statusCode).toBe(204);

    // An auditor's API token reads; it cannot upload.
    const token = (await t.request({ method: 'POST', url: `/api/orgs/${ORG}/tokens`, payload: { name: 'reader', role: 'auditor' } })).json().token;
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${id}`, as: { bearer: token } })).statusCode).toBe(200);
    expect((await upload(Buffer.from('x'), { name: 'x.txt', type: 'text/plain', as: { bearer: token } })).statusCode).toBe(403);
    // Without credentials: nothing.
    expect((await upload(Buffer.from('x'), { name: 'x.txt', type: 'text/plain', as: null })).statusCode).toBe(401);
    expect((await t.request({ method: 'GET', url: `/api/orgs/${ORG}/files/${id}`, as: null })).statusCode).toBe(401);
  });
});

describe('limits', () => {
  const LIMITED = 'limited';
  let limited: TestApp['app'];

  beforeAll(async () => {
    expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: LIMITED, name: 'Limited' } })).statusCode).toBe(201);
    // A second server on the same database, with small limits: 1 MB a file, 3 MB an organisation.
    limited = await buildApp({
      db: t.database.db,
      databaseKind: t.database.kind,
      listen: t.database.listen,
      secretKey: randomBytes(32),
      rateLimit: { perMinute: false, signInPerMinute: 1000 },
      files: { maxBytes: MB, quotaBytes: 3 * MB },
    });
    await limited.ready();
  });
  afterAll(async () => {
    await limited?.close();
  });

  it('refuses a file over the limit, announced or streamed, with path, rule and value, and leaves no row', async () => {
    const announced = await upload(binary(MB + 1), { name: 'big.bin', type: 'application/octet-stream', org: LIMITED, app: limited });
    expect(announced.statusCode).toBe(413);
    expect(announced.json().error).toMatchObject({ code: 'payload_too_large', details: [{ path: 'body', rule: 'max_size', value: MB + 1 }] });
    // No Content-Length: counted as it comes, and stopped.
    const streamed = await upload(generated(5 * MB), { name: 'big.bin', type: 'application/octet-stream', org: LIMITED, app: limited });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error.details[0]).toMatchObject({ path: 'body', rule: 'max_size' });
    expect(streamed.json().error.details[0].value).toBeGreaterThan(MB);
    expect(await rows(LIMITED)).toEqual({ blobs: 0, chunks: 0 });
    // Exactly the limit is fine.
    const exact = await upload(binary(MB), { name: 'exact.bin', type: 'application/octet-stream', org: LIMITED, app: limited });
    expect(exact.statusCode, exact.body).toBe(201);
    expect(
      (await limited.inject({ method: 'DELETE', url: `/api/orgs/${LIMITED}/files/${exact.json().id}`, headers: credentialHeaders(t.owner.session, 'DELETE') }))
        .statusCode,
    ).toBe(204);
  });

  it('holds an organisation to its quota, also for uploads that finish together, and frees room on delete', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await upload(binary(MB), { name: `f${i}.bin`, type: 'application/octet-stream', org: LIMITED, app: limited });
      expect(created.statusCode, created.body).toBe(201);
      ids.push(created.json().id);
    }
    const over = await upload(binary(MB), {
      name: 'over.bin',
      type: 'application/octet-stream',
      org: LIMITED,
      app: limited,
      headers: { 'content-length': String(MB) },
    });
    expect(over.statusCode).toBe(201);
    ids.push(over.json().id);
    // 3 MB used: one more byte is refused before it is read (announced) or as it comes (streamed).
    const announced = await upload(Buffer.from('x'), { name: 'x.bin', type: 'application/octet-stream', org: LIMITED, app: limited });
    expect(announced.statusCode).toBe(413);
    expect(announced.json().error.details).toEqual([{ path: 'body', rule: 'quota', value: 3 * MB + 1, message: expect.any(String) }]);
    const streamed = await upload(generated(1000), { name: 'x.bin', type: 'application/octet-stream', org: LIMITED, app: limited });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error.details[0]).toMatchObject({ rule: 'quota' });
    // Other organisations have their own quota.
    expect((await t.request({ method: 'POST', url: '/api/orgs', payload: { id: 'roomy', name: 'Roomy' } })).statusCode).toBe(201);
    expect((await upload(Buffer.from('x'), { name: 'x.bin', type: 'text/plain', org: 'roomy', app: limited })).statusCode).toBe(201);

    // Room for one 1 MB file, two sent at once: one fits, the other is refused when it completes.
    await limited.inject({ method: 'DELETE', url: `/api/orgs/${LIMITED}/files/${ids.pop()}`, headers: credentialHeaders(t.owner.session, 'DELETE') });
    const both = await Promise.all(
      [0, 1].map((i) => upload(generated(MB, 64 * 1024, i), { name: `race${i}.bin`, type: 'application/octet-stream', org: LIMITED, app: limited })),
    );
    expect(both.map((answer) => answer.statusCode).sort()).toEqual([201, 413]);
    const usage = (await limited.inject({ method: 'GET', url: `/api/orgs/${LIMITED}/files`, headers: credentialHeaders(t.owner.session) })).json().usage;
    expect(usage).toEqual({ files: 3, bytes: 3 * MB, quotaBytes: 3 * MB, maxFileBytes: MB });
    expect(await rows(LIMITED)).toEqual({ blobs: 3, chunks: 12 });
  });
});

describe('configuration', () => {
  it('reads REMPART_FILE_MAX_MB and REMPART_FILE_QUOTA_MB, 50 and 1024 by default, and refuses nonsense', () => {
    expect(loadConfig({}, {})).toMatchObject({ fileMaxMb: 50, fileQuotaMb: 1024 });
    expect(loadConfig({}, { REMPART_FILE_MAX_MB: '5', REMPART_FILE_QUOTA_MB: '0.5' })).toMatchObject({ fileMaxMb: 5, fileQuotaMb: 0.5 });
    expect(() => loadConfig({}, { REMPART_FILE_MAX_MB: 'lots', REMPART_FILE_QUOTA_MB: '-1' })).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ path: 'fileMaxMb' }), expect.objectContaining({ path: 'fileQuotaMb' })] }),
    );
  });
});

describe('the store', () => {
  it('leaves nothing when the source fails midway, and purges uploads a dead process left incomplete', async () => {
    const store = new DatabaseBlobStore(t.database.db);
    const org = 'other';
    async function* failing() {
      yield Buffer.alloc(700 * 1024, 1);
      throw new Error('connection reset by peer');
    }
    await expect(store.put({ orgId: org, name: 'cut.bin', contentType: 'application/octet-stream', createdBy: null }, failing())).rejects.toThrow(
      'connection reset',
    );
    expect(await rows(org)).toEqual({ blobs: 0, chunks: 0 });

    // What a process that died mid-upload leaves: an incomplete row and some chunks, listed nowhere.
    const old = new Date(Date.now() - 2 * 3600_000);
    const { id } = await t.database.db
      .insertInto('blobs')
      .values({ org_id: org, name: 'dead.bin', content_type: 'application/octet-stream', created_by: null, created_at: old })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('blob_chunks')
      .values({ org_id: org, blob_id: id, seq: 0, data: Buffer.alloc(10) })
      .execute();
    const fresh = await t.database.db
      .insertInto('blobs')
      .values({ org_id: org, name: 'uploading.bin', content_type: 'application/octet-stream', created_by: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(await store.get(org, id)).toBeUndefined();
    expect((await store.list(org, { limit: 10 })).items).toEqual([]);
    expect(await store.usage(org)).toEqual({ files: 0, bytes: 0 });
    expect(await store.purgeIncomplete(new Date(Date.now() - 3600_000))).toBe(1);
    expect(await rows(org)).toEqual({ blobs: 1, chunks: 0 });
    await t.database.db.deleteFrom('blobs').where('id', '=', fresh.id).execute();
  });

  it('reads a file one chunk at a time, as the reader asks', async () => {
    const store = new DatabaseBlobStore(t.database.db);
    const data = binary(2 * CHUNK_SIZE + 10);
    const record = await store.put({ orgId: 'other', name: 'lazy.bin', contentType: 'application/octet-stream', createdBy: null }, Readable.from([data]));
    expect(record).toMatchObject({ size: data.length, sha256: sha256(data), createdBy: null });
    const opened = (await store.open('other', record.id))!;
    const parts: Buffer[] = [];
    for await (const part of opened.content) parts.push(part as Buffer);
    expect(parts.map((part) => part.length)).toEqual([CHUNK_SIZE, CHUNK_SIZE, 10]);
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    // Deleted while read: the stream fails rather than ending short.
    const again = (await store.open('other', record.id))!;
    const reader = again.content[Symbol.asyncIterator]();
    await reader.next();
    await store.delete('other', record.id);
    await expect(
      (async () => {
        for (;;) if ((await reader.next()).done) break;
      })(),
    ).rejects.toThrow(/missing|ended/);
  });
});

/** A full collection, through V8's `gc` exposed at run time. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (options?: { type: 'minor' | 'major'; execution: 'sync' }) => void;
  return () => gc({ type: 'major', execution: 'sync' });
}

describe('streaming memory', () => {
  let handle: DatabaseHandle | undefined;
  let folder: string | undefined;
  let app: TestApp['app'];
  let base: URL;
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    session = t.owner.session;
    if (usingPostgres) app = t.app;
    else {
      // A data folder on disk, as a real embedded deployment has: an in-memory database would itself hold every byte.
      folder = await mkdtemp(join(tmpdir(), 'rempart-files-'));
      handle = await openDatabase({ dataDir: folder, loadDataDir: new Blob([await readFile(process.env[TEMPLATE_PATH_ENV]!)]) });
      const db = handle.db;
      session = await actAs(SYSTEM, () =>
        db.transaction().execute(async (trx) => {
          const accounts = new AccountRepository(trx);
          const id = await accounts.insertUser({
            email: 'owner@disk.example',
            displayName: 'Owner',
            passwordHash: 'unused',
            mustChange: false,
            serverAdmin: true,
          });
          const issued = await issueSession(trx, DEFAULT_SESSION_SETTINGS, (await accounts.user(id))!, { ip: '127.0.0.1', userAgent: 'test' });
          return { cookie: issued.token, csrf: issued.csrfToken };
        }),
      );
      app = await buildApp({
        db,
        databaseKind: 'embedded',
        listen: handle.listen,
        secretKey: randomBytes(32),
        rateLimit: { perMinute: false, signInPerMinute: 1000 },
      });
      const created = await app.inject({ method: 'PUT', url: `/api/orgs/${ORG}/model`, payload: smallModel(), headers: credentialHeaders(session, 'PUT') });
      expect(created.statusCode, created.body).toBe(200);
    }
    base = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  });
  afterAll(async () => {
    if (app !== t.app) await app?.close();
    else await t.app.server.close();
    await handle?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** Sends `size` generated bytes over a real socket; resolves with the answer. */
  function send(size: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(new URL(`/api/orgs/${ORG}/files?name=big.bin`, base), {
        method: 'POST',
        headers: { ...credentialHeaders(session, 'POST'), 'content-type': 'application/octet-stream', 'content-length': String(size) },
      });
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }));
      });
      request.on('error', reject);
      generated(size, 64 * 1024, 7).pipe(request);
    });
  }

  it('uploads and downloads 40 MB with the process growing by less than 60 MB', { timeout: 120_000 }, async () => {
    // A first file warms the code paths and the database's buffers up; the second one is measured.
    const warm = await send(40 * MB);
    expect(warm.status, warm.body).toBe(201);
    // Every socket read is a fresh buffer, garbage as soon as it is stored: V8 collects such buffers when it sees fit
    // (up to tens of megabytes later). A full collection before each sample measures what is held, which is what
    // streaming is about: a server that kept the file would still grow by 40 MB.
    const collect = collector();
    collect();
    // What JavaScript holds (heap and buffers) judges streaming; the RSS, which the allocator gives back when it sees
    // fit and which counts the test's own client, only bounds gross growth.
    const held = () => {
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const before = process.memoryUsage().rss;
    const heldBefore = held();
    let peak = before;
    let heldPeak = heldBefore;
    const sampler = setInterval(() => {
      collect();
      peak = Math.max(peak, process.memoryUsage().rss);
      heldPeak = Math.max(heldPeak, held());
    }, 20);
    let created;
    let received = 0;
    try {
      created = await send(40 * MB);
      expect(created.status, created.body).toBe(201);
      const response = await fetch(new URL(`/api/orgs/${ORG}/files/${JSON.parse(created.body).id}`, base), { headers: credentialHeaders(session) });
      expect(response.status).toBe(200);
      const hash = createHash('sha256');
      for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
        received += part.length;
        hash.update(part);
      }
      expect(hash.digest('hex')).toBe(JSON.parse(created.body).sha256);
    } finally {
      clearInterval(sampler);
    }
    expect(received).toBe(40 * MB);
    expect(JSON.parse(created.body).sha256).toBe(sha256(Buffer.alloc(40 * MB, 7)));
    const grew = `held memory grew by ${((heldPeak - heldBefore) / MB).toFixed(1)} MB, RSS by ${((peak - before) / MB).toFixed(1)} MB`;
    console.log(`40 MB up and down: ${grew}`);
    // A server holding the file would grow by far more than the file: 40 MB of body, then its hex text for the database
    // (80 MB) or its chunks; streaming stays well under. What JavaScript holds is printed but not judged: on a loaded
    // machine collections come late and it swings by tens of megabytes whatever the code does.
    expect((peak - before) / MB, grew).toBeLessThan(60);
  });
});
