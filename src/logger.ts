import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import pino from 'pino';
import type { Log } from './core/deps.ts';
import { scrubSecrets } from './core/text/secrets.ts';

/**
 * Fields that hold a secret whole (censored) or may carry one inside a URL (scrubbed). discord.js
 * errors carry the request URL (with an interaction's or webhook's token in its path) and the
 * request body; `headers.authorization` holds the bot token.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'requestBody',
  '*.requestBody',
  'url',
  '*.url',
  'route',
  '*.route',
  'databaseUrl',
  '*.databaseUrl',
];

/** URL-like fields keep their value with the secrets taken out; the rest are replaced whole. */
function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if (/^(url|route)$/i.test(key)) return typeof value === 'string' ? scrubSecrets(value) : value;
  if (key === 'databaseUrl' && typeof value === 'string') return scrubSecrets(value);
  return '[redacted]';
}

type DiscordError = DiscordAPIError | HTTPError | RateLimitError;

function isDiscordError(err: unknown): err is DiscordError {
  return err instanceof DiscordAPIError || err instanceof HTTPError || err instanceof RateLimitError;
}

/** The request path of a discord.js error's URL (query kept), tokens replaced by `:token`. */
function routeOf(url: string): string {
  try {
    const u = new URL(url);
    return scrubSecrets(`${u.pathname}${u.search}`);
  } catch {
    return scrubSecrets(url);
  }
}

/**
 * discord.js errors as what is useful to read and nothing else: the code Discord gave, the HTTP
 * status and method and the route with tokens replaced. Not the request body (it may be a whole
 * reply, attachments included) nor the raw URL.
 */
function serializeDiscordError(err: DiscordError): Record<string, unknown> {
  const out: Record<string, unknown> = { type: err.constructor.name, message: scrubSecrets(err.message) };
  if (err instanceof DiscordAPIError) {
    out.code = err.code;
    out.status = err.status;
  } else if (err instanceof HTTPError) {
    out.status = err.status;
  } else {
    out.status = 429;
    out.global = err.global;
    out.retryAfter = err.retryAfter;
  }
  out.method = err.method;
  out.route = routeOf(err.url);
  if (err.stack) out.stack = scrubSecrets(err.stack);
  return out;
}

/** Strings of a serialized error (message, stack, fields, causes) with secrets scrubbed. */
function scrubDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = /^(requestBody|headers|token|password)$/.test(k) ? '[redacted]' : scrubDeep(v, depth + 1);
  return out;
}

/** pino's error serializer, with discord.js errors cut to code/status/method/route and every string scrubbed. */
export function serializeError(err: unknown): unknown {
  if (isDiscordError(err)) return serializeDiscordError(err);
  if (!(err instanceof Error)) return scrubDeep(err);
  const plain = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  // A cause may itself be a discord.js error: keep its useful parts only.
  if (isDiscordError(err.cause)) plain.cause = serializeDiscordError(err.cause);
  return scrubDeep(plain);
}

/** The options that keep secrets out of every line (see REDACT_PATHS, serializeError). */
export function safeLogOptions(level: string): pino.LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor },
    serializers: { err: serializeError, error: serializeError, reason: serializeError },
    // The last line of defence, on the finished JSON line: whatever field or message a secret
    // ended up in (a message built from an error, a nested object), its known shapes are masked.
    hooks: { streamWrite: (line: string) => scrubSecrets(line) },
  };
}

/**
 * The process logger. Human-readable (pino-pretty) only when stderr is a terminal; JSON lines
 * otherwise, so log shippers and tests can parse it. Logs go to stderr: stdout belongs to the
 * local console's answers. `destination` (tests) replaces stderr.
 */
export function createLogger(level: string, opts: { pretty?: boolean; destination?: pino.DestinationStream } = {}): pino.Logger & Log {
  const pretty = opts.pretty ?? (!opts.destination && Boolean(process.stderr.isTTY));
  if (pretty) {
    return pino({
      ...safeLogOptions(level),
      transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(safeLogOptions(level), opts.destination ?? pino.destination({ dest: 2, sync: true }));
}
