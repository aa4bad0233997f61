/**
 * npm run test:loaded — the test suite as `npm test` runs it, with two busy-looping processes
 * beside it (BUSY=n for another number), the way a developer's machine or a shared CI runner is
 * rarely idle. The busy loops are stopped when the tests end (or this script is interrupted); the
 * exit code is the tests'. Extra arguments go to vitest, as with `npm test -- …`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const busyCount = Number(process.env.BUSY ?? '2');
const busy: ChildProcess[] = [];
for (let i = 0; i < busyCount; i++) busy.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
process.stderr.write(`test:loaded: ${busy.length} busy loops (pids ${busy.map((b) => b.pid).join(', ')}) beside npm test\n`);

const stopBusy = () => {
  for (const b of busy) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
};
process.on('exit', stopBusy);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const args = process.argv.slice(2);
const tests = spawn(npm, ['test', ...(args.length ? ['--', ...args] : [])], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    tests.kill(signal);
  });
}
tests.on('exit', (code, signal) => {
  stopBusy();
  process.stderr.write(`test:loaded: tests ${signal ? `stopped by ${signal}` : `exited with ${code}`}\n`);
  process.exit(code ?? 1);
});
