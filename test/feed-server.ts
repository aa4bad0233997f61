import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface StaticRoute {
  body: string | Uint8Array;
  /** Content-Type; default text/xml. */
  type?: string;
  status?: number;
  headers?: Record<string, string>;
}

export interface FeedServer {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** A route for an exact path (query ignored); replaces an earlier one for the same path. */
  route(path: string, handler: RouteHandler | StaticRoute): void;
  /**
   * Serves the files under dir at prefix: Content-Type by extension, feedparser-style `Header:`
   * lines honoured, ETag + Last-Modified, 304 for conditional GETs.
   */
  serveCorpus(prefix: string, dir: string): void;
  /** Requests seen for a path (query ignored). */
  hits(path: string): number;
  /** TCP connections accepted so far, requests or not: proof that a refused fetch never connected. */
  connections(): number;
  /** TCP connections open now (a dropped one is gone once the server has read all it sent). */
  openConnections(): number;
  /** Body bytes the server wrote for a path: proof that a capped download really stopped. */
  bytesSent(path: string): number;
  requests: Array<{ method: string; path: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/**
 * The hostile routes every server has. Use them with `${server.url}${HOSTILE.slowloris}`.
 * Redirects to other addresses point at the same port so that, were the refusal ever missing,
 * the attempt would show up as a connection (127.0.0.2) or a connection attempt (10.0.0.1).
 */
export const HOSTILE = {
  /** 200 and headers at once, then one byte every 100 ms forever. */
  slowloris: '/hostile/slowloris',
  /** Accepts the connection and never answers, not even headers. */
  hang: '/hostile/hang',
  /** 40 KB of gzip that inflates to 40 MiB of zeros. */
  gzipBomb: '/hostile/gzip-bomb',
  /** The same bomb as raw DEFLATE, sent as Content-Encoding: deflate. */
  deflateBomb: '/hostile/deflate-bomb',
  /** 64 bytes of brotli that inflate to 40 MiB. */
  brotliBomb: '/hostile/br-bomb',
  /** 50 MB of HTML, chunked (no Content-Length), streamed with backpressure. */
  huge: '/hostile/huge',
  /** Declares Content-Length: 50 MB up front, then streams like /huge. */
  hugeDeclared: '/hostile/huge-declared',
  /** 302 → /hostile/loop2 → 302 → /hostile/loop … */
  loop: '/hostile/loop',
  /** /hostile/chain/N redirects N times, then answers "arrived". */
  chain: (n: number) => `/hostile/chain/${n}`,
  /** 302 to http://127.0.0.2:PORT/ok.xml (loopback, but not the allowed 127.0.0.1). */
  redirectLoopback: '/hostile/redirect-loopback',
  /** 302 to http://10.0.0.1/feed.xml (RFC 1918). */
  redirectPrivate: '/hostile/redirect-private',
  /** 302 to http://169.254.169.254/latest/meta-data/ (cloud metadata). */
  redirectMetadata: '/hostile/redirect-metadata',
  /** 302 to file:///etc/passwd. */
  redirectFile: '/hostile/redirect-file',
  /** Says charset=iso-8859-1, sends UTF-8 ("Café Jürgen"). */
  wrongCharset: '/hostile/wrong-charset',
  /** Says charset=utf-8, sends ISO-8859-1 bytes ("Café Jürgen"). */
  lyingUtf8: '/hostile/lying-utf8',
  /** 500 Internal Server Error. */
  error500: '/hostile/500',
  /** 503 Service Unavailable. */
  unavailable: '/hostile/503',
} as const;

const TYPES: Record<string, string> = {
  '.xml': 'text/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.rdf': 'application/rdf+xml',
  '.json': 'application/json',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
};

let bombs: { gzip: Buffer; deflate: Buffer; br: Buffer } | null = null;
/** Made on first use (about 0.2 s), never committed as binaries, shared by every server in the process. */
function getBombs(): { gzip: Buffer; deflate: Buffer; br: Buffer } {
  if (!bombs) {
    const zeros = Buffer.alloc(40 * 1024 * 1024);
    bombs = {
      gzip: zlib.gzipSync(zeros, { level: 9 }),
      deflate: zlib.deflateRawSync(zeros, { level: 9 }),
      br: zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
    };
  }
  return bombs;
}

/** Content-Type for a corpus file; a .json is a JSON Feed only if it says so. */
function contentTypeFor(file: string, bytes: Buffer): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') {
    const head = bytes.subarray(0, 4096).toString('utf8');
    return /"version"\s*:\s*"(https?:\/\/jsonfeed\.org\/version\/[^"]*|1\.[01])"/.test(head) ? 'application/feed+json' : 'application/json';
  }
  return TYPES[ext] ?? 'application/octet-stream';
}

/**
 * feedparser fixtures carry `Header: Name: value` lines in their leading comment. UTF-16/32
 * fixtures spell them with NUL bytes in between, which are dropped to read the ASCII.
 */
export function fixtureHeaders(bytes: Uint8Array): Record<string, string> {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('latin1').replace(/\u0000/g, '');
  const comment = /<!--([\s\S]*?)-->/.exec(head)?.[1] ?? '';
  const out: Record<string, string> = {};
  for (const m of comment.matchAll(/^\s*Header:\s*([\w-]+)\s*:\s*(.*?)\s*$/gm)) out[m[1]!.toLowerCase()] = m[2]!;
  return out;
}

/** Whether a conditional GET matches: If-None-Match wins over If-Modified-Since (RFC 9110). */
function notModified(req: http.IncomingMessage, etag: string, mtimeMs: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    const tags = inm.split(',').map((t) => t.trim().replace(/^W\//, ''));
    return tags.includes('*') || tags.includes(etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Streams `total` bytes of `chunk` with backpressure; stops when the client goes away. */
function stream(res: http.ServerResponse, chunk: Buffer, total: number): void {
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = (): void => {
    while (!gone && sent < total) {
      const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!gone) res.end();
  };
  pump();
}

/**
 * A local HTTP server on 127.0.0.1 (random port) for feed tests: static routes, the real corpora,
 * and the hostile routes in {@link HOSTILE}. Nothing here ever connects anywhere.
 */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, RouteHandler>();
  const corpora: Array<{ prefix: string; dir: string }> = [];
  const counts = new Map<string, number>();
  const sent = new Map<string, number>();
  const requests: FeedServer['requests'] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let port = 0;

  const serveFile = (req: http.IncomingMessage, res: http.ServerResponse, p: string): boolean => {
    for (const { prefix, dir } of corpora) {
      if (!p.startsWith(prefix)) continue;
      let rel: string;
      try {
        rel = decodeURIComponent(p.slice(prefix.length));
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('bad path');
        return true;
      }
      const file = path.resolve(dir, rel);
      const inside = path.relative(dir, file);
      if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) continue;
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        continue;
      }
      if (!stat.isFile()) continue;
      const bytes = fs.readFileSync(file);
      const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
      const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString();
      if (notModified(req, etag, stat.mtimeMs)) {
        res.writeHead(304, { etag, 'last-modified': lastModified });
        res.end();
        return true;
      }
      res.writeHead(200, { 'content-type': contentTypeFor(file, bytes), etag, 'last-modified': lastModified, ...fixtureHeaders(bytes) });
      res.end(bytes);
      return true;
    }
    return false;
  };

  const hostile = (res: http.ServerResponse, p: string): boolean => {
    const redirect = (location: string) => {
      res.writeHead(302, { location, 'content-type': 'text/plain' });
      res.end();
    };
    switch (p) {
      case HOSTILE.slowloris: {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write('<');
        const timer = setInterval(() => res.write(' '), 100);
        res.on('close', () => clearInterval(timer));
        return true;
      }
      case HOSTILE.hang:
        return true;
      case HOSTILE.gzipBomb:
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' });
        res.end(getBombs().gzip);
        return true;
      case HOSTILE.deflateBomb:
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'deflate' });
        res.end(getBombs().deflate);
        return true;
      case HOSTILE.brotliBomb:
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'br' });
        res.end(getBombs().br);
        return true;
      case HOSTILE.huge:
        res.writeHead(200, { 'content-type': 'text/html' });
        stream(res, Buffer.alloc(64 * 1024, 'a'), 50_000_000);
        return true;
      case HOSTILE.hugeDeclared:
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': '50000000' });
        stream(res, Buffer.alloc(64 * 1024, 'a'), 50_000_000);
        return true;
      case HOSTILE.loop:
        redirect('/hostile/loop2');
        return true;
      case '/hostile/loop2':
        redirect(HOSTILE.loop);
        return true;
      case HOSTILE.redirectLoopback:
        redirect(`http://127.0.0.2:${port}/ok.xml`);
        return true;
      case HOSTILE.redirectPrivate:
        redirect('http://10.0.0.1/feed.xml');
        return true;
      case HOSTILE.redirectMetadata:
        redirect('http://169.254.169.254/latest/meta-data/');
        return true;
      case HOSTILE.redirectFile:
        redirect('file:///etc/passwd');
        return true;
      case HOSTILE.wrongCharset:
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=iso-8859-1' });
        res.end(Buffer.from('<rss version="2.0"><channel><title>Café Jürgen</title></channel></rss>', 'utf8'));
        return true;
      case HOSTILE.lyingUtf8:
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        res.end(Buffer.from('<rss version="2.0"><channel><title>Café Jürgen</title></channel></rss>', 'latin1'));
        return true;
      case HOSTILE.error500:
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
        return true;
      case HOSTILE.unavailable:
        res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
        res.end('try later');
        return true;
    }
    const chain = /^\/hostile\/chain\/(\d{1,3})$/.exec(p);
    if (chain) {
      const n = Number(chain[1]);
      if (n > 0) redirect(`/hostile/chain/${n - 1}`);
      else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('arrived');
      }
      return true;
    }
    return false;
  };

  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    requests.push({ method: req.method ?? 'GET', path: p, headers: flatHeaders(req.headers) });
    // Count body bytes as they are handed to the socket layer.
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) sent.set(p, (sent.get(p) ?? 0) + Buffer.byteLength(chunk));
      return write(chunk, ...rest);
    }) as typeof res.write;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => http.ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) sent.set(p, (sent.get(p) ?? 0) + Buffer.byteLength(chunk));
      return end(chunk, ...rest);
    }) as typeof res.end;

    const handler = routes.get(p);
    if (handler) return handler(req, res);
    if (serveFile(req, res, p)) return;
    if (hostile(res, p)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  server.on('connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(p, handler) {
      if (typeof handler === 'function') {
        routes.set(p, handler);
        return;
      }
      routes.set(p, (_req, res) => {
        res.writeHead(handler.status ?? 200, { 'content-type': handler.type ?? 'text/xml', ...(handler.headers ?? {}) });
        res.end(handler.body);
      });
    },
    serveCorpus(prefix, dir) {
      corpora.push({ prefix: prefix.endsWith('/') ? prefix : `${prefix}/`, dir: path.resolve(dir) });
    },
    hits: (p) => counts.get(p) ?? 0,
    connections: () => connections,
    openConnections: () => sockets.size,
    bytesSent: (p) => sent.get(p) ?? 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
