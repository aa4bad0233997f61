/**
 * The speakers in the archive: who is quoted in which article, for `/quote speaker:` and its
 * autocomplete. Derived from each article's text as it arrives; what was found is stored with the
 * article, so a start-up rebuilds the directory without reading the archive's text again.
 */
import type { Article } from '../article.ts';
import { findQuotations } from './index.ts';
import { ShardedMap } from '../sharded-map.ts';
import type { ArticleSpeakers } from '../store/types.ts';

/** Lower case, curly apostrophes straightened, punctuation to spaces: "Kim Yo Jong’s order" → "kim yo jong's order". */
export function speakerKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when the speaker is the one asked for, or something of theirs ("Kim Yo Jong" → "Kim Yo Jong’s order"). */
export function speakerIs(speaker: string | null, wanted: string): boolean {
  if (!speaker) return false;
  const key = ` ${speakerKey(speaker)} `;
  const w = speakerKey(wanted);
  return w.length > 0 && (key.includes(` ${w} `) || key.includes(` ${w}'s `));
}

interface Entry {
  name: string;
  /** article id → number of quotations by this speaker in it */
  articles: Map<string, number>;
}

export class SpeakerDirectory {
  private readonly bySpeaker = new Map<string, Entry>();
  /** One entry per quoting article of the whole archive: sharded, so growing it never stalls. */
  private readonly byArticle = new ShardedMap<{ sourceId: string; keys: string[] }>();

  get size(): number {
    return this.bySpeaker.size;
  }

  /**
   * Adds or replaces one article's speakers, found in its text; returns them (each as first
   * written, with their quotations) for the store, so a restart need not read the text again.
   */
  add(article: Pick<Article, 'id' | 'sourceId' | 'body'>): ArticleSpeakers {
    const counts = new Map<string, [name: string, quotes: number]>();
    for (const q of findQuotations(article)) {
      if (!q.speaker) continue;
      const key = speakerKey(q.speaker);
      if (!key) continue;
      const c = counts.get(key);
      if (c) c[1]++;
      else counts.set(key, [q.speaker, 1]);
    }
    const speakers = [...counts.values()];
    this.addStored(article, speakers);
    return speakers;
  }

  /** Adds or replaces one article's speakers as stored (from {@link add} when the article arrived). */
  addStored(article: Pick<Article, 'id' | 'sourceId'>, speakers: ArticleSpeakers): void {
    this.remove(article.id);
    const keys: string[] = [];
    for (const [name, n] of speakers) {
      const key = speakerKey(name);
      if (!key || keys.includes(key)) continue;
      keys.push(key);
      const entry = this.bySpeaker.get(key) ?? { name, articles: new Map() };
      entry.articles.set(article.id, n);
      this.bySpeaker.set(key, entry);
    }
    if (keys.length) this.byArticle.set(article.id, { sourceId: article.sourceId, keys });
  }

  remove(id: string): void {
    const old = this.byArticle.get(id);
    if (!old) return;
    for (const key of old.keys) {
      const entry = this.bySpeaker.get(key);
      entry?.articles.delete(id);
      if (entry && entry.articles.size === 0) this.bySpeaker.delete(key);
    }
    this.byArticle.delete(id);
  }

  /**
   * Speakers whose name contains a word starting with what was typed (all when nothing was
   * typed), most quoted first, counting only articles from visible sources.
   */
  suggest(typed: string, visibleSources: ReadonlySet<string>, limit = 25): Array<{ name: string; quotes: number }> {
    const t = speakerKey(typed);
    const out: Array<{ name: string; quotes: number }> = [];
    for (const [key, entry] of this.bySpeaker) {
      if (t && !key.startsWith(t) && !key.includes(` ${t}`)) continue;
      let quotes = 0;
      for (const [id, n] of entry.articles) if (visibleSources.has(this.byArticle.get(id)!.sourceId)) quotes += n;
      if (quotes > 0) out.push({ name: entry.name, quotes });
    }
    return out.sort((a, b) => b.quotes - a.quotes || a.name.localeCompare(b.name)).slice(0, limit);
  }

  /** Visible articles quoting this speaker (or something of theirs), most quotations first. */
  articlesQuoting(wanted: string, visibleSources: ReadonlySet<string>): string[] {
    const counts = new Map<string, number>();
    for (const entry of this.bySpeaker.values()) {
      if (!speakerIs(entry.name, wanted)) continue;
      for (const [id, n] of entry.articles) {
        if (visibleSources.has(this.byArticle.get(id)!.sourceId)) counts.set(id, (counts.get(id) ?? 0) + n);
      }
    }
    return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
  }
}
