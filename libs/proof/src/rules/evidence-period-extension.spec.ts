import { applicationRefusal, grantRefusal } from './evidence-period-extension';

const SOURCE = 'SPC provisions on evidence in civil procedure (2019), art. 54; Civil Procedure Law (2023), art. 68';

describe('extending the evidence period (SPC evidence provisions (2019) art. 54)', () => {
  describe('the application', () => {
    it('may be made up to the last day of the period, to 24:00', () => {
      expect(applicationRefusal('2025-03-11', '2025-03-01')).toBeNull();
      expect(applicationRefusal('2025-03-11', '2025-03-11')).toBeNull();
    });

    it('is refused from the day after the last day, naming the rule and the day it ended', () => {
      expect(applicationRefusal('2025-03-11', '2025-03-12')).toBe(
        `EVIDENCE_PERIOD_EXTENSION (${SOURCE}): an application must be made before the evidence period ends; it ended on 2025-03-11`,
      );
    });

    it('is refused when no evidence period runs', () => {
      expect(applicationRefusal(null, '2025-03-01')).toBe(`EVIDENCE_PERIOD_EXTENSION (${SOURCE}): the case has no running evidence period to extend`);
    });
  });

  describe('the grant', () => {
    it('extends to a day after the current end', () => {
      expect(grantRefusal('2025-03-11', '2025-03-12', '2025-03-05')).toBeNull();
      expect(grantRefusal('2025-03-11', '2025-04-10', '2025-03-11')).toBeNull();
    });

    it('refuses a new end on or before the current end', () => {
      expect(grantRefusal('2025-03-11', '2025-03-11', '2025-03-05')).toBe(
        `EVIDENCE_PERIOD_EXTENSION (${SOURCE}): the new end must be after the current end of the evidence period, 2025-03-11; got 2025-03-11`,
      );
      expect(grantRefusal('2025-03-11', '2025-03-10', '2025-03-05')).toMatch(/must be after the current end/);
    });

    it('may come after the old end on an application made in time, but not end before the day of the grant', () => {
      expect(grantRefusal('2025-03-11', '2025-03-14', '2025-03-14')).toBeNull();
      expect(grantRefusal('2025-03-11', '2025-03-13', '2025-03-14')).toBe(
        `EVIDENCE_PERIOD_EXTENSION (${SOURCE}): the new end must not be before the day of the grant, 2025-03-14; got 2025-03-13`,
      );
    });
  });
});
