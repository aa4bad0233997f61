import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** The container and compose files ship no root process and no password. */
const root = path.resolve(import.meta.dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

describe('deployment files', () => {
  it('runs the image as an unprivileged user, set after everything that needs root', () => {
    const lines = read('Dockerfile').split('\n').map((l) => l.trim());
    const user = lines.findIndex((l) => /^USER\s+/.test(l));
    expect(user).toBeGreaterThan(-1);
    expect(lines[user]).not.toMatch(/^USER\s+(root|0)\b/);
    expect(lines.slice(user + 1).some((l) => /^(RUN|COPY|ADD)\b/.test(l))).toBe(false);
    expect(lines.findIndex((l) => /^CMD\b/.test(l))).toBeGreaterThan(user);
  });

  it('takes the database password from .env, never from the compose file', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toMatch(/POSTGRES_PASSWORD: \$\{POSTGRES_PASSWORD:\?[^}]+\}/);
    for (const url of compose.match(/postgres:\/\/[^\s]+/g) ?? []) expect(url).toMatch(/^postgres:\/\/newsdesk:\$\{POSTGRES_PASSWORD\}@/);
    expect(read('.env.example')).toMatch(/^POSTGRES_PASSWORD=$/m);
  });
});
