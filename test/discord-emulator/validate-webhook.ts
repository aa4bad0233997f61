import { type FieldProblem, type Refusal, refusal } from './validate.ts';

/**
 * What Discord validates on webhook payloads beyond the generic message rules (validate.ts): the
 * webhook's name when it is created, and the per-message `username` / `avatar_url` overrides of an
 * execute. Violations are answered with 400 / 50035 like Discord.
 */

/** Discord refuses these substrings in webhook names and usernames (case-insensitive). */
const FORBIDDEN = ['discord', 'clyde'];

function nameProblems(field: string, value: unknown, required: boolean): FieldProblem[] {
  if (value === undefined || value === null) return required ? [{ path: [field], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] : [];
  if (typeof value !== 'string') return [{ path: [field], code: 'BASE_TYPE_STRING', message: 'Value must be a string.' }];
  const problems: FieldProblem[] = [];
  if (value.length < 1 || value.length > 80) problems.push({ path: [field], code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 80 in length.' });
  const bad = FORBIDDEN.find((w) => value.toLowerCase().includes(w));
  if (bad) problems.push({ path: [field], code: 'USERNAME_INVALID_CONTAINS', message: `Username cannot contain "${bad}"` });
  if (/^(everyone|here)$/i.test(value.trim())) problems.push({ path: [field], code: 'USERNAME_INVALID', message: `Username cannot be "${value.trim()}"` });
  const mark = ['@', '#', ':', '```'].find((c) => value.includes(c));
  if (mark) problems.push({ path: [field], code: 'USERNAME_INVALID_CHARACTER', message: `Username cannot contain "${mark}"` });
  if (value.length >= 1 && !value.trim()) problems.push({ path: [field], code: 'USERNAME_INVALID', message: 'Username cannot be blank' });
  return problems;
}

/** POST /channels/:id/webhooks body: `name` 1–80 characters, no "discord"/"clyde". */
export function validateWebhookCreate(body: Record<string, unknown> | undefined): Refusal | null {
  return refusal(nameProblems('name', body?.name, true));
}

/** POST /webhooks/:id/:token body: optional `username` (as a name) and `avatar_url` (http or https URL ≤ 2048); no nonce. */
export function validateWebhookExecute(body: Record<string, unknown> | undefined): Refusal | null {
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
    if (!ok) problems.push({ path: ['avatar_url'], code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' });
  }
  for (const key of ['nonce', 'enforce_nonce', 'message_reference']) {
    if (body && key in body) problems.push({ path: [key], code: 'WEBHOOK_FIELD_INVALID', message: 'Not accepted by webhook execution' });
  }
  return refusal(problems);
}
