import { randomBytes } from 'node:crypto';

/** A short id people can type: 7 base36 characters. */
export function newShortId(): string {
  const n = randomBytes(6).readUIntBE(0, 6);
  return n.toString(36).padStart(10, '0').slice(-7);
}
