import { clipBytes, clipChars, utf8Length } from './clip';

describe('clipChars', () => {
  it('leaves short text alone and ends shortened text with an ellipsis', () => {
    expect(clipChars('hello', 5)).toBe('hello');
    expect(clipChars('hello world', 6)).toBe('hello…');
    expect(clipChars('hello', 0)).toBe('');
  });

  it('never splits a surrogate pair', () => {
    const clipped = clipChars('ab😀cd', 4);
    expect(clipped).toBe('ab…');
    expect(clipped.length).toBeLessThanOrEqual(4);
  });
});

describe('clipBytes', () => {
  it('cuts on a code point boundary within the byte budget', () => {
    const text = '告警'.repeat(100);
    const clipped = clipBytes(text, 100);
    expect(utf8Length(clipped)).toBeLessThanOrEqual(100);
    expect(clipped.endsWith('…')).toBe(true);
    expect(clipped).not.toContain('\uFFFD');
    expect(Buffer.from(clipped, 'utf8').toString('utf8')).toBe(clipped);
  });

  it('keeps text that fits', () => {
    expect(clipBytes('告警', 6)).toBe('告警');
  });
});
