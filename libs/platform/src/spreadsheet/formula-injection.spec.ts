import { neutraliseFormula } from './formula-injection';

describe('neutraliseFormula', () => {
  it.each(['=1+1', '+86 138', '-5', '@SUM(A1)', '\tx', '\rx'])('prefixes an apostrophe to %j, which a spreadsheet would read as a formula', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it.each(['x;=1+1', 'y\t=1+1', 'z, @SUM(A1)', 'a;\u00a0+cmd', 'b\n-2+3', 'c,-1'])('prefixes %j: a formula after a separator a spreadsheet may split the cell at', (text) => {
    expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it.each(['张三', '张*', '110***********1234', '1=1', 'a-b', '', '委托诉讼;个人信息处理', 'a;b=c', '2025-03-01'])(
    'leaves %j as it is: no formula sign first, nor after a separator',
    (text) => {
      expect(neutraliseFormula(text)).toBe(text);
    },
  );
});
