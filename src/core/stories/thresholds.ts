/** Thresholds of "same story"; measured on the labelled sets (docs/quality.md, "Story grouping"). */
export interface StoryThresholds {
  /** Estimated Jaccard of the content-word sets above which two articles are one story. */
  body: number;
  /** Title-word Jaccard that, with at least `support` body overlap, also makes one story. */
  title: number;
  support: number;
  /** Reports further apart than this are never one story (but see `syndicated`). */
  windowMs: number;
  /**
   * Independently written reports: one story when
   * `scoreBody·J + scoreTitle·T + scoreEntities·E − scorePerDay·days ≥ scoreLink`, where J is the
   * word overlap, T the title overlap and E the overlap of their names, figures and dates weighted
   * by rarity — and only with `minEntities` of E at least, because J alone is an estimate, and
   * `scoreSupport` of J at least (a few words in common: what names alone link is too often
   * another story about the same people).
   */
  scoreBody: number;
  scoreTitle: number;
  scoreEntities: number;
  scorePerDay: number;
  scoreLink: number;
  minEntities: number;
  scoreSupport: number;
  /**
   * The share of each headline's names (rarity-weighted) the other report names too, at least:
   * two finals of one tournament, or a game and its halftime show, share the venue and the
   * competition but not the people their headlines are about.
   */
  minHeadline: number;
  /**
   * An item without a publication date takes the time it was first seen, which says nothing of
   * when it was written (a syndicated copy fetched a week later): such an item and another report
   * are one story, however far apart, when their estimated word overlap reaches this.
   */
  syndicated: number;
}

export const DEFAULT_THRESHOLDS: StoryThresholds = {
  body: 0.25,
  title: 0.34,
  support: 0.05,
  windowMs: 3 * 24 * 3_600_000,
  scoreBody: 2,
  scoreTitle: 0.5,
  scoreEntities: 0.5,
  scorePerDay: 0.05,
  scoreLink: 0.58,
  minEntities: 0.1,
  scoreSupport: 0.1,
  minHeadline: 0.25,
  syndicated: 0.6,
};
