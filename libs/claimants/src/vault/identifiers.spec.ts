import { blindIndex, IdentifierKind } from './blind-index';
import { FieldCipher } from './cipher';
import { maskEmail, maskIdNumber, maskName, maskPhone } from './identifiers';

describe('masking', () => {
  it('keeps only the first character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('李*');
  });

  it('keeps the region prefix and last four of an ID number, and of a phone number', () => {
    expect(maskIdNumber('110105194912311234')).toBe('110***********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
  });
});

describe('field encryption', () => {
  const key = Buffer.alloc(32, 7);
  const cipher = new FieldCipher({ 1: key }, 1);

  it('round-trips, with a fresh IV each time and the key version first', () => {
    const a = cipher.encrypt('张三', 'name');
    const b = cipher.encrypt('张三', 'name');
    expect(a.equals(b)).toBe(false);
    expect(a[0]).toBe(1);
    expect(cipher.decrypt(a, 'name')).toBe('张三');
    expect(a.toString('utf8')).not.toContain('张三');
  });

  it('refuses a tampered ciphertext, another context, or another key', () => {
    const sealed = cipher.encrypt('13812345678', 'phone');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(tampered, 'phone')).toThrow();
    expect(() => cipher.decrypt(sealed, 'name')).toThrow();
    expect(() => new FieldCipher({ 1: Buffer.alloc(32, 8) }, 1).decrypt(sealed, 'phone')).toThrow();
  });

  it('reads old versions after rotation and writes the new one', () => {
    const old = cipher.encrypt('x', 'f');
    const rotated = new FieldCipher({ 1: key, 2: Buffer.alloc(32, 9) }, 2);
    expect(rotated.decrypt(old, 'f')).toBe('x');
    expect(rotated.encrypt('x', 'f')[0]).toBe(2);
  });
});

describe('blind indexes', () => {
  const key = Buffer.alloc(32, 3);

  it('are deterministic per key and 32 bytes long', () => {
    const a = blindIndex(key, IdentifierKind.PHONE, '13812345678');
    expect(a).toHaveLength(32);
    expect(a.equals(blindIndex(key, IdentifierKind.PHONE, '13812345678'))).toBe(true);
    expect(a.equals(blindIndex(Buffer.alloc(32, 4), IdentifierKind.PHONE, '13812345678'))).toBe(false);
  });

  it('separate the kinds: the same string hashes differently as an ID number and as a phone', () => {
    const s = '13812345678';
    expect(blindIndex(key, IdentifierKind.ID_NUMBER, s).equals(blindIndex(key, IdentifierKind.PHONE, s))).toBe(false);
  });
});
