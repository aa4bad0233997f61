import type { SourceRow, NewSource, FetchAttempt, Lease } from '../types.ts';

export type { Lease };

/** Fields of a source that may be changed after it is created. */
export type SourcePatch = Partial<Omit<SourceRow, 'id' | 'guildId' | 'createdAt' | 'addedBy'>>;


/**
 * Sources (a guild's follows of a feed) and the feeds they share: adding, changing, removing, the
 * fetch schedule with its leases, and the fetch log.
 */
export interface SourcesStore {
  createSource(s: NewSource): Promise<SourceRow>;
  getSource(id: string): Promise<SourceRow | undefined>;
  /** The guild's source whose url or feed url is `url`. */
  findSourceByUrl(guildId: string, url: string): Promise<SourceRow | undefined>;
  /** A guild's own sources (never the seeds), oldest first. */
  listSources(guildId: string): Promise<SourceRow[]>;
  allSources(): Promise<SourceRow[]>;
  /** Changes a source; fetch-state fields (validators, next poll, failures, picture) are its feed's. */
  updateSource(id: string, patch: SourcePatch): Promise<SourceRow>;
  /** Every source following the same feed as this one (itself included), oldest first. */
  followersOf(id: string): Promise<SourceRow[]>;
  /** Deletes a source with its articles and history; returns the removed article ids. */
  deleteSource(id: string): Promise<{ articleIds: string[] }>;
  /** Feeds due for a fetch, most overdue first, each as its oldest active follower (shortest interval, full text if any wants it). */
  dueSources(now: Date, limit: number): Promise<SourceRow[]>;
  recordFetch(sourceId: string, attempt: FetchAttempt): Promise<void>;
  /**
   * Claims due feeds for one process (as {@link dueSources}): each is leased to `lease.owner` until
   * `lease.until`, and no other process claims it before that (PostgreSQL: FOR UPDATE SKIP LOCKED),
   * so a feed is never fetched twice at once and a dead process's fetch is retried after expiry.
   */
  claimDueSources(now: Date, limit: number, lease: Lease): Promise<SourceRow[]>;
  /** Ends a feed's lease held by `owner` (after its fetch, whatever the outcome). */
  releaseSource(sourceId: string, owner: string): Promise<void>;
  /** Newest first. */
  fetchHistory(sourceId: string, limit: number): Promise<FetchAttempt[]>;
  sourceIdsForGuild(guildId: string): Promise<string[]>;
  /** A guild's sources (the seeds first) with the feed each follows and its article count. */
  sourcesForGuild(guildId: string): Promise<Array<{ id: string; feedId: string; name: string; url: string | null; articles: number }>>;
}
