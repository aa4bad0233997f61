import fs from 'node:fs';
import net from 'node:net';
import { Writable } from 'node:stream';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { maskDatabaseUrl, scrubSecrets } from '../src/core/text/secrets.ts';
import { createLogger } from '../src/logger.ts';
import { startBot } from './helpers/bot-process.ts';

const INTERACTION_TOKEN = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpTZWNyZXRUb2tlbkZvclRlc3Rz';
const WEBHOOK_TOKEN = 'Xy9-webhookSecretToken_abcdefghijklmnopqrstuvwxyz0123456789';
const BOT_TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB';

/** A logger writing JSON lines into a string, as the bot's does to stderr. */
function capture(): { log: ReturnType<typeof createLogger>; text: () => string } {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += String(chunk);
      done();
    },
  });
  return { log: createLogger('trace', { destination: sink }), text: () => out };
}

describe('DATABASE_URL shown with every form of password masked', () => {
  it.each([
    ['postgres://nd:hunter2@db:5432/newsdesk', 'postgres://nd:***@db:5432/newsdesk'],
    ['postgres://db/newsdesk?user=nd&password=hunter2', 'postgres://db/newsdesk?user=nd&password=***'],
    ['postgres://db/newsdesk?password=hunter2&sslmode=require', 'postgres://db/newsdesk?password=***&sslmode=require'],
    ['postgresql://nd@db/newsdesk?sslkey=/k.pem&sslpassword=hunter2', 'postgresql://nd@db/newsdesk?sslkey=%2Fk.pem&sslpassword=***'],
    ['postgres://nd:p%40ss%3Aword@db/newsdesk?PASSWORD=hunter2', 'postgres://nd:***@db/newsdesk?PASSWORD=***'],
    // Not a URL at all (a typo): masked by pattern.
    ['postgres://nd:hunter2@db:port/newsdesk?password=hunter2', 'postgres://nd:***@db:port/newsdesk?password=***'],
  ])('%s', (url, shown) => {
    expect(maskDatabaseUrl(url)).toBe(shown);
    expect(maskDatabaseUrl(url)).not.toMatch(/hunter2|p%40ss/);
  });

  it('in a configuration error', () => {
    let message = '';
    try {
      loadConfig({ DATABASE_URL: 'mysql://nd:hunter2@db/newsdesk?password=hunter3&sslpassword=hunter4' }, '/x');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(message).toContain('mysql://nd:***@db/newsdesk?password=***&sslpassword=***');
    expect(message).not.toMatch(/hunter/);
  });
});

describe('secrets inside text', () => {
  it.each([
    [`https://discord.com/api/v10/interactions/1234567890123/${INTERACTION_TOKEN}/callback?with_response=false`, 'https://discord.com/api/v10/interactions/1234567890123/:token/callback?with_response=false'],
    [`/webhooks/9876543210/${WEBHOOK_TOKEN}/messages/@original`, '/webhooks/9876543210/:token/messages/@original'],
    [`/webhooks/9876543210/${WEBHOOK_TOKEN}?wait=true`, '/webhooks/9876543210/:token?wait=true'],
    [`Authorization: Bot ${BOT_TOKEN}`, 'Authorization: Bot [redacted]'],
    [`token ${BOT_TOKEN} leaked`, 'token [redacted token] leaked'],
    ['connect postgres://u:hunter2@h/db?sslpassword=hunter3 failed', 'connect postgres://u:***@h/db?sslpassword=*** failed'],
    // Not secrets: left alone.
    ['/channels/123/webhooks', '/channels/123/webhooks'],
    ['/interactions/:id/:token/callback', '/interactions/:id/:token/callback'],
  ])('%s', (text, scrubbed) => {
    expect(scrubSecrets(text)).toBe(scrubbed);
  });
});

describe('the log never holds a token or password', () => {
  const url = `https://discord.com/api/v10/interactions/1234567890123/${INTERACTION_TOKEN}/callback?with_response=false`;
  const webhookUrl = `https://discord.com/api/v10/webhooks/555555555555/${WEBHOOK_TOKEN}?wait=true`;
  const body = { files: undefined, body: { content: 'the whole reply', token: INTERACTION_TOKEN } };

  it('a DiscordAPIError: code, status, method and route, no URL token, no request body', () => {
    const { log, text } = capture();
    const err = new DiscordAPIError({ code: 50035, message: 'Invalid Form Body' }, 50035, 400, 'POST', url, body);
    log.error({ interaction: '1234567890123', err }, 'interaction failed');
    const line = JSON.parse(text()) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ type: 'DiscordAPIError', code: 50035, status: 400, method: 'POST', route: '/api/v10/interactions/1234567890123/:token/callback?with_response=false', message: 'Invalid Form Body' });
    expect(line.err).not.toHaveProperty('requestBody');
    expect(line.err).not.toHaveProperty('url');
    expect(text()).not.toContain(INTERACTION_TOKEN);
    expect(text()).not.toContain('the whole reply');
  });

  it('an HTTPError and a RateLimitError from a webhook route', () => {
    const { log, text } = capture();
    log.warn({ err: new HTTPError(502, 'Bad Gateway', 'POST', webhookUrl, body) }, 'post failed');
    log.warn({ err: new RateLimitError({ timeToReset: 1000, limit: 5, method: 'POST', hash: 'h', url: webhookUrl, route: '/webhooks/:id/:token', majorParameter: '555555555555', global: false, retryAfter: 1000, sublimitTimeout: 0, scope: 'user' }) }, 'rate limited');
    const [http, limited] = text().trim().split('\n').map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(http!.err).toMatchObject({ type: 'HTTPError', status: 502, method: 'POST', route: '/api/v10/webhooks/555555555555/:token?wait=true' });
    expect(limited!.err).toMatchObject({ type: 'RateLimitError', status: 429, method: 'POST', route: '/api/v10/webhooks/555555555555/:token?wait=true' });
    expect(text()).not.toContain(WEBHOOK_TOKEN);
    expect(text()).not.toContain(INTERACTION_TOKEN);
  });

  it('a discord.js error as the cause of another, a token in a message, fields named token, authorization, url, requestBody', () => {
    const { log, text } = capture();
    const inner = new DiscordAPIError({ code: 50013, message: 'Missing Permissions' }, 50013, 403, 'PATCH', webhookUrl, body);
    log.error({ err: new Error(`wrapped: POST ${url} failed`, { cause: inner }) }, 'outer');
    log.info({ token: BOT_TOKEN, headers: { authorization: `Bot ${BOT_TOKEN}` }, request: { url: webhookUrl, requestBody: body } }, `request to ${webhookUrl}`);
    log.info({ databaseUrl: 'postgres://nd:hunter2@db/newsdesk?password=hunter3' }, 'store postgres://nd:hunter2@db/x?sslpassword=hunter4');
    log.child({ requestBody: body }).info({}, 'child');
    for (const secret of [INTERACTION_TOKEN, WEBHOOK_TOKEN, BOT_TOKEN, 'hunter', 'the whole reply']) expect(text()).not.toContain(secret);
    const [outer] = text().trim().split('\n').map((l) => JSON.parse(l) as { err: { cause: Record<string, unknown> } });
    expect(outer!.err.cause).toMatchObject({ type: 'DiscordAPIError', code: 50013, status: 403, method: 'PATCH' });
  });
});

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('a failed start', () => {
  it('prints DATABASE_URL with its passwords masked when PostgreSQL cannot be reached', async () => {
    const port = await closedPort();
    const bot = startBot({ DATABASE_URL: `postgres://nd:hunter2@127.0.0.1:${port}/newsdesk?password=hunter3&sslpassword=hunter4&application_name=nd`, LOG_LEVEL: 'info' });
    try {
      const { code } = await bot.exited;
      expect(code).toBe(1);
      expect(bot.stderr()).toContain(`newsdesk failed to start: StoreError: store "postgres://nd:***@127.0.0.1:${port}/newsdesk?password=***&sslpassword=***&application_name=nd": cannot open`);
      expect(bot.stderr() + bot.stdout()).not.toMatch(/hunter/);
    } finally {
      fs.rmSync(bot.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints a refused DATABASE_URL masked', async () => {
    const bot = startBot({ DATABASE_URL: 'mysql://nd:hunter2@db/newsdesk?password=hunter3' });
    try {
      const { code } = await bot.exited;
      expect(code).toBe(1);
      expect(bot.stderr()).toContain('(got "mysql://nd:***@db/newsdesk?password=***")');
      expect(bot.stderr()).not.toMatch(/hunter/);
    } finally {
      fs.rmSync(bot.dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
