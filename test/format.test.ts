import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Card, Reply } from '../src/core/reply.ts';
import { clampText, formatChoices, formatReply, type DiscordMessage } from '../src/discord/format.ts';
import { LIMITS } from '../src/discord/limits.ts';
import { validateMessage } from './discord-emulator/validate.ts';

/**
 * Every rule Discord enforces on a message we send, checked by the emulator's validator — separate
 * code from the formatter and its LIMITS, so one cannot hide a mistake in the other.
 */
function assertWithinLimits(m: DiscordMessage): void {
  expect(validateMessage(m, { mode: 'create', interaction: true })?.lines ?? []).toEqual([]);
  expect(m.allowed_mentions.parse).toEqual([]);
}

const longText = fc.string({ unit: 'grapheme', maxLength: 9000 });
const card: fc.Arbitrary<Card> = fc.record(
  {
    title: longText,
    description: longText,
    footer: longText,
    url: fc.constantFrom('https://example.org/a', 'javascript:alert(1)', 'http://x.test/' + 'p'.repeat(3000)),
    fields: fc.array(fc.record({ name: longText, value: longText, inline: fc.boolean() }), { maxLength: 40 }),
  },
  { requiredKeys: [] },
);
const reply: fc.Arbitrary<Reply> = fc.record(
  {
    content: longText,
    ephemeral: fc.boolean(),
    cards: fc.array(card, { maxLength: 25 }),
    buttons: fc.array(
      fc.array(
        fc.record({
          id: fc.string({ maxLength: 140 }),
          label: fc.string({ maxLength: 200 }),
          style: fc.constantFrom('primary', 'secondary', 'success', 'danger') as fc.Arbitrary<'primary'>,
        }),
        { maxLength: 8 },
      ),
      { maxLength: 8 },
    ),
  },
  { requiredKeys: [] },
);

describe('formatReply', () => {
  it('keeps every random reply within Discord limits (property)', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const messages = formatReply(r);
        expect(messages.length).toBeGreaterThan(0);
        for (const m of messages) assertWithinLimits(m);
        // Nothing silently dropped: every card appears in exactly one message.
        expect(messages.reduce((n, m) => n + m.embeds.length, 0)).toBe(r.cards?.length ?? 0);
      }),
      { numRuns: 150 },
    );
  });

  it.each([[{}], [{ content: '' }], [{ content: ' ' }], [{ content: '\n\t ' }], [{ content: ' ', ephemeral: true }]] as Array<[Reply]>)(
    'never sends an empty or whitespace-only message: %j',
    (r) => {
      for (const m of formatReply(r)) assertWithinLimits(m);
    },
  );

  it('splits cards over messages when 6,000 characters would be exceeded', () => {
    const cards = Array.from({ length: 4 }, (_, i) => ({ title: `Card ${i}`, description: 'x'.repeat(2500) }));
    const messages = formatReply({ content: 'head', cards, buttons: [[{ id: 'b', label: 'Go', style: 'primary' }]] });
    expect(messages.map((m) => m.embeds.length)).toEqual([2, 2]);
    expect(messages[0]!.content).toBe('head');
    expect(messages[0]!.components).toHaveLength(1);
    expect(messages[1]!.components).toHaveLength(0);
  });

  it('splits at exactly the 6,000-character boundary (6,000 fits one message, 6,001 does not)', () => {
    const card = (n: number) => ({ description: 'y'.repeat(n) });
    for (const [sizes, split] of [[[3000, 3000], [2]], [[3000, 3001], [1, 1]], [[4096, 1904], [2]], [[4096, 1905], [1, 1]]] as const) {
      const messages = formatReply({ cards: sizes.map(card) });
      expect(messages.map((m) => m.embeds.length)).toEqual(split);
      for (const m of messages) assertWithinLimits(m);
    }
  });

  it('allows no mentions, or exactly the configured role', () => {
    expect(formatReply({ content: '@everyone' })[0]!.allowed_mentions).toEqual({ parse: [] });
    expect(formatReply({ content: '<@&42>', allowRoleMention: '42' })[0]!.allowed_mentions).toEqual({ parse: [], roles: ['42'] });
  });

  it('marks ephemeral replies with flag 64 and drops unsafe URLs and over-long custom ids', () => {
    const [m] = formatReply({
      ephemeral: true,
      cards: [{ title: 'T', url: 'javascript:alert(1)' }],
      buttons: [[{ id: 'x'.repeat(101), label: 'bad', style: 'primary' }, { id: 'ok', label: 'good', style: 'secondary' }]],
    });
    expect(m!.flags).toBe(64);
    expect(m!.embeds[0]!.url).toBeUndefined();
    expect(m!.components[0]!.components.map((b) => b.custom_id)).toEqual(['ok']);
  });
});

describe('clampText', () => {
  it.each([
    ['short stays', 'short', 10, 'short'],
    ['cuts at a word boundary', 'alpha beta gamma delta', 12, 'alpha beta…'],
    ['drops a dangling escape', 'aaaa \\*\\*\\*\\*\\*', 9, 'aaaa \\*…'],
    ['closes an open bold mark', 'see **troops in Russia today**', 22, 'see **troops in**…'],
  ])('%s', (_name, input, max, expected) => {
    const out = clampText(input, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });

  it('never splits a surrogate pair (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 2, max: 300 }), (s, max) => {
        const out = clampText(s, max);
        expect(out.length).toBeLessThanOrEqual(Math.max(max, 0));
        expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(out)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatChoices', () => {
  it('caps autocomplete at 25 choices of ≤ 100 characters', () => {
    const choices = Array.from({ length: 40 }, (_, i) => ({ name: `n${i} ${'y'.repeat(150)}`, value: `v${i}${'z'.repeat(150)}` }));
    const out = formatChoices(choices);
    expect(out).toHaveLength(25);
    for (const c of out) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
  });
});
