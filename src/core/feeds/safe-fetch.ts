import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Socket } from 'node:net';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { classifyAddress, isBlockedAddress, parseSourceUrl, redactCredentials } from './address-policy.ts';

export interface FetchOptions {
  /** Allow private, loopback, link-local … peers (ALLOW_PRIVATE_SOURCES, tests). Default false. Metadata endpoints stay blocked. */
  allowPrivate?: boolean;
  /** One deadline for DNS, connect, headers and the whole body, across all redirects. Default 20 s. */
  timeoutMs?: number;
  /** Cap on DECOMPRESSED body bytes. Default 15 MiB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** Extra request headers, e.g. If-None-Match / If-Modified-Since. */
  headers?: Record<string, string>;
  /** Default {@link DEFAULT_USER_AGENT}. */
  userAgent?: string;
  /** Injectable DNS (tests). Default: dns.promises.lookup with all: true. */
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;
  /**
   * Injectable address policy, for tests that must allow exactly their own 127.0.0.1 server and
   * nothing else. Default {@link isBlockedAddress}. Ignored when allowPrivate is set.
   */
  isBlocked?: (ip: string) => boolean;
  /** Cancels the fetch (FetchError kind 'timeout', "cancelled"). */
  signal?: AbortSignal;
}

export interface FetchResult {
  /** Final URL after redirects. */
  url: string;
  /** 2xx, or 304 for a conditional hit (body empty). */
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Decompressed. */
  body: Uint8Array;
  contentType: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Every URL redirected to, in order (the final URL is the last one). */
  redirects: string[];
  /** The address the final response actually came from. */
  peerAddress: string;
  durationMs: number;
}

export type FetchErrorKind = 'blocked' | 'invalid-url' | 'http' | 'timeout' | 'too-large' | 'too-many-redirects' | 'network' | 'dns';

/**
 * A failed fetch. The message always starts with the quoted URL (credentials redacted) and says
 * what went wrong in words a moderator can act on: `"https://x/feed": HTTP 404`.
 */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly url: string;
  readonly kind: FetchErrorKind;
  readonly status?: number;

  constructor(url: string, kind: FetchErrorKind, detail: string, status?: number) {
    const shown = redactCredentials(url);
    super(`"${shown}": ${detail}`);
    this.url = shown;
    this.kind = kind;
    if (status !== undefined) this.status = status;
  }
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_BYTES = 15 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = 'NewsdeskBot/1.0 (+https://github.com/newsdesk)';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.8, */*;q=0.5';

type Policy = (ip: string) => boolean;

interface Hop {
  status: number;
  headers: Record<string, string>;
  stream: Readable;
  peer: string;
}

/** `15 MiB`, `512 KiB`, `300 bytes`: the cap as a moderator would read it. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KiB`;
  return `${n} bytes`;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The message of a parseSourceUrl error without its leading quoted URL. */
function detailOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^"(?:[^"\\]|\\.)*": /, '');
}

function policyFor(opts: FetchOptions): Policy {
  // Even a trusted intranet setup has no reason to read instance credentials.
  if (opts.allowPrivate) return (ip) => classifyAddress(ip) === 'metadata';
  return opts.isBlocked ?? isBlockedAddress;
}

function literalRefusal(ip: string): string {
  return classifyAddress(ip) === 'metadata' ? `blocked: ${ip} is a cloud metadata address` : `blocked: ${ip} is a private or reserved address`;
}

/**
 * The one HTTP client for everything Newsdesk fetches. http/https only and no credentials;
 * redirects followed by hand (≤ maxRedirects) with every hop re-validated; every connection's
 * peer checked against the address policy twice — when DNS answers (a name with any blocked
 * answer is refused before connecting) and on the connected socket itself (IP literals, DNS
 * rebinding) before a byte of the request is sent; one deadline for everything including the
 * body; a cap on decompressed bytes. Never retries (see {@link fetchWithRetry}).
 */
export async function safeFetch(input: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = opts.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const policy = policyFor(opts);
  let url: URL;
  try {
    url = parseSourceUrl(input);
  } catch (err) {
    throw new FetchError(input.trim(), 'invalid-url', detailOf(err));
  }
  const requested = url.toString();
  if (opts.signal?.aborted) throw new FetchError(requested, 'timeout', 'cancelled');

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new FetchError(requested, 'timeout', `no complete response within ${formatSeconds(timeoutMs)}`)), timeoutMs);
  const onCancel = () => deadline.abort(new FetchError(requested, 'timeout', 'cancelled'));
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  const redirects: string[] = [];
  const visited = new Set<string>([requested]);
  try {
    for (;;) {
      const hop = await requestOnce(url, opts, policy, deadline.signal);
      if (REDIRECT_STATUSES.has(hop.status)) {
        hop.stream.destroy();
        const location = hop.headers.location;
        if (!location) throw new FetchError(url.toString(), 'http', `HTTP ${hop.status} without a Location header`, hop.status);
        const next = redirectTarget(url, location);
        if (redirects.length >= maxRedirects) throw new FetchError(requested, 'too-many-redirects', `more than ${maxRedirects} redirects`);
        if (visited.has(next.toString())) throw new FetchError(requested, 'too-many-redirects', `redirect loop back to ${next.toString()}`);
        visited.add(next.toString());
        redirects.push(next.toString());
        url = next;
        continue;
      }
      if (hop.status === 304) {
        hop.stream.destroy();
        return toResult(url, hop, new Uint8Array(0), redirects, started);
      }
      if (hop.status < 200 || hop.status > 299) {
        // Error bodies are not read: nobody needs them and they can be as hostile as any other.
        hop.stream.destroy();
        throw new FetchError(url.toString(), 'http', `HTTP ${hop.status}`, hop.status);
      }
      const body = await readBody(url.toString(), hop, maxBytes, deadline.signal);
      return toResult(url, hop, body, redirects, started);
    }
  } catch (err) {
    // Whatever broke once the deadline fired (a destroyed socket, a half-read body) is the deadline.
    if (deadline.signal.aborted && deadline.signal.reason instanceof FetchError) throw deadline.signal.reason;
    if (err instanceof FetchError) throw err;
    throw new FetchError(url.toString(), 'network', err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
  }
}

/** Resolves and validates a Location header against the URL that sent it. */
function redirectTarget(from: URL, location: string): URL {
  let resolved: URL;
  try {
    resolved = new URL(location, from);
  } catch {
    throw new FetchError(from.toString(), 'invalid-url', `redirects to an invalid URL "${redactCredentials(location.slice(0, 200))}"`);
  }
  try {
    return parseSourceUrl(resolved.toString());
  } catch (err) {
    throw new FetchError(from.toString(), 'blocked', `redirect to "${redactCredentials(resolved.toString().slice(0, 200))}" refused: ${detailOf(err)}`);
  }
}

function toResult(url: URL, hop: Hop, body: Uint8Array, redirects: string[], started: number): FetchResult {
  return {
    url: url.toString(),
    status: hop.status,
    headers: hop.headers,
    body,
    contentType: hop.headers['content-type'] ?? null,
    etag: hop.headers.etag ?? null,
    lastModified: hop.headers['last-modified'] ?? null,
    redirects,
    peerAddress: hop.peer,
    durationMs: Math.round(performance.now() - started),
  };
}

type LookupCallback = (err: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void;

async function resolveHost(hostname: string, opts: FetchOptions): Promise<Array<{ address: string; family: 4 | 6 }>> {
  if (opts.lookup) return opts.lookup(hostname);
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/** One request, no redirects. Resolves when the response headers are in. */
function requestOnce(url: URL, opts: FetchOptions, blocked: Policy, signal: AbortSignal): Promise<Hop> {
  const target = url.toString();
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // IP literals never reach the lookup hook, so they are judged here, before any socket exists.
  if (net.isIP(host) && blocked(host)) return Promise.reject(new FetchError(target, 'blocked', literalRefusal(host)));

  const lookup = (hostname: string, options: { all?: boolean; family?: number | string }, cb: LookupCallback): void => {
    resolveHost(hostname, opts).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        if (wanted.length === 0) return cb(new FetchError(target, 'dns', `${hostname} does not resolve`), '', 4);
        // One bad answer refuses the name: mixing public and private answers is how rebinding
        // attacks get a client to fall back to an internal address.
        if (wanted.some((a) => blocked(a.address))) return cb(new FetchError(target, 'blocked', `blocked: ${hostname} resolves to a private address`), '', 4);
        if (options.all) return cb(null, wanted.map((a) => ({ address: a.address, family: a.family })));
        const first = wanted[0]!;
        cb(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => cb(new FetchError(target, 'dns', `${hostname} does not resolve${err.code ? ` (${err.code})` : ''}`), '', 4),
    );
  };

  const mod = url.protocol === 'https:' ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    let peer = '';
    let req: http.ClientRequest;
    try {
      req = mod.request({
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        // A fresh agent per request: no pooled socket to a peer checked for another URL.
        agent: false,
        lookup: lookup as unknown as typeof dns.lookup,
        signal,
        headers: {
          'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
          accept: ACCEPT,
          'accept-encoding': 'gzip, deflate, br',
          ...lowerCaseKeys(opts.headers ?? {}),
        },
      });
    } catch (err) {
      // e.g. a header value with a newline: Node refuses to build the request.
      reject(new FetchError(target, 'invalid-url', `request refused: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    req.on('socket', (socket: Socket) => {
      // The decisive check, on the address this socket is actually connected to. It runs before
      // the request is flushed (Node writes the request on 'connect' after this listener).
      const verify = () => {
        const address = socket.remoteAddress;
        if (!address) return req.destroy(new FetchError(target, 'network', 'connection closed before its peer address was known'));
        if (blocked(address)) return req.destroy(new FetchError(target, 'blocked', `blocked: connected to private address ${address}`));
        peer = address;
      };
      if (socket.connecting || !socket.remoteAddress) socket.once('connect', verify);
      else verify();
    });
    req.on('response', (res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      resolve({ status: res.statusCode ?? 0, headers, stream: res, peer: peer || res.socket?.remoteAddress || '' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof FetchError) return reject(err);
      if (signal.aborted) return reject(signal.reason);
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return reject(new FetchError(target, 'dns', `${url.hostname} does not resolve (${err.code})`));
      reject(new FetchError(target, 'network', describeNetworkError(err)));
    });
    req.end();
  });
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function describeNetworkError(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ETIMEDOUT: 'connection timed out',
    EPIPE: 'connection closed by the server',
    HPE_INVALID_CONSTANT: 'the server did not answer with HTTP',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate is for another host',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  };
  if (err.code && known[err.code]) return `${known[err.code]} (${err.code})`;
  return err.code ? `${err.message} (${err.code})` : err.message;
}

/** RFC 9110 says "deflate" is zlib-wrapped; some servers send raw DEFLATE. Accept both. */
function createDeflateDecoder(): Transform {
  let inner: zlib.Inflate | zlib.InflateRaw | null = null;
  let head = Buffer.alloc(0);
  const start = (bytes: Buffer, out: Transform): zlib.Inflate | zlib.InflateRaw => {
    const b0 = bytes[0] ?? 0;
    const b1 = bytes[1] ?? 0;
    const zlibWrapped = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
    const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
    const z = zlibWrapped ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
    z.on('data', (d: Buffer) => out.push(d));
    z.on('error', (e) => out.destroy(e));
    return z;
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!inner) {
        head = Buffer.concat([head, chunk]);
        if (head.length < 2) return cb();
        inner = start(head, this);
        chunk = head;
      }
      inner.write(chunk, () => cb());
    },
    flush(cb) {
      if (!inner) {
        if (head.length === 0) return cb();
        inner = start(head, this);
        inner.write(head);
      }
      inner.once('end', () => cb());
      inner.end();
    },
    destroy(err, cb) {
      inner?.destroy();
      cb(err);
    },
  });
}

/**
 * Content codings undone per response at most. Servers apply one (Miniflux advertises `br, gzip`
 * and decodes no more than that); a header stacking thousands (3,000 `br` layers fit in 16 KB)
 * would otherwise cost a decoder each (docs/security.md has what that cost).
 */
export const MAX_CONTENT_CODINGS = 2;

/** Decoders for a Content-Encoding list, or the coding nobody here can undo, or too many codings. */
function decodersFor(contentEncoding: string): { decoders: Transform[]; unsupported: string | null; stacked?: number } {
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c && c !== 'identity');
  // Counted before any decoder exists: a refused stack costs nothing but the header's split.
  if (codings.length > MAX_CONTENT_CODINGS) return { decoders: [], unsupported: null, stacked: codings.length };
  const decoders: Transform[] = [];
  // Codings are listed in the order they were applied; undo them last first.
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }));
    else if (coding === 'deflate') decoders.push(createDeflateDecoder());
    else if (coding === 'br') decoders.push(zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }));
    else {
      for (const d of decoders) d.destroy();
      return { decoders: [], unsupported: coding };
    }
  }
  return { decoders, unsupported: null };
}

/**
 * Reads the body through its decoders, counting DECOMPRESSED bytes and stopping the moment the
 * cap is passed, so a gzip bomb or an endless stream costs at most maxBytes of memory.
 */
function readBody(target: string, hop: Hop, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = () => new FetchError(target, 'too-large', `response larger than ${formatBytes(maxBytes)}`);
  const { decoders, unsupported, stacked } = decodersFor(hop.headers['content-encoding'] ?? '');
  if (stacked) {
    hop.stream.destroy();
    return Promise.reject(new FetchError(target, 'network', `${stacked} stacked content encodings; at most ${MAX_CONTENT_CODINGS} are decoded`));
  }
  if (unsupported) {
    hop.stream.destroy();
    return Promise.reject(new FetchError(target, 'network', `unsupported content-encoding "${unsupported}"`));
  }
  const declared = Number(hop.headers['content-length']);
  if (decoders.length === 0 && Number.isFinite(declared) && declared > maxBytes) {
    hop.stream.destroy();
    return Promise.reject(tooLarge());
  }
  const streams: Readable[] = [hop.stream, ...decoders];
  let output: Readable = hop.stream;
  for (const d of decoders) output = output.pipe(d);

  return new Promise<Uint8Array>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let rawBytes = 0;
    let settled = false;
    const finish = (err: FetchError | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        for (const s of streams) s.destroy();
        return reject(err);
      }
      const body = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.length;
      }
      resolve(body);
    };
    const onAbort = () => finish(signal.reason instanceof FetchError ? signal.reason : new FetchError(target, 'timeout', 'cancelled'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    hop.stream.on('data', (chunk: Buffer) => {
      rawBytes += chunk.length;
    });
    output.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return finish(tooLarge());
      chunks.push(chunk);
    });
    output.on('end', () => finish(null));
    hop.stream.on('error', (err) => finish(new FetchError(target, 'network', `connection lost while reading the body (${err.message})`)));
    for (const d of decoders) {
      d.on('error', (err) => {
        // An empty body with a Content-Encoding (204, or a lazy server) is empty, not corrupt.
        if (rawBytes === 0 && size === 0) return finish(null);
        finish(new FetchError(target, 'network', `body cannot be decompressed (${err.message})`));
      });
    }
  });
}

export interface RetryOptions extends FetchOptions {
  /** Attempts in all, including the first. Default 3. */
  tries?: number;
  /** Wait before the second attempt; doubles each time. Default 1000 ms. */
  backoffMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Whether trying again could help: the network, the deadline, 5xx and 429 — never a refusal or 4xx. */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof FetchError)) return false;
  if (err.kind === 'network' || err.kind === 'timeout') return true;
  if (err.kind === 'dns') return /EAI_AGAIN/.test(err.message);
  return err.kind === 'http' && err.status !== undefined && (err.status >= 500 || err.status === 429);
}

/**
 * safeFetch with retries for failures that may pass, with exponential backoff. The final error
 * keeps the last failure's kind and status and says how many tries were made
 * (`"https://x/feed": HTTP 503 after 3 tries`). A cancelled signal stops at once.
 */
export async function fetchWithRetry(url: string, opts: RetryOptions = {}): Promise<FetchResult> {
  const tries = Math.max(1, Math.floor(opts.tries ?? 3));
  const backoffMs = opts.backoffMs ?? 1000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let last: FetchError | null = null;
  for (let attempt = 1; attempt <= tries; attempt++) {
    try {
      return await safeFetch(url, opts);
    } catch (err) {
      if (!isRetryable(err) || opts.signal?.aborted) throw err;
      last = err as FetchError;
      if (attempt < tries) await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
  const e = last!;
  if (tries === 1) throw e;
  const detail = e.message.slice(e.url.length + 4);
  throw new FetchError(e.url, e.kind, `${detail} after ${tries} tries`, e.status);
}

/** What core receives through its deps object. */
export type Fetcher = typeof safeFetch;
