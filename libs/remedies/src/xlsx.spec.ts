import { safeText, yuan } from './xlsx';

describe('XLSX cells', () => {
  it('neutralises text a spreadsheet would read as a formula', () => {
    for (const s of ['=HYPERLINK("x")', '+1', '-1+2', '@SUM(A1)', '\tcmd', '\rcmd']) expect(safeText(s)).toBe(`'${s}`);
    expect(safeText('某某外卖平台有限公司')).toBe('某某外卖平台有限公司');
    expect(safeText('a=b')).toBe('a=b');
  });

  it('gives yuan to the fen', () => {
    expect(yuan('12345')).toBe(123.45);
    expect(yuan('1')).toBe(0.01);
  });
});
