/**
 * What PostgreSQL cannot store as sent, in any string: NUL (U+0000), which a text value may not
 * contain (the server answers 22021, "invalid byte sequence"), and a UTF-16 surrogate without its
 * pair (e.g. JSON's "\ud800"), which has no UTF-8 encoding (the driver would send U+FFFD instead,
 * storing something else than was given). Other C0 controls are stored faithfully and tab and
 * newline belong in free text, so they are not refused here; a field that must be printable (a
 * claimant's name) refuses them by its own rule.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string was refused, as `reason` of the BAD_USER_INPUT. */
export const UNSTORABLE_TEXT_REASON = 'contains a NUL character or an unpaired UTF-16 surrogate';

/** True when `text` holds a character PostgreSQL cannot store as given (see UNSTORABLE). */
export function isUnstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * The dotted path (e.g. `input.defendants.0.name`) of the first string, or object key, in
 * `value` that PostgreSQL cannot store; undefined when there is none. `root` names `value`
 * itself ('' for none). Walks plain objects and arrays only (coerced GraphQL arguments, parsed
 * JSON and query strings), without recursion, so that a deeply nested JSON body cannot exhaust
 * the stack.
 */
export function findUnstorableText(value: unknown, root = ''): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [current, path] = item;
    if (typeof current === 'string') {
      if (isUnstorableText(current)) return path;
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i -= 1) pending.push([current[i], join(path, String(i))]);
    } else if (isPlainObject(current)) {
      const keys = Object.keys(current);
      const badKey = keys.find(isUnstorableText);
      if (badKey !== undefined) return join(path, badKey);
      for (const key of keys.reverse()) pending.push([current[key], join(path, key)]);
    }
  }
  return undefined;
}

/** An object literal, JSON object or GraphQL input object (null prototype), not a Date, Buffer or stream. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
