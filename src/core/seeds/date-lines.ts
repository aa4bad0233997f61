/**
 * The lines of a pasted article that say when and where: stated dates ("Published March 3, 2025"),
 * date lines at the top, and the dateline that opens a lead ("SEOUL (AP) — …"). See parser.ts.
 */

// ── dates ───────────────────────────────────────────────────────────────

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
/** Zone abbreviations newsrooms print, in minutes east of UTC; an unstated zone is read as UTC. */
const ZONES: Record<string, number> = { z: 0, utc: 0, gmt: 0, kst: 540, jst: 540, est: -300, edt: -240, pst: -480, pdt: -420, bst: 60, cet: 60, cest: 120 };

const MONTH_RE = '(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const WEEKDAY_RE = '(?:(?:mon|tue|tues|wed|wednes|thu|thur|thurs|fri|sat|satur|sun)(?:day)?\\.?,?\\s+)?';
const TIME_RE =
  '(?:(?:T|,?\\s+(?:at\\s+)?)(?<h>\\d{1,2})[:.](?<mi>\\d{2})(?::(?<s>\\d{2})(?:\\.\\d+)?)?\\s*(?:(?<ap>[ap])\\.?m\\.?)?)?\\s*(?<tz>z|utc|gmt|kst|jst|est|edt|pst|pdt|bst|cet|cest|[+-]\\d{2}:?\\d{2})?';
const DATE_FORMS = [
  new RegExp(`^(?<y>\\d{4})[-./](?<mo>\\d{1,2})[-./](?<d>\\d{1,2})${TIME_RE}$`, 'i'),
  new RegExp(`^${WEEKDAY_RE}${MONTH_RE}\\s+(?<d>\\d{1,2})(?:st|nd|rd|th)?,?\\s+(?<y>\\d{4})${TIME_RE}$`, 'i'),
  new RegExp(`^${WEEKDAY_RE}(?<d>\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH_RE},?\\s+(?<y>\\d{4})${TIME_RE}$`, 'i'),
];
const DATE_LABEL = /^(?<label>first published|published|posted|last updated|updated|dated?)\b\s*(?:on|at)?\s*:?\s*(?<rest>.+)$/i;

/** "2025-03-03", "2025-03-03 10:00", "March 3, 2025", "Mon, 3 March 2025 at 9:30 a.m. KST" → ISO-8601, or null. */
export function parseStatedDate(text: string): string | null {
  const s = text.trim();
  for (const candidate of s.endsWith('.') ? [s, s.slice(0, -1)] : [s]) {
    for (const form of DATE_FORMS) {
      const g = form.exec(candidate)?.groups;
      if (!g) continue;
      const year = Number(g.y);
      const month = g.mo !== undefined ? Number(g.mo) : MONTHS[g.mon!.slice(0, 3).toLowerCase()]!;
      const day = Number(g.d);
      let hour = g.h !== undefined ? Number(g.h) : 0;
      const minute = g.mi !== undefined ? Number(g.mi) : 0;
      const second = g.s !== undefined ? Number(g.s) : 0;
      if (g.ap) {
        if (hour < 1 || hour > 12) return null;
        hour = (hour % 12) + (g.ap.toLowerCase() === 'p' ? 12 : 0);
      }
      if (year < 1900 || year > 2199 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
      const ms = Date.UTC(year, month - 1, day, hour, minute, second);
      // Reject 31 April and 29 February in a common year instead of rolling over.
      if (new Date(ms).getUTCDate() !== day) return null;
      let offset = 0;
      if (g.tz) {
        const tz = g.tz.toLowerCase();
        if (tz in ZONES) offset = ZONES[tz]!;
        else {
          const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz)!;
          offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
        }
      }
      return new Date(ms - offset * 60_000).toISOString();
    }
  }
  return null;
}

/**
 * A line that states the article's own date: "Published March 3, 2025", "Updated: 2025-03-03 10:00",
 * or — only at the top of the text (`bare`) — a line that is nothing but a date.
 */
export function parseDateLine(p: string, opts: { bare: boolean }): { iso: string; updated: boolean } | null {
  if (p.length > 80) return null;
  const labelled = DATE_LABEL.exec(p);
  if (labelled) {
    const iso = parseStatedDate(labelled.groups!.rest!);
    return iso ? { iso, updated: /updated/i.test(labelled.groups!.label!) } : null;
  }
  if (!opts.bare) return null;
  const iso = parseStatedDate(p);
  return iso ? { iso, updated: false } : null;
}

/** "Updated 2 hours ago", "Published February 30, 2025": a date line at the top, though not a date we can state. */
export function isUnreadableDateLine(p: string): boolean {
  const labelled = DATE_LABEL.exec(p);
  return labelled !== null && p.length <= 60 && /\d/.test(labelled.groups!.rest!) && !/[.!?]$/.test(p.replace(/\b[ap]\.m\.$/i, ''));
}

// ── dateline ────────────────────────────────────────────────────────────

/** Words that open a lead in capitals and are followed by a dash, yet are not places. */
const NOT_PLACES = new Set(['BREAKING', 'UPDATE', 'UPDATED', 'EXCLUSIVE', 'ANALYSIS', 'OPINION', 'EDITORIAL', 'WATCH', 'LIVE', 'CORRECTION', 'NOTE']);

/**
 * "TAIPEI, Taiwan – …", "SEOUL (AP) — …", "SEOUL, March 3 (Yonhap) -- …", "NEW YORK — …": the place
 * (with its region), then an optional date and agency, then a dash. The date and agency are not
 * part of the dateline.
 */
export const DATELINE =
  /^((?:[A-Z][A-Z.'’-]*[A-Z.])(?: [A-Z][A-Z.'’-]*[A-Z.]){0,3}(?:, \p{Lu}[\p{L}.'’-]*(?: \p{Lu}[\p{L}.'’-]*){0,3})?)(?:, (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2})?\s*(?:\(([\p{Lu}][\p{L}\p{N} .&/-]{0,30})\))?\s*(?:--|[–—]|-(?=\s))\s*(?=\S)/u;

export function splitDateline(lead: string): { dateline: string; rest: string } | null {
  const m = DATELINE.exec(lead.slice(0, 200));
  if (!m) return null;
  const place = m[1]!.trim();
  if (place.length > 80 || NOT_PLACES.has(place.split(/[ ,]/)[0]!)) return null;
  const rest = lead.slice(m[0].length);
  // After a real dateline the lead opens a sentence; "NATO — the alliance said…" is no dateline.
  return /^[\p{Lu}\p{N}“‘"']/u.test(rest) ? { dateline: place, rest } : null;
}
