import { CaseType, LiabilityBasis } from '@app/cases';
import { adverseInferenceRefusal, Bearer, BURDEN_RULES, BurdenRule, MAX_OBLIGATIONS, obligationsFor, type BurdenParty } from './burden-rules';

const plaintiff: BurdenParty = { id: 'p', role: 'PLAINTIFF', liabilityBasis: null };
const defendant = (id: string, basis: LiabilityBasis): BurdenParty => ({ id, role: 'DEFENDANT', liabilityBasis: basis });
const rules = (type: CaseType, parties: BurdenParty[]) => obligationsFor(type, parties).map((o) => `${o.rule}${o.partyId ? `@${o.partyId}` : ''}`);

describe('the burden-of-proof rule table (domain.md section 4)', () => {
  it('gives a civil public-interest case against a handler presumed at fault the three plaintiff elements and the four no-fault and causation elements (PIPL art. 69(1))', () => {
    expect(rules(CaseType.CIVIL_PUBLIC_INTEREST, [plaintiff, defendant('d', LiabilityBasis.PRESUMED_FAULT)])).toEqual([
      'HANDLING', 'INFRINGING_ACT', 'DAMAGE', 'LAWFUL_BASIS@d', 'SECURITY_DUTIES@d', 'REMEDIAL_MEASURES@d', 'NO_CAUSATION@d',
    ]);
  });

  it('adds class membership in a representative action (CPL (2023) arts. 56-57)', () => {
    expect(rules(CaseType.REPRESENTATIVE_ACTION, [plaintiff])).toEqual(['HANDLING', 'INFRINGING_ACT', 'DAMAGE', 'CLASS_MEMBERSHIP']);
  });

  it('puts no fault on a provider on notice: the plaintiff proves the notice, the provider its measures (Civil Code art. 1195)', () => {
    expect(rules(CaseType.SUPPORTED, [plaintiff, defendant('n', LiabilityBasis.NOTICE_NOT_ACTED_ON)])).toEqual([
      'HANDLING', 'INFRINGING_ACT', 'DAMAGE', 'VALID_NOTICE@n', 'NECESSARY_MEASURES@n',
    ]);
    expect(BURDEN_RULES[BurdenRule.VALID_NOTICE].bearer).toBe(Bearer.PLAINTIFF);
    expect(BURDEN_RULES[BurdenRule.NECESSARY_MEASURES].bearer).toBe(Bearer.DEFENDANT);
  });

  it('gives joint tortfeasors the no-fault elements and the plaintiff the joint act, and a provider that should have known the plaintiff its knowledge (arts. 1168, 1197)', () => {
    const out = rules(CaseType.CIVIL_PUBLIC_INTEREST, [defendant('j', LiabilityBasis.JOINT_TORT), defendant('k', LiabilityBasis.KNEW_OR_SHOULD_HAVE_KNOWN)]);
    expect(out).toEqual(['HANDLING', 'INFRINGING_ACT', 'DAMAGE', 'LAWFUL_BASIS@j', 'SECURITY_DUTIES@j', 'REMEDIAL_MEASURES@j', 'NO_CAUSATION@j', 'JOINT_INFRINGEMENT@j', 'KNEW_OR_SHOULD_HAVE_KNOWN@k']);
  });

  it('gives an administrative case the procuratorate’s duty-and-harm and recommendation elements and the agency the legality of its conduct (APL art. 34)', () => {
    expect(rules(CaseType.ADMINISTRATIVE_PUBLIC_INTEREST, [plaintiff, { id: 'a', role: 'AGENCY', liabilityBasis: null }])).toEqual([
      'SUPERVISORY_DUTY_AND_HARM', 'PRE_LITIGATION_RECOMMENDATION', 'LAWFUL_PERFORMANCE@a',
    ]);
  });

  it('says that fault is presumed when a no-fault element fails', () => {
    for (const rule of [BurdenRule.LAWFUL_BASIS, BurdenRule.SECURITY_DUTIES, BurdenRule.REMEDIAL_MEASURES]) {
      expect(BURDEN_RULES[rule].consequence).toMatch(/^fault is presumed/);
      expect(BURDEN_RULES[rule].legalBasis).toContain('69(1)');
    }
  });

  it('bounds the obligations of a case: a representative action against 50 joint tortfeasors has the most', () => {
    // 4 plaintiff rows (handling, act, damage, class membership) + 50 defendants × 5 rows of a joint
    // tortfeasor (lawful basis, security duties, remedial measures, no causation, joint infringement).
    expect(MAX_OBLIGATIONS).toBe(4 + 50 * 5);
    const defendants: BurdenParty[] = Array.from({ length: 50 }, (_, i) => ({ id: `d${i}`, role: 'DEFENDANT', liabilityBasis: LiabilityBasis.JOINT_TORT }));
    expect(obligationsFor(CaseType.REPRESENTATIVE_ACTION, defendants)).toHaveLength(MAX_OBLIGATIONS);
  });

  describe('art. 95 adverse inference: only against a party that does not bear the obligation (SPC evidence provisions (2019) art. 95)', () => {
    const d = { id: 'd', role: 'DEFENDANT' } as const;
    const e = { id: 'e', role: 'DEFENDANT' } as const;
    it('lets the court flag a defendant withholding evidence on what the plaintiff side must prove', () => {
      expect(adverseInferenceRefusal(Bearer.PLAINTIFF, null, d)).toBeNull();
      expect(adverseInferenceRefusal(Bearer.PLAINTIFF, 'd', { id: 'a', role: 'AGENCY' })).toBeNull();
    });
    it('refuses to flag any party of the plaintiff side on a plaintiff-side obligation: the plaintiff, a supporter, a representative', () => {
      for (const role of ['PLAINTIFF', 'SUPPORTER', 'REPRESENTATIVE'] as const) {
        expect(adverseInferenceRefusal(Bearer.PLAINTIFF, null, { id: 'x', role })).toMatch(/^bears this obligation itself/);
      }
    });
    it('refuses to flag the defendant on its own no-fault obligation, and allows the plaintiff side and a co-defendant', () => {
      expect(adverseInferenceRefusal(Bearer.DEFENDANT, 'd', d)).toMatch(/art\. 95\)$/);
      expect(adverseInferenceRefusal(Bearer.DEFENDANT, 'd', { id: 'p', role: 'PLAINTIFF' })).toBeNull();
      expect(adverseInferenceRefusal(Bearer.DEFENDANT, 'd', e)).toBeNull();
      expect(adverseInferenceRefusal(Bearer.AGENCY, 'a', { id: 'a', role: 'AGENCY' })).not.toBeNull();
    });
  });
});
