/**
 * Secrets that must never reach a log line, an error message or a channel: passwords in
 * connection strings, interaction and webhook tokens inside Discord URLs, bot tokens. Both
 * functions are pure text rewrites, so they can run on anything about to be written, however it
 * was built (an error's stack, a URL in a field, a whole JSON log line).
 */

const MASK = '***';

/**
 * A PostgreSQL connection string fit to print: the password of the userinfo (`user:pass@`) and
 * every `password` / `sslpassword` query parameter masked. Unparseable text gets the same
 * treatment by pattern, so a typo in DATABASE_URL does not print the password either.
 */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = MASK;
    for (const key of [...u.searchParams.keys()]) if (isPasswordParam(key)) u.searchParams.set(key, MASK);
    // URLSearchParams re-encodes "***" as "***" (unreserved), so the result stays readable.
    return scrubSecrets(u.toString());
  } catch {
    return scrubSecrets(url);
  }
}

function isPasswordParam(key: string): boolean {
  return /^(ssl)?password$/i.test(key);
}

/**
 * Discord tokens travel in request paths: `/interactions/{id}/{token}/callback` and
 * `/webhooks/{id}/{token}[/messages/…]`. The token segment becomes `:token`, as in discord.js's
 * own route names.
 */
const INTERACTION_PATH = /(\/interactions\/\d+\/)[^/?#\s"'\\<>]+/g;
const WEBHOOK_PATH = /(\/webhooks\/\d+\/)[^/?#\s"'\\<>]+/g;
/** `Bot <token>` / `Bearer <token>` as an Authorization header value would carry them. */
const AUTH_VALUE = /\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;
/** A bare Discord bot token: base64 user id . timestamp . HMAC. */
const BOT_TOKEN = /\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}\b/g;
/** `scheme://user:password@` in any URL. */
const USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'\\]*:)[^\s/?#@"'\\]*@/gi;
/** `?password=…`, `&sslpassword=…` in any query string. */
const PASSWORD_PARAM = /([?&](?:ssl)?password=)[^&#\s"'\\]*/gi;

/** Text with every secret we know the shape of replaced (see the patterns above). */
export function scrubSecrets(text: string): string {
  return text
    .replace(INTERACTION_PATH, '$1:token')
    .replace(WEBHOOK_PATH, '$1:token')
    .replace(AUTH_VALUE, '$1 [redacted]')
    .replace(BOT_TOKEN, '[redacted token]')
    .replace(USERINFO_PASSWORD, `$1${MASK}@`)
    .replace(PASSWORD_PARAM, `$1${MASK}`);
}
