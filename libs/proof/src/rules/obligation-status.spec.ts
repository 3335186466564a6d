import { effectiveStatus, ObligationStatus, whatFollows } from './obligation-status';

describe('obligation status and what follows', () => {
  it('keeps an obligation open through the last day of the evidence period and fails it the day after (SPC evidence provisions art. 51)', () => {
    expect(effectiveStatus(ObligationStatus.OPEN, '2025-03-11', '2025-03-11')).toBe(ObligationStatus.OPEN);
    expect(effectiveStatus(ObligationStatus.OPEN, '2025-03-11', '2025-03-12')).toBe(ObligationStatus.FAILED);
  });

  it('leaves an obligation open while the court has set no evidence period', () => {
    expect(effectiveStatus(ObligationStatus.OPEN, null, '2099-01-01')).toBe(ObligationStatus.OPEN);
  });

  it("keeps the court's ruling whatever the date", () => {
    for (const status of [ObligationStatus.DISCHARGED, ObligationStatus.CONTESTED, ObligationStatus.WAIVED, ObligationStatus.FAILED]) {
      expect(effectiveStatus(status, '2025-03-11', '2025-04-01')).toBe(status);
    }
  });

  it('says the consequence of a failed obligation and the deadline of an open one', () => {
    expect(whatFollows(ObligationStatus.FAILED, 'fault is presumed', '2025-03-11', null)).toBe('Not proved: fault is presumed');
    expect(whatFollows(ObligationStatus.OPEN, 'fault is presumed', '2025-03-11', null)).toBe(
      'To be proved by 2025-03-11 (24:00, Asia/Shanghai), the last day of the evidence period; if not: fault is presumed',
    );
  });

  it('adds the art. 95 presumption when the court flagged a party withholding evidence', () => {
    expect(whatFollows(ObligationStatus.CONTESTED, 'x', null, { partyName: '某某平台' })).toBe(
      "Contested: the court weighs the evidence at the hearing. 某某平台 holds evidence on it and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)",
    );
  });
});
