import { yuan } from './xlsx';

describe('XLSX cells', () => {
  it('gives yuan to the fen', () => {
    expect(yuan('12345')).toBe(123.45);
    expect(yuan('1')).toBe(0.01);
  });
});
