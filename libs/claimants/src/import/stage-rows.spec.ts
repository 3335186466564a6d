import { randomBytes } from 'node:crypto';
import { ConsentMethod, ConsentScope, HarmType } from '../claimant.enums';
import { createSealer } from '../vault/sealer';
import type { ImportColumn, ImportPlan } from './columns';
import type { Cell } from './sheet';
import { type RowRejection, type RowWarning, STORED_AS_NUMBER, stageBatch, stageRow } from './stage-rows';

const sealer = createSealer({ encryptionKey: randomBytes(32), keyVersion: 1, blindIndexKey: randomBytes(32) });
const INCIDENT = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';
const DEFAULTS: ImportPlan['defaults'] = {
  consentMethod: ConsentMethod.WRITTEN_SIGNATURE,
  consentScopes: [ConsentScope.REPRESENTATION, ConsentScope.DATA_USE],
  consentDate: '2025-03-01',
  harmTypes: [HarmType.SCAM_CALLS_OR_SPAM],
  incidentIds: [INCIDENT],
};

/** Stages one record; the COPY line's masked and plain columns (see stageLine) or the rejection, and the warnings. */
function stage(header: (ImportColumn | null)[], cells: Cell[], format: 'csv' | 'xlsx' = 'csv', defaults = DEFAULTS) {
  const rejections: RowRejection[] = [];
  const warnings: RowWarning[] = [];
  const line = stageRow(sealer, 'import', 2, cells, { header, defaults, format }, (r) => rejections.push(r), (w) => warnings.push(w));
  if (!line) return { rejection: rejections[0], warnings };
  const f = line.trimEnd().split('\t');
  return { staged: { name: f[9], id: f[10], phone: f[11], givenAt: f[13], method: f[14], scopes: f[15], harms: JSON.parse(f[16]), incidents: f[17] }, warnings };
}

const H: (ImportColumn | null)[] = ['name', 'id_number', 'phone'];
const PERSON = ['张三', '110105198503120012', '13800000001'];

describe('stageRow: a sheet row with the per-upload defaults', () => {
  it('takes every default for the columns the sheet lacks', () => {
    expect(stage(H, PERSON)).toEqual({
      staged: {
        name: '张*',
        id: '110***********0012',
        phone: '138****0001',
        givenAt: '2025-02-28T16:00:00.000Z',
        method: 'WRITTEN_SIGNATURE',
        scopes: '{"REPRESENTATION","DATA_USE"}',
        harms: [{ type: 'SCAM_CALLS_OR_SPAM', amount: null, refs: [] }],
        incidents: `{"${INCIDENT}"}`,
      },
      warnings: [],
    });
  });

  it('lets a non-empty cell override its default, and an empty one fall back to it', () => {
    const header: (ImportColumn | null)[] = [...H, 'consent_method', 'consent_scope', 'harm_types', 'consent_given_at'];
    const own = stage(header, [...PERSON, '录音', '委托诉讼、个人信息处理', '身份冒用；精神损害', '2025年4月2日']).staged!;
    expect([own.method, own.scopes, own.harms.map((h: { type: string }) => h.type), own.givenAt]).toEqual([
      'RECORDED_ORAL',
      '{"REPRESENTATION","DATA_USE"}',
      ['IDENTITY_MISUSE', 'MENTAL_DISTRESS'],
      '2025-04-01T16:00:00.000Z',
    ]);
    const fallback = stage(header, [...PERSON, '', '', '', '']).staged!;
    expect([fallback.method, fallback.harms[0].type, fallback.givenAt]).toEqual(['WRITTEN_SIGNATURE', 'SCAM_CALLS_OR_SPAM', '2025-02-28T16:00:00.000Z']);
  });

  it('refuses a row without consent when neither the cell nor the upload gives it', () => {
    expect(stage([...H, 'consent_method'], [...PERSON, ''], 'csv', { ...DEFAULTS, consentMethod: undefined }).rejection).toEqual({
      row: 2,
      field: 'consent_method',
      reason: 'is required (no consent recorded)',
    });
  });

  it('converts a yuan cell to fen exactly and keeps the fen cell as written', () => {
    expect(stage([...H, 'harm_types', 'loss_yuan'], [...PERSON, '诈骗损失', '¥1,234.56']).staged!.harms).toEqual([{ type: 'FRAUD_LOSS', amount: '123456', refs: [] }]);
    expect(stage([...H, 'harm_types', 'loss_fen'], [...PERSON, 'FRAUD_LOSS', '123456']).staged!.harms).toEqual([{ type: 'FRAUD_LOSS', amount: '123456', refs: [] }]);
    expect(stage([...H, 'harm_types', 'loss_yuan'], [...PERSON, '诈骗损失', '0.001']).rejection).toEqual({ row: 2, field: 'loss_yuan', reason: 'has more than two decimals (a fen is the smallest unit)' });
  });

  it('ignores trailing empty cells, refuses more non-empty cells than the header has, and a cut CSV row', () => {
    expect(stage(H, [...PERSON, '', '']).staged).toBeDefined();
    expect(stage(H, [...PERSON, 'x']).rejection).toEqual({
      row: 2,
      field: 'row',
      reason: 'has 4 fields where the header has 3: a value holding the separator without quotes, or a column without a header',
    });
    expect(stage(H, PERSON.slice(0, 2)).rejection).toEqual({ row: 2, field: 'row', reason: 'has 2 fields where the header has 3 (truncated?)' });
  });

  it('reads an XLSX row that omits its trailing empty cells as padded', () => {
    expect(stage([...H, 'email'], PERSON, 'xlsx').staged).toBeDefined();
  });

  it('refuses a number cell holding an 18-digit ID (Excel kept 15 digits) and accepts an exact one with a warning', () => {
    expect(stage(H, ['张三', 110105198503120012, '13800000001'], 'xlsx').rejection).toEqual({ row: 2, field: 'id_number', reason: STORED_AS_NUMBER });
    const exact = stage(H, ['张三', '110105198503120012', 13800000001], 'xlsx');
    expect(exact.staged!.phone).toBe('138****0001');
    expect(exact.warnings).toEqual([{ row: 2, field: 'phone', code: 'STORED_AS_NUMBER', message: 'Excel stored it as a number (read exactly, but format the column as text)' }]);
  });

  it('refuses an Excel error cell in a column it reads, and ignores one in an ignored column', () => {
    expect(stage(H, ['张三', '110105198503120012', { excelError: '#N/A' }], 'xlsx').rejection).toEqual({ row: 2, field: 'phone', reason: 'is an Excel error cell (#N/A)' });
    expect(stage([...H, null], [...PERSON, { excelError: '#REF!' }], 'xlsx').staged).toBeDefined();
  });

  it('reads an Excel serial date in the consent date column', () => {
    // 45748: 2025-01-01 is serial 45658, and 31 + 28 + 31 days later is 2025-04-01.
    expect(stage([...H, 'consent_given_at'], [...PERSON, 45748], 'xlsx').staged!.givenAt).toBe('2025-03-31T16:00:00.000Z');
  });
});

describe('stageBatch: what the staging checks as a set', () => {
  it("returns the staged rows' ID blind indexes in line order and their distinct incidents; a rejected row gives neither", () => {
    const other = '0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e';
    const header: (ImportColumn | null)[] = ['name', 'id_number', 'phone', 'incident_ids'];
    const records = [
      ['张三', '110105198503120012', '13800000001', INCIDENT],
      ['李四', '110105198503120012X', '13800000002', other], // 19 characters: rejected
      ['王五', '11010519491231002X', '13800000003', `${other.toUpperCase()};${INCIDENT}`],
    ];
    const batch = stageBatch(sealer, 'import', { header, defaults: DEFAULTS, format: 'csv' }, [2, 3, 4], records);
    expect(batch.rejections.map((r) => r.row)).toEqual([3]);
    expect(Buffer.from(batch.idIndexes)).toEqual(Buffer.concat([sealer.idIndex('110105198503120012'), sealer.idIndex('11010519491231002X')]));
    expect(batch.incidentIds.sort()).toEqual([other, INCIDENT].sort());
  });
});
