/**
 * npm run cluster — a small process manager for the scale-out mode on one machine: starts
 * SHARD_COUNT shard processes (ROLE=shard, SHARD_IDS=i) and WORKERS worker processes (ROLE=worker)
 * through the real entry point, all on DATABASE_URL, each told the cluster size so it keeps its share
 * of Discord's global REST limit (CLUSTER_PROCESSES). A process that exits is started again after a
 * pause; SIGINT/SIGTERM stop them all. For more machines, run the roles under any supervisor
 * (docker-compose.yml shows one way).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const shards = Number(process.env.SHARD_COUNT ?? '1');
const workers = Number(process.env.WORKERS ?? '1');
if (!process.env.DATABASE_URL) {
  process.stderr.write('npm run cluster: set DATABASE_URL (postgres://…): every process shares one PostgreSQL.\n');
  process.exit(1);
}
if (!Number.isInteger(shards) || shards < 1 || !Number.isInteger(workers) || workers < 1) {
  process.stderr.write(`npm run cluster: SHARD_COUNT and WORKERS must be whole numbers ≥ 1 (got "${process.env.SHARD_COUNT}", "${process.env.WORKERS}").\n`);
  process.exit(1);
}
const RESTART_MS = 2000;
const roles = [
  ...Array.from({ length: shards }, (_, i) => ({ name: `shard-${i}`, env: { ROLE: 'shard', SHARD_COUNT: String(shards), SHARD_IDS: String(i) } })),
  ...Array.from({ length: workers }, (_, i) => ({ name: `worker-${i}`, env: { ROLE: 'worker' } })),
];
const running = new Map<string, ChildProcess>();
let stopping = false;

function launch(role: (typeof roles)[number]): void {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...role.env, CLUSTER_PROCESSES: process.env.CLUSTER_PROCESSES ?? String(roles.length), DATA_DIR: path.join(process.env.DATA_DIR ?? './data', role.name) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.set(role.name, child);
  child.once('exit', (code, signal) => {
    running.delete(role.name);
    if (stopping) return;
    process.stderr.write(`${JSON.stringify({ level: 40, process: role.name, code, signal, msg: 'cluster process exited; restarting' })}\n`);
    setTimeout(() => launch(role), RESTART_MS).unref();
  });
}

for (const role of roles) launch(role);
const stop = (signal: NodeJS.Signals) => {
  stopping = true;
  for (const child of running.values()) child.kill(signal);
};
process.once('SIGINT', () => stop('SIGTERM'));
process.once('SIGTERM', () => stop('SIGTERM'));
