import { startTestApi, type TestApi } from './support/api';
import { ok } from './support/classes';
import { waitForJob } from './support/jobs';
import { caseAtEvidence, submitEvidence, TWO_PAGE_PDF } from './support/proof';

const ELEMENTS = `caseId evidencePeriodEnds elements { id rule bearer partyId element legalBasis consequence deadline status recordedStatus
  failureRecordedAt rulingReasons evidenceIds evidenceCount whatFollows adverseInferences { id partyId evidence reasons standing } }`;
const FAULT_PRESUMED = 'fault is presumed: the defendant bears liability (PIPL art. 69(1); Civil Code art. 1165(2))';
const SHANGHAI_TODAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

const defendant = (name: string, liabilityBasis: string) => ({ name, role: 'NETWORK_SERVICE_PROVIDER', liabilityBasis });

/**
 * The reversed burden of proof through the API: the obligations the rule table gives each case
 * type and each defendant's liability basis, the evidence period turning OPEN into FAILED (read
 * before and after the job records it), the court's rulings and the art. 95 flag.
 */
describe('burden of proof', () => {
  let api: TestApi;
  let tokens: { association: string; procurator: string; judge: string; admin: string };
  let court: string;

  const generate = async (token: string, caseId: string) =>
    (await ok(api, token, `mutation($c: ID!) { generateObligations(caseId: $c) { ${ELEMENTS} } }`, { c: caseId })).generateObligations;
  const burden = async (token: string, caseId: string) => (await ok(api, token, `query($c: ID!) { burdenOfProof(caseId: $c) { ${ELEMENTS} } }`, { c: caseId })).burdenOfProof;
  const summary = (b: any) => b.elements.map((e: any) => `${e.bearer} ${e.rule}${e.partyId ? `@${e.partyId}` : ''}`);

  beforeAll(async () => {
    api = await startTestApi();
    const [association, procurator, judge, admin] = await Promise.all(
      ['association@demo.local', 'procurator@demo.local', 'judge@demo.local', 'admin@demo.local'].map((e) => api.login(e)),
    );
    tokens = { association, procurator, judge, admin };
    court = (await ok(api, judge, `{ organisations(first: 50, kind: COURT) { nodes { id } } }`)).organisations.nodes[0].id;
  });
  afterAll(() => api.close());

  describe('obligations per case type and defendant basis', () => {
    it('gives a supported civil suit the plaintiff elements once, and each defendant the rows of its liability basis', async () => {
      const c = await caseAtEvidence(api, tokens, [
        defendant('推定过错平台', 'PRESUMED_FAULT'),
        defendant('接通知未处理平台', 'NOTICE_NOT_ACTED_ON'),
        defendant('明知平台', 'KNEW_OR_SHOULD_HAVE_KNOWN'),
      ], SHANGHAI_TODAY, 365);
      const [d1, d2, d3] = c.parties.filter((p) => p.role === 'DEFENDANT').map((p) => p.id);
      const b = await generate(tokens.association, c.id);
      expect(summary(b)).toEqual([
        'PLAINTIFF HANDLING',
        'PLAINTIFF INFRINGING_ACT',
        'PLAINTIFF DAMAGE',
        `DEFENDANT LAWFUL_BASIS@${d1}`,
        `DEFENDANT SECURITY_DUTIES@${d1}`,
        `DEFENDANT REMEDIAL_MEASURES@${d1}`,
        `DEFENDANT NO_CAUSATION@${d1}`,
        `PLAINTIFF VALID_NOTICE@${d2}`,
        `DEFENDANT NECESSARY_MEASURES@${d2}`,
        `PLAINTIFF KNEW_OR_SHOULD_HAVE_KNOWN@${d3}`,
      ]);
      const lawful = b.elements.find((e: any) => e.rule === 'LAWFUL_BASIS');
      expect(lawful).toMatchObject({ legalBasis: 'PIPL arts. 13, 29, 69(1); Civil Code art. 1165(2)', consequence: FAULT_PRESUMED });
      // Generating again adds nothing.
      expect(summary(await generate(tokens.judge, c.id))).toEqual(summary(b));
    });

    it('adds class membership in a representative action, and joint tortfeasors the joint act', async () => {
      const opened = await ok(api, tokens.association, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id parties { id role } } }`, {
        i: { type: 'REPRESENTATIVE_ACTION', title: 'Victims v. platforms', courtId: court, defendants: [defendant('共同侵权平台', 'JOINT_TORT')], claimantsNumberUncertain: true },
      });
      const d = opened.openCase.parties.find((p: any) => p.role === 'DEFENDANT').id;
      expect(summary(await generate(tokens.association, opened.openCase.id))).toEqual([
        'PLAINTIFF HANDLING',
        'PLAINTIFF INFRINGING_ACT',
        'PLAINTIFF DAMAGE',
        'PLAINTIFF CLASS_MEMBERSHIP',
        `DEFENDANT LAWFUL_BASIS@${d}`,
        `DEFENDANT SECURITY_DUTIES@${d}`,
        `DEFENDANT REMEDIAL_MEASURES@${d}`,
        `DEFENDANT NO_CAUSATION@${d}`,
        `PLAINTIFF JOINT_INFRINGEMENT@${d}`,
      ]);
    });

    it('gives an administrative public-interest case the procuratorate’s elements and the agency the legality of its conduct', async () => {
      const opened = await ok(api, tokens.procurator, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id parties { id role } } }`, {
        i: { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: 'Procuratorate v. cyberspace office', courtId: court, agency: { name: '某市网信办' } },
      });
      const agency = opened.openCase.parties.find((p: any) => p.role === 'AGENCY').id;
      const b = await generate(tokens.procurator, opened.openCase.id);
      expect(summary(b)).toEqual(['PLAINTIFF SUPERVISORY_DUTY_AND_HARM', 'PLAINTIFF PRE_LITIGATION_RECOMMENDATION', `AGENCY LAWFUL_PERFORMANCE@${agency}`]);
      expect(b.elements[2].legalBasis).toBe('Administrative Procedure Law art. 34');
      // No evidence period yet: open, to be proved within the period the court sets.
      expect(b.elements[2]).toMatchObject({ deadline: null, status: 'OPEN' });
      expect(b.elements[2].whatFollows).toMatch(/^To be proved within the evidence period the court sets/);
    });
  });

  describe('the evidence period ending', () => {
    let passed: { id: string; parties: { id: string; role: string }[] };
    let running: { id: string };

    beforeAll(async () => {
      // Served 2025-02-24 with 15 days: the period ends 2025-03-11 (a Tuesday), long past.
      passed = await caseAtEvidence(api, tokens, [defendant('过期平台', 'PRESUMED_FAULT')], '2025-02-24', 15);
      // Served today with 365 days: still running.
      running = await caseAtEvidence(api, tokens, [defendant('未过期平台', 'PRESUMED_FAULT')], SHANGHAI_TODAY, 365);
      await generate(tokens.judge, passed.id);
      await generate(tokens.judge, running.id);
    });

    it('reads an obligation still open after the period as FAILED with its consequence before the job has run, and the job records it', async () => {
      const discharged = (await burden(tokens.judge, passed.id)).elements.find((e: any) => e.rule === 'HANDLING');
      await ok(api, tokens.judge, `mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { id } }`, {
        i: { obligationId: discharged.id, status: 'DISCHARGED', reasons: 'The registration records prove the handling.' },
      });

      const before = await burden(tokens.association, passed.id);
      expect(before.evidencePeriodEnds).toBe('2025-03-11');
      const lawful = before.elements.find((e: any) => e.rule === 'LAWFUL_BASIS');
      expect(lawful).toMatchObject({ deadline: '2025-03-11', status: 'FAILED', recordedStatus: 'OPEN', failureRecordedAt: null });
      expect(lawful.whatFollows).toBe(`Not proved: ${FAULT_PRESUMED}`);
      expect(before.elements.find((e: any) => e.rule === 'HANDLING')).toMatchObject({ status: 'DISCHARGED', recordedStatus: 'DISCHARGED' });
      const stillRunning = (await burden(tokens.association, running.id)).elements.find((e: any) => e.rule === 'LAWFUL_BASIS');
      expect(stillRunning.status).toBe('OPEN');
      expect(stillRunning.whatFollows).toMatch(/^To be proved by \d{4}-\d{2}-\d{2} \(24:00, Asia\/Shanghai\), the last day of the evidence period; if not: fault is presumed/);

      const job = await ok(api, tokens.admin, `mutation { recordObligationFailures { id } }`);
      const done = await waitForJob(api.gql, tokens.admin, job.recordObligationFailures.id);
      expect(JSON.parse(done.result!)).toMatchObject({ cases: 1, failed: 6 });

      const after = await burden(tokens.association, passed.id);
      const recorded = after.elements.find((e: any) => e.rule === 'LAWFUL_BASIS');
      expect(recorded).toMatchObject({ status: 'FAILED', recordedStatus: 'FAILED' });
      expect(recorded.failureRecordedAt).not.toBeNull();
      expect(after.elements.find((e: any) => e.rule === 'HANDLING').recordedStatus).toBe('DISCHARGED');
      expect((await burden(tokens.association, running.id)).elements.every((e: any) => e.recordedStatus === 'OPEN')).toBe(true);

      // The court cannot reopen an obligation after the period without extending it first: the job would record FAILED again.
      const reopen = await api.gql(`mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { status } }`, {
        i: { obligationId: recorded.id, status: 'OPEN', reasons: 'Further evidence is expected.' },
      }, tokens.judge);
      expect(reopen.errors![0]).toMatchObject({
        message: "status: the evidence period ended on 2025-03-11: an obligation still open after it is FAILED (SPC evidence provisions (2019) art. 51); it is OPEN again only under a later evidence period: an extension the court grants on a party's application made before the period ended (art. 54; applyForEvidencePeriodExtension, then ruleOnEvidencePeriodExtension)",
        extensions: { code: 'CONFLICT', field: 'status' },
      });
      expect((await burden(tokens.association, passed.id)).elements.find((e: any) => e.rule === 'LAWFUL_BASIS')).toMatchObject({ status: 'FAILED', recordedStatus: 'FAILED' });
      // Run again: nothing left to record.
      const again = await ok(api, tokens.admin, `mutation { recordObligationFailures { id } }`);
      expect(JSON.parse((await waitForJob(api.gql, tokens.admin, again.recordObligationFailures.id)).result!)).toMatchObject({ cases: 0, failed: 0 });
    });
  });

  describe('rulings, the adverse-inference flag and evidence counts', () => {
    let c: { id: string; parties: { id: string; role: string }[] };
    let elements: any[];

    beforeAll(async () => {
      c = await caseAtEvidence(api, tokens, [defendant('裁定平台', 'PRESUMED_FAULT')], SHANGHAI_TODAY, 30);
      elements = (await generate(tokens.association, c.id)).elements;
    });

    it('lets the court alone rule, with reasons', async () => {
      const security = elements.find((e) => e.rule === 'SECURITY_DUTIES');
      const rule = (token: string, status: string, reasons: string) =>
        api.gql(`mutation($i: RuleOnObligationInput!) { ruleOnObligation(input: $i) { status rulingReasons whatFollows } }`, { i: { obligationId: security.id, status, reasons } }, token);
      expect((await rule(tokens.association, 'DISCHARGED', 'x')).errors![0].extensions!.code).toBe('FORBIDDEN');
      expect((await rule(tokens.judge, 'DISCHARGED', '')).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reasons' });
      expect((await rule(tokens.judge, 'DISCHARGED', ' \n\t ')).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reasons' });
      const contested = await rule(tokens.judge, 'CONTESTED', 'The audit report is disputed by the plaintiff.');
      expect(contested.data!.ruleOnObligation).toEqual({
        status: 'CONTESTED',
        rulingReasons: 'The audit report is disputed by the plaintiff.',
        whatFollows: 'Contested: the court weighs the evidence at the hearing',
      });
    });

    it('flags a party that holds evidence and refuses to produce it, and says the court may presume the other side’s account (art. 95)', async () => {
      // The plaintiff side must prove the infringing act; the defendant holds the access logs.
      const act = elements.find((e) => e.rule === 'INFRINGING_ACT');
      const d = c.parties.find((p) => p.role === 'DEFENDANT')!.id;
      const flagged = await ok(api, tokens.judge, `mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { adverseInferences { partyId evidence reasons standing } whatFollows } }`, {
        i: { obligationId: act.id, partyId: d, evidence: 'the consent logs of 2023', reasons: 'The consent logs were ordered produced and were not.' },
      });
      expect(flagged.flagAdverseInference.adverseInferences).toEqual([
        { partyId: d, evidence: 'the consent logs of 2023', reasons: 'The consent logs were ordered produced and were not.', standing: true },
      ]);
      expect(flagged.flagAdverseInference.whatFollows).toContain(
        "裁定平台 holds evidence on it (the consent logs of 2023) and refuses to produce it without good reason: the court may presume the other side's account of that evidence true (SPC evidence provisions (2019) art. 95)",
      );
      const foreign = await api.gql(`mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { id } }`, {
        i: { obligationId: act.id, partyId: '00000000-0000-4000-8000-000000000000', evidence: 'x', reasons: 'x' },
      }, tokens.judge);
      expect(foreign.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'partyId' });
      // Not against the bearer: a defendant withholding evidence on its own no-fault element, or the
      // plaintiff on what it must prove, simply fails to prove it.
      const plaintiff = c.parties.find((p) => p.role === 'PLAINTIFF')!.id;
      for (const [rule, partyId] of [['LAWFUL_BASIS', d], ['INFRINGING_ACT', plaintiff]]) {
        const own = await api.gql(`mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { id } }`, {
          i: { obligationId: elements.find((e) => e.rule === rule).id, partyId, evidence: 'its own records', reasons: 'Not produced.' },
        }, tokens.judge);
        expect(own.errors![0]).toMatchObject({ message: expect.stringContaining('bears this obligation itself'), extensions: { code: 'BAD_USER_INPUT', field: 'partyId' } });
      }
    });

    it('keeps one standing flag per withholding party and evidence: a second piece of evidence is a second flag, the same one again is refused', async () => {
      // The defendant proves it met its security duties; the plaintiff side may hold evidence on
      // them too (art. 95 speaks of either party, against the one bearing the burden).
      const security = elements.find((e) => e.rule === 'SECURITY_DUTIES');
      const plaintiff = c.parties.find((p) => p.role === 'PLAINTIFF')!.id;
      const flag = (partyId: string, evidence: string) =>
        api.gql(`mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { adverseInferences { partyId evidence standing } } }`, {
          i: { obligationId: security.id, partyId, evidence, reasons: 'Ordered produced on 2025-03-01; not produced.' },
        }, tokens.judge);
      await flag(plaintiff, 'the original complaint letters');
      const second = (await flag(plaintiff, 'the members’ screenshots of the leak')).data!.flagAdverseInference.adverseInferences;
      expect(second).toEqual([
        { partyId: plaintiff, evidence: 'the original complaint letters', standing: true },
        { partyId: plaintiff, evidence: 'the members’ screenshots of the leak', standing: true },
      ]);
      const same = await flag(plaintiff, 'The Original Complaint Letters');
      expect(same.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'evidence' });
    });

    it('lets the court withdraw a flag with reasons: kept in the history, no longer standing, the presumption gone, audited', async () => {
      const damage = elements.find((e) => e.rule === 'DAMAGE');
      const d = c.parties.find((p) => p.role === 'DEFENDANT')!.id;
      const flagged = await ok(api, tokens.judge, `mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { adverseInferences { id } whatFollows } }`, {
        i: { obligationId: damage.id, partyId: d, evidence: 'the breach notices', reasons: 'Ordered produced; not produced.' },
      });
      const flagId = flagged.flagAdverseInference.adverseInferences[0].id;
      expect(flagged.flagAdverseInference.whatFollows).toContain('art. 95');

      const withdraw = (token: string, id: string, reasons: string) =>
        api.gql(`mutation($i: WithdrawAdverseInferenceInput!) { withdrawAdverseInference(input: $i) {
            adverseInferences { id evidence standing withdrawnAt withdrawalReasons } whatFollows } }`, { i: { adverseInferenceId: id, reasons } }, token);
      expect((await withdraw(tokens.association, flagId, 'x')).errors![0].extensions!.code).toBe('FORBIDDEN');
      expect((await withdraw(tokens.judge, flagId, ' ')).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reasons' });
      const missing = await withdraw(tokens.judge, '00000000-0000-4000-8000-000000000000', 'x');
      expect(missing.errors![0]).toMatchObject({ message: 'AdverseInference 00000000-0000-4000-8000-000000000000 not found', extensions: { code: 'NOT_FOUND' } });

      const withdrawn = (await withdraw(tokens.judge, flagId, 'The notices were produced at the exchange on 2025-03-05.')).data!.withdrawAdverseInference;
      expect(withdrawn.adverseInferences).toEqual([
        { id: flagId, evidence: 'the breach notices', standing: false, withdrawnAt: expect.any(String), withdrawalReasons: 'The notices were produced at the exchange on 2025-03-05.' },
      ]);
      expect(withdrawn.whatFollows).not.toContain('art. 95');
      expect((await withdraw(tokens.judge, flagId, 'again')).errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'adverseInferenceId' });

      // Withdrawn, the same evidence may be flagged again if the party withholds it later.
      const again = await ok(api, tokens.judge, `mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { adverseInferences { standing } } }`, {
        i: { obligationId: damage.id, partyId: d, evidence: 'the breach notices', reasons: 'Withheld again.' },
      });
      expect(again.flagAdverseInference.adverseInferences).toEqual([{ standing: false }, { standing: true }]);

      const audit = await ok(api, tokens.judge, `query($c: String!) { auditEvents(first: 100, filter: { caseId: $c, action: "obligation.adverse-inference-withdrawn" }) { nodes { subjectId details } } }`, { c: c.id });
      expect(audit.auditEvents.nodes.map((e: any) => ({ subjectId: e.subjectId, details: JSON.parse(e.details) }))).toEqual([
        { subjectId: damage.id, details: { adverseInferenceId: flagId } },
      ]);
    });

    it('counts the evidence addressing each element that the caller may see', async () => {
      const damage = elements.find((e) => e.rule === 'DAMAGE');
      const res = await submitEvidence(api, tokens.association, c.id, TWO_PAGE_PDF, { title: 'Loss receipts', source: 'Claimants', obligationIds: damage.id });
      expect(res.status).toBe(201);
      expect(res.body.obligationIds).toEqual([damage.id]);
      const count = async (token: string) => (await burden(token, c.id)).elements.find((e: any) => e.rule === 'DAMAGE').evidenceCount;
      expect(await count(tokens.association)).toBe(1);
      expect(await count(tokens.judge)).toBe(1);
      expect((await burden(tokens.judge, c.id)).elements.find((e: any) => e.rule === 'DAMAGE').evidenceIds).toEqual([res.body.id]);
      // The supporting procuratorate sees it only once the court exchanged it.
      expect(await count(tokens.procurator)).toBe(0);
      await ok(api, tokens.judge, `mutation($id: ID!) { exchangeEvidence(id: $id) { id } }`, { id: res.body.id });
      expect(await count(tokens.procurator)).toBe(1);
      const other = await submitEvidence(api, tokens.association, c.id, TWO_PAGE_PDF, { title: 'x', source: 'y', obligationIds: '00000000-0000-4000-8000-000000000000' });
      expect(other.body).toMatchObject({ code: 'BAD_USER_INPUT', field: 'obligationIds' });
    });
  });
});
