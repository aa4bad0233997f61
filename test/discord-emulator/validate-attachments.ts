/**
 * File uploads as Discord takes them: multipart/form-data with a `payload_json` part (the message
 * JSON) and `files[n]` parts; the emulator parses them here and rejects what Discord would.
 */

/** Discord's limits on uploads: 10 files per message; each within the upload limit (10 MiB without boosts); 25 MiB per request. */
export const ATTACHMENT_LIMITS = { files: 10, fileBytes: 10 * 1024 * 1024, requestBytes: 25 * 1024 * 1024 } as const;

export interface UploadedFile {
  /** The form field, e.g. "files[0]". */
  field: string;
  /** n in files[n]: the id payload_json's attachments refer to. */
  index: number;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  payload: Record<string, unknown>;
  files: UploadedFile[];
  /** Parts that are neither payload_json nor files[n] (Discord ignores them; tests may want to know). */
  unknownFields: string[];
}

/** Parses a multipart/form-data body; throws with a reason when it is malformed. */
export function parseMultipart(raw: Buffer, contentType: string): MultipartBody {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw new Error('multipart body without a boundary');
  const boundary = Buffer.from(`--${(m[1] ?? m[2])!.trim()}`);
  const out: MultipartBody = { payload: {}, files: [], unknownFields: [] };
  let pos = raw.indexOf(boundary);
  if (pos === -1) throw new Error('multipart body without its boundary');
  for (;;) {
    pos += boundary.length;
    if (raw.subarray(pos, pos + 2).toString() === '--') break; // closing boundary
    pos += 2; // CRLF after the boundary
    const headerEnd = raw.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1) throw new Error('multipart part without a header end');
    const headers = raw.subarray(pos, headerEnd).toString('utf8');
    const next = raw.indexOf(boundary, headerEnd + 4);
    if (next === -1) throw new Error('multipart body not closed');
    const data = raw.subarray(headerEnd + 4, next - 2); // minus the CRLF before the boundary
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    const declaredType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
    // Discord derives a file's type from its name when the upload does not say (discord.js sends Buffers untyped).
    const type = declaredType && declaredType !== 'application/octet-stream' ? declaredType : typeFromName(filename ?? '');
    if (name === 'payload_json') out.payload = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    else {
      const f = /^files\[(\d+)\]$/.exec(name);
      if (f && filename !== undefined) out.files.push({ field: name, index: Number(f[1]), filename, contentType: type, data: Buffer.from(data) });
      else out.unknownFields.push(name);
    }
    pos = next;
  }
  return out;
}

const TEXT_TYPES: Record<string, string> = { csv: 'text/csv', md: 'text/markdown', txt: 'text/plain', json: 'application/json', html: 'text/html' };

function typeFromName(name: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return TEXT_TYPES[ext] ? `${TEXT_TYPES[ext]}; charset=utf-8` : 'application/octet-stream';
}

/** What Discord rejects about a message's uploads (beyond the message body itself). */
export function attachmentProblems(body: MultipartBody, requestBytes: number, fileLimit: number = ATTACHMENT_LIMITS.fileBytes): string[] {
  const problems: string[] = [];
  if (requestBytes > ATTACHMENT_LIMITS.requestBytes) problems.push(`request: must be ${ATTACHMENT_LIMITS.requestBytes} bytes or fewer (${requestBytes})`);
  if (body.files.length > ATTACHMENT_LIMITS.files) problems.push(`files: must be ${ATTACHMENT_LIMITS.files} or fewer (${body.files.length})`);
  const seen = new Set<number>();
  let total = 0;
  for (const f of body.files) {
    if (seen.has(f.index)) problems.push(`${f.field}: duplicate file index`);
    seen.add(f.index);
    if (!f.filename) problems.push(`${f.field}: filename is required`);
    if (f.data.length > fileLimit) problems.push(`${f.field}: must be ${fileLimit} bytes or fewer (${f.data.length})`);
    total += f.data.length;
  }
  if (total > fileLimit) problems.push(`files: total must be ${fileLimit} bytes or fewer (${total})`);
  const declared = (body.payload.attachments as Array<{ id?: unknown; filename?: unknown; description?: unknown }> | undefined) ?? [];
  if (!Array.isArray(declared)) problems.push('attachments: must be an array');
  else {
    declared.forEach((a, i) => {
      const id = Number(a.id);
      if (!Number.isInteger(id) || !seen.has(id)) problems.push(`attachments.${i}.id: no files[${String(a.id)}] was uploaded`);
      if (typeof a.description === 'string' && a.description.length > 1024) problems.push(`attachments.${i}.description: must be 1024 or fewer in length`);
    });
  }
  return problems;
}
