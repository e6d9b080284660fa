// Named commands on stored files: an upload and a removal each commit with their audit entry.
import type { FilePurpose } from '../model/file.js';
import type { BlobRecord, BlobStore } from '../store/blob-store.js';
import { recordAudit } from './audit.js';

/** What the audit trail keeps of a file: never its content. */
function fileAudit(record: BlobRecord) {
  return { name: record.name, contentType: record.contentType, purpose: record.purpose, size: record.size, sha256: record.sha256 };
}

/** Stores a file streamed from `content`; it becomes visible together with its audit entry. */
export async function uploadFile(
  store: BlobStore,
  file: { orgId: string; name: string; contentType: string; purpose?: FilePurpose; createdBy: string | null; declaredSize?: number },
  content: AsyncIterable<Uint8Array>,
): Promise<BlobRecord> {
  const { declaredSize, ...blob } = file;
  return store.put(blob, content, {
    declaredSize,
    inCommit: (trx, record) => recordAudit(trx, { org: record.orgId, action: 'create', entityType: 'file', entityId: record.id, after: fileAudit(record) }),
  });
}

/** Removes a file and records it; undefined when there is no such file. */
export async function deleteFile(store: BlobStore, orgId: string, id: string): Promise<BlobRecord | undefined> {
  return store.delete(orgId, id, {
    inCommit: (trx, record) => recordAudit(trx, { org: orgId, action: 'delete', entityType: 'file', entityId: record.id, before: fileAudit(record) }),
  });
}
