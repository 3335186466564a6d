import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

/** Most tokens a GraphQL document may have; graphql-js's `parse` counts them (Apollo's parseOptions). */
export const MAX_TOKENS = 5000;

/**
 * Deepest nesting of braces, brackets and parentheses in a document. graphql-js's parser recurses
 * several frames per level: a list literal nested about 2,500 deep (well within MAX_TOKENS)
 * exhausts Node's stack, and Apollo then answers the RangeError's text. Real operations nest a
 * few dozen levels at most (the introspection query about 20).
 */
export const MAX_NESTING = 128;

const OPENING = new Set<TokenKind>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<TokenKind>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * The deepest nesting in `source`, read with graphql-js's lexer (which does not recurse), up to
 * MAX_TOKENS tokens or the first lexical error: past those the parser refuses the document itself.
 */
export function nestingDepth(source: string): number {
  const lexer = new Lexer(new Source(source));
  let depth = 0;
  let deepest = 0;
  try {
    for (let count = 0, token = lexer.advance(); token.kind !== TokenKind.EOF && count < MAX_TOKENS; token = lexer.advance(), count += 1) {
      if (OPENING.has(token.kind)) deepest = Math.max(deepest, ++depth);
      else if (CLOSING.has(token.kind)) depth -= 1;
    }
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
  }
  return deepest;
}

/**
 * Refuses, before Apollo parses it, a document nested deeper than MAX_NESTING: a
 * GRAPHQL_PARSE_FAILED error that Apollo answers with HTTP 400. Called from the context function,
 * the one step that runs before parsing and whose GraphQLError keeps its HTTP status: an error
 * thrown from a plugin hook (as graphql-armor's token limit did) is an HTTP 500.
 */
export function refuseDeepDocument(source: unknown): void {
  if (typeof source === 'string' && nestingDepth(source) > MAX_NESTING) {
    throw new GraphQLError(`Syntax Error: Document nests more than ${MAX_NESTING} levels. Parsing aborted.`, {
      extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
    });
  }
}
