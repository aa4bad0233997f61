import type { Article } from '../article.ts';
import { SpeakerDirectory } from '../quotes/directory.ts';
import { StoryIndex } from '../stories/story-index.ts';
import type { ArticleSpeakers, DerivedRow } from '../store/types.ts';
import { inTurns, nextTurn } from './turns.ts';
import { SCAN_CHUNK, type NewsroomDeps } from './types.ts';

/** Articles read per turn when deriving stories and speakers over the whole archive at start-up. */
const LOAD_CHUNK = 25;
/** Articles grouped into stories at once when indexing: small, so one turn stays short. */
const DERIVE_CHUNK = 8;

/** An article for stories and speakers: at start-up with what the store recorded of its story. */
export interface DeriveItem {
  /** The whole article, or at start-up (stored signature) what grouping reads without the text. */
  article: Pick<Article, 'id' | 'sourceId' | 'title' | 'body' | 'publishedAt'>;
  firstSeenAt?: string | undefined;
  storySig?: Uint8Array | null;
  storyEntities?: Uint8Array | null;
  storyId?: string | null;
  /** Too old to be linked to by new reports: it only rejoins its stored story. */
  restoreOnly?: boolean;
}

/**
 * What the newsroom derives from every article, in the hot window or not: who is quoted where and
 * which reports tell one story. Each grouping is written back to the store in the background, in
 * order, so a restart restores it without reading the text again.
 */
export class Derived {
  readonly speakers = new SpeakerDirectory();
  readonly stories: StoryIndex;
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly deps: Pick<NewsroomDeps, 'store' | 'clock' | 'log' | 'storyLinkWindow'>) {
    this.stories = new StoryIndex(undefined, deps.storyLinkWindow ? { linkWindow: deps.storyLinkWindow } : {});
  }

  /**
   * Derived data that covers the whole archive, not only the hot window: each article back into its
   * stored story (no text re-read), then who is quoted where (a few ms per article with
   * quotations). It runs in chunks after search is available; until it finishes, story grouping
   * and speaker suggestions are partial.
   */
  async build(): Promise<void> {
    const started = Date.now();
    let after = 0;
    let read = 0;
    // seq bounds the article count from above (deleted articles leave gaps), and costs no scan.
    const maxSeq = await this.deps.store.maxSeq();
    await nextTurn();
    this.stories.reserve(maxSeq);
    // Articles older than the story index's link window only rejoin their stored stories: no new
    // report can link to them, so their signatures and title words are not kept.
    const linkFrom = maxSeq - this.stories.linkWindow;
    await nextTurn();
    for (;;) {
      const rows = await this.deps.store.scanDerived(after, SCAN_CHUNK);
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.rowid;
      // The read took this turn (SQLite answers synchronously); the work on it starts in the next.
      await nextTurn();
      // What the store recorded is used as it is; only articles it lacks something for (arrived
      // before that was stored, or edited since) are read and derived afresh.
      const stored: DerivedRow[] = [];
      const unread: DerivedRow[] = [];
      for (const r of rows) {
        const storyKnown = r.storyId !== null && (r.storySig !== null || r.rowid <= linkFrom);
        (storyKnown && r.speakers ? stored : unread).push(r);
      }
      await inTurns(stored, LOAD_CHUNK, (part) => {
        for (const r of part) this.speakers.addStored({ id: r.id, sourceId: r.sourceId }, r.speakers!);
        this.group(part.map((r) => ({
          article: { id: r.id, sourceId: r.sourceId, title: r.title, body: [], publishedAt: r.publishedAt },
          firstSeenAt: r.firstSeenAt,
          storySig: r.storySig,
          storyEntities: r.storyEntities,
          storyId: r.storyId,
          restoreOnly: r.rowid <= linkFrom,
        })));
      });
      for (let i = 0; i < unread.length; i += LOAD_CHUNK) {
        const part: DeriveItem[] = [];
        for (const r of unread.slice(i, i + LOAD_CHUNK)) {
          const article = await this.deps.store.getArticle(r.id);
          if (article) part.push({ article, firstSeenAt: r.firstSeenAt, storySig: r.storySig, storyEntities: r.storyEntities, storyId: r.storyId, restoreOnly: r.rowid <= linkFrom && r.storyId !== null });
        }
        read += part.length;
        await nextTurn();
        await this.inTurns(part);
      }
    }
    this.deps.log.info({ speakers: this.speakers.size, textsRead: read, ms: Date.now() - started }, 'stories and speakers indexed');
  }

  /** Stories and speakers of `items` from their text, a turn budget at a time; what was found is stored. */
  inTurns(items: DeriveItem[]): Promise<void> {
    return inTurns(items, DERIVE_CHUNK, (part) => {
      const speakers: Array<[string, ArticleSpeakers]> = [];
      for (const c of part) speakers.push([c.article.id, this.speakers.add(c.article)]);
      this.group(part, speakers);
    });
  }

  /**
   * Puts new articles into their stories and records changed story ids in the store. Articles
   * already grouped keep their story (an edit does not move a report to another story).
   */
  private group(items: DeriveItem[], speakers: Array<[string, ArticleSpeakers]> = []): void {
    const changed: Array<[string, string]> = [];
    const fresh: Array<[string, Uint8Array, Uint8Array]> = [];
    for (const { article: a, firstSeenAt, storySig, storyEntities, storyId, restoreOnly } of items) {
      if (restoreOnly && storyId) {
        changed.push(...this.stories.restore(a.id, storyId));
        continue;
      }
      const published = Date.parse(a.publishedAt ?? '');
      const time = Number.isNaN(published) ? Date.parse(firstSeenAt ?? '') : published;
      const known = this.stories.storyOf(a.id) !== undefined;
      // At start-up the stored signatures and story id are used as they are: no text is re-read
      // and no candidates are searched (both were done when the article arrived). An undated item's
      // time is when it was first seen, which the grouping treats differently (see StoryThresholds).
      const doc = { id: a.id, sourceId: a.sourceId, title: a.title, body: a.body, time: Number.isNaN(time) ? this.deps.clock.now().getTime() : time, dated: !Number.isNaN(published) };
      changed.push(...this.stories.add(doc, storySig ?? undefined, storySig ? storyId : null, storySig ? (storyEntities ?? null) : undefined));
      if (!known && !storySig) fresh.push([a.id, this.stories.signatureBytes(a.id)!, this.stories.entityBytes(a.id)!]);
    }
    // Written in the background, in order: the in-memory grouping answers meanwhile.
    if (fresh.length || changed.length || speakers.length) {
      this.writes = this.writes
        .then(async () => {
          if (fresh.length) await this.deps.store.setStorySignatures(fresh);
          if (changed.length) await this.deps.store.setStoryIds(changed);
          if (speakers.length) await this.deps.store.setSpeakers(speakers);
        })
        .catch((err: unknown) => this.deps.log.warn({ err }, 'story ids and speakers not stored'));
    }
  }

  /** Resolves once every story id grouped so far is in the store. */
  stored(): Promise<void> {
    return this.writes;
  }
}
