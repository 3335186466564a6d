import { MAX_NESTING, nestingDepth, refuseDeepDocument } from './document-limits';

describe('GraphQL document nesting', () => {
  it('counts braces, brackets and parentheses, not those inside strings or comments', () => {
    expect(nestingDepth('{ a(x: [[1]]) { b } }')).toBe(4);
    expect(nestingDepth('{ a(x: "[[[[{{{{") }')).toBe(2);
    expect(nestingDepth('# [[[[[[\n{ a }')).toBe(1);
    expect(nestingDepth('{ a(x: """ ((( """) }')).toBe(2);
  });

  it('stops at a lexical error and leaves it to the parser', () => {
    expect(nestingDepth('{ a(x: "unterminated')).toBe(2);
    expect(() => refuseDeepDocument('{ a(x: "\\ud800") }')).not.toThrow();
  });

  it('refuses a document deeper than the limit as GRAPHQL_PARSE_FAILED with HTTP 400, and only that', () => {
    const nested = (depth: number) => `{ a(x: ${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}) }`;
    expect(nestingDepth(nested(128))).toBe(128);
    expect(() => refuseDeepDocument(nested(128))).not.toThrow();
    expect(() => refuseDeepDocument(nested(129))).toThrow(`Syntax Error: Document nests more than ${MAX_NESTING} levels. Parsing aborted.`);
    const thrown = (() => {
      try {
        refuseDeepDocument(nested(10_000));
      } catch (error) {
        return error as { extensions?: unknown };
      }
    })();
    expect(thrown?.extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } });
    expect(() => refuseDeepDocument(undefined)).not.toThrow();
  });
});
