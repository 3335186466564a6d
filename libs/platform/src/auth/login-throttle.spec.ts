import { lockSchedule, normaliseEmail } from './login-throttle';

describe('lockSchedule', () => {
  it('doubles from the first lock and ends at the cap', () => {
    expect(lockSchedule(60, 900)).toEqual([60, 120, 240, 480, 900]);
    expect(lockSchedule(5, 40)).toEqual([5, 10, 20, 40]);
  });

  it('is the cap alone when the first lock already reaches it', () => {
    expect(lockSchedule(60, 60)).toEqual([60]);
  });

  it('never exceeds the cap, even when doubling overshoots it', () => {
    expect(lockSchedule(7, 30)).toEqual([7, 14, 28, 30]);
  });
});

describe('normaliseEmail', () => {
  it('ignores case and surrounding spaces', () => {
    expect(normaliseEmail('  Admin@Demo.LOCAL ')).toBe('admin@demo.local');
  });
});
