/**
 * Search weights and limits both tiers share: the in-memory hot tier (src/core/search/) and the
 * store's full-text archive (src/core/store/). Defined once so the tiers rank and verify alike;
 * this folder imports nothing from either.
 */

/** Field boosts of the hot tier; the archive's FTS column weights are the same numbers. */
export const BOOST = { title: 3, tags: 2, outlet: 1.5, byline: 1.5, body: 1 };

/** Phrase candidates verified beyond the page before the rest is estimated from the sample. */
export const PHRASE_SAMPLE = 40;
/** Hard cap on phrase verifications per query (each reads an article): bounds the worst case. */
export const PHRASE_MAX_CHECKS = 250;
