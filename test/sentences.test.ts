import { describe, expect, it } from 'vitest';
import { splitSentences } from '../src/core/text/sentences.ts';

const split = (p: string) => splitSentences(p).map((s) => p.slice(s.start, s.end));

describe('splitSentences', () => {
  it.each([
    [
      'A military source told Daily NK recently that the GPB issued an emergency joint order on Feb. 1. The directive called for “maximum inspections.”',
      ['A military source told Daily NK recently that the GPB issued an emergency joint order on Feb. 1.', 'The directive called for “maximum inspections.”'],
    ],
    ['Content used with the permission of Radio Free Asia, 2025 M St. NW, Suite 300, Washington DC 20036.', ['Content used with the permission of Radio Free Asia, 2025 M St. NW, Suite 300, Washington DC 20036.']],
    [
      'South Korea and the U.S. estimate that Pyongyang has sent 12,000 troops. Ukraine said so.',
      ['South Korea and the U.S. estimate that Pyongyang has sent 12,000 troops.', 'Ukraine said so.'],
    ],
    [
      '“On March 23, the committee issued an order,” a source told Daily NK. “The order included specific instructions about what to write.”',
      ['“On March 23, the committee issued an order,” a source told Daily NK.', '“The order included specific instructions about what to write.”'],
    ],
    ['The ministry sent investigators on Oct. 21 to the top school. Mr. Kim and Dr. Lee met St. Peter. Done?! Yes…', ['The ministry sent investigators on Oct. 21 to the top school.', 'Mr. Kim and Dr. Lee met St. Peter.', 'Done?!', 'Yes…']],
    ['Kim J. Un arrived. He left.', ['Kim J. Un arrived.', 'He left.']],
    ['It cost 3.5 million won. That is a lot', ['It cost 3.5 million won.', 'That is a lot']],
    ['no ending at all', ['no ending at all']],
    ['', []],
  ])('%j', (p, expected) => {
    expect(split(p)).toEqual(expected);
  });

  it('runs in linear time on pathological input', () => {
    const p = 'a. '.repeat(20000) + 'U.S. '.repeat(20000);
    const spans = splitSentences(p);
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) expect(s.end).toBeGreaterThan(s.start);
  });
});
