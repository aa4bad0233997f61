import fs from 'node:fs';
import path from 'node:path';

/** DATA_DIR cannot hold the bot's files; the message is one line naming the path and why. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied (not writable by this user)',
  EPERM: 'permission denied (not writable by this user)',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'the path has a symbolic link loop',
};

/**
 * Makes sure DATA_DIR is a directory this process can write, creating it when missing, before
 * anything opens a file there. Each missing level is made on its own (not `mkdir -p`, which
 * spins on pseudo file systems such as /proc), and a probe file is written and removed, so an
 * unusable path fails at once with one line instead of a stack or a hang.
 */
export function ensureDataDir(dir: string): void {
  const fail = (reason: string): never => {
    throw new DataDirError(`DATA_DIR "${dir}" cannot be used: ${reason}.`);
  };
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOTDIR') fail(`a part of the path is a file, not a directory`);
      if (code !== 'ENOENT') fail(REASONS[code] ?? `${code || 'error'}: ${(err as Error).message}`);
      missing.unshift(at);
      const up = path.dirname(at);
      if (up === at) fail('no part of the path exists');
      at = up;
      continue;
    }
    if (!stat.isDirectory()) fail(`${at === path.resolve(dir) ? 'it is' : `"${at}" is`} a file, not a directory`);
    break;
  }
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') continue;
      fail(code === 'ENOENT' ? `"${path.dirname(level)}" does not allow new directories` : (REASONS[code] ?? `${code || 'error'}: ${(err as Error).message}`));
    }
  }
  const probe = path.join(dir, `.write-test-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    fail(REASONS[code] ?? `files cannot be written there (${code || (err as Error).message})`);
  }
}
