import { UserError } from '../errors.ts';
import { resolveGuildSource } from './resolve.ts';
import type { SourceRow } from '../store/index.ts';
import { type AddSourceRequest, addSource, type SourcePreview } from './add.ts';
import type { SourcesDeps } from './context.ts';
import { FULL_TEXT_MAX_ATTEMPTS, FullTextBackfill } from './full-text.ts';
import { type SourceHealth, sourceHealth } from './health.ts';
import { type RefreshOutcome, refreshSource } from './refresh.ts';

export type { AddSourceRequest, SourcePreview } from './add.ts';
export type { SourcesDeps } from './context.ts';
export type { SourceHealth } from './health.ts';
export { describeFailure } from './items.ts';
export { MAX_CONSECUTIVE_FAILURES, type RefreshOutcome } from './refresh.ts';

/** How long a worker's claim on a feed fetch holds: longer than a fetch with retries can take. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

/** An added source and how many of its pages are being fetched for full text in the background. */
export interface AddedSource extends SourcePreview {
  fullTextPending: number;
}

/**
 * Moderator-managed sources: adding feeds and pages (add.ts), refreshing them on their interval
 * (refresh.ts), filling in full text (full-text.ts) and reporting health (health.ts). This facade
 * owns what they share: which sources are being fetched right now, and the jitter source.
 */
export class Sources {
  private readonly random: () => number;
  private readonly running = new Set<string>();
  readonly fullText: FullTextBackfill;

  constructor(private readonly deps: SourcesDeps) {
    this.random = deps.random ?? Math.random;
    this.fullText = new FullTextBackfill(deps);
  }

  /**
   * Adds a source and indexes its current items. For a full-text source, the pages of its
   * summary-only items are fetched in the background and indexed as they arrive.
   */
  async add(req: AddSourceRequest): Promise<AddedSource> {
    const { preview, result } = await addSource(this.deps, this.random, req);
    await this.deps.onIngest(preview.source.id, result);
    this.deps.log.info({ sourceId: preview.source.id, guildId: req.guildId, url: preview.source.url, kind: preview.kind, items: result.inserted.length }, 'source added');
    return { ...preview, fullTextPending: await this.startFullText(preview.source) };
  }

  /** Fetches a source now; a manual refresh also retries full text for items still on their summary. */
  async refresh(sourceId: string, opts: { manual?: boolean } = {}): Promise<RefreshOutcome & { fullTextPending: number }> {
    const source = await this.deps.store.getSource(sourceId);
    if (!source) throw new UserError(`No source with id "${sourceId}".`, { id: 'source.not-found', values: { sourceId } });
    if (this.running.has(sourceId)) throw new UserError(`Source ${sourceId} is being fetched right now; try again in a moment.`, { id: 'source.busy', values: { sourceId } });
    this.running.add(sourceId);
    try {
      const outcome = await refreshSource(this.deps, this.random, source, opts);
      if (opts.manual && source.fullText) await this.deps.store.resetFullTextFailures(sourceId);
      return { ...outcome, fullTextPending: await this.startFullText(outcome.source) };
    } finally {
      this.running.delete(sourceId);
    }
  }

  /** Refreshes every due source, at most `concurrency` at a time, then continues full-text backfills. Never throws. */
  async pollDue(concurrency: number): Promise<number> {
    // Claimed with a lease: in a cluster each due feed goes to one worker, and a dead worker's
    // claim runs out (LEASE) so another fetches it; never two at once.
    const { id: owner, leaseMs } = this.deps.worker ?? { id: 'local', leaseMs: DEFAULT_LEASE_MS };
    const now = this.deps.clock.now();
    const due = (await this.deps.store.claimDueSources(now, 200, { owner, until: new Date(now.getTime() + leaseMs) })).filter((s) => !this.running.has(s.id));
    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const source = due[next++]!;
        try {
          await this.refresh(source.id);
        } catch (err) {
          this.deps.log.error({ sourceId: source.id, err }, 'poll failed');
        } finally {
          await this.deps.store.releaseSource(source.id, owner).catch((err: unknown) => this.deps.log.warn({ sourceId: source.id, err }, 'feed lease not released'));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, due.length) }, worker));
    await this.fullText.drainDue();
    return due.length;
  }

  /**
   * Changes a source's settings. Switching full text on starts fetching the pages of the items
   * already stored with only their summary; returns how many are queued.
   */
  async configure(guildId: string, sourceId: string, patch: { fullText?: boolean; intervalMinutes?: number; name?: string }): Promise<{ source: SourceRow; fullTextPending: number }> {
    const before = await this.owned(guildId, sourceId);
    const name = patch.name?.trim();
    if (patch.name !== undefined && !name) throw new UserError('A source name cannot be empty.', { id: 'source.empty-name' });
    const source = await this.deps.store.updateSource(before.id, {
      ...(patch.fullText !== undefined ? { fullText: patch.fullText } : {}),
      ...(patch.intervalMinutes !== undefined ? { intervalMinutes: patch.intervalMinutes } : {}),
      ...(name ? { name: name.slice(0, 100) } : {}),
    });
    if (patch.fullText && !before.fullText) await this.deps.store.resetFullTextFailures(source.id);
    this.deps.log.info({ sourceId: source.id, guildId, ...patch }, 'source configured');
    return { source, fullTextPending: await this.startFullText(source) };
  }

  /** Removes a source, its articles (from store and index) and history. */
  async remove(guildId: string, sourceId: string): Promise<SourceRow> {
    const source = await this.owned(guildId, sourceId);
    const { articleIds } = await this.deps.store.deleteSource(source.id);
    this.deps.onRemove(articleIds);
    this.deps.log.info({ sourceId, guildId, articles: articleIds.length }, 'source removed');
    return source;
  }

  async pause(guildId: string, sourceId: string): Promise<SourceRow> {
    const source = await this.owned(guildId, sourceId);
    return this.deps.store.updateSource(source.id, { status: 'paused', pausedReason: 'paused by a moderator' });
  }

  async resume(guildId: string, sourceId: string): Promise<SourceRow> {
    const source = await this.owned(guildId, sourceId);
    const resumed = await this.deps.store.updateSource(source.id, {
      status: 'active',
      pausedReason: null,
      consecutiveFailures: 0,
      nextFetchAt: this.deps.clock.now().toISOString(),
    });
    await this.startFullText(resumed);
    return resumed;
  }

  /** A guild's sources with their article counts, oldest first. */
  async list(guildId: string): Promise<Array<{ source: SourceRow; articles: number }>> {
    const counts = await this.deps.store.countBySource();
    return (await this.deps.store.listSources(guildId)).map((source) => ({ source, articles: counts.get(source.feedId ?? source.id) ?? 0 }));
  }

  get(guildId: string, sourceId: string): Promise<SourceRow> {
    return this.owned(guildId, sourceId);
  }

  articleCount(sourceId: string): Promise<number> {
    return this.deps.store.countArticles([sourceId]);
  }

  /** Recent fetch attempts and full-text coverage. */
  health(sourceId: string, limit: number): Promise<SourceHealth> {
    return sourceHealth(this.deps, sourceId, limit);
  }

  /** Waits for background full-text work (shutdown and tests). */
  idle(): Promise<void> {
    return this.fullText.idle();
  }

  /** A source of this guild by id or name, or a UserError (another guild's source is "not found" here). */
  async owned(guildId: string, sourceId: string): Promise<SourceRow> {
    return resolveGuildSource(this.deps.store, guildId, sourceId);
  }

  /** Kicks off a background backfill pass when there is something to fetch; returns the pending count. */
  private async startFullText(source: SourceRow): Promise<number> {
    if (!source.fullText || source.kind === 'page' || source.status !== 'active') return 0;
    const pending = (await this.deps.store.fullTextCoverage(source.id, FULL_TEXT_MAX_ATTEMPTS)).pending;
    if (pending > 0) {
      void this.fullText.drain(source.id).catch((err: unknown) => this.deps.log.error({ sourceId: source.id, err }, 'full-text backfill failed'));
    }
    return pending;
  }
}
