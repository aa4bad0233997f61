import { UserError } from '../errors.ts';

let zones: string[] | null = null;

/** Every IANA zone this runtime knows, plus UTC. */
export function allTimeZones(): string[] {
  if (!zones) {
    const list = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
    zones = [...new Set(['UTC', ...list])];
  }
  return zones;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The canonical IANA name for what a user typed (any case, spaces for underscores); a UserError
 * with a did-you-mean suggestion otherwise.
 */
export function normalizeTimeZone(input: string): string {
  const typed = input.trim().replace(/\s+/g, '_');
  if (!typed) throw new UserError('Give a time zone such as Europe/Berlin or UTC.');
  const lower = typed.toLowerCase();
  if (lower === 'utc' || lower === 'gmt' || lower === 'z') return 'UTC';
  const exact = allTimeZones().find((z) => z.toLowerCase() === lower);
  if (exact) return exact;
  if (isValidTimeZone(typed)) return new Intl.DateTimeFormat('en', { timeZone: typed }).resolvedOptions().timeZone;
  let best: string | null = null;
  let bestD = Infinity;
  for (const z of allTimeZones()) {
    const d = distance(lower, z.toLowerCase());
    if (d < bestD) [best, bestD] = [z, d];
  }
  const hint = best && bestD <= Math.max(3, Math.floor(lower.length / 3)) ? ` — did you mean "${best}"?` : ' — use an IANA name such as Europe/Berlin or America/New_York.';
  throw new UserError(`unknown time zone "${input.trim()}"${hint}`);
}

/** Autocomplete for time zones: prefix matches of the name or its city first, then substrings. */
export function suggestTimeZones(prefix: string, limit = 25): string[] {
  const typed = prefix.trim().toLowerCase().replace(/\s+/g, '_');
  const all = allTimeZones();
  if (!typed) return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Seoul', 'Asia/Tokyo', 'Australia/Sydney'].slice(0, limit);
  const starts: string[] = [];
  const contains: string[] = [];
  for (const z of all) {
    const l = z.toLowerCase();
    const city = l.slice(l.lastIndexOf('/') + 1);
    if (l.startsWith(typed) || city.startsWith(typed)) starts.push(z);
    else if (l.includes(typed)) contains.push(z);
  }
  return [...starts, ...contains].filter((z) => z.length <= 100).slice(0, limit);
}
