import { CONSENT_METHOD_WORDS, enumFromWord, HARM_TYPE_WORDS } from '../claimant.enums';
import { maskHeaderDigits, readHeader, readImportDefaults } from './plan';

describe('readHeader', () => {
  const defaults = { consentMethod: undefined };

  it('reads English and Chinese headers, full-width brackets and spaces included, and lists the columns it ignores', () => {
    const read = readHeader(['序号', ' 姓名 ', '身份证号码', '联系电话', '损失金额（元）', '备注', '', 'consent_given_at', 'Consent_Method', '同意范围', '泄露事件'], {}, defaults);
    expect(read).toEqual({
      header: [null, 'name', 'id_number', 'phone', 'loss_yuan', null, null, 'consent_given_at', 'consent_method', 'consent_scope', 'incident_ids'],
      ignored: ['1:序号', '6:备注'],
    });
  });

  it('reads a yuan header as yuan, never as fen; a header without a unit is yuan', () => {
    const columns = (h: string) => readHeader(['姓名', '身份证号', '手机号', h], {}, { consentMethod: 'WRITTEN_SIGNATURE' as never, consentScopes: [], consentDate: '2025-03-01', incidentIds: ['x'] }).header[3];
    expect(['损失金额(元)', 'loss_yuan', '损失金额', '损失金额(分)', 'loss_fen'].map(columns)).toEqual(['loss_yuan', 'loss_yuan', 'loss_yuan', 'loss_fen', 'loss_fen']);
  });

  it('refuses a file whose required column is missing without a default, naming the parameter and flag', () => {
    expect(() => readHeader(['姓名', '身份证号', '手机号'], {}, { consentMethod: 'ONLINE_FORM' as never, consentScopes: [], incidentIds: ['x'] })).toThrow(
      'has no column consent_given_at and no default for it (consentDate= / --consent-date)',
    );
    expect(() => readHeader(['姓名', '手机号'], {}, {})).toThrow('header lacks required columns: id_number');
  });

  it('refuses both loss units, a column named twice, and a header naming no column at all (echoing nothing)', () => {
    expect(() => readHeader(['姓名', '身份证号', '手机号', 'loss_fen', 'loss_yuan'], {}, {})).toThrow('both a yuan and a fen loss column');
    expect(() => readHeader(['姓名', '身份证号', '身份证号码'], {}, {})).toThrow('header names column id_number twice');
    expect(() => readHeader(['张三', '110105198503120012'], {}, {})).toThrow(/^file: header names none of the columns/);
  });
});

describe('maskHeaderDigits and ignored headers', () => {
  it('masks runs of 7 or more digits (an ID number with its X, a phone, with spaces or hyphens), keeping shorter numbers', () => {
    expect(maskHeaderDigits('310104198807120020')).toBe('******************');
    expect(maskHeaderDigits('11010519491231002X')).toBe('******************');
    expect(maskHeaderDigits('tel 139-1725-4836')).toBe('tel ***-****-****');
    expect(maskHeaderDigits('138 0013 8000 备注')).toBe('*** **** **** 备注');
    expect(maskHeaderDigits('2025年损失')).toBe('2025年损失');
    expect(maskHeaderDigits('编号123456')).toBe('编号123456');
  });

  it('lists a header row that holds a data row by position, its ID number and phone masked (red team F9)', () => {
    const read = readHeader(['name', 'id_number', 'phone', '王芳', '310104198807120020', '13917254836'], {}, {
      consentMethod: 'WRITTEN_SIGNATURE' as never,
      consentScopes: [],
      consentDate: '2025-03-01',
      incidentIds: ['x'],
    });
    expect(read.ignored).toEqual(['4:王芳', '5:******************', '6:***********']);
  });
});

describe('readImportDefaults', () => {
  it('accepts the enum words in Chinese or English, lists with ; , 、 and a real date', () => {
    expect(
      readImportDefaults({
        consentMethod: '电子签名',
        consentScope: 'REPRESENTATION、个人信息处理',
        harmTypes: 'fraud_loss,骚扰电话',
        consentDate: '2024-02-29',
        incidentIds: '3F1E2D4C-5B6A-4978-8A9B-0C1D2E3F4A5B',
      }),
    ).toEqual({
      consentMethod: 'ELECTRONIC_SIGNATURE',
      consentScopes: ['REPRESENTATION', 'DATA_USE'],
      harmTypes: ['FRAUD_LOSS', 'SCAM_CALLS_OR_SPAM'],
      consentDate: '2024-02-29',
      incidentIds: ['3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b'],
    });
    expect(readImportDefaults({ consentMethod: ' ' })).toEqual({});
  });

  it('refuses a bad value naming the parameter', () => {
    expect(() => readImportDefaults({ consentMethod: '微信' })).toThrow(/^consentMethod: must be one of WRITTEN_SIGNATURE \(书面签字\)/);
    expect(() => readImportDefaults({ consentScope: '全部' })).toThrow(/^consentScope: must list/);
    expect(() => readImportDefaults({ harmTypes: ';' })).toThrow(/^harmTypes: must list/);
    expect(() => readImportDefaults({ incidentIds: 'incident-1' })).toThrow('incidentIds: must list leak incident ids (UUIDs)');
    expect(() => readImportDefaults({ consentDate: '2025-02-29' })).toThrow('consentDate: must be a calendar date YYYY-MM-DD that exists');
    expect(() => readImportDefaults({ consentDate: '2025/3/1' })).toThrow(/^consentDate:/);
  });
});

describe('enumFromWord', () => {
  it('takes the value in any case, its words after NFKC, and nothing else', () => {
    expect(['written_signature', '书面签字', '书面 签名', '录音', '口头（录音）', 'signature', ''].map((w) => enumFromWord(CONSENT_METHOD_WORDS, w))).toEqual([
      'WRITTEN_SIGNATURE',
      'WRITTEN_SIGNATURE',
      'WRITTEN_SIGNATURE',
      'RECORDED_ORAL',
      'RECORDED_ORAL',
      null,
      null,
    ]);
    expect(enumFromWord(HARM_TYPE_WORDS, '骚扰电话/短信')).toBe('SCAM_CALLS_OR_SPAM');
  });

  it('gives every value its own words: no word stands for two values', () => {
    for (const table of [CONSENT_METHOD_WORDS, HARM_TYPE_WORDS]) {
      const words = Object.values(table).flat();
      expect(new Set(words).size).toBe(words.length);
    }
  });
});
