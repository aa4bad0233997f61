import { IANAZone } from 'luxon';
import { editDistance } from '../text/edit-distance.ts';
import { UserError } from '../errors.ts';

/**
 * IANA time zones for digest schedules: the list the runtime knows, canonical spelling, did-you-mean
 * and autocomplete. Pure and synchronous; the lists are built once per process.
 */

/**
 * ICU (and so Node's Intl) still lists some zones under CLDR's frozen legacy ids; users know them by
 * their current IANA names, so those are what we show and store (the runtime accepts both).
 */
const LEGACY_TO_IANA: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Spellings of UTC people type; all stored as "UTC". */
const UTC_ALIASES = new Set(['utc', 'gmt', 'z', 'zulu', 'universal', 'etc/utc', 'etc/gmt', 'etc/universal', 'etc/zulu', 'utc+0', 'utc0', 'gmt+0', 'gmt0']);

/**
 * Abbreviations are ambiguous (IST is India, Ireland and Israel) and fixed-offset ones ignore daylight
 * saving, so they are refused with the zone people usually mean.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  est: 'America/New_York',
  edt: 'America/New_York',
  et: 'America/New_York',
  cst: 'America/Chicago',
  cdt: 'America/Chicago',
  ct: 'America/Chicago',
  mst: 'America/Denver',
  mdt: 'America/Denver',
  mt: 'America/Denver',
  pst: 'America/Los_Angeles',
  pdt: 'America/Los_Angeles',
  pt: 'America/Los_Angeles',
  akst: 'America/Anchorage',
  hst: 'Pacific/Honolulu',
  bst: 'Europe/London',
  wet: 'Europe/Lisbon',
  west: 'Europe/Lisbon',
  cet: 'Europe/Berlin',
  cest: 'Europe/Berlin',
  met: 'Europe/Berlin',
  eet: 'Europe/Athens',
  eest: 'Europe/Athens',
  msk: 'Europe/Moscow',
  ist: 'Asia/Kolkata',
  pkt: 'Asia/Karachi',
  wib: 'Asia/Jakarta',
  sgt: 'Asia/Singapore',
  hkt: 'Asia/Hong_Kong',
  jst: 'Asia/Tokyo',
  kst: 'Asia/Seoul',
  aest: 'Australia/Sydney',
  aedt: 'Australia/Sydney',
  acst: 'Australia/Adelaide',
  awst: 'Australia/Perth',
  nzst: 'Pacific/Auckland',
  nzdt: 'Pacific/Auckland',
};

/** What an empty autocomplete box offers: the newsroom usual suspects. */
const POPULAR = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Africa/Johannesburg',
  'Asia/Kolkata',
  'Asia/Seoul',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Australia/Sydney',
];

/** Anything longer is not a zone name; also bounds the did-you-mean work on hostile input. */
const MAX_INPUT = 64;
/** Discord autocomplete answers hold at most 25 choices. */
const MAX_SUGGESTIONS = 25;

interface ZoneTables {
  /** Canonical names, "UTC" first, then alphabetical. */
  names: string[];
  /** Lower-cased canonical and legacy names → canonical name. */
  byLower: Map<string, string>;
  /** Search keys for autocomplete and did-you-mean: every spelling (canonical and legacy) with its canonical name. */
  keys: Array<{ key: string; city: string; zone: string }>;
}

let tables: ZoneTables | null = null;

function modernName(name: string): string {
  const modern = LEGACY_TO_IANA[name];
  return modern !== undefined && IANAZone.isValidZone(modern) ? modern : name;
}

function zoneTables(): ZoneTables {
  if (tables) return tables;
  const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const canonical = new Set<string>();
  const byLower = new Map<string, string>();
  const keys: ZoneTables['keys'] = [];
  const addKey = (spelling: string, zone: string) => {
    const key = spelling.toLowerCase();
    if (!byLower.has(key)) byLower.set(key, zone);
    keys.push({ key, city: key.slice(key.lastIndexOf('/') + 1), zone });
  };
  for (const name of listed) {
    if (UTC_ALIASES.has(name.toLowerCase())) continue;
    const zone = modernName(name);
    canonical.add(zone);
    addKey(zone, zone);
    if (zone !== name) addKey(name, zone);
  }
  // Runtimes that already list the current names still accept the legacy ids people may type.
  for (const [legacy, modern] of Object.entries(LEGACY_TO_IANA)) {
    if (canonical.has(modern) && !byLower.has(legacy.toLowerCase())) addKey(legacy, modern);
  }
  byLower.set('utc', 'UTC');
  keys.unshift({ key: 'utc', city: 'utc', zone: 'UTC' });
  const names = ['UTC', ...[...canonical].sort()];
  tables = { names, byLower, keys };
  return tables;
}

/** Every IANA zone this runtime knows, by its current name, plus UTC (first). */
export function allTimeZones(): readonly string[] {
  return zoneTables().names;
}

/** True when `tz` is a zone name the runtime (Intl, and so luxon) can evaluate. */
export function isValidTimeZone(tz: string): boolean {
  return typeof tz === 'string' && tz.length > 0 && tz.length <= MAX_INPUT && IANAZone.isValidZone(tz);
}

/** The zone a mistyped name most likely meant, or null when nothing is close. */
function closestZone(typed: string): string | null {
  const cap = Math.max(2, Math.floor(typed.length / 4));
  let best: string | null = null;
  let bestD = cap + 1;
  for (const { key, city, zone } of zoneTables().keys) {
    // A bare city ("berlinn") is compared with the city part, a full name with the full name.
    const d = typed.includes('/') ? editDistance(typed, key, bestD - 1) : editDistance(typed, city, bestD - 1);
    if (d < bestD) [best, bestD] = [zone, d];
    if (bestD === 0) break;
  }
  return best;
}

/** Printable, bounded echo of what the user typed, for error messages. */
function echo(input: string): string {
  const flat = input.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > MAX_INPUT ? `${flat.slice(0, MAX_INPUT)}…` : flat;
}

/**
 * The canonical IANA name for what a user typed: any case, spaces for underscores, legacy ids
 * ("Asia/Calcutta" → "Asia/Kolkata") and UTC spellings ("utc", "Etc/UTC", "Z" → "UTC"). Throws a
 * UserError with a did-you-mean suggestion otherwise.
 */
export function normalizeTimeZone(input: string): string {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (!raw) throw new UserError('time zone is empty: give an IANA name such as Europe/Berlin or UTC', { id: 'timezone.empty' });
  if (raw.length > MAX_INPUT) throw new UserError(`unknown time zone "${echo(raw)}" — zone names are at most ${MAX_INPUT} characters, e.g. Europe/Berlin`, { id: 'timezone.too-long', values: { maxInput: MAX_INPUT } });
  const typed = raw.replace(/\s*\/\s*/g, '/').replace(/\s+/g, '_');
  const lower = typed.toLowerCase();
  if (UTC_ALIASES.has(lower)) return 'UTC';
  const known = zoneTables().byLower.get(lower);
  if (known) return known;
  const abbreviation = ABBREVIATIONS[lower];
  if (abbreviation) {
    throw new UserError(`unknown time zone "${echo(raw)}" — abbreviations are ambiguous and ignore daylight saving; did you mean "${abbreviation}"?`, { id: 'timezone.abbreviation', values: { abbreviation } });
  }
  // Names the runtime knows but does not list (US/Eastern, Japan, Etc/GMT+5): store what they resolve to.
  if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(typed) && IANAZone.isValidZone(typed)) {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: typed }).resolvedOptions().timeZone;
    const canonical = UTC_ALIASES.has(resolved.toLowerCase()) ? 'UTC' : modernName(resolved);
    if (isValidTimeZone(canonical)) return canonical;
  }
  const best = closestZone(lower);
  const hint = best ? ` — did you mean "${best}"?` : ' — use an IANA name such as Europe/Berlin or America/New_York';
  throw new UserError(`unknown time zone "${echo(raw)}"${hint}`, { id: 'timezone.unknown', values: { hint } });
}

/**
 * Autocomplete for time zones (at most `limit`, each ≤ 100 characters): exact names first, then
 * names or cities starting with what was typed, then names containing it ("new y" →
 * America/New_York, "calcutta" → Asia/Kolkata). An empty box offers common newsroom zones.
 */
export function suggestTimeZones(prefix: string, limit = MAX_SUGGESTIONS): string[] {
  const max = Math.max(0, Math.min(Number.isFinite(limit) ? Math.floor(limit) : MAX_SUGGESTIONS, MAX_SUGGESTIONS));
  const typed = (typeof prefix === 'string' ? prefix : '')
    .trim()
    .slice(0, MAX_INPUT)
    .toLowerCase()
    .replace(/\s*\/\s*/g, '/')
    .replace(/\s+/g, '_');
  if (!typed) return POPULAR.filter((z) => isValidTimeZone(z)).slice(0, max);
  // Rank 0: exact; 1: city starts with it; 2: full name starts with it; 3: a later part starts with it; 4: contains it.
  const rank = new Map<string, number>();
  for (const { key, city, zone } of zoneTables().keys) {
    let r: number;
    if (key === typed) r = 0;
    else if (city.startsWith(typed)) r = 1;
    else if (key.startsWith(typed)) r = 2;
    else if (key.split(/[/_-]/).some((part) => part.startsWith(typed))) r = 3;
    else if (key.includes(typed)) r = 4;
    else continue;
    const had = rank.get(zone);
    if (had === undefined || r < had) rank.set(zone, r);
  }
  return [...rank]
    .sort(([za, ra], [zb, rb]) => ra - rb || (za < zb ? -1 : za > zb ? 1 : 0))
    .map(([zone]) => zone)
    .filter((zone) => zone.length <= 100)
    .slice(0, max);
}
