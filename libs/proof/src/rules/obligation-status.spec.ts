import { effectiveStatus, ObligationStatus, reopeningRefusal, whatFollows } from './obligation-status';

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
    const period = { due: '2025-03-11', firstDue: '2025-03-11' };
    expect(whatFollows(ObligationStatus.FAILED, 'fault is presumed', period, [])).toBe('Not proved: fault is presumed');
    expect(whatFollows(ObligationStatus.OPEN, 'fault is presumed', period, [])).toBe(
      'To be proved by 2025-03-11 (24:00, Asia/Shanghai), the last day of the evidence period; if not: fault is presumed',
    );
  });

  it('says the period was extended, and from which day, once the court extended it (art. 54)', () => {
    expect(whatFollows(ObligationStatus.OPEN, 'fault is presumed', { due: '2025-04-10', firstDue: '2025-03-11' }, [])).toBe(
      'To be proved by 2025-04-10 (24:00, Asia/Shanghai), the last day of the evidence period as extended from 2025-03-11 (SPC evidence provisions (2019) art. 54); if not: fault is presumed',
    );
  });

  it('refuses to reopen after the last day only, pointing to an extension', () => {
    expect(reopeningRefusal('2025-03-11', '2025-03-11')).toBeNull();
    expect(reopeningRefusal(null, '2025-03-12')).toBeNull();
    expect(reopeningRefusal('2025-03-11', '2025-03-12')).toMatch(
      /^the evidence period ended on 2025-03-11: .* art\. 51\); it is OPEN again only under a later evidence period: an extension the court grants on a party's application made before the period ended \(art\. 54; applyForEvidencePeriodExtension, then ruleOnEvidencePeriodExtension\)$/,
    );
  });

  it('adds the art. 95 presumption for each standing flag of a party withholding evidence', () => {
    expect(whatFollows(ObligationStatus.CONTESTED, 'x', null, [{ partyName: '某某平台', evidence: 'consent logs 2023' }])).toBe(
      "Contested: the court weighs the evidence at the hearing. 某某平台 holds evidence on it (consent logs 2023) and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)",
    );
    const two = whatFollows(ObligationStatus.OPEN, 'x', null, [
      { partyName: 'A', evidence: 'access logs' },
      { partyName: 'B', evidence: 'the audit report' },
    ]);
    const presumption = "and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)";
    expect(two).toBe(
      `To be proved within the evidence period the court sets (SPC evidence provisions (2019) art. 51); if not: x. A holds evidence on it (access logs) ${presumption}. B holds evidence on it (the audit report) ${presumption}`,
    );
  });
});
