/**
 * Coreference for attribution: what the article itself says about the people in it — whether
 * each one is "he" or "she", which titles it gives them ("president", "CEO") — and the choice
 * of antecedent for a pronoun or a bare role ("he said", "the president said", "the company
 * said") among the entities mentioned before it. speakers.ts walks the article and keeps the
 * mentions; this file decides what they can refer to. Pure functions and one read-only index
 * per article; no state across articles.
 */
import { quoteSpansIn } from './find.ts';
import { FEMALE_NAMES, MALE_NAMES } from './given-names.ts';
import { capitalisedRuns, stripTitles, words } from './phrases.ts';
import { splitSentences } from '../text/sentences.ts';

export type Gender = 'he' | 'she';

const FEMALE = new Set(FEMALE_NAMES.split(/\s+/).filter(Boolean));
const MALE = new Set(MALE_NAMES.split(/\s+/).filter(Boolean));

/** Nouns that give the person they describe a gender ("the actress", "his wife", "a woman in Hyesan"). */
const FEMININE_NOUNS = new Set([
  'woman', 'women', 'actress', 'wife', 'mother', 'mom', 'mum', 'daughter', 'sister', 'aunt', 'niece', 'grandmother', 'girl', 'girlfriend', 'lady',
  'queen', 'princess', 'duchess', 'spokeswoman', 'chairwoman', 'congresswoman', 'businesswoman', 'councilwoman', 'widow', 'bride', 'mrs', 'ms', 'miss',
  'madam', 'sportswoman', 'policewoman', 'heroine', 'waitress', 'stewardess', 'hostess', 'empress', 'baroness', 'dame', 'nun', 'grandma',
]);
const MASCULINE_NOUNS = new Set([
  'man', 'men', 'actor', 'husband', 'father', 'dad', 'son', 'brother', 'uncle', 'nephew', 'grandfather', 'boy', 'boyfriend', 'gentleman',
  'king', 'prince', 'duke', 'spokesman', 'chairman', 'congressman', 'businessman', 'councilman', 'widower', 'groom', 'mr', 'mister', 'sir',
  'sportsman', 'policeman', 'fireman', 'emperor', 'baron', 'lord', 'monk', 'grandpa',
]);

/**
 * Family names that open a name in East Asian order ("Kim Jong Un", "Li Keqiang"): the first
 * token of such a name is no given name, so the given-name lists must not read "Kim" as female.
 */
const FAMILY_FIRST = new Set([
  'kim', 'lee', 'park', 'choi', 'jung', 'kang', 'cho', 'yoon', 'jang', 'lim', 'han', 'shin', 'oh', 'seo', 'kwon', 'hwang', 'ahn', 'song', 'ri', 'pak',
  'wang', 'li', 'zhang', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo', 'he', 'lin', 'luo', 'xi',
  'nguyen', 'tran', 'pham',
]);

/** Last words that make a capitalised name an organisation ("Whole Foods", "the Palestinian Authority"). */
const ORGANISATION_WORDS = new Set([
  'authority', 'foods', 'inc', 'corp', 'co', 'ltd', 'llc', 'plc', 'company', 'group', 'news', 'police', 'department', 'ministry', 'council', 'committee',
  'association', 'university', 'college', 'institute', 'times', 'post', 'journal', 'agency', 'administration', 'party', 'bank', 'fund', 'office',
  'court', 'commission', 'network', 'bureau', 'service', 'services', 'union', 'organization', 'organisation', 'foundation', 'center', 'centre',
  'club', 'league', 'federation', 'airlines', 'airways', 'motors', 'technologies', 'systems', 'media', 'studios', 'records', 'entertainment',
  'labs', 'hospital', 'church', 'army', 'navy', 'force', 'forces', 'government', 'parliament', 'congress', 'senate', 'house', 'assembly',
  'board', 'trust', 'partners', 'capital', 'holdings', 'industries', 'depot', 'market', 'stores', 'press',
]);

/** A capitalised name that is an organisation rather than a person: opens with "The" or ends with an organisation word. */
export function looksLikeOrganisation(name: string): boolean {
  const ws = words(name);
  if (ws.length === 0) return false;
  if (/^the$/i.test(ws[0]!)) return true;
  return ORGANISATION_WORDS.has(ws[ws.length - 1]!.toLowerCase().replace(/[^a-z]/g, ''));
}

/** The gender a description's head noun gives ("a female soldier" is read by its adjective too). */
export function nounGender(phrase: string): Gender | null {
  for (const w of words(phrase.toLowerCase())) {
    const b = w.replace(/[^a-z]/g, '');
    if (b === 'female') return 'she';
    if (b === 'male') return 'he';
    if (FEMININE_NOUNS.has(b)) return 'she';
    if (MASCULINE_NOUNS.has(b)) return 'he';
  }
  return null;
}

/** The gender the first given name of a full name carries in English usage; null for one-word or unknown names. */
export function givenNameGender(name: string): Gender | null {
  const tokens = words(name);
  if (tokens.length < 2) return null;
  const first = tokens[0]!.toLowerCase().replace(/[^a-z]/g, '');
  if (tokens.length >= 3 && FAMILY_FIRST.has(first)) return null;
  // "Rose-Lynn", "Jean-Paul": the first part carries the gender.
  const part = tokens[0]!.toLowerCase().split('-')[0]!.replace(/[^a-z]/g, '');
  for (const g of [first, part]) {
    if (FEMALE.has(g)) return 'she';
    if (MALE.has(g)) return 'he';
  }
  return null;
}

/** Role nouns that, in apposition after a name, say the name is a person's. */
const APPOSITIVE_ROLES = new Set([
  'head', 'chief', 'director', 'president', 'founder', 'co-founder', 'ceo', 'professor', 'spokesperson', 'spokesman', 'spokeswoman', 'analyst',
  'economist', 'manager', 'partner', 'chairman', 'chairwoman', 'chair', 'secretary', 'minister', 'senator', 'member', 'executive', 'editor',
  'author', 'researcher', 'scientist', 'lawyer', 'attorney', 'officer', 'leader', 'owner', 'fellow', 'strategist', 'adviser', 'advisor',
  'engineer', 'teacher', 'student', 'doctor', 'physician', 'nurse', 'resident', 'actor', 'actress', 'singer', 'writer', 'journalist', 'reporter',
  'coach', 'player', 'candidate', 'governor', 'mayor', 'judge', 'commissioner', 'ambassador', 'diplomat', 'official', 'expert', 'investor', 'vice',
]);

/** How much each reading counts toward a person's gender (see genderOf). */
const HONORIFIC_WEIGHT = 3;
const GIVEN_NAME_WEIGHT = 1.5;
const SAME_SENTENCE_WEIGHT = 1;
const NEXT_SENTENCE_WEIGHT = 0.5;
const APPOSITION_WEIGHT = 2;
const KIN_BEFORE = /\b(?:his|her|their|its|the|an?|[\p{Lu}][\p{L}’'-]*[’']s)\s+(?:[\p{Ll}-]+\s+){0,3}?([\p{Ll}]+),\s+((?:[\p{Lu}][\p{L}’'.-]+\s+){0,2}[\p{Lu}][\p{L}’'-]+)(?=[\s,.;:])/gu;
const KIN_AFTER = /((?:[\p{Lu}][\p{L}’'.-]+\s+){0,2}[\p{Lu}][\p{L}’'-]+),\s+(?:his|her|their|[\p{Lu}][\p{L}’'-]*[’']s)\s+(?:[\p{Ll}-]+\s+){0,2}?([\p{Ll}]+)\b/gu;
const HONORIFIC = /\b(Mr|Mrs|Ms|Miss|Mister|Madam|Sir|Dame|Lord|Lady|Prince|Princess|King|Queen|Duke|Duchess)\.?\s+((?:[\p{Lu}][\p{L}’'-]+\s+){0,2}[\p{Lu}][\p{L}’'-]+)/gu;
const SUBJECT_PRONOUN = /^[\s“”"‘’']*(He|She)\b/;
/**
 * Pronouns that co-refer with their sentence's subject: subject forms, possessives and
 * reflexives. "him" and object "her" do not ("Elise Matthesen found him" says nothing of her).
 */
const GENDERED = /\b(he|his|himself|she|hers|herself|her(?=\s+(?!(?:that|to|the|a|an|and|or|in|on|at|for|with|about|from|by|as|if|when|how|what|why|up|down|out|off|back|over|into)\b)[\p{Ll}]))\b/iu;
/** Words before a name that give its holder's role ("skipper Wade Bassi", "president David Weisbrot"). */
const ROLE_BEFORE = /(?:^|[\s,(])((?:[\p{Ll}-]+\s+){0,3})$/u;

/**
 * What the article says about its people: gender (the article's own "he"/"she" beside a
 * person, then honorifics, then the given name) and the roles it gives them. Built once per
 * article from the body and the full names speakers.ts collected.
 */
export class PeopleIndex {
  private readonly votes = new Map<string, { he: number; she: number }>();
  private readonly roles = new Map<string, Set<string>>();
  private readonly bySurname = new Map<string, string[]>();
  /** Full names the article treats as a person's: surname or first name used alone ("Omar asked …"), a role in apposition — unlike "Fox News". */
  private readonly personLike = new Set<string>();
  private readonly joinedNames: Set<string>;
  /** Pronoun resolution asks the same few names hundreds of times per article. */
  private readonly personNameCache = new Map<string, boolean>();

  constructor(
    body: readonly string[],
    private readonly fullNames: readonly string[][],
  ) {
    this.joinedNames = new Set(fullNames.map((f) => f.join(' ')));
    for (const f of fullNames) {
      // "Mr Obama", "President Obama": a title and a surname are a mention, not another person.
      if (f.length < 2 || stripTitles([...f]).length < 2) continue;
      const full = f.join(' ');
      const last = f[f.length - 1]!;
      const list = this.bySurname.get(last) ?? [];
      list.push(full);
      this.bySurname.set(last, list);
    }
    const text = body.join('\n');
    // One pass over the words: capitalised tokens that stand alone (no capitalised word right
    // before or after: not "Whole Foods") and every lower-case word (so a sentence-opening "At"
    // or "New", which the article also writes in lower case, never counts as a name used alone).
    const standalone = new Set<string>();
    const lower = new Set<string>();
    const tokens = [...text.matchAll(/[\p{L}][\p{L}’'.-]*/gu)];
    tokens.forEach((m, k) => {
      const w = m[0];
      if (!/^[\p{Lu}]/u.test(w)) {
        lower.add(w.replace(/[.]+$/, ''));
        return;
      }
      const prev = tokens[k - 1];
      const next = tokens[k + 1];
      const joinedBefore = prev && /^[\p{Lu}]/u.test(prev[0]) && /^\s$/.test(text.slice(prev.index + prev[0].length, m.index));
      const joinedAfter = next && /^[\p{Lu}]/u.test(next[0]) && /^\s$/.test(text.slice(m.index + w.length, next.index));
      if (!joinedBefore && !joinedAfter) standalone.add(w.replace(/[.]+$/, ''));
    });
    const alone = (token: string) => standalone.has(token) && !lower.has(token.toLowerCase());
    // A person's surname on its own ("… when Omar asked").
    for (const [last, owners] of this.bySurname) if (alone(last)) for (const o of owners) this.personLike.add(o);
    // … or a role in apposition ("Pankaj Pandey, Head of Research at …", "Eric Reeves, a senior fellow").
    for (const m of text.matchAll(/((?:[\p{Lu}][\p{L}’'.-]*\s+){1,4}[\p{Lu}][\p{L}’'-]*),\s+(?:(?:a|an|the)\s+)?(?:[\p{L}-]+\s+){0,2}?([\p{L}-]+)(?=[\s,])/gu)) {
      if (!APPOSITIVE_ROLES.has(m[2]!.toLowerCase())) continue;
      const run = words(m[1]!);
      for (let k = 0; k < run.length - 1; k++) {
        const full = run.slice(k).join(' ');
        if (this.joinedNames.has(full)) this.personLike.add(stripTitles(run.slice(k)).join(' '));
      }
    }
    // … or the first name on its own ("as Rose-Lynn summons"), as articles do with people they call by first name.
    for (const f of fullNames) {
      const bare = stripTitles([...f]);
      if (bare.length >= 2 && /^[\p{Lu}][\p{Ll}]/u.test(bare[0]!) && alone(bare[0]!)) this.personLike.add(bare.join(' '));
    }

    body.forEach((p) => this.read(p));
  }

  /** A mention ("Obama", "Mr Obama", "Barack Obama") as the article's full name for that person, when it names one. */
  canonical(tokens: readonly string[]): string | null {
    const bare = stripTitles([...tokens]);
    const joined = bare.join(' ');
    if (bare.length > 1 && this.joinedNames.has(joined)) return joined;
    const last = bare[bare.length - 1];
    const owners = last ? this.bySurname.get(last) : undefined;
    // A surname two people share ("Parata" for father and son) names neither for certain.
    if (owners && owners.length === 1 && (bare.length === 1 || owners[0]!.endsWith(joined))) return owners[0]!;
    return bare.length > 1 ? joined : null;
  }

  /** The gender of a person as named in the article (a full name or a single name). */
  genderOf(name: string): Gender | null {
    const full = this.canonical(words(name)) ?? name;
    const v = { ...(this.votes.get(full) ?? { he: 0, she: 0 }) };
    // "Prince Andrew", "Queen Elizabeth": a gendered title is as sure as an honorific.
    const title = words(name)[0]!.toLowerCase().replace(/[^a-z]/g, '');
    if (words(name).length >= 2 && (FEMININE_NOUNS.has(title) || MASCULINE_NOUNS.has(title))) v[FEMININE_NOUNS.has(title) ? 'she' : 'he'] += HONORIFIC_WEIGHT;
    // The given name is a prior worth more than one reading of the article's pronouns (which
    // can misread "He" after a sentence that only quoted someone) and less than two.
    const given = givenNameGender(full);
    if (given) v[given] += GIVEN_NAME_WEIGHT;
    return v.he === v.she ? null : v.he > v.she ? 'he' : 'she';
  }

  /** Whether the article gives this person the role ("president", "ceo", "company"). */
  hasRole(name: string, role: string): boolean {
    const full = this.canonical(words(name)) ?? name;
    return this.roles.get(full)?.has(role) ?? false;
  }

  private vote(name: string, gender: Gender, weight: number): void {
    const v = this.votes.get(name) ?? { he: 0, she: 0 };
    v[gender] += weight;
    this.votes.set(name, v);
  }

  /** People named in a stretch of narrative, in order, with the offset of each mention. */
  private mentions(text: string): Array<{ name: string; at: number; end: number }> {
    const out: Array<{ name: string; at: number; end: number }> = [];
    const ws = words(text);
    let offset = 0;
    const starts: number[] = [];
    for (const w of ws) {
      const i = text.indexOf(w, offset);
      starts.push(i);
      offset = i + w.length;
    }
    for (const run of capitalisedRuns(text)) {
      const name = this.canonical(run.tokens);
      if (!name || !this.isPerson(name)) continue;
      const last = run.start + run.tokens.length - 1;
      out.push({ name, at: starts[run.start]!, end: starts[last]! + ws[last]!.length });
      // Titles and descriptions right before the name are roles the article gives the person.
      // (The 60 characters before are enough for three words, and keep the end-anchored match cheap.)
      const before = ROLE_BEFORE.exec(text.slice(Math.max(0, starts[run.start]! - 60), starts[run.start]!))?.[1] ?? '';
      const titles = [...run.tokens.slice(0, run.tokens.length - stripTitles([...run.tokens]).length), ...words(before)].map((t) => t.toLowerCase().replace(/[^a-z-]/g, ''));
      if (titles.length) {
        const set = this.roles.get(name) ?? new Set<string>();
        for (const t of titles) if (t) set.add(t);
        this.roles.set(name, set);
      }
    }
    return out;
  }

  /** A name whose first token is a given name, or whose surname the article uses alone: not "Fox News" or "Twitter Tuesday". */
  isPersonName(name: string): boolean {
    let known = this.personNameCache.get(name);
    if (known === undefined) {
      // "Tommy — who only goes by his first name": a lone given name is a person too.
      known = (words(name).length === 1 && givenNameGender(`${name} X`) !== null) || this.isPerson(this.canonical(words(name)) ?? name);
      this.personNameCache.set(name, known);
    }
    return known;
  }

  private isPerson(name: string): boolean {
    return givenNameGender(name) !== null || this.personLike.has(name);
  }

  /**
   * Reads one paragraph's narrative (quotations blanked: the people inside them speak of
   * others): an honorific fixes the gender; a person who is the only one named before a
   * "he"/"she" in their sentence, or in the sentence before one that opens with "He"/"She",
   * is the one the article calls that.
   */
  private read(p: string): void {
    let masked = p;
    for (const s of quoteSpansIn(p, 0)) masked = masked.slice(0, s.open + 1) + masked.slice(s.open + 1, s.close).replace(/[^\s]/g, 'q') + masked.slice(s.close);
    for (const m of masked.matchAll(HONORIFIC)) {
      const name = this.canonical(words(m[2]!));
      const g = nounGender(m[1]!);
      if (name && g) this.vote(name, g, HONORIFIC_WEIGHT);
    }
    // "his aunt, Jane Starner", "Patrick Nielsen Hayden, Teresa’s husband": a kinship or gendered noun in apposition.
    for (const m of masked.matchAll(KIN_BEFORE)) {
      const name = this.canonical(words(m[2]!));
      const g = nounGender(m[1]!);
      if (name && g) this.vote(name, g, APPOSITION_WEIGHT);
    }
    for (const m of masked.matchAll(KIN_AFTER)) {
      const name = this.canonical(words(m[1]!));
      const g = nounGender(m[2]!);
      if (name && g) this.vote(name, g, APPOSITION_WEIGHT);
    }
    let previous: Array<{ name: string }> = [];
    for (const s of splitSentences(masked)) {
      const text = masked.slice(s.start, s.end);
      const people = this.mentions(text);
      const distinct = new Set(people.map((m) => m.name));
      const opening = SUBJECT_PRONOUN.exec(text);
      if (opening && (people.length === 0 || people[0]!.at > opening[0].length)) {
        const before = new Set(previous.map((m) => m.name));
        if (before.size === 1) this.vote([...before][0]!, opening[1]!.toLowerCase() as Gender, NEXT_SENTENCE_WEIGHT);
      } else if (distinct.size >= 1) {
        const first = people[0]!;
        const pronoun = GENDERED.exec(text.slice(first.end));
        // Only the sentence's subject: "Omar asked …, saying she", not "he made to Omar’s office … he".
        if (pronoun && isSubjectAt(text, first.at, first.end)) {
          const at = first.end + pronoun.index;
          const named = new Set(people.filter((m) => m.at < at).map((m) => m.name));
          if (named.size === 1) this.vote(first.name, /^(?:he|his|himself)$/i.test(pronoun[1]!) ? 'he' : 'she', SAME_SENTENCE_WEIGHT);
        }
      }
      if (people.length) previous = people;
      else if (!opening) previous = [];
    }
  }
}

/**
 * A name opening its sentence — after titles and descriptions ("U.S. Attorney James Kennedy Jr.",
 * "Sudan’s president, Omar al-Bashir,") or a leading phrase closed by a comma — and not a
 * possessive ("Omar’s office").
 */
function isSubjectAt(text: string, at: number, end: number): boolean {
  if (/^[’']s\b/.test(text.slice(end))) return false;
  const before = text.slice(0, at).replace(/^[\s“”"‘’']+/, '');
  if (before === '' || /,\s*$/.test(before)) return true;
  return words(before).length <= 3 && !/\b(?:to|of|by|for|with|from|and|or|at|in|on)\s*$/i.test(before);
}

/** One mention speakers.ts has seen, as a candidate antecedent. */
export interface Candidate<E> {
  entity: E;
  pos: number;
  role: 'speaker' | 'subject' | 'mention';
  /** Named outside the subject of its sentence: it yields to a compatible subject just before it. */
  mention: boolean;
  /** A lone surname outside the subject: taken only when no other compatible person is as recent as its paragraph. */
  weak: boolean;
  gender: Gender | null;
  /** The gender comes from the article, an honorific, a given name or a gendered noun — not from an earlier pronoun resolved to it. */
  genderFixed: boolean;
  /** A name that reads as an organisation ("Whole Foods", "The Palestinian Authority"): never "he" or "she" unless the article says so. */
  organisation: boolean;
  /**
   * A capitalised name nothing marks as a person — no gender known, no given name, its surname
   * never used alone, never the subject of "said" — such as a book title a sentence opens with
   * ("Growing Up Weightless won …"): taken only when no person qualifies.
   */
  unverified: boolean;
  /** Persons and described sources can be "he"/"she"; groups and organisations "they"/"it". */
  personal: boolean;
  plural: boolean;
}

/** How far back (in characters of one paragraph) a subject still shares a sentence with a later mention. */
const SAME_SENTENCE = 160;
/** Article positions are paragraph × 1,000,000 + offset (speakers.ts). */
const PARAGRAPH = 1_000_000;

/**
 * The antecedent of a singular "he"/"she" (or a genderless "someone" for a bare role) among
 * candidates ordered oldest → newest: the newest person or described source whose gender (from
 * the article's own pronouns, an honorific, a title, the given name or a gendered noun) does not
 * contradict the pronoun. A name that reads as an organisation ("The Palestinian Authority") or
 * that nothing marks as a person is taken only when no person qualifies.
 */
export function pickAntecedent<E>(candidates: ReadonlyArray<Candidate<E>>, pos: number, gender: Gender | null): Candidate<E> | null {
  let fallback: Candidate<E> | null = null;
  let weak: Candidate<E> | null = null;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.pos >= pos || !c.personal || c.plural) continue;
    if (gender && c.gender && c.gender !== gender) continue;
    if (c.weak) {
      weak ??= c;
      continue;
    }
    if (weak && Math.floor(c.pos / PARAGRAPH) < Math.floor(weak.pos / PARAGRAPH)) return weak;
    if ((c.organisation || c.unverified) && !c.genderFixed) {
      fallback ??= c;
      continue;
    }
    // Centering: an object or possessor ("… thought of Elise") yields to a compatible subject of
    // the same sentence ("Matthesen … found him"), which is the likelier topic of the next "she".
    if (c.mention) {
      for (let j = i - 1; j >= 0; j--) {
        const d = candidates[j]!;
        if (c.pos - d.pos > SAME_SENTENCE) break;
        if (!d.mention && d.personal && !d.plural && !(gender && d.gender && d.gender !== gender) && !d.organisation) return d;
      }
    }
    return c;
  }
  return weak ?? fallback;
}
