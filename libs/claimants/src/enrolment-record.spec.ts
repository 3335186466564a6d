import { HarmType } from './claimant.enums';
import { sealEnrolment } from './enrolment-record';
import { ID_NUMBER_CASES, PHONE_CASES, rawEnrolment } from './normalise/identifier-cases.fixture';
import { blindIndex, IdentifierKind } from './vault/blind-index';
import { createSealer } from './vault/sealer';

const keys = { encryptionKey: Buffer.alloc(32, 1), keyVersion: 1, blindIndexKey: Buffer.alloc(32, 2) };
const sealer = createSealer(keys);

describe('sealEnrolment applies the shared value rules (the table of identifier-cases.fixture)', () => {
  it.each(ID_NUMBER_CASES.map((c) => [c.label, c] as const))('ID number: %s', (_, c) => {
    const result = sealEnrolment(sealer, rawEnrolment({ idNumber: c.raw }));
    if (c.normal === null) {
      expect(result).toEqual({ problem: { field: 'idNumber', reason: expect.stringMatching(c.reason!) } });
      return;
    }
    if (!('sealed' in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.sealed.idNumberIndex.equals(blindIndex(keys.blindIndexKey, IdentifierKind.ID_NUMBER, c.normal))).toBe(true);
    expect(sealer.decrypt(result.sealed.idNumberEnc, 'claimant_enrolment.id_number')).toBe(c.normal);
    expect(result.warnings).toEqual(c.warning ? [{ field: 'idNumber', code: c.warning, message: expect.any(String) }] : []);
  });

  it.each(PHONE_CASES.map((c) => [c.label, c] as const))('phone: %s', (_, c) => {
    const result = sealEnrolment(sealer, rawEnrolment({ phone: c.raw }));
    if (c.normal === null) {
      expect(result).toEqual({ problem: { field: 'phone', reason: expect.stringMatching(c.reason!) } });
      return;
    }
    if (!('sealed' in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
    expect(result.sealed.phoneIndex.equals(blindIndex(keys.blindIndexKey, IdentifierKind.PHONE, c.normal))).toBe(true);
  });
});

describe('sealEnrolment: names, amounts and warnings', () => {
  it('stores the normalised name, masks it, and warns', () => {
    const result = sealEnrolment(sealer, rawEnrolment({ name: '阿卜杜 • 热合曼' }));
    if (!('sealed' in result)) throw new Error('refused');
    expect(sealer.decrypt(result.sealed.nameEnc, 'claimant_enrolment.name')).toBe('阿卜杜·热合曼');
    expect(result.sealed.nameMasked).toBe('阿******');
    expect(result.warnings).toEqual([{ field: 'name', code: 'NAME_NORMALISED', message: expect.any(String) }]);
  });

  it('refuses a name that lost a character to the encoding', () => {
    expect(sealEnrolment(sealer, rawEnrolment({ name: '张?' }))).toEqual({ problem: { field: 'name', reason: expect.stringMatching(/unrecoverable/) } });
  });

  it('gives both warnings of one enrolment, name first', () => {
    const result = sealEnrolment(sealer, rawEnrolment({ name: '张　三', idNumber: '110105491231002' }));
    expect('sealed' in result && result.warnings.map((w) => `${w.field}:${w.code}`)).toEqual(['name:NAME_NORMALISED', 'idNumber:ID_UPGRADED_FROM_15']);
  });

  it('accepts 50 declared leak incidents and refuses 51 (a CSV row as the GraphQL input), naming the field', () => {
    const ids = Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    expect('sealed' in sealEnrolment(sealer, rawEnrolment({ incidentIds: ids.slice(0, 50) }))).toBe(true);
    expect(sealEnrolment(sealer, rawEnrolment({ incidentIds: ids }))).toEqual({ problem: { field: 'incidentIds', reason: 'at most 50' } });
  });

  it('keeps a loss on any harm type, in its normal form (leading zeros and full-width digits folded)', () => {
    const result = sealEnrolment(sealer, rawEnrolment({ harms: [{ type: HarmType.SCAM_CALLS_OR_SPAM, amountFen: '００１２５０', evidenceRefs: ['通话记录.png'] }] }));
    expect('sealed' in result && result.sealed.harms).toEqual([{ type: HarmType.SCAM_CALLS_OR_SPAM, amountFen: '1250', evidenceRefs: ['通话记录.png'] }]);
  });

  it('refuses a fractional or negative number of fen, and a FRAUD_LOSS without an amount', () => {
    expect(sealEnrolment(sealer, rawEnrolment({ harms: [{ type: HarmType.FRAUD_LOSS, amountFen: '12.5', evidenceRefs: [] }] }))).toEqual({
      problem: { field: 'harms.amountFen', reason: expect.stringMatching(/whole number of fen/) },
    });
    expect(sealEnrolment(sealer, rawEnrolment({ harms: [{ type: HarmType.OTHER, amountFen: '-1', evidenceRefs: [] }] }))).toEqual({
      problem: { field: 'harms.amountFen', reason: expect.stringMatching(/negative/) },
    });
    expect(sealEnrolment(sealer, rawEnrolment({ harms: [{ type: HarmType.FRAUD_LOSS, amountFen: ' ', evidenceRefs: [] }] }))).toEqual({
      problem: { field: 'harms.amountFen', reason: 'is required for a FRAUD_LOSS' },
    });
  });
});
