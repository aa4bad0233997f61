import type { ReplyButton } from '../core/reply.ts';

/**
 * The ◀ / ▶ row of a paged reply, or no row when everything fits on one page. With two or more
 * pages the two targets always differ (first: 0 and 1; last: n−2 and n−1; middle: p−1 and p+1),
 * so the buttons' custom_ids are distinct in every state — Discord refuses a message in which two
 * components share one, disabled or not.
 */
export function pagingRow(page: number, pageCount: number, encode: (page: number) => string, labels: { previous: string; next: string }): ReplyButton[] {
  if (pageCount <= 1) return [];
  const p = Math.min(Math.max(0, page), pageCount - 1);
  return [
    { id: encode(Math.max(0, p - 1)), label: labels.previous, style: 'secondary', disabled: p === 0 },
    { id: encode(Math.min(pageCount - 1, p + 1)), label: labels.next, style: 'secondary', disabled: p === pageCount - 1 },
  ];
}
