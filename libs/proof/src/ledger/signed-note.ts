import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Signed tree heads in the formats the transparency-log ecosystem checks with its own tools:
 * the body is a C2SP `tlog-checkpoint` ("<origin>\n<tree size>\n<base64 root hash>\n") and the
 * signature a C2SP `signed-note` line ("— <key name> <base64(key id || Ed25519 signature)>"),
 * as Go's checksum database, Sigstore's Rekor and the witness network use. Ed25519 through
 * node:crypto. Pure except for the key objects.
 */

/** A tree head: the size and root of a log (RFC 9162 2.1.1 MTH), named by the log's origin. */
export interface TreeHead {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** The Ed25519 key that signs tree heads, with the name its signature lines carry. */
export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
  /** The raw 32-byte public key. */
  publicKey: Buffer;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** signed-note's algorithm byte for Ed25519. */
const ED25519 = 0x01;

/** The signer of a 32-byte Ed25519 seed (LEDGER_SIGNING_KEY). `name` must not contain spaces or '+'. */
export function noteSigner(seed: Buffer, name: string): NoteSigner {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  if (!/^[^\s+]+$/.test(name)) throw new RangeError('a key name has no spaces or "+"');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { name, privateKey, publicKey: Buffer.from(spki.subarray(spki.length - 32)) };
}

/** signed-note key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key). */
function keyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256').update(name).update('\n').update(Buffer.from([ED25519])).update(publicKey).digest().subarray(0, 4);
}

/** The verifier key in signed-note's text form: "<name>+<hex key id>+<base64(0x01 || public key)>". */
export function verifierKey(name: string, publicKey: Buffer): string {
  return `${name}+${keyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

/** Parses a verifier key string; throws RangeError when it is not an Ed25519 signed-note key. */
export function parseVerifierKey(text: string): { name: string; publicKey: Buffer } {
  // The base64 of the key may itself contain '+': only the first two separate fields.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  const raw = Buffer.from(match?.[3] ?? '', 'base64');
  if (!match || raw.length !== 33 || raw[0] !== ED25519) throw new RangeError('not an Ed25519 signed-note verifier key');
  const [, name, id] = match;
  const publicKey = raw.subarray(1);
  if (keyId(name, publicKey).toString('hex') !== id) throw new RangeError('the verifier key id does not match its key');
  return { name, publicKey };
}

/** The checkpoint body of a head (C2SP tlog-checkpoint), ending with a newline. */
export function checkpointBody(head: TreeHead): string {
  if (/\n/.test(head.origin) || !head.origin) throw new RangeError('an origin is one non-empty line');
  return `${head.origin}\n${head.treeSize}\n${head.rootHash.toString('base64')}\n`;
}

/** A signed note (C2SP signed-note): `text` (ending with a newline), a blank line, the signature line. */
export function signNote(signer: NoteSigner, text: string): string {
  if (!text.endsWith('\n')) throw new RangeError('a note text ends with a newline');
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `${text}\n— ${signer.name} ${Buffer.concat([keyId(signer.name, signer.publicKey), signature]).toString('base64')}\n`;
}

/** The signed note of a head: its checkpoint body signed (signNote). */
export function signHead(signer: NoteSigner, head: TreeHead): string {
  return signNote(signer, checkpointBody(head));
}

/**
 * Opens a signed note: checks that a line of the key `key` (its name and id) signs the text.
 * Returns the text, or the reason it cannot be trusted (forged or altered, signed by another
 * key, malformed). Other signers' lines (witness cosignatures) are ignored, and so are whitespace
 * after the last line (a copy with a final newline lost or added), Windows line endings and blank
 * lines before the text.
 */
export function openNote(given: string, key: { name: string; publicKey: Buffer }): { text: string } | string {
  // Whitespace after the last signature line is not signed: a copy that lost or gained a final
  // newline is the same note. Nor are line endings or blank lines before the text: a signed note's
  // text holds no carriage return and starts with a non-empty line (C2SP signed-note), so a copy
  // saved with Windows line endings, or pasted after a blank line, is read as the note it copies.
  const note = `${given.replace(/\r\n/g, '\n').replace(/^\s*\n/, '').trimEnd()}\n`;
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return 'not a signed note';
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const id = keyId(key.name, key.publicKey);
  const publicKey = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, key.publicKey]), format: 'der', type: 'spki' });
  let signed = false;
  for (const line of lines) {
    const match = /^— (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) return 'a signature line is malformed';
    const raw = Buffer.from(match[2], 'base64');
    if (match[1] !== key.name || raw.length !== 68 || !raw.subarray(0, 4).equals(id)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, raw.subarray(4))) return 'the signature does not verify';
    signed = true;
  }
  return signed ? { text } : `no signature by ${key.name}`;
}

/**
 * Opens a signed checkpoint note (openNote) and parses its body. Returns the head, or the reason
 * it cannot be trusted.
 */
export function openSignedHead(note: string, key: { name: string; publicKey: Buffer }): TreeHead | string {
  const opened = openNote(note, key);
  if (typeof opened === 'string') return opened;
  const parts = opened.text.split('\n');
  if (parts.length < 4 || !/^(0|[1-9]\d{0,15})$/.test(parts[1])) return 'the checkpoint body is malformed';
  const rootHash = Buffer.from(parts[2], 'base64');
  if (rootHash.length !== 32 || rootHash.toString('base64') !== parts[2]) return 'the checkpoint root hash is malformed';
  const treeSize = Number(parts[1]);
  if (!Number.isSafeInteger(treeSize)) return 'the checkpoint tree size is too large';
  return { origin: parts[0], treeSize, rootHash };
}

/** The reasons of openNote/openSignedHead that concern the key (a forgery or another key), as opposed to a malformed note. */
export function isSignatureFailure(reason: string): boolean {
  return reason === 'the signature does not verify' || reason.startsWith('no signature by ');
}

/**
 * Opens a signed head with the first of `keys` that signed it (the current key first, then
 * earlier ones a rotation left trusted). The reason from the first key when none did.
 */
export function openSignedHeadWithAny(note: string, keys: readonly { name: string; publicKey: Buffer }[]): TreeHead | string {
  let first: string | undefined;
  for (const key of keys) {
    const head = openSignedHead(note, key);
    if (typeof head !== 'string') return head;
    first ??= head;
  }
  return first ?? 'no key to check it with';
}
