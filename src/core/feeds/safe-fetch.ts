import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { isBlockedAddress, parseSourceUrl } from './address-policy.ts';

export interface FetchOptions {
  /** Allow private/loopback/link-local peers (tests, trusted intranets). Default false. */
  allowPrivate?: boolean;
  /** Total deadline including the body. Default 20 s. */
  timeoutMs?: number;
  /** Cap on DECOMPRESSED bytes. Default 15 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  headers?: Record<string, string>;
  userAgent?: string;
  /** Injectable DNS (tests). */
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
  /** Injectable address policy (tests); default: everything but public unicast is blocked. */
  isBlocked?: (ip: string) => boolean;
  signal?: AbortSignal;
}

export interface FetchResult {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  redirects: string[];
  peerAddress: string;
  durationMs: number;
}

export type FetchErrorKind = 'blocked' | 'invalid-url' | 'http' | 'timeout' | 'too-large' | 'too-many-redirects' | 'network' | 'dns';

/** A failed fetch; the message always starts with the quoted URL. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly url: string,
    readonly kind: FetchErrorKind,
    detail: string,
    readonly status?: number,
  ) {
    super(`"${url}": ${detail}`);
  }
}

export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;
const DEFAULT_UA = 'NewsdeskBot/1.0 (+https://github.com/newsdesk/newsdesk)';

interface Hop {
  status: number;
  headers: Record<string, string>;
  stream: Readable;
  peer: string;
}

function mib(n: number): string {
  return `${Math.round((n / 1048576) * 10) / 10} MiB`;
}

/**
 * The one HTTP client for everything Newsdesk fetches. http/https only, no credentials, redirects
 * followed by hand and re-checked on every hop, the peer address of every connection checked
 * against private/loopback/link-local/metadata ranges (the address actually connected to, not
 * just what DNS said), one deadline for headers and body, and a cap on decompressed bytes.
 */
export async function safeFetch(input: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? 5;
  const blocked = opts.allowPrivate ? () => false : (opts.isBlocked ?? isBlockedAddress);
  let url: URL;
  try {
    url = parseSourceUrl(input);
  } catch (err) {
    throw new FetchError(input.trim(), 'invalid-url', (err as Error).message.replace(/^"[^"]*": /, ''));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new FetchError(url.toString(), 'timeout', `no complete response within ${Math.round(timeoutMs / 100) / 10} s`)), timeoutMs);
  const onOuterAbort = () => controller.abort(new FetchError(url.toString(), 'timeout', 'cancelled'));
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const redirects: string[] = [];
  const seen = new Set<string>();
  try {
    for (let hop = 0; ; hop++) {
      seen.add(url.toString());
      const res = await requestOnce(url, opts, blocked, controller.signal);
      const location = res.headers.location;
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        res.stream.destroy();
        let next: URL;
        try {
          next = parseSourceUrl(new URL(location, url).toString());
        } catch (err) {
          throw new FetchError(url.toString(), 'blocked', `redirects to a refused URL (${(err as Error).message.replace(/^"[^"]*": /, '')})`);
        }
        if (hop >= maxRedirects) throw new FetchError(input.trim(), 'too-many-redirects', `more than ${maxRedirects} redirects`);
        if (seen.has(next.toString())) throw new FetchError(input.trim(), 'too-many-redirects', `redirect loop at ${next.toString()}`);
        redirects.push(next.toString());
        url = next;
        continue;
      }
      if (res.status === 304) {
        res.stream.resume();
        return result(url, res, new Uint8Array(), redirects, started);
      }
      if (res.status < 200 || res.status >= 300) {
        res.stream.resume();
        throw new FetchError(url.toString(), 'http', `HTTP ${res.status}`, res.status);
      }
      const body = await readBody(url.toString(), res, maxBytes, controller.signal);
      return result(url, res, body, redirects, started);
    }
  } catch (err) {
    if (controller.signal.aborted && controller.signal.reason instanceof FetchError) throw controller.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function result(url: URL, res: Hop, body: Uint8Array, redirects: string[], started: number): FetchResult {
  return {
    url: url.toString(),
    status: res.status,
    headers: res.headers,
    body,
    contentType: res.headers['content-type'] ?? null,
    etag: res.headers.etag ?? null,
    lastModified: res.headers['last-modified'] ?? null,
    redirects,
    peerAddress: res.peer,
    durationMs: Date.now() - started,
  };
}

function requestOnce(url: URL, opts: FetchOptions, blocked: (ip: string) => boolean, signal: AbortSignal): Promise<Hop> {
  const target = url.toString();
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // IP literals never reach the lookup hook: check them here.
  if (net.isIP(host) && blocked(host)) return Promise.reject(new FetchError(target, 'blocked', `blocked: ${host} is a private or reserved address`));
  const lookup = (hostname: string, _options: unknown, cb: (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void) => {
    const resolve = opts.lookup ? opts.lookup(hostname) : dns.promises.lookup(hostname, { all: true, verbatim: true }).then((r) => r.map((a) => ({ address: a.address, family: a.family as 4 | 6 })));
    resolve.then(
      (addresses) => {
        const allowed = addresses.filter((a) => !blocked(a.address));
        if (addresses.length === 0) return cb(new FetchError(target, 'dns', `${hostname} does not resolve`), '', 4);
        if (allowed.length === 0) return cb(new FetchError(target, 'blocked', `blocked: ${hostname} resolves to a private address`), '', 4);
        const first = allowed[0]!;
        // Node ≥ 20 may ask for all addresses (autoSelectFamily); give only allowed ones.
        if ((_options as { all?: boolean })?.all) return cb(null, allowed.map((a) => ({ address: a.address, family: a.family })));
        cb(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => cb(new FetchError(target, 'dns', `${hostname} does not resolve (${err.code ?? err.message})`), '', 4),
    );
  };
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        agent: false,
        lookup: lookup as never,
        signal,
        headers: {
          'user-agent': opts.userAgent ?? DEFAULT_UA,
          accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5',
          'accept-encoding': 'gzip, deflate, br',
          ...(opts.headers ?? {}),
        },
      },
      (res) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers, stream: res, peer: res.socket?.remoteAddress ?? '' });
      },
    );
    // The decisive check: the address this socket actually connected to.
    req.on('socket', (socket: Socket) => {
      const check = () => {
        const peer = socket.remoteAddress;
        if (peer && blocked(peer)) req.destroy(new FetchError(target, 'blocked', `blocked: connected to private address ${peer}`));
      };
      if (socket.remoteAddress) check();
      else socket.once('connect', check);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof FetchError) return reject(err);
      if (signal.aborted) return reject(signal.reason);
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return reject(new FetchError(target, 'dns', `${url.hostname} does not resolve`));
      reject(new FetchError(target, 'network', err.code ? `${err.code} ${err.message.replace(/^.*?: /, '')}`.trim() : err.message));
    });
    req.end();
  });
}

function readBody(target: string, res: Hop, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  let stream: Readable = res.stream;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.stream.pipe(zlib.createGunzip());
  else if (encoding === 'deflate') stream = res.stream.pipe(zlib.createInflate());
  else if (encoding === 'br') stream = res.stream.pipe(zlib.createBrotliDecompress());
  const declared = Number(res.headers['content-length']);
  if (!encoding && Number.isFinite(declared) && declared > maxBytes) {
    res.stream.destroy();
    return Promise.reject(new FetchError(target, 'too-large', `response larger than ${mib(maxBytes)}`));
  }
  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      res.stream.destroy();
      stream.destroy();
      reject(err);
    };
    const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new FetchError(target, 'timeout', 'cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return fail(new FetchError(target, 'too-large', `response larger than ${mib(maxBytes)}`));
      chunks.push(chunk);
    });
    stream.on('error', (err) => fail(err instanceof FetchError ? err : new FetchError(target, 'network', `body unreadable (${err.message})`)));
    res.stream.on('error', (err) => fail(err instanceof FetchError ? err : new FetchError(target, 'network', `connection lost (${err.message})`)));
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
  });
}

/**
 * safeFetch with retries for what may pass (network errors, timeouts, 5xx, 429) — never for
 * refusals or 4xx. The final error says how many tries were made.
 */
export async function fetchWithRetry(url: string, opts: FetchOptions & { tries?: number; backoffMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<FetchResult> {
  const tries = opts.tries ?? 3;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: unknown;
  for (let i = 1; i <= tries; i++) {
    try {
      return await safeFetch(url, opts);
    } catch (err) {
      last = err;
      const retryable = err instanceof FetchError && (err.kind === 'network' || err.kind === 'timeout' || (err.kind === 'http' && (err.status! >= 500 || err.status === 429)));
      if (!retryable) throw err;
      if (i < tries) await sleep((opts.backoffMs ?? 1000) * 2 ** (i - 1));
    }
  }
  const e = last as FetchError;
  throw new FetchError(e.url, e.kind, `${e.message.replace(/^"[^"]*": /, '')} after ${tries} tries`, e.status);
}
