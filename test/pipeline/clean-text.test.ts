import { describe, expect, it } from 'vitest';
import { cleanLine, cleanText, countWords, detectLanguage, truncate } from '#pipeline/text/clean-text.js';

describe('cleanText', () => {
  it('removes control characters, lone surrogates and noncharacters, keeps CJK and emoji', () => {
    expect(cleanText('a\u0000b\u0007c\u001Fd\u007Fe\u0085f')).toBe('abcdef');
    expect(cleanText('x\uD800y\uDFFFz\uFFFE')).toBe('xyz');
    expect(cleanText('国际劳工组织 👷 \t ok\n')).toBe('国际劳工组织 👷 \t ok\n');
    expect(cleanText('line\r\nbreak\rold')).toBe('line\nbreak\nold');
  });

  it('cleanLine collapses all whitespace to single spaces', () => {
    expect(cleanLine('  a\n\tb\u00A0\u3000c  ')).toBe('a b c');
  });
});

describe('detectLanguage', () => {
  it('tells Chinese text with Latin acronyms from English text', () => {
    expect(detectLanguage('国际劳工组织与微软合作，在中国举办了AI-VIBES系列网络研讨会，近300名TVET教师参加。')).toBe(
      'zh',
    );
    expect(
      detectLanguage('The ILO and Microsoft are building the capacity of TVET teachers and trainers in China.'),
    ).toBe('en');
    expect(detectLanguage('ok')).toBe('unknown');
  });
});

describe('countWords and truncate', () => {
  it('counts words in English and characters in Chinese', () => {
    expect(countWords("The ILO's 5R framework, for care-work.", 'en')).toBe(6);
    expect(countWords('国际劳工组织 ILO 新闻', 'zh')).toBe(8);
  });

  it('truncates on a word boundary with an ellipsis', () => {
    expect(truncate('one two three four', 12)).toBe('one two…');
    expect(truncate('short', 12)).toBe('short');
  });

  it('never cuts a surrogate pair in half', () => {
    // No space to cut at: the cut falls at max - 1 code units, inside the second emoji.
    const cut = truncate('🙂'.repeat(10), 4);
    expect(cut).toBe('🙂…');
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
