import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FeedServer {
  url: string;
  port: number;
  route(path: string, handler: RouteHandler | { body: string | Uint8Array; type?: string; status?: number; headers?: Record<string, string> }): void;
  serveCorpus(prefix: string, dir: string): void;
  hits(path: string): number;
  requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.xml': 'text/xml',
  '.rss': 'application/rss+xml',
  '.atom': 'application/atom+xml',
  '.json': 'application/feed+json',
  '.html': 'text/html',
};

/** feedparser fixtures carry `Header: Name: value` lines in their leading comment. */
function fixtureHeaders(bytes: Buffer): Record<string, string> {
  const head = bytes.subarray(0, 2048).toString('latin1');
  const out: Record<string, string> = {};
  for (const m of head.matchAll(/^Header:\s*([\w-]+):\s*(.+)$/gm)) out[m[1]!.toLowerCase()] = m[2]!.trim();
  return out;
}

/**
 * A local HTTP server on 127.0.0.1 for feed tests: the real corpora, plus hostile routes
 * (slowloris, gzip bomb, redirect loops, a 50 MB body, a page that never answers).
 */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, RouteHandler>();
  const prefixes: Array<{ prefix: string; dir: string }> = [];
  const counts = new Map<string, number>();
  const requests: FeedServer['requests'] = [];
  const sockets = new Set<import('node:net').Socket>();
  const bomb = zlib.gzipSync(Buffer.alloc(40 * 1024 * 1024), { level: 9 });

  const server = http.createServer((req, res) => {
    const p = (req.url ?? '/').split('?')[0]!;
    counts.set(p, (counts.get(p) ?? 0) + 1);
    requests.push({ method: req.method ?? 'GET', path: p, headers: req.headers });
    const handler = routes.get(p);
    if (handler) return handler(req, res);
    for (const { prefix, dir } of prefixes) {
      if (!p.startsWith(prefix)) continue;
      const file = path.join(dir, decodeURIComponent(p.slice(prefix.length)));
      if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) break;
      const bytes = fs.readFileSync(file);
      const stat = fs.statSync(file);
      const etag = `"${stat.size}-${Math.floor(stat.mtimeMs)}"`;
      const lastModified = new Date(Math.floor(stat.mtimeMs / 1000) * 1000).toUTCString();
      if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
        res.writeHead(304, { etag, 'last-modified': lastModified });
        return res.end();
      }
      const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', etag, 'last-modified': lastModified, ...fixtureHeaders(bytes) };
      res.writeHead(200, headers);
      return res.end(bytes);
    }
    switch (p) {
      case '/hostile/slowloris': {
        res.writeHead(200, { 'content-type': 'text/xml' });
        const t = setInterval(() => res.write('<'), 100);
        res.on('close', () => clearInterval(t));
        return;
      }
      case '/hostile/hang':
        return; // never answers
      case '/hostile/gzip-bomb':
        res.writeHead(200, { 'content-type': 'text/xml', 'content-encoding': 'gzip' });
        return res.end(bomb);
      case '/hostile/huge': {
        res.writeHead(200, { 'content-type': 'text/html' });
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 50) {
            sent++;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (sent = 50));
        return pump();
      }
      case '/hostile/loop':
        res.writeHead(302, { location: '/hostile/loop2' });
        return res.end();
      case '/hostile/loop2':
        res.writeHead(302, { location: '/hostile/loop' });
        return res.end();
      default: {
        const chain = /^\/hostile\/chain\/(\d+)$/.exec(p);
        if (chain) {
          const n = Number(chain[1]);
          res.writeHead(n > 0 ? 302 : 200, n > 0 ? { location: `/hostile/chain/${n - 1}` } : { 'content-type': 'text/plain' });
          return res.end(n > 0 ? '' : 'arrived');
        }
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
      }
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    route(p, handler) {
      if (typeof handler === 'function') routes.set(p, handler);
      else
        routes.set(p, (_req, res) => {
          res.writeHead(handler.status ?? 200, { 'content-type': handler.type ?? 'text/xml', ...(handler.headers ?? {}) });
          res.end(handler.body);
        });
    },
    serveCorpus(prefix, dir) {
      prefixes.push({ prefix, dir: path.resolve(dir) });
    },
    hits: (p) => counts.get(p) ?? 0,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
