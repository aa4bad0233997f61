/**
 * The reader's memory while resolving speakers (speakers.ts): who spoke and who the sentences were
 * about, in reading order, and how a name, a pronoun, "the source" or "the company" resolves
 * against that history.
 */
import { givenNameGender, looksLikeOrganisation, nounGender, PeopleIndex, pickAntecedent, type Candidate, type Gender } from './coreference.ts';
import { DOCUMENT_NOUNS, readPhrase, words, type Phrase } from './phrases.ts';

type Kind = 'person' | 'source' | 'group' | 'document' | 'other';

export interface Entity {
  name: string;
  kind: Kind;
  plural: boolean;
  head: string;
  told: string | null;
  /** What the article, an honorific or the given name says (coreference.ts), or learned when "he" or "she" is resolved to this entity, so the other pronoun skips it. */
  gender?: Gender;
  /** The gender was given (article, honorific, given name, gendered noun), not learned from a resolution. */
  genderFixed?: boolean;
}

interface Event {
  pos: number;
  entity: Entity;
  /** 'mention': named elsewhere in a sentence (an object, a possessor) — a pronoun can mean them, a clause-less quotation cannot. */
  role: 'speaker' | 'subject' | 'mention';
  /** A lone surname outside the subject: what a paragraph is about, too weak to be a pronoun's antecedent. */
  weak?: boolean;
}

export const SENTENCE_INTRO = /^(?:under|over|among|across|through|against|toward|towards|into|onto|about|around|within|behind|beyond|near|outside|inside|between|maybe|perhaps|indeed|thanks|why|how|what|where|there|here|yes|even|only|just|both|earlier|later|in|on|at|after|before|while|when|as|however|but|meanwhile|separately|according|also|now|then|upon|during|although|though|since|if|yet|still|last|this|today|yesterday|barely|for|with|without|finally|unfortunately|concerned|instead|following|despite|amid|like|unlike|asked|speaking|dressed|[\p{Lu}][\p{Ll}]+(?:ing|ed))\b/iu;
const DOCUMENT_PHRASE = new RegExp(String.raw`\b((?:the|a|an|another|its|their|his|her|this|that|new)\s+(?:[\p{L}-]+\s+){0,2}?)(${[...DOCUMENT_NOUNS].join('|')})\b`, 'giu');
/** "the company", "the retailer": a definite description standing for an organisation the article named. */
export const ORGANISATION_NOUN = /^the\s+(?:[\p{Ll}-]+\s+)?(?:company|firm|chain|retailer|group|agency|organization|organisation|network|startup|carrier|airline|bank|brand|automaker|manufacturer|publisher|outlet|broadcaster|studio|label|charity|business)$/iu;
const SAME_PLACE = /\bthe same (province|city|county|region|district|town)\b/i;

/** The offset in the whole article, so events in different paragraphs order correctly. */
export function at(paragraphIndex: number, offset: number): number {
  return paragraphIndex * 1_000_000 + offset;
}

export class Discourse {
  private readonly events: Event[] = [];
  /** Entities that have spoken: a name that said something is somebody. */
  private readonly speakers = new Set<Entity>();
  private readonly sources: Array<{ pos: number; entity: Entity }> = [];

  private readonly joined: string[];
  private readonly people = new Map<string, Entity>();
  private readonly personTokens: Set<string>;

  constructor(
    private readonly fullNames: string[][],
    private readonly text: (pos: number) => string,
    private readonly index: PeopleIndex,
    private readonly paragraphs: readonly string[],
  ) {
    this.joined = fullNames.map((f) => ` ${f.join(' ')}`);
    this.personTokens = new Set(fullNames.filter((f) => f.length > 1).flat());
  }

  /** "Buser" → "Jack Buser", "Van Der Beek" → "James Van Der Beek": the first longer name in the article that ends with (or holds) it. */
  expandName(name: string): string {
    const tail = ` ${name}`;
    const ends = this.joined.findIndex((j, i) => j.endsWith(tail) && this.fullNames[i]!.length > words(name).length);
    if (ends !== -1) return this.fullNames[ends]!.join(' ');
    if (!name.includes(' ') && this.personTokens.has(name)) {
      const holds = this.fullNames.find((f) => f.length > 1 && f.includes(name));
      if (holds) return holds.join(' ');
    }
    return name;
  }

  isPersonToken(token: string): boolean {
    return this.personTokens.has(token);
  }

  note(pos: number, entity: Entity, role: Event['role'], weak = false): void {
    this.events.push({ pos, entity, role, weak });
    if (role === 'speaker') this.speakers.add(entity);
  }

  introduce(pos: number, entity: Entity): void {
    this.sources.push({ pos, entity });
  }

  /** A single capitalised word of three letters or more that the article never writes in lower case ("Facebook", not "Consider"). */
  properNoun(token: string): boolean {
    if (!/^[\p{Lu}][\p{L}’'-]{2,}$/u.test(token)) return false;
    const lower = token.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(String.raw`(?<![\p{L}])${lower}(?![\p{L}])`, 'u');
    return !this.paragraphs.some((p) => re.test(p));
  }

  /** Names a sentence can open with: a known person's name, not a capitalised common word ("Military families"). */
  knownName(name: string): boolean {
    const tokens = words(name);
    return tokens.length > 1 || this.isPersonToken(tokens[0]!);
  }

  /** The latest person who spoke or was a sentence's subject (or, with `mentionsToo`, was named at all) since `minPos`. */
  lastPerson(pos: number, minPos: number, mentionsToo = false, surelyPerson = false): Entity | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos) continue;
      if (e.pos < minPos) break;
      // `surelyPerson`: a gender or a person's name, not a caption's "Whangārei Harbour".
      if (surelyPerson && !(e.entity.gender || givenNameGender(e.entity.name))) continue;
      if (e.entity.kind === 'person' && (mentionsToo || e.role !== 'mention')) return e.entity;
    }
    return null;
  }

  /** Where the entity last spoke or was named before `pos`; -1 when it was not. */
  lastEventOf(entity: Entity, pos: number): number {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos < pos && e.entity === entity) return e.pos;
    }
    return -1;
  }

  /**
   * Others a pronoun (or a role of a gender) could as well mean: people or described sources of
   * a compatible gender and number named since the start of the paragraph before. A person named
   * only as an object counts when the article gave them the pronoun's gender.
   */
  pronounRivals(entity: Entity, pos: number, pronoun: string): number {
    const plural = pronoun === 'they' || pronoun === 'we';
    const gender = pronoun === 'he' || pronoun === 'his' ? 'he' : pronoun === 'she' || pronoun === 'her' ? 'she' : null;
    // From the paragraph before, or from where the chosen one was last named if that is further back.
    const last = this.lastEventOf(entity, pos);
    const minPos = Math.min((Math.floor(pos / 1_000_000) - 1) * 1_000_000, last === -1 ? Infinity : last);
    const seen = new Map<Entity, number>();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos) continue;
      if (e.pos < minPos) break;
      const x = e.entity;
      if (x === entity || x.name === entity.name || seen.has(x)) continue;
      if (plural ? !x.plural : x.plural || (x.kind !== 'person' && x.kind !== 'source')) continue;
      // An organisation is no "he" or "she" — unless its last word is a person's surname ("The Kreuzberg family winery").
      if (!plural && x.kind === 'person' && looksLikeOrganisation(x.name) && !x.gender && !this.isPersonToken(words(x.name).pop()!)) continue;
      if (gender && x.gender && x.gender !== gender) continue;
      if (e.role === 'mention' && !(gender && x.gender === gender)) continue;
      // A name nothing marks as a person's (no gender, no given name, never spoke) counts half
      // when it opened a sentence: "Kreuzberg regards …" before "he says".
      const unverified = !plural && this.unverified(x);
      if (unverified && e.role !== 'subject') continue;
      seen.set(x, unverified ? 0.5 : 1);
    }
    let n = 0;
    for (const w of seen.values()) n += w;
    return n;
  }

  /** People or described sources that spoke or were a sentence's subject after `entity` last was, before `pos`. */
  threadRivals(entity: Entity, pos: number): number {
    const since = this.lastEventOf(entity, pos);
    const seen = new Set<Entity>();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos) continue;
      if (e.pos <= since) break;
      const x = e.entity;
      if (x === entity || x.name === entity.name || e.role === 'mention' || (x.kind !== 'person' && x.kind !== 'source') || this.unverified(x)) continue;
      seen.add(x);
    }
    return seen.size;
  }

  /**
   * Other described sources with the same head noun that "the source" could mean: each one the
   * article introduced as someone new ("a source in Hyesan", "another source"); "Daily NK’s
   * source" names the one already met.
   */
  sourceRivals(entity: Entity, pos: number): number {
    const others = new Set<Entity>();
    for (const s of this.sources) {
      if (s.pos < pos && s.entity !== entity && s.entity.head === entity.head && /^(?:a|an|another|one)\s/i.test(s.entity.name)) others.add(s.entity);
    }
    return others.size;
  }

  lastSpeaker(pos: number, minPos: number): Entity | null {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos) continue;
      if (e.pos < minPos) break;
      if (e.role === 'speaker') return e.entity;
    }
    return null;
  }

  /**
   * The latest person or source that spoke or was a sentence's subject, of the pronoun's gender
   * when known. "they" prefers a group ("families with children…"); failing one nearby, an
   * organisation or anyone not known as "he" or "she" ("Big Machine … they said").
   */
  antecedent(pos: number, pronoun: string, exclude: Set<string>): Entity | null {
    const plural = pronoun === 'they' || pronoun === 'we' || pronoun === 'their';
    const gender = pronoun === 'he' || pronoun === 'his' ? 'he' : pronoun === 'she' || pronoun === 'her' ? 'she' : null;
    const from = Math.max(0, this.events.length - 400);
    let genderless: Entity | null = null;
    for (let i = this.events.length - 1; i >= from; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos || exclude.has(e.entity.name)) continue;
      if (plural) {
        if (e.role === 'mention') continue;
        if (e.entity.plural) return e.entity;
        if (!genderless && !e.entity.gender && (e.entity.kind === 'person' || e.entity.kind === 'other') && pos - e.pos < 3_000_000) genderless = e.entity;
        continue;
      }
    }
    if (plural) return genderless;
    const candidates: Array<Candidate<Entity>> = [];
    for (let i = from; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (exclude.has(e.entity.name)) continue;
      candidates.push({ entity: e.entity, pos: e.pos, role: e.role, weak: e.weak ?? false, gender: e.entity.gender ?? null, genderFixed: e.entity.genderFixed ?? false, organisation: e.entity.kind === 'person' && looksLikeOrganisation(e.entity.name), unverified: this.unverified(e.entity), mention: e.role === 'mention', personal: e.entity.kind === 'person' || e.entity.kind === 'source', plural: e.entity.plural });
    }
    const picked = pickAntecedent(candidates, pos, gender);
    if (picked && gender) picked.entity.gender ??= gender;
    return picked?.entity ?? null;
  }

  /**
   * "the president said", "said the actress": the latest person the article gave that role
   * ("President Barack Obama", "president David Weisbrot") within the last few paragraphs;
   * failing that, the latest person of the role's gender.
   */
  roleHolder(pos: number, phrase: Phrase, exclude: Set<string>): Entity | null {
    const minPos = (Math.floor(pos / 1_000_000) - 6) * 1_000_000;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos || exclude.has(e.entity.name)) continue;
      if (e.pos < minPos) break;
      if (e.entity.kind === 'person' && this.index.hasRole(e.entity.name, phrase.head)) return e.entity;
    }
    const gender = nounGender(phrase.text);
    return this.antecedent(pos, phrase.plural ? 'they' : gender ?? 'someone', exclude);
  }

  private capitalisedMidSentence(name: string): boolean {
    const known = this.midSentence.get(name);
    if (known !== undefined) return known;
    const found = this.scanMidSentence(name);
    this.midSentence.set(name, found);
    return found;
  }

  private readonly midSentence = new Map<string, boolean>();

  private scanMidSentence(name: string): boolean {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const re = new RegExp(String.raw`(?<=(?:^|[\s(])[\p{Ll}][\p{L}’'-]*[,;]?\s)${escaped}(?![\p{L}])`, 'u');
    return this.paragraphs.some((p) => re.test(p));
  }

  /**
   * "the company said", "the group claims": the latest named organisation — a capitalised name
   * that spoke or was a sentence's subject and that the article never calls "he" or "she" and
   * no given name opens — within the last six paragraphs.
   */
  organisation(pos: number): Entity | null {
    const minPos = (Math.floor(pos / 1_000_000) - 6) * 1_000_000;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i]!;
      if (e.pos >= pos) continue;
      if (e.pos < minPos) break;
      const x = e.entity;
      if (e.role === 'mention' || x.plural || x.kind === 'source' || x.kind === 'document' || !/^[\p{Lu}]/u.test(x.name)) continue;
      if (x.gender || this.index.genderOf(x.name) || (words(x.name).length > 1 && !looksLikeOrganisation(x.name) && this.index.isPersonName(x.name))) continue;
      // A lone surname ("Forte") is a person the article named in full elsewhere.
      if (words(x.name).length === 1 && this.isPersonToken(x.name)) continue;
      // A name is capitalised in the middle of some sentence; "New signs …" opens one with an adjective.
      if (!this.capitalisedMidSentence(x.name)) continue;
      return x;
    }
    return null;
  }

  /** "it says" after "they've put out another statement": the last document named shortly before. */
  documentBefore(pos: number): Entity | null {
    const text = this.text(pos).slice(-600);
    let last: RegExpMatchArray | null = null;
    for (const m of text.matchAll(DOCUMENT_PHRASE)) last = m;
    return last ? { name: last[0].trim(), kind: 'document', plural: false, head: last[2]!.toLowerCase(), told: null } : null;
  }

  /** A "person" entity nothing marks as one: no gender, no given name, surname never alone, never a speaker. */
  private unverified(x: Entity): boolean {
    if (x.kind !== 'person' || x.gender || this.index.isPersonName(x.name)) return false;
    return !this.speakers.has(x);
  }

  /** The person a capitalised run names, when the article makes it one (a given name, a surname used alone); null for places, organisations, titles. */
  mentioned(run: string): Entity | null {
    const phrase = readPhrase(run);
    if (phrase?.kind !== 'name' || SENTENCE_INTRO.test(phrase.text)) return null;
    const name = this.expandName(phrase.text);
    if (looksLikeOrganisation(name) || !this.index.isPersonName(name)) return null;
    return this.person(name, phrase.head);
  }

  /** One entity per person name, so what is learned about them (gender, channel) sticks. */
  person(name: string, head: string): Entity {
    let e = this.people.get(name);
    if (!e) {
      e = { name, kind: 'person', plural: false, head, told: null };
      const gender = this.index.genderOf(name);
      if (gender) {
        e.gender = gender;
        e.genderFixed = true;
      }
      this.people.set(name, e);
    }
    return e;
  }

  /** "the source" / "the Ryanggang resident" → the latest "a source in …" / "a resident of … Ryanggang" introduced before. */
  describedEarlier(pos: number, phrase: Phrase): Entity | null {
    const modifiers = words(phrase.text.toLowerCase()).filter((w) => !/^(the|this|that)$/.test(w) && w !== phrase.head);
    // A possessive ("Daily NK’s source") usually re-mentions a source; an indefinite ("a source in …") introduces one.
    let best: Entity | null = null;
    let bestRank = -1;
    for (let i = this.sources.length - 1; i >= Math.max(0, this.sources.length - 400); i--) {
      const s = this.sources[i]!;
      if (s.pos >= pos || s.entity.head !== phrase.head) continue;
      const name = s.entity.name.toLowerCase();
      const rank = (modifiers.every((m) => name.includes(m)) ? 2 : 0) + (/^(?:a|an|another|one)\s/.test(name) ? 1 : 0);
      if (rank > bestRank) {
        best = s.entity;
        bestRank = rank;
      }
    }
    return best;
  }

  /** Resolves a subject phrase at a position to the entity it stands for (null when it names no one). */
  resolve(raw: string, pos: number, exclude: Set<string> = new Set(), subjectOnly = false): Entity | null {
    const phrase = readPhrase(raw);
    if (!phrase) return null;
    switch (phrase.kind) {
      case 'name': {
        if (subjectOnly && !this.knownName(phrase.text)) return null;
        return this.person(this.expandName(phrase.text), phrase.head);
      }
      case 'pronoun':
        if (phrase.head === 'it') {
          // "the Electoral Commission … issued a statement …. Critically, it pointed out": an organisation that just spoke.
          const org = this.lastSpeaker(pos, Math.floor(pos / 1_000_000) * 1_000_000);
          if (org && org.kind === 'other' && !org.plural) return org;
          return this.documentBefore(pos);
        }
        return this.antecedent(pos, phrase.head, exclude);
      case 'role':
        return this.roleHolder(pos, phrase, exclude) ?? { name: phrase.text, kind: 'other', plural: phrase.plural, head: phrase.head, told: null };
      case 'possessive': {
        const owner = this.antecedent(pos, phrase.head, exclude);
        const rest = phrase.rest ?? '';
        return { name: owner ? `${owner.name}’s ${rest}` : phrase.text, kind: 'document', plural: false, head: rest, told: null };
      }
      case 'source': {
        const definite = /^(the|this|that)\b/i.test(phrase.text);
        const earlier = definite ? this.describedEarlier(pos, phrase) : null;
        if (earlier) return earlier;
        const entity: Entity = { name: this.placeNamed(phrase.text, pos), kind: 'source', plural: phrase.plural, head: phrase.head, told: null };
        const gender = nounGender(phrase.text);
        if (gender) {
          entity.gender = gender;
          entity.genderFixed = true;
        }
        this.introduce(pos, entity);
        return entity;
      }
      case 'document': {
        // "Kim’s order" → "Kim Yo Jong’s order".
        const owned = /^([\p{Lu}][\p{L}’'-]*?)[’']s\s+(.+)$/u.exec(phrase.text);
        const name = owned ? `${this.expandName(owned[1]!)}’s ${owned[2]}` : phrase.text;
        return { name, kind: 'document', plural: false, head: phrase.head, told: null };
      }
      default:
        if (ORGANISATION_NOUN.test(phrase.text)) {
          const org = this.organisation(pos);
          if (org) return org;
        }
        return { name: phrase.text, kind: phrase.plural ? 'group' : 'other', plural: phrase.plural, head: phrase.head, told: null };
    }
  }

  /** "a university student in the same province" → "… in Ryanggang province", naming the place mentioned before. */
  private placeNamed(description: string, pos: number): string {
    const same = SAME_PLACE.exec(description);
    if (!same) return description;
    const kind = same[1]!.toLowerCase();
    const before = this.text(pos);
    const re = new RegExp(String.raw`(?:${kind} of ([\p{Lu}][\p{L}-]+))|(?:([\p{Lu}][\p{L}-]+(?: [\p{Lu}][\p{L}-]+)?) [${kind[0]!.toUpperCase()}${kind[0]}]${kind.slice(1)})`, 'gu');
    let last: string | null = null;
    for (const m of before.matchAll(re)) last = m[1] ?? m[2] ?? last;
    return last ? description.replace(SAME_PLACE, `${last} ${kind}`) : description;
  }
}
