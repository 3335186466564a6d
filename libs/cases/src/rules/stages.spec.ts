import { CaseStage, CaseType, PRE_FILING_STAGES } from './case-types';
import { MAX_CASE_DEADLINES, MAX_CASE_PARTIES, MAX_CASE_TRANSITIONS } from './case-limits';
import { DeadlineRule, SERVED_ON_EACH_PARTY } from './deadline-rules';
import {
  checkGate,
  FilingGateError,
  findTransition,
  type GateFacts,
  STAGE_MACHINES,
  StageTransitionError,
  TransitionGate,
  transitionsFrom,
} from './stages';

/** Every path of stages from CLUE to `target` the machine of `type` allows (no stage twice). */
function paths(type: CaseType, target: CaseStage, from: CaseStage = CaseStage.CLUE, seen: CaseStage[] = []): CaseStage[][] {
  if (from === target) return [[...seen, from]];
  return transitionsFrom(type, from)
    .filter((t) => !seen.includes(t.to))
    .flatMap((t) => paths(type, target, t.to, [...seen, from]));
}

describe('stage machines', () => {
  const { CLUE, INVESTIGATION, ANNOUNCEMENT, RECOMMENDATION, FILED, REGISTRATION, EVIDENCE_EXCHANGE, HEARING, JUDGMENT } = CaseStage;

  it.each([
    [CaseType.CIVIL_PUBLIC_INTEREST, [CLUE, INVESTIGATION, ANNOUNCEMENT, FILED, EVIDENCE_EXCHANGE, HEARING, JUDGMENT]],
    [CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, [CLUE, INVESTIGATION, RECOMMENDATION, FILED, HEARING, JUDGMENT]],
    [CaseType.REPRESENTATIVE_ACTION, [CLUE, INVESTIGATION, FILED, REGISTRATION, EVIDENCE_EXCHANGE, HEARING, JUDGMENT]],
    [CaseType.SUPPORTED, [CLUE, INVESTIGATION, FILED, EVIDENCE_EXCHANGE, HEARING, JUDGMENT]],
  ])('takes a %s case from clue to judgment through its own steps', (type, expected) => {
    expect(paths(type, JUDGMENT)).toContainEqual(expected);
  });

  it('starts an administrative case only with a recommendation, never an announcement', () => {
    for (const path of paths(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, FILED)) {
      expect(path).toContain(RECOMMENDATION);
      expect(path).not.toContain(ANNOUNCEMENT);
    }
  });

  it('lets the court alone move a case after filing, and only the plaintiff side before', () => {
    for (const type of Object.values(CaseType)) {
      for (const [from, transitions] of Object.entries(STAGE_MACHINES[type])) {
        for (const t of transitions!) {
          const beforeFiling = PRE_FILING_STAGES.includes(from as CaseStage);
          expect([type, from, t.to, t.by === 'COURT']).toEqual([type, from, t.to, !beforeFiling]);
        }
      }
    }
  });

  it('has no cycle, and opens a period counted from service on each party at most once on any path (the bounds of Case.transitions and Case.deadlines)', () => {
    // Walks every path from CLUE; a stage reached again on the same path would be a cycle.
    const walk = (type: CaseType, from: CaseStage, seen: CaseStage[], perParty: number): void => {
      expect(perParty).toBeLessThanOrEqual(1);
      for (const t of transitionsFrom(type, from)) {
        expect(seen).not.toContain(t.to);
        walk(type, t.to, [...seen, t.to], perParty + (t.opens && SERVED_ON_EACH_PARTY.includes(t.opens) ? 1 : 0));
      }
    };
    for (const type of Object.values(CaseType)) walk(type, CaseStage.CLUE, [CaseStage.CLUE], 0);
    // 11 stages: at most 10 transitions, and 10 + 67 parties + 10 extensions deadlines.
    expect(MAX_CASE_TRANSITIONS).toBe(10);
    expect(MAX_CASE_PARTIES).toBe(10 + 1 + 50 + 1 + 5);
    expect(MAX_CASE_DEADLINES).toBe(87);
  });

  it('makes CLOSED final in every machine', () => {
    for (const type of Object.values(CaseType)) expect(transitionsFrom(type, CaseStage.CLOSED)).toEqual([]);
  });

  it('opens the deadline of each event: announcement, recommendation, registration, evidence period, appeal', () => {
    expect(findTransition(CaseType.CIVIL_PUBLIC_INTEREST, INVESTIGATION, ANNOUNCEMENT).opens).toBe(DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT);
    expect(findTransition(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, INVESTIGATION, RECOMMENDATION).opens).toBe(
      DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE,
    );
    expect(findTransition(CaseType.REPRESENTATIVE_ACTION, FILED, REGISTRATION).opens).toBe(DeadlineRule.REGISTRATION_PERIOD);
    expect(findTransition(CaseType.SUPPORTED, FILED, EVIDENCE_EXCHANGE).opens).toBe(DeadlineRule.EVIDENCE_PERIOD);
    for (const type of [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.REPRESENTATIVE_ACTION, CaseType.SUPPORTED]) {
      expect(findTransition(type, HEARING, JUDGMENT).opens).toBe(DeadlineRule.APPEAL_JUDGMENT);
    }
  });

  it('opens the appeal period of the Administrative Procedure Law (art. 85) for an administrative judgment', () => {
    expect(findTransition(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, HEARING, JUDGMENT).opens).toBe(DeadlineRule.ADMINISTRATIVE_APPEAL_JUDGMENT);
  });

  it('refuses a move the machine does not allow, listing the allowed ones', () => {
    expect(() => findTransition(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, INVESTIGATION, ANNOUNCEMENT)).toThrow(
      new StageTransitionError(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, INVESTIGATION, ANNOUNCEMENT, 'allowed next stages are RECOMMENDATION, CLOSED'),
    );
    expect(() => findTransition(CaseType.SUPPORTED, CaseStage.CLOSED, CLUE)).toThrow(/CLOSED is final/);
  });
});

describe('filing gates', () => {
  const { FILED, EVIDENCE_EXCHANGE, HEARING, JUDGMENT } = CaseStage;
  const civil: GateFacts = {
    type: CaseType.CIVIL_PUBLIC_INTEREST,
    from: CaseStage.ANNOUNCEMENT,
    to: CaseStage.FILED,
    on: '2025-05-07',
    procuratoratePlaintiff: true,
    claimantsNumberUncertain: false,
    openDeadline: { rule: DeadlineRule.PRE_LITIGATION_ANNOUNCEMENT, due: '2025-05-06', source: 'art. 13' },
  };

  function gateError(gate: TransitionGate, facts: GateFacts): FilingGateError | StageTransitionError | undefined {
    try {
      checkGate(gate, facts);
      return undefined;
    } catch (error) {
      if (error instanceof FilingGateError || error instanceof StageTransitionError) return error;
      throw error;
    }
  }

  it('lets a procuratorate file the day after the announcement period ends', () => {
    expect(gateError(TransitionGate.ANNOUNCEMENT_EXPIRED, civil)).toBeUndefined();
  });

  it('refuses a civil public-interest filing on the last day of the announcement, naming the first allowed date', () => {
    const error = gateError(TransitionGate.ANNOUNCEMENT_EXPIRED, { ...civil, on: '2025-05-06' });
    expect(error).toBeInstanceOf(FilingGateError);
    expect(error!.facts).toMatchObject({ gate: 'ANNOUNCEMENT_EXPIRED', due: '2025-05-06', earliestDate: '2025-05-07' });
    expect(error!.message).toBe(
      'ANNOUNCEMENT_EXPIRED: the pre-litigation announcement runs until 2025-05-06 (art. 13); the earliest date for this is 2025-05-07, not 2025-05-06',
    );
  });

  it('names the first day of the next month when a period ends on a month end, including 29 February', () => {
    const error = gateError(TransitionGate.ANNOUNCEMENT_EXPIRED, {
      ...civil,
      on: '2024-02-20',
      openDeadline: { ...civil.openDeadline!, due: '2024-02-29' },
    });
    expect(error!.facts).toMatchObject({ earliestDate: '2024-03-01' });
  });

  it('refuses a procuratorate filing a civil case without any announcement', () => {
    const error = gateError(TransitionGate.ANNOUNCEMENT_EXPIRED, { ...civil, from: CaseStage.INVESTIGATION, openDeadline: undefined });
    expect(error).toBeInstanceOf(StageTransitionError);
    expect(error!.message).toMatch(/30-day pre-litigation announcement.*art\. 13/);
  });

  it('does not ask an association for an announcement', () => {
    expect(gateError(TransitionGate.ANNOUNCEMENT_EXPIRED, { ...civil, from: CaseStage.INVESTIGATION, procuratoratePlaintiff: false, openDeadline: undefined })).toBeUndefined();
  });

  describe('administrative filing', () => {
    const administrative: GateFacts = {
      ...civil,
      type: CaseType.ADMINISTRATIVE_PUBLIC_INTEREST,
      from: CaseStage.RECOMMENDATION,
      on: '2025-03-10',
      openDeadline: { rule: DeadlineRule.PROCURATORIAL_RECOMMENDATION_RESPONSE, due: '2025-03-10', source: 'art. 21' },
    };

    it("refuses filing before the agency's response period has passed", () => {
      expect(gateError(TransitionGate.RECOMMENDATION_PERIOD_EXPIRED, administrative)!.facts).toMatchObject({ earliestDate: '2025-03-11' });
      expect(gateError(TransitionGate.RECOMMENDATION_PERIOD_EXPIRED, { ...administrative, on: '2025-03-11' })).toBeUndefined();
    });

    it('refuses filing after an adequate response, whatever the date', () => {
      const error = gateError(TransitionGate.RECOMMENDATION_PERIOD_EXPIRED, {
        ...administrative,
        on: '2025-06-01',
        agencyResponse: { on: '2025-02-01', adequate: true },
      });
      expect(error!.message).toMatch(/responded adequately on 2025-02-01/);
    });
  });

  describe('hearing after the evidence period (SPC evidence provisions (2019) art. 51)', () => {
    const evidence: GateFacts = {
      ...civil,
      from: CaseStage.EVIDENCE_EXCHANGE,
      to: CaseStage.HEARING,
      on: '2025-11-25',
      openDeadline: { rule: DeadlineRule.EVIDENCE_PERIOD, due: '2025-12-03', source: 'art. 51' },
    };

    it('puts the gate on every civil machine, and none on the administrative one (no evidence-exchange stage)', () => {
      for (const type of [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.REPRESENTATIVE_ACTION, CaseType.SUPPORTED]) {
        expect(findTransition(type, EVIDENCE_EXCHANGE, HEARING).gates).toEqual([TransitionGate.EVIDENCE_PERIOD_EXPIRED]);
      }
      expect(findTransition(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, FILED, HEARING).gates).toBeUndefined();
    });

    it('refuses a hearing while the evidence period runs, naming the first allowed date', () => {
      const error = gateError(TransitionGate.EVIDENCE_PERIOD_EXPIRED, evidence);
      expect(error).toBeInstanceOf(FilingGateError);
      expect(error!.facts).toMatchObject({ gate: 'EVIDENCE_PERIOD_EXPIRED', due: '2025-12-03', earliestDate: '2025-12-04' });
      expect(error!.message).toContain('the evidence period runs until 2025-12-03');
      expect(gateError(TransitionGate.EVIDENCE_PERIOD_EXPIRED, { ...evidence, on: '2025-12-03' })).toBeInstanceOf(FilingGateError);
    });

    it('allows the hearing from the day after the last day', () => {
      expect(gateError(TransitionGate.EVIDENCE_PERIOD_EXPIRED, { ...evidence, on: '2025-12-04' })).toBeUndefined();
    });

    it('keeps the hearing waiting while an application to extend, made in time, awaits a ruling (art. 54)', () => {
      const pending = gateError(TransitionGate.EVIDENCE_PERIOD_EXPIRED, { ...evidence, on: '2025-12-04', pendingExtensionApplications: 2 });
      expect(pending!.message).toContain("2 application(s) to extend the evidence period, made in time, await the court's ruling (SPC evidence provisions (2019) art. 54)");
      expect(gateError(TransitionGate.EVIDENCE_PERIOD_EXPIRED, { ...evidence, on: '2025-12-04', pendingExtensionApplications: 0 })).toBeUndefined();
    });
  });

  describe('enforcement once the judgment is in effect (CPL (2023) arts. 171, 158; APL art. 85)', () => {
    const judged: GateFacts = {
      ...civil,
      from: CaseStage.JUDGMENT,
      to: CaseStage.ENFORCEMENT,
      on: '2025-11-29',
      openDeadline: { rule: DeadlineRule.APPEAL_JUDGMENT, due: '2025-12-14', source: 'art. 171' },
    };

    it('gates enforcement and closing after judgment in every machine', () => {
      for (const type of Object.values(CaseType)) {
        expect(findTransition(type, JUDGMENT, CaseStage.ENFORCEMENT).gates).toEqual([TransitionGate.APPEAL_PERIOD_EXPIRED]);
        expect(findTransition(type, JUDGMENT, CaseStage.CLOSED).gates).toEqual([TransitionGate.APPEAL_PERIOD_EXPIRED]);
      }
    });

    it('refuses enforcement while the appeal period runs, naming the date the judgment can take effect', () => {
      const error = gateError(TransitionGate.APPEAL_PERIOD_EXPIRED, judged);
      expect(error!.facts).toMatchObject({ gate: 'APPEAL_PERIOD_EXPIRED', due: '2025-12-14', earliestDate: '2025-12-15' });
      expect(error!.message).toContain('the appeal period runs until 2025-12-14 (art. 171); the earliest date for this is 2025-12-15, not 2025-11-29');
    });

    it('allows enforcement after the appeal period ran out', () => {
      expect(gateError(TransitionGate.APPEAL_PERIOD_EXPIRED, { ...judged, on: '2025-12-15' })).toBeUndefined();
    });

    it('refuses a step after a provisional end unless confirmed: the official arrangement may still move it later', () => {
      const provisional = { ...judged, on: '2025-12-15', openDeadline: { ...judged.openDeadline!, provisionalReason: 'Provisional: 2026 is not loaded' } };
      const error = gateError(TransitionGate.APPEAL_PERIOD_EXPIRED, provisional);
      expect(error).toBeInstanceOf(FilingGateError);
      expect(error!.facts).toMatchObject({ gate: 'APPEAL_PERIOD_EXPIRED', due: '2025-12-14', provisionalReason: 'Provisional: 2026 is not loaded' });
      expect(error!.message).toContain('confirmProvisionalEnd');
      expect(gateError(TransitionGate.APPEAL_PERIOD_EXPIRED, { ...provisional, confirmProvisionalEnd: true })).toBeUndefined();
      // Confirming never lets a step through before the provisional last day.
      expect(gateError(TransitionGate.APPEAL_PERIOD_EXPIRED, { ...provisional, on: '2025-12-14', confirmProvisionalEnd: true })).toBeInstanceOf(FilingGateError);
    });
  });

  it('sends a representative action with an uncertain number of claimants through registration first', () => {
    const facts: GateFacts = { ...civil, type: CaseType.REPRESENTATIVE_ACTION, from: CaseStage.FILED, to: CaseStage.EVIDENCE_EXCHANGE, claimantsNumberUncertain: true };
    expect(gateError(TransitionGate.CLAIMANTS_NUMBER_KNOWN, facts)).toBeInstanceOf(StageTransitionError);
    expect(gateError(TransitionGate.CLAIMANTS_NUMBER_UNCERTAIN, facts)).toBeUndefined();
    expect(gateError(TransitionGate.CLAIMANTS_NUMBER_UNCERTAIN, { ...facts, claimantsNumberUncertain: false })).toBeInstanceOf(StageTransitionError);
  });
});
