/**
 * What Discord validates on webhook payloads, beyond the generic message rules (limits.ts): the
 * webhook's name when it is created, and the per-message `username` / `avatar_url` overrides of
 * an execute. Violations are answered with 400 / 50035 like Discord.
 */

/** Discord refuses these substrings in webhook names and usernames (case-insensitive). */
const FORBIDDEN = ['discord', 'clyde'];

function nameProblems(field: string, value: unknown, required: boolean): string[] {
  if (value === undefined || value === null) return required ? [`${field}: this field is required`] : [];
  if (typeof value !== 'string') return [`${field}: must be a string`];
  const problems: string[] = [];
  const length = [...value].length;
  if (length < 1 || length > 80) problems.push(`${field}: must be between 1 and 80 in length (${length})`);
  const bad = FORBIDDEN.find((w) => value.toLowerCase().includes(w));
  if (bad) problems.push(`${field}: Username cannot contain "${bad}"`);
  if (/^(everyone|here)$/i.test(value.trim())) problems.push(`${field}: Username cannot be "${value.trim()}"`);
  return problems;
}

/** POST /channels/:id/webhooks body: `name` 1–80 characters, no "discord"/"clyde". */
export function webhookCreateProblems(body: Record<string, unknown> | undefined): string[] {
  return nameProblems('name', body?.name, true);
}

/** POST /webhooks/:id/:token body: optional `username` (as a name) and `avatar_url` (http or https URL ≤ 2048). */
export function webhookExecuteProblems(body: Record<string, unknown> | undefined): string[] {
  const problems = nameProblems('username', body?.username, false);
  const avatar = body?.avatar_url;
  if (avatar !== undefined && avatar !== null) {
    let ok = typeof avatar === 'string' && avatar.length <= 2048;
    if (ok) {
      try {
        ok = ['http:', 'https:'].includes(new URL(avatar as string).protocol);
      } catch {
        ok = false;
      }
    }
    if (!ok) problems.push('avatar_url: Not a well formed URL.');
  }
  for (const key of ['nonce', 'enforce_nonce', 'message_reference']) {
    if (body && key in body) problems.push(`${key}: not accepted by webhook execution`);
  }
  return problems;
}
