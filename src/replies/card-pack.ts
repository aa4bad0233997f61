import type { Card } from '../core/reply.ts';

/** Room left in an embed description (4,096) for a list, with margin for a title line. */
const CARD_TEXT = 3800;

/**
 * Packs text blocks (one per listed item) into as few cards as fit, never splitting a block: a
 * long list becomes several embeds instead of one Discord would refuse or the formatter would cut.
 */
export function packBlocks(blocks: string[], separator: string): Card[] {
  const cards: Card[] = [];
  let text = '';
  for (const block of blocks) {
    if (text && text.length + block.length + separator.length > CARD_TEXT) {
      cards.push({ description: text });
      text = '';
    }
    text = text ? `${text}${separator}${block}` : block;
  }
  if (text) cards.push({ description: text });
  return cards;
}
