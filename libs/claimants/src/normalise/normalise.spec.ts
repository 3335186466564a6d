import { ID_NUMBER_CASES, PHONE_CASES } from './identifier-cases.fixture';
import { idNumberCheckCharacter, readCalendarDate, readFen, readIdNumber, readName, readPhone, readShanghaiDateTime, readYuanAsFen } from './index';

const TODAY = '2025-06-30';

describe('resident ID numbers (GB 11643-1999, GA 2102-2023, GB/T 2260)', () => {
  it.each(ID_NUMBER_CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const result = readIdNumber(c.raw, TODAY);
    if (c.normal === null) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(c.reason!);
    } else {
      expect(result).toEqual({ ok: true, value: c.normal, warnings: c.warning ? [expect.objectContaining({ code: c.warning })] : [] });
    }
  });

  it('computes the check character from the weighted sum mod 11 (hand-computed in identifier-cases.fixture)', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    expect(idNumberCheckCharacter('91184019800101001')).toBe('3');
    expect(idNumberCheckCharacter('11010518991231001')).toBe('5');
  });

  it('accepts a birth date of today and refuses tomorrow and a day that does not exist', () => {
    // 11010520250630001: 7+9+0+5+0+20+4+0+12+15+0+54+30+0+0+0+2 = 158, mod 11 = 4 -> 8.
    expect(readIdNumber('110105202506300018', TODAY)).toEqual({ ok: true, value: '110105202506300018', warnings: [] });
    // 11010520250701001: 41 (region) + 4+0+12+15+0+63+0+5 + 2 = 142, mod 11 = 10 -> 2.
    expect(readIdNumber('110105202507010012', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/birth date/) });
    // 11010520230229001 (2023 is not a leap year): 41 + 4+0+12+9+0+18+20+45 + 2 = 151, mod 11 = 8 -> 4.
    expect(readIdNumber('110105202302290014', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/birth date/) });
  });

  it('never repeats the number in a reason', () => {
    for (const c of ID_NUMBER_CASES.filter((c) => c.normal === null && c.raw.length > 6)) {
      const result = readIdNumber(c.raw, TODAY);
      expect(result.ok ? '' : result.reason).not.toContain(c.raw.slice(6, 14));
    }
  });
});

describe('mainland mobile numbers', () => {
  it.each(PHONE_CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    const result = readPhone(c.raw);
    if (c.normal === null) expect(result).toEqual({ ok: false, reason: expect.stringMatching(c.reason!) });
    else expect(result).toEqual({ ok: true, value: c.normal, warnings: [] });
  });
});

describe('names', () => {
  it.each([
    ['张三', '张三'],
    [' 张三 ', '张三'],
    ['Zhang San', 'Zhang San'],
    ['J. Smith Jr.', 'J·Smith Jr.'],
  ])('keeps %j as %j without a warning when only trimmed', (raw, expected) => {
    const result = readName(raw);
    expect(result).toEqual({ ok: true, value: expected, warnings: raw.trim() === expected ? [] : [expect.objectContaining({ code: 'NAME_NORMALISED' })] });
  });

  it.each([
    ['张\u3000三', '张三'],
    ['张 三', '张三'],
    ['欧阳  娜娜', '欧阳娜娜'],
    ['阿卜杜•热合曼', '阿卜杜·热合曼'],
    ['阿卜杜・热合曼', '阿卜杜·热合曼'],
    ['阿卜杜･热合曼', '阿卜杜·热合曼'],
    ['阿卜杜‧热合曼', '阿卜杜·热合曼'],
    ['阿卜杜．热合曼', '阿卜杜·热合曼'],
    ['阿卜杜.热合曼', '阿卜杜·热合曼'],
    ['阿卜杜 · 热合曼', '阿卜杜·热合曼'],
    ['Ｚｈａｎｇ  San', 'Zhang San'],
  ])('normalises %j to %j with a warning', (raw, expected) => {
    expect(readName(raw)).toEqual({ ok: true, value: expected, warnings: [{ code: 'NAME_NORMALISED', message: expect.any(String) }] });
  });

  it('keeps an already normal dotted name without a warning', () => {
    expect(readName('阿卜杜·热合曼')).toEqual({ ok: true, value: '阿卜杜·热合曼', warnings: [] });
  });

  it.each(['张?', '张？', '张\ufffd', '??'])('refuses %j as unrecoverable encoding loss', (raw) => {
    expect(readName(raw)).toEqual({ ok: false, reason: expect.stringMatching(/unrecoverable/) });
  });

  it('says a blank name is required', () => {
    expect(readName(' \u3000 ')).toEqual({ ok: false, reason: 'is required' });
  });
});

describe('calendar dates', () => {
  it.each(['2025-04-02', '2025-4-2', '2025/4/2', '2025/04/02 0:00', '2025.4.2', '2025年4月2日', '2025 年 4 月 2 号', '20250402', '２０２５－０４－０２', "'2025/4/2"])(
    'reads the year-first form %j as 2025-04-02',
    (raw) => {
      expect(readCalendarDate(raw, TODAY)).toEqual({ ok: true, value: '2025-04-02', warnings: [] });
    },
  );

  it.each(['2025-02-29', '2025-06-31', '2025-13-01', '2025-00-10', '20250230', '2025年2月29日', '2025/4/31'])('refuses %j: the day does not exist', (raw) => {
    expect(readCalendarDate(raw, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/does not exist/) });
  });

  it('accepts 29 February of a leap year', () => {
    expect(readCalendarDate('2024-02-29', TODAY)).toEqual({ ok: true, value: '2024-02-29', warnings: [] });
  });

  it.each(['02/04/2025', '2/4/25', '02.04.2025', '2-4-2025', '31/12/2024'])('refuses the day-first or month-first form %j as ambiguous', (raw) => {
    expect(readCalendarDate(raw, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/ambiguous/) });
  });

  it('reads Excel serial dates of the 1900 system (45658 = 2025-01-01, 25569 = 1970-01-01)', () => {
    // 2025-01-01 is serial 45658; January, February and March have 31 + 28 + 31 = 90 days, so 2025-04-02 is 45749.
    expect(readCalendarDate(45749, TODAY)).toEqual({ ok: true, value: '2025-04-02', warnings: [] });
    expect(readCalendarDate(45749.75, TODAY)).toEqual({ ok: true, value: '2025-04-02', warnings: [] });
    expect(readCalendarDate('45749', TODAY)).toEqual({ ok: true, value: '2025-04-02', warnings: [] });
    expect(readCalendarDate(25569, TODAY)).toEqual({ ok: true, value: '1970-01-01', warnings: [] });
    // 2025-06-30 is 31 + 28 + 31 + 30 + 31 + 29 = 180 days after 2025-01-01: 45658 + 180 = 45838.
    expect(readCalendarDate(45838, TODAY)).toEqual({ ok: true, value: '2025-06-30', warnings: [] });
  });

  it('refuses an Excel serial outside 1970-01-01 .. today', () => {
    expect(readCalendarDate(25568, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/outside the range of an Excel date/) });
    expect(readCalendarDate(45839, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/outside the range of an Excel date/) });
    expect(readCalendarDate(Number.NaN, TODAY).ok).toBe(false);
  });

  it('refuses years outside 1900-2099, words and blanks', () => {
    expect(readCalendarDate('1899-12-31', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/year outside/) });
    expect(readCalendarDate('2100-01-01', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/year outside/) });
    expect(readCalendarDate('yesterday', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/is not a date/) });
    expect(readCalendarDate('', TODAY)).toEqual({ ok: false, reason: 'is required' });
  });
});

describe('date-times read in Asia/Shanghai (UTC+8)', () => {
  it.each([
    ['2025-04-02', '2025-04-01T16:00:00.000Z'],
    ['2025/4/2 9:30', '2025-04-02T01:30:00.000Z'],
    ['2025年4月2日 09:30:15', '2025-04-02T01:30:15.000Z'],
    ['2025-04-02T09:30:00+08:00', '2025-04-02T01:30:00.000Z'],
    ['2025-04-02T01:30:00Z', '2025-04-02T01:30:00.000Z'],
  ])('reads %j as %s', (raw, iso) => {
    const result = readShanghaiDateTime(raw, TODAY);
    expect(result.ok && result.value.toISOString()).toBe(iso);
  });

  it('reads an Excel serial date-time: 45749.5 is 2025-04-02 12:00 in Shanghai', () => {
    const result = readShanghaiDateTime(45749.5, TODAY);
    expect(result.ok && result.value.toISOString()).toBe('2025-04-02T04:00:00.000Z');
  });

  it.each(['2025-02-29 09:30', '2025-02-29T00:00:00Z', '2025-06-31T12:00:00+08:00'])('refuses %j: the day does not exist', (raw) => {
    expect(readShanghaiDateTime(raw, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/does not exist/) });
  });

  it.each(['2025-04-02 24:00', '2025-04-02T09:60:00Z'])('refuses %j: the time does not exist', (raw) => {
    expect(readShanghaiDateTime(raw, TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/time of day that does not exist/) });
  });

  it('refuses an ambiguous day-first date-time', () => {
    expect(readShanghaiDateTime('02/04/2025 09:30', TODAY)).toEqual({ ok: false, reason: expect.stringMatching(/ambiguous/) });
  });
});

describe('amounts in yuan, read into integer fen exactly', () => {
  it.each<[string | number, number]>([
    ['12.34', 1234],
    ['19.99', 1999], // 19.99 × 100 is 1998.9999999999998 in floating point
    ['0.07', 7],
    ['0.1', 10],
    ['0.01', 1],
    ['12', 1200],
    ['¥1,234.50', 123450],
    ['￥1,234.5', 123450],
    ['1234元', 123400],
    ['¥ 1,000,000 元', 100000000],
    ['１２３４．５６', 123456],
    ["'88.8", 8880],
    ['9999999999999.99', 999999999999999],
    [19.99, 1999],
    [0.07, 7], // 0.07 × 100 is 7.000000000000001
    [1234, 123400],
  ])('reads %j as %d fen', (raw, fen) => {
    expect(readYuanAsFen(raw)).toEqual({ ok: true, value: fen, warnings: [] });
  });

  it.each<[string | number, RegExp]>([
    ['12.345', /more than two decimals/],
    [12.345, /more than two decimals/],
    ['-5', /negative/],
    [-5, /negative/],
    ['1,23.4', /not an amount/],
    ['12.', /not an amount/],
    ['十二元', /not an amount/],
    ['10000000000000', /too large/],
    [1e21, /not an amount/],
    ['', /required/],
  ])('refuses %j', (raw, reason) => {
    expect(readYuanAsFen(raw)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('amounts in fen', () => {
  it.each<[string | number, number]>([
    ['1250', 1250],
    ['0', 0],
    ['００１２５０', 1250],
    ["'1250", 1250],
    ['999999999999999', 999999999999999],
    [1250, 1250],
  ])('reads %j as %d', (raw, fen) => {
    expect(readFen(raw)).toEqual({ ok: true, value: fen, warnings: [] });
  });

  it.each<[string | number, RegExp]>([
    ['12.5', /whole number of fen/],
    ['12.50', /whole number of fen/],
    [12.5, /whole number of fen/],
    ['-3', /negative/],
    [-3, /negative/],
    ['1000000000000000', /too large/],
    [1e15, /too large/],
    ['1,250', /not a whole number/],
    ['abc', /not a whole number/],
    ['', /required/],
  ])('refuses %j', (raw, reason) => {
    expect(readFen(raw)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});
