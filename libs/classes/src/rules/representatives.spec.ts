import { ATYPICAL_SUBCLASS_SHARE, isAtypicalShare } from './representatives';

describe('representative adequacy', () => {
  it('warns when the subclass holds under 10 % of the current members', () => {
    expect(ATYPICAL_SUBCLASS_SHARE).toBe(0.1);
    expect(isAtypicalShare(9, 100)).toBe(true);
    expect(isAtypicalShare(10, 100)).toBe(false);
    expect(isAtypicalShare(1, 11)).toBe(true);
    expect(isAtypicalShare(0, 0)).toBe(false);
  });
});
