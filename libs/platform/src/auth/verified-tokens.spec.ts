import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  it('gives a token its claims until the second it expires, as jsonwebtoken counts it', () => {
    const tokens = new VerifiedTokens<{ sub: string; exp?: number }>();
    // exp 1000 s: still valid at 999.999 s, expired from 1000.000 s on.
    tokens.set('a.b.c', { sub: 'u1', exp: 1000 });
    expect(tokens.get('a.b.c', 999_999)).toEqual({ sub: 'u1', exp: 1000 });
    expect(tokens.get('a.b.c', 1_000_000)).toBeUndefined();
    // Once expired it is gone, even asked with an earlier clock.
    expect(tokens.get('a.b.c', 0)).toBeUndefined();
  });

  it('knows nothing of a token it was not given, nor of one without an expiry', () => {
    const tokens = new VerifiedTokens<{ sub: string; exp?: number }>();
    tokens.set('no-expiry', { sub: 'u1' });
    expect(tokens.get('no-expiry', 0)).toBeUndefined();
    expect(tokens.get('never-seen', 0)).toBeUndefined();
  });

  it('drops the oldest token when full', () => {
    const tokens = new VerifiedTokens<{ sub: string; exp?: number }>(2);
    tokens.set('t1', { sub: 'u1', exp: 10 });
    tokens.set('t2', { sub: 'u2', exp: 10 });
    tokens.set('t3', { sub: 'u3', exp: 10 });
    expect([tokens.get('t1', 0), tokens.get('t2', 0)?.sub, tokens.get('t3', 0)?.sub]).toEqual([undefined, 'u2', 'u3']);
  });
});
