/** Most tokens remembered at once; the oldest goes first. */
const MAX_ENTRIES = 10_000;

/** What a verified JWT carries that VerifiedTokens needs: its expiry, in seconds since the epoch. */
export interface ExpiringClaims {
  exp?: number;
}

/**
 * Bearer tokens this process has verified (signature, algorithm, expiry), with their claims,
 * kept until the token expires: a signature proves the same on every request, so it is checked
 * once per token and process. What a token cannot prove (its user still enabled, its generation
 * not revoked) is looked up or cached apart (ActorCache), never here. Only tokens that passed
 * verification are stored, so garbage tokens cannot fill it.
 */
export class VerifiedTokens<C extends ExpiringClaims> {
  private readonly entries = new Map<string, C & { exp: number }>();

  constructor(private readonly maxEntries = MAX_ENTRIES) {}

  /**
   * The claims `token` was verified with, while it has not expired at `now` (ms): as jsonwebtoken
   * decides, a token is expired from the second `exp` on. Undefined when not verified here.
   */
  get(token: string, now = Date.now()): C | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    if (now < claims.exp * 1000) return claims;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers the claims of a token that just passed verification; one without `exp` is not kept. */
  set(token: string, claims: C): void {
    const exp = claims.exp;
    if (typeof exp !== 'number') return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { ...claims, exp });
  }
}
