import { findUnstorableText, isUnstorableText } from './storable-text';

describe('text PostgreSQL cannot store', () => {
  it('is a NUL or a surrogate without its pair, nothing else', () => {
    expect(['a\u0000', '\ud800', 'x\ud83dy', '\udc00x', 'a\ude00'].map(isUnstorableText)).toEqual([true, true, true, true, true]);
    expect(['', '张三', '\u{1F600}', 'tab\tand\nnewline', '\u0001\u001f\u007f', '\ufffd'].map(isUnstorableText)).toEqual([false, false, false, false, false, false]);
  });

  it('is found by its dotted path in nested objects and lists, keys included', () => {
    expect(findUnstorableText({ title: 'ok', defendants: [{ name: 'ok' }, { name: 'b\u0000' }] }, 'input')).toBe('input.defendants.1.name');
    expect(findUnstorableText({ reason: '\ud800' })).toBe('reason');
    expect(findUnstorableText('\u0000', 'encoding')).toBe('encoding');
    expect(findUnstorableText({ ['k\u0000']: 1 }, 'map')).toBe('map.k\u0000');
    expect(findUnstorableText({ a: ['ok', 1, null, true], b: { c: 'ok' } }, 'input')).toBeUndefined();
  });

  it('reports the first in document order', () => {
    expect(findUnstorableText({ a: ['ok', '\u0000'], b: '\u0000' })).toBe('a.1');
  });

  it('walks a GraphQL input object (null prototype) but not a Date or Buffer', () => {
    const coerced = Object.assign(Object.create(null), { name: '\u0000' });
    expect(findUnstorableText(coerced, 'input')).toBe('input.name');
    expect(findUnstorableText({ at: new Date(0), bytes: Buffer.from([0]) })).toBeUndefined();
  });

  it('walks a 10,000-deep nesting without exhausting the stack', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(findUnstorableText(deep, 'x')).toBe(`x${'.0'.repeat(10_000)}`);
  });
});
