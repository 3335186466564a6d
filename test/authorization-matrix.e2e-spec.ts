import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { uploadDataset } from '../apps/cli/src/dataset/dataset-upload';
import { startTestApi, type TestApi } from './support/api';
import { CSV_HEADER, csvRow, enrolInput, phoneFor } from './support/claimants';
import { CLASS_TEST_KEY, DEFENDANT, enrol, ok, organisationId, registerIncident } from './support/classes';
import { waitForJob } from './support/jobs';
import {
  CALLERS,
  type Caller,
  type Fixtures,
  type GraphqlOperation,
  MUTATIONS,
  type Operation,
  type Outcome,
  QUERIES,
  type RestRoute,
  ROUTES,
} from './support/access-matrix';

/**
 * The authorization matrix (issue 10): every operation the running API has (GraphQL schema by
 * introspection, REST routes from the express router), called by every caller of
 * test/support/access-matrix.ts, each answer compared with the table. Then row-level checks:
 * what one organisation's answers may hold of another's enrolments of the same person.
 */

const PASSWORD = 'leakcase-matrix-password';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** People of the fixtures (person numbers of support/claimants). */
const S = 100; // association 1 (no harm, own phone) and the designated organisation (fraud loss, other phone)
const A_ONLY = 101; // association 1 only; matched by the seized dataset
const B_ONLY = 102; // designated organisation only
const B_ON_A_PHONE = [103, 104]; // designated organisation, on the phone association 1 gave for S
const R = 105; // association 1 against its own incident; the designated organisation declares incident1
const B_LOSS = '777777';
const B_EVIDENCE = 'receipt S-B 2024-07';

interface Answer {
  status: number;
  body: any;
}

describe('authorization matrix', () => {
  let api: TestApi;
  let fx: Fixtures;
  const token: Partial<Record<Caller, string>> = {};
  const people = new Map<number, string>();
  /** Ids of the fixtures' private objects: no answer to an unrelated organisation or the ADMIN may hold one. */
  let secrets: string[] = [];
  const mismatches: string[] = [];
  let calls = 0;

  const gqlRaw = async (document: string, variables: Record<string, unknown>, caller: Caller): Promise<Answer> => {
    calls++;
    const req = request(api.app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
    if (token[caller]) req.set('authorization', `Bearer ${token[caller]}`);
    const res = await req.send({ query: document, variables });
    return { status: res.status, body: res.body };
  };

  const rest = async (method: string, path: string, caller: Caller, body?: { type: string; data: string | Buffer | object }): Promise<Answer> => {
    calls++;
    const req = (request(api.app.getHttpServer()) as any)[method.toLowerCase()](path);
    if (token[caller]) req.set('authorization', `Bearer ${token[caller]}`);
    if (body) req.set('content-type', body.type);
    const res = await (body ? req.send(body.data) : req);
    return { status: res.status, body: res.type === 'application/json' ? res.body : { length: res.text?.length ?? res.body?.length } };
  };

  /** The outcome of an answer, in the table's terms. */
  const outcomeOf = (field: string | null, answer: Answer): Outcome | string => {
    if (field === null) return answer.status < 300 ? 'OK' : (answer.body?.code ?? `HTTP ${answer.status}`);
    const errors = answer.body?.errors;
    if (errors?.length) return errors[0].extensions?.code ?? 'ERROR';
    const value = answer.body?.data?.[field];
    if (value && typeof value === 'object' && 'totalCount' in value) return value.totalCount === 0 ? 'EMPTY' : 'OK';
    if (Array.isArray(value)) return value.length === 0 ? 'EMPTY' : 'OK';
    return value ? 'OK' : 'NULL';
  };

  const matches = (expected: Outcome, actual: string) => actual === expected || (expected === 'LIST' && (actual === 'OK' || actual === 'EMPTY'));

  /**
   * An answer with the ids the caller itself sent replaced by `<id>`, and the ids the server
   * generates for this very request (a new import and its job) by `<new>`: those are the only
   * bytes that may legitimately differ between a foreign object's answer and a random id's.
   * Path and locations stay: both requests use the same document, so they must be equal too.
   */
  const normalise = (answer: Answer, sent: string) => {
    const ids = new Set(sent.match(UUID) ?? []);
    let text = JSON.stringify(answer, (key, value) => (['importId', 'jobId', 'requestId'].includes(key) && typeof value === 'string' ? '<new>' : value));
    for (const id of ids) text = text.replaceAll(id, '<id>');
    return text;
  };

  /** Calls one operation as one caller with the fixtures `f`; returns the answer and what was sent. */
  const call = async (name: string, op: Operation, caller: Caller, f: Fixtures): Promise<{ answer: Answer; sent: string; field: string | null }> => {
    if (op.kind === 'rest') {
      const [method] = name.split(' ');
      const path = await op.path(f, caller);
      const body = op.body ? await op.body(f, caller) : undefined;
      const answer = await rest(method, path, caller, body);
      return { answer, sent: path + JSON.stringify(body?.data ?? ''), field: null };
    }
    const variables = await op.variables(f, caller);
    return { answer: await gqlRaw(op.document, variables, caller), sent: JSON.stringify(variables), field: name };
  };

  /** The fixtures with the addressed object replaced by a random id (an id, or a factory of fresh ones). */
  const withRandom = (key: keyof Fixtures): Fixtures => {
    const random = randomUUID();
    const replaced = typeof fx[key] === 'function' ? async () => random : random;
    return { ...fx, [key]: replaced } as Fixtures;
  };

  /** Runs one row of the matrix; every mismatch is recorded (and printed at the end). */
  const runRow = async (name: string, op: Operation) => {
    const found: string[] = [];
    // Denials first, the allowed callers last: a refused call must not depend on a success before it.
    const order = [...CALLERS].sort((a, b) => Number(op.expect[a] === 'OK') - Number(op.expect[b] === 'OK'));
    for (const caller of order) {
      const expected = op.expect[caller];
      const { answer, sent, field } = await call(name, op, caller, fx);
      const actual = outcomeOf(field, answer);
      if (!matches(expected, actual)) {
        found.push(`${name} as ${caller}: expected ${expected}, got ${actual}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
      const dataText = JSON.stringify(field === null ? answer.body : answer.body?.data ?? null);
      if (['proc2', 'assoc2', 'judge2', 'admin'].includes(caller)) {
        const leaked = secrets.filter((id) => dataText.includes(id) && !sent.includes(id));
        if (leaked.length) found.push(`${name} as ${caller}: answer holds another organisation's ids ${leaked.join(', ')}`);
      }
      const compare = op.sameAsRandom ?? CALLERS.filter((c) => op.expect[c] === 'NOT_FOUND');
      if (op.addressed && compare.includes(caller)) {
        const random = await call(name, op, caller, withRandom(op.addressed));
        const a = normalise(answer, sent);
        const b = normalise(random.answer, random.sent);
        if (a !== b) found.push(`${name} as ${caller}: foreign ${String(op.addressed)} answered differently from a random id:\n    foreign ${a.slice(0, 400)}\n    random  ${b.slice(0, 400)}`);
      }
    }
    mismatches.push(...found);
    return found;
  };

  beforeAll(async () => {
    api = await startTestApi({ BLIND_INDEX_KEY: CLASS_TEST_KEY.toString('base64') });
    const demo: [Caller, string][] = [
      ['proc1', 'procurator@demo.local'],
      ['assoc1', 'association@demo.local'],
      ['desig1', 'designated@demo.local'],
      ['judge1', 'judge@demo.local'],
      ['admin', 'admin@demo.local'],
    ];
    for (const [caller, email] of demo) token[caller] = await api.login(email);
    const admin = token.admin!;

    // The demo organisations, looked up before there is a second one of their kind.
    const demoOrgs = {
      proc1: await organisationId(api, admin, 'PROCURATORATE'),
      assoc1: await organisationId(api, admin, 'CONSUMER_ASSOCIATION'),
      desig1: await organisationId(api, admin, 'DESIGNATED_ORGANISATION'),
      court1: await organisationId(api, admin, 'COURT'),
    };
    // The unrelated organisations of every kind, each with a user, created as the ADMIN would.
    const created: [Caller, string, string, string | null][] = [
      ['proc2', 'PROCURATORATE', 'PROCURATOR', 'PREFECTURAL'],
      ['assoc2', 'CONSUMER_ASSOCIATION', 'ASSOCIATION_STAFF', 'PROVINCIAL'],
      ['judge2', 'COURT', 'JUDGE', 'PREFECTURAL'],
    ];
    const orgOf: Record<string, string> = {};
    for (const [caller, kind, role, level] of created) {
      const org = await ok(api, admin, `mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id } }`, {
        i: { name: `Second ${kind}`, kind, ...(level ? { level } : {}) },
      });
      orgOf[caller] = org.createOrganisation.id;
      await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email: `${caller}@matrix.local`, displayName: caller, password: PASSWORD, role, organisationId: orgOf[caller] },
      });
      token[caller] = await api.login(`${caller}@matrix.local`, PASSWORD);
    }
    const orgs = { ...demoOrgs, proc2: orgOf.proc2, assoc2: orgOf.assoc2, court2: orgOf.judge2 };
    expect(new Set(Object.values(orgs)).size).toBe(7);

    const [proc1, assoc1, desig1, judge1] = [token.proc1!, token.assoc1!, token.desig1!, token.judge1!];
    const incident1 = await registerIncident(api, proc1);
    const ownIncident: Partial<Record<Caller, string>> = { proc1: incident1 };
    for (const caller of ['assoc1', 'desig1', 'proc2', 'assoc2'] as Caller[]) {
      ownIncident[caller] = await registerIncident(api, token[caller]!, { handler: { name: `${caller} 的平台`, role: 'NETWORK_SERVICE_PROVIDER' } });
    }

    // The case: association 1 sues, the designated organisation co-sues, procuratorate 1 supports; filed at court 1.
    const caseId = (await ok(api, assoc1, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Matrix case', courtId: orgs.court1, supportingOrganisationId: orgs.proc1, defendants: [DEFENDANT] },
    })).openCase.id;
    await ok(api, assoc1, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
      i: { caseId, organisationId: orgs.desig1, role: 'PLAINTIFF' },
    });
    const transition = (t: string, id: string, to: string, on: string) =>
      ok(api, t, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { stage } }`, { i: { caseId: id, to, on } });
    await transition(assoc1, caseId, 'INVESTIGATION', '2025-02-03');
    await transition(assoc1, caseId, 'FILED', '2025-02-17');
    await ok(api, proc1, `mutation($i: LinkLeakIncidentInput!) { linkLeakIncident(input: $i) { id } }`, { i: { caseId, incidentId: incident1 } });

    // The people.
    people.set(S, await enrol(api, assoc1, S, [incident1]));
    expect(await enrol(api, desig1, S, [incident1], {
      name: '张百(另录)',
      phone: phoneFor(200),
      harms: [{ type: 'FRAUD_LOSS', amountFen: B_LOSS, evidenceRefs: [B_EVIDENCE] }],
    })).toBe(people.get(S));
    people.set(A_ONLY, await enrol(api, assoc1, A_ONLY, [incident1]));
    people.set(B_ONLY, await enrol(api, desig1, B_ONLY, [incident1]));
    for (const n of B_ON_A_PHONE) people.set(n, await enrol(api, desig1, n, [incident1], { phone: phoneFor(S) }));
    people.set(R, await enrol(api, assoc1, R, [ownIncident.assoc1!]));
    expect(await enrol(api, desig1, R, [incident1])).toBe(people.get(R));

    // Procuratorate 1's seized dataset of incident1 (matches person A_ONLY by phone) and its job.
    const server = api.app.getHttpServer();
    if (!server.listening) await api.app.listen(0, '127.0.0.1');
    const dir = mkdtempSync(join(tmpdir(), 'leakcase-matrix-'));
    writeFileSync(join(dir, 'seized.csv'), `phone\n${phoneFor(A_ONLY)}\n${phoneFor(900)}\n`);
    const upload = await uploadDataset({
      file: join(dir, 'seized.csv'), incidentId: incident1, columns: 'phone', token: proc1, blindIndexKey: CLASS_TEST_KEY,
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, chunkRows: 100, workers: 1, stateDir: dir,
    });
    expect((await waitForJob(api.gql, proc1, upload.jobId!)).status).toBe('COMPLETED');

    const classId = (await ok(api, assoc1, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId, name: 'Matrix class', definition: 'Everyone exposed by the matrix incident', incidentIds: [incident1] },
    })).formClass.class.id;

    const documentId = (await ok(api, assoc1, `mutation($i: GenerateDocumentInput!) { generateDocument(input: $i) { document { id } } }`, {
      i: { caseId, kind: 'CLASS_COMPOSITION_REPORT', language: 'ZH' },
    })).generateDocument.document.id;

    let next = 1000;
    const csv = (incidentId: string) => `${CSV_HEADER}\n${csvRow(next++, incidentId)}\n`;
    const imported = await request(server).post('/claimants/import').set('authorization', `Bearer ${assoc1}`)
      .set('prefer', 'wait=30').set('content-type', 'text/csv').send(csv(incident1));
    expect(imported.status).toBe(200);

    let suffix = 0;
    const newClass = async () => (await ok(api, assoc1, `mutation($i: FormClassInput!) { formClass(input: $i) { class { id } } }`, {
      i: { caseId, name: `Fresh class ${++suffix}`, definition: 'Everyone exposed by the matrix incident', incidentIds: [incident1] },
    })).formClass.class.id;
    const newReviewedClass = async () => {
      const id = await newClass();
      await ok(api, judge1, `mutation($i: ReviewMembersInput!) { reviewClassMembers(input: $i) { id } }`, { i: { classId: id, filter: {}, action: 'ADMIT', reason: 'admitted for the matrix' } });
      return id;
    };
    const newDataset = async (withChunk = false) => {
      const created = await request(server).post('/datasets').set('authorization', `Bearer ${proc1}`)
        .send({ incidentId: incident1, source: 'fresh', fields: ['PHONE'], chunkRows: 1 });
      if (created.status !== 201) throw new Error(`dataset: ${created.status} ${JSON.stringify(created.body)}`);
      if (withChunk) {
        const put = await request(server).put(`/datasets/${created.body.id}/chunks/0`).set('authorization', `Bearer ${proc1}`)
          .set('content-type', 'application/octet-stream').send(Buffer.alloc(32, 2));
        if (put.status >= 300) throw new Error(`chunk: ${put.status} ${JSON.stringify(put.body)}`);
      }
      return created.body.id as string;
    };

    // Association 1's evidence on the case, and the case's obligations (libs/proof).
    const newEvidence = async () => {
      const res = await request(server).post(`/cases/${caseId}/evidence?title=matrix&source=matrix`).set('authorization', `Bearer ${assoc1}`)
        .set('content-type', 'application/octet-stream').send(Buffer.from(`matrix evidence ${++suffix}\n`));
      if (res.status !== 201) throw new Error(`evidence: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const evidenceId = await newEvidence();
    const obligations = (await ok(api, assoc1, `mutation($c: ID!) { generateObligations(caseId: $c) { elements { id rule partyId } } }`, { c: caseId }))
      .generateObligations.elements;
    // The defendant's own no-fault element, and the plaintiff side's HANDLING: the one an art. 95 flag
    // against the defendant may be on (a bearer is never flagged on its own obligation).
    const lawful = obligations.find((e: { rule: string }) => e.rule === 'LAWFUL_BASIS');
    const handling = obligations.find((e: { rule: string }) => e.rule === 'HANDLING');
    // A second case in evidence exchange, its period running a year from today, with an application of association 1 to extend it.
    const shanghaiToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const evidenceCaseId = (await ok(api, assoc1, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
      i: { type: 'SUPPORTED', title: 'Matrix evidence case', courtId: orgs.court1, supportingOrganisationId: orgs.proc1, defendants: [DEFENDANT] },
    })).openCase.id;
    await ok(api, assoc1, `mutation($i: AddCaseOrganisationInput!) { addCaseOrganisation(input: $i) { id } }`, {
      i: { caseId: evidenceCaseId, organisationId: orgs.desig1, role: 'PLAINTIFF' },
    });
    await transition(assoc1, evidenceCaseId, 'INVESTIGATION', '2025-02-03');
    await transition(assoc1, evidenceCaseId, 'FILED', '2025-02-17');
    const atEvidence = await ok(api, judge1, `mutation($i: TransitionCaseInput!) { transitionCase(input: $i) { parties(role: DEFENDANT) { id } } }`, {
      i: { caseId: evidenceCaseId, to: 'EVIDENCE_EXCHANGE', on: shanghaiToday, days: 365, procedure: 'ORDINARY' },
    });
    const evidenceCaseDefendant = atEvidence.transitionCase.parties[0].id;
    const newExtensionApplication = async () =>
      (await ok(api, assoc1, `mutation($i: ApplyForEvidencePeriodExtensionInput!) { applyForEvidencePeriodExtension(input: $i) { id } }`, {
        i: { caseId: evidenceCaseId, reasons: 'The forensic report is not ready.' },
      })).applyForEvidencePeriodExtension.id as string;
    const extensionApplication = await newExtensionApplication();
    const newAdverseInference = async () => {
      const flagged = await ok(api, judge1, `mutation($i: FlagAdverseInferenceInput!) { flagAdverseInference(input: $i) { adverseInferences { id } } }`, {
        i: { obligationId: handling.id, partyId: lawful.partyId, evidence: `matrix logs ${++suffix}`, reasons: 'Ordered produced; not produced.' },
      });
      return flagged.flagAdverseInference.adverseInferences.at(-1).id as string;
    };
    // Remedies: a compensation ordered on the case, fresh ordered remedies, each organisation's damage model, association 1's assessment.
    const defendantPartyId = (await ok(api, assoc1, `query($c: ID!) { case(id: $c) { parties(role: DEFENDANT) { id } } }`, { c: caseId })).case.parties[0].id;
    const seekOrdered = async (input: Record<string, unknown>) => {
      const sought = (await ok(api, assoc1, `mutation($i: SeekRemedyInput!) { seekRemedy(input: $i) { id measures { id } } }`, {
        i: { caseId, description: 'matrix remedy', soughtOn: '2025-02-20', defendants: [{ partyId: defendantPartyId }], ...input },
      })).seekRemedy;
      await ok(api, judge1, `mutation($i: TransitionRemedyInput!) { transitionRemedy(input: $i) { id } }`, { i: { remedyId: sought.id, to: 'ORDERED', on: '2025-07-01' } });
      return sought as { id: string; measures: { id: string }[] };
    };
    const cessation = () => seekOrdered({ kind: 'CESSATION', measures: [{ description: 'delete the data', dueOn: '2025-09-30' }] });
    const remedyId = (await seekOrdered({ kind: 'COMPENSATION', amountFen: '1000000' })).id;
    const ownModel: Partial<Record<Caller, string>> = {};
    for (const caller of ['proc1', 'assoc1', 'desig1', 'judge1', 'proc2', 'assoc2', 'judge2'] as Caller[]) {
      ownModel[caller] = (await ok(api, token[caller]!, `mutation($i: DefineDamageModelInput!) { defineDamageModel(input: $i) { id } }`, {
        i: { name: 'fixture model', categoryFen: [{ category: 'NAME', fen: 100 }], harmFen: [], spreadTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }], durationTiers: [{ atLeast: 0, multiplierBasisPoints: 10000 }] },
      })).defineDamageModel.id;
    }
    const assessed = (await ok(api, assoc1, `mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { id jobId } }`, {
      i: { classId, method: 'LOSS', modelId: ownModel.assoc1 },
    })).assessCompensation;
    expect((await waitForJob(api.gql, assoc1, assessed.jobId)).status).toBe('COMPLETED');

    fx = {
      remedyId,
      defendantPartyId,
      newRemedy: async () => (await cessation()).id,
      newMeasure: async () => (await cessation()).measures[0].id,
      newApology: async () => (await seekOrdered({ kind: 'APOLOGY', medium: 'WEBSITE', durationDays: 30 })).id,
      ownModel,
      assessmentId: assessed.id,
      orgs,
      evidenceId,
      newEvidence,
      obligationId: handling.id,
      obligationPartyId: lawful.partyId,
      newAdverseInference,
      evidenceCaseId,
      evidenceCaseDefendant,
      newExtensionApplication,
      ownIncident,
      incident1,
      caseId,
      classId,
      claimantS: people.get(S)!,
      claimantAOnly: people.get(A_ONLY)!,
      claimantBOnly: people.get(B_ONLY)!,
      jobId: upload.jobId!,
      datasetId: upload.datasetId,
      importId: imported.body.importId,
      documentId,
      person: () => next++,
      unique: () => `${Date.now().toString(36)}${++suffix}`,
      newCase: async () => (await ok(api, assoc1, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'SUPPORTED', title: `Fresh case ${++suffix}`, courtId: orgs.court1, supportingOrganisationId: orgs.proc1, defendants: [DEFENDANT] },
      })).openCase.id,
      newAdminCase: async (atRecommendation = false) => {
        const id = (await ok(api, proc1, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
          i: { type: 'ADMINISTRATIVE_PUBLIC_INTEREST', title: `Fresh administrative case ${++suffix}`, courtId: orgs.court1, ...(atRecommendation ? { agency: { name: '某市网信办' } } : {}) },
        })).openCase.id;
        if (atRecommendation) {
          await transition(proc1, id, 'INVESTIGATION', '2025-02-03');
          await transition(proc1, id, 'RECOMMENDATION', '2025-02-10');
        }
        return id;
      },
      newRepresentativeCase: async () => (await ok(api, assoc1, `mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }`, {
        i: { type: 'REPRESENTATIVE_ACTION', title: `Fresh representative action ${++suffix}`, courtId: orgs.court1, defendants: [DEFENDANT], claimantsNumberUncertain: true },
      })).openCase.id,
      newClass,
      newReviewedClass,
      newUser: async () => (await ok(api, admin, `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        i: { email: `fresh${++suffix}@matrix.local`, displayName: 'Fresh judge', password: 'fresh-matrix-password', role: 'JUDGE', organisationId: orgs.court2 },
      })).createUser.id,
      newCertifiedClass: async () => {
        const id = await newReviewedClass();
        await ok(api, judge1, `mutation($i: ClassDecisionInput!) { certifyClass(input: $i) { id } }`, { i: { classId: id, reason: 'certified for the matrix' } });
        return id;
      },
      newDataset,
      csv,
      enrolment: (incidentId) => enrolInput(next++, incidentId),
    };
    secrets = [evidenceCaseId, extensionApplication, remedyId, assessed.id, caseId, classId, incident1, evidenceId, handling.id, ownIncident.assoc1!, ownIncident.desig1!, upload.jobId!, upload.datasetId, imported.body.importId, documentId, ...people.values()];
  });

  afterAll(async () => {
    const operations = Object.keys(QUERIES).length + Object.keys(MUTATIONS).length + Object.keys(ROUTES).length;
    console.log(
      `authorization matrix: ${operations} operations × ${CALLERS.length} callers = ${operations * CALLERS.length} cells; ${calls} calls in all (with random-id twins)\n` +
        (mismatches.length ? `${mismatches.length} mismatches:\n  ${mismatches.join('\n  ')}` : 'no mismatches'),
    );
    await api?.close();
  });

  describe('covers exactly the operations the API has', () => {
    it('every Query and Mutation field of the introspected schema has a row, and every row an operation', async () => {
      const res = await gqlRaw(`{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`, {}, 'anon');
      const schema = res.body.data.__schema;
      const names = (type: { fields: { name: string }[] }) => type.fields.map((f) => f.name).sort();
      expect({ queries: names(schema.queryType), mutations: names(schema.mutationType) }).toEqual({
        queries: Object.keys(QUERIES).sort(),
        mutations: Object.keys(MUTATIONS).sort(),
      });
    });

    it("every route of the express router has a row, and every row a route", () => {
      const app = api.app.getHttpAdapter().getInstance();
      const stack: any[] = (app.router ?? app._router).stack;
      const routes = stack
        .filter((layer) => layer.route)
        .flatMap((layer) => Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route.path}`));
      expect(routes.sort()).toEqual(Object.keys(ROUTES).sort());
    });
  });

  describe('queries', () => {
    it.each(Object.entries(QUERIES))('%s', async (name, op) => {
      expect(await runRow(name, op as GraphqlOperation)).toEqual([]);
    });
  });

  describe('row level: nothing of another organisation in lists, counts, totals and nested fields', () => {
    const MEMBER = `claimantId harmTypes declaredLossFen hasEvidence bases claimant { id nameMasked }`;
    const members = async (caller: Caller) =>
      (await ok(api, token[caller]!, `query($c: ID!) { classMembers(classId: $c, first: 100) { totalCount nodes { ${MEMBER} } } }`, { c: fx.classId })).classMembers;
    const idsOf = (nodes: { claimantId: string }[]) => nodes.map((n) => n.claimantId).sort();
    const ids = (...ns: number[]) => ns.map((n) => people.get(n)!).sort();

    it("association 1's view of S holds none of the designated organisation's record (harm, loss, evidence, phone)", async () => {
      const view = await ok(api, token.assoc1!, `query($id: ID!) { claimant(id: $id) { phoneMasked nameMasked harms { type amountFen evidenceRefs }
          exposures { nodes { incidentId basis } } classMemberships { nodes { classId state subclass } } } }`, { id: fx.claimantS });
      const text = JSON.stringify(view);
      expect(text).not.toContain('FRAUD_LOSS');
      expect(text).not.toContain(B_LOSS);
      expect(text).not.toContain(B_EVIDENCE);
      expect(view.claimant.phoneMasked.slice(-4)).toBe(phoneFor(S).slice(-4));
      expect(view.claimant.harms).toEqual([]);
      // And the designated organisation sees its own record of S, not association 1's phone.
      const other = await ok(api, token.desig1!, `query($id: ID!) { claimant(id: $id) { phoneMasked harms { amountFen } } }`, { id: fx.claimantS });
      expect(other.claimant).toEqual({ phoneMasked: expect.stringMatching(new RegExp(`${phoneFor(200).slice(-4)}$`)), harms: [{ amountFen: B_LOSS }] });
    });

    it('class members: each plaintiff organisation its own enrolments with its own facts; the court all of them', async () => {
      const a = await members('assoc1');
      // R is in the class only through the designated organisation's declaration of incident1.
      expect(idsOf(a.nodes)).toEqual(ids(S, A_ONLY));
      expect(a.totalCount).toBe(2);
      const sOfA = a.nodes.find((m: { claimantId: string }) => m.claimantId === fx.claimantS);
      expect(sOfA).toMatchObject({ declaredLossFen: null, hasEvidence: false, harmTypes: [] });
      const b = await members('desig1');
      expect(idsOf(b.nodes)).toEqual(ids(S, B_ONLY, ...B_ON_A_PHONE, R));
      expect(b.nodes.find((m: { claimantId: string }) => m.claimantId === fx.claimantS)).toMatchObject({ declaredLossFen: B_LOSS, hasEvidence: true });
      // The dataset matched A_ONLY: that basis is the incident's, shown to the organisation that enrolled A_ONLY.
      expect((await members('judge1')).totalCount).toBe(people.size);
      expect((await members('proc1')).totalCount).toBe(0);
    });

    it('composition: counts and losses from the caller\'s own enrolments; merged for the court', async () => {
      const q = `query($c: ID!) { classComposition(classId: $c) { totalMembers harmTypes { harmType members } losses { members sumFen maxFen } } }`;
      const a = (await ok(api, token.assoc1!, q, { c: fx.classId })).classComposition;
      expect(a.totalMembers).toBe(2);
      expect(JSON.stringify(a)).not.toContain(B_LOSS);
      expect(a.harmTypes.find((h: { harmType: string }) => h.harmType === 'FRAUD_LOSS')?.members ?? 0).toBe(0);
      const court = (await ok(api, token.judge1!, q, { c: fx.classId })).classComposition;
      expect(court.totalMembers).toBe(people.size);
      expect(court.losses.maxFen).toBe(B_LOSS);
    });

    it('classAnomalies(SHARED_PHONE) counts only own enrolments', async () => {
      const q = `query($c: ID!, $t: Int!) { classAnomalies(classId: $c, kind: SHARED_PHONE, threshold: $t, first: 50) { totalCount nodes { sharedBy member { claimantId } } } }`;
      const page = async (caller: Caller, t: number) => (await ok(api, token[caller]!, q, { c: fx.classId, t })).classAnomalies;
      // Association 1 gave S's phone once; the designated organisation gave it twice (103, 104) and another for S.
      expect((await page('assoc1', 2)).totalCount).toBe(0);
      const b = await page('desig1', 2);
      expect(idsOf(b.nodes.map((n: any) => n.member))).toEqual(ids(...B_ON_A_PHONE));
      expect(b.nodes.map((n: { sharedBy: number }) => n.sharedBy)).toEqual([2, 2]);
      const court = await page('judge1', 3);
      expect(idsOf(court.nodes.map((n: any) => n.member))).toEqual(ids(S, ...B_ON_A_PHONE));
    });

    it("assessments: an organisation's amount for S from its own record only; the court's from the merged view", async () => {
      const amountOfS = async (caller: Caller) => {
        const queued = (await ok(api, token[caller]!, `mutation($i: AssessCompensationInput!) { assessCompensation(input: $i) { id jobId } }`, {
          i: { classId: fx.classId, method: 'LOSS', modelId: fx.ownModel[caller] },
        })).assessCompensation;
        expect((await waitForJob(api.gql, token[caller]!, queued.jobId)).status).toBe('COMPLETED');
        const member = (await ok(api, token[caller]!, `query($a: ID!, $c: ID!) { memberAssessment(assessmentId: $a, claimantId: $c) {
            propertyFen amountFen explanation { provenLossFen harms { harmType fen } } claimant { nameMasked idNumberMasked } } }`, { a: queued.id, c: fx.claimantS })).memberAssessment;
        return { id: queued.id as string, member };
      };
      const a = await amountOfS('assoc1');
      expect(a.member).toMatchObject({ propertyFen: '0', explanation: { provenLossFen: '0', harms: [] } });
      expect(JSON.stringify(a.member)).not.toContain(B_LOSS);
      const b = await amountOfS('desig1');
      expect(b.member).toMatchObject({ propertyFen: B_LOSS, explanation: { provenLossFen: B_LOSS, harms: [{ harmType: 'FRAUD_LOSS', fen: 0 }] } });
      // S's masks: association 1 recorded 张100, the designated organisation 张百(另录); the ID number
      // 110000199004171015 is the person's. The court sees the first of the parties' enrolments, association 1's.
      expect(a.member.claimant).toEqual({ nameMasked: '张***', idNumberMasked: '110***********1015' });
      expect(b.member.claimant).toEqual({ nameMasked: '张*****', idNumberMasked: '110***********1015' });
      const court = (await amountOfS('judge1')).member;
      expect(court.propertyFen).toBe(B_LOSS);
      expect(court.claimant).toEqual({ nameMasked: '张***', idNumberMasked: '110***********1015' });
      // Neither association reads the other's assessment: the same NOT_FOUND as a random id.
      const q = `query($a: ID!) { assessment(assessmentId: $a) { id } }`;
      const foreign = await gqlRaw(q, { a: b.id }, 'assoc1');
      const randomId = randomUUID();
      expect(normalise(foreign, b.id)).toBe(normalise(await gqlRaw(q, { a: randomId }, 'assoc1'), randomId));
    });

    it('claimants(incidentId:) does not list a person whose only link to the incident is another organisation\'s declaration', async () => {
      const q = `query($i: ID) { claimants(incidentId: $i, first: 100) { totalCount nodes { id } } }`;
      const a = (await ok(api, token.assoc1!, q, { i: fx.incident1 })).claimants;
      expect(a.nodes.map((n: { id: string }) => n.id)).not.toContain(people.get(R));
      const exposures = (await ok(api, token.assoc1!, `query($i: ID!) { incidentExposures(incidentId: $i, first: 100) { nodes { claimantId } } }`, { i: fx.incident1 })).incidentExposures;
      expect(exposures.nodes.map((n: { claimantId: string }) => n.claimantId)).not.toContain(people.get(R));
    });

    it('claimantCounts: own enrolments; the total over every organisation for the ADMIN only', async () => {
      const q = `{ claimantCounts { enrolledByYou total } }`;
      const a = (await ok(api, token.assoc1!, q)).claimantCounts;
      expect(a.total).toBeNull();
      for (const caller of ['proc2', 'assoc2', 'judge1', 'judge2'] as Caller[]) {
        expect((await ok(api, token[caller]!, q)).claimantCounts).toEqual({ enrolledByYou: 0, total: null });
      }
      expect((await ok(api, token.admin!, q)).claimantCounts.total).toBeGreaterThanOrEqual(people.size);
    });

    it.each([
      ['optOutClassMember', 'MemberReasonInput', {}],
      ['reassignClassSubclass', 'ReassignSubclassInput', { subclass: 'FINANCIAL_LOSS' }],
    ])("%s: a member of the caller's class it did not enrol is refused like a random claimant", async (name, input, extra) => {
      const q = `mutation($i: ${input}!) { ${name}(input: $i) { id } }`;
      const classId = await fx.newClass();
      // Association 1 and the designated organisation's own member; procuratorate 1 (a party) and S.
      for (const [caller, person] of [['assoc1', B_ONLY], ['proc1', S]] as [Caller, number][]) {
        const foreign = await gqlRaw(q, { i: { classId, claimantId: people.get(person), reason: 'matrix decision', ...extra } }, caller);
        const randomId = randomUUID();
        const random = await gqlRaw(q, { i: { classId, claimantId: randomId, reason: 'matrix decision', ...extra } }, caller);
        expect(foreign.body.errors?.[0].extensions.code).toBe('NOT_FOUND');
        expect(normalise(foreign, people.get(person)!)).toBe(normalise(random, randomId));
      }
    });
  });

  describe('mutations', () => {
    it.each(Object.entries(MUTATIONS))('%s', async (name, op) => {
      expect(await runRow(name, op as GraphqlOperation)).toEqual([]);
    });
  });

  describe('REST routes', () => {
    it.each(Object.entries(ROUTES))('%s', async (name, op) => {
      expect(await runRow(name, op as RestRoute)).toEqual([]);
    });
  });

  // Last, as it adds an enrolment: association 2 enrols a person procuratorate 1's seized dataset
  // of incident1 matched. Association 2 cannot see incident1, so nothing may tell it apart from a random id.
  it("incidentExposures of an incident the caller cannot see stays indistinguishable once the caller's own claimant was matched by it", async () => {
    await enrol(api, token.assoc2!, A_ONLY, [fx.ownIncident.assoc2!]);
    const q = `query($i: ID!) { incidentExposures(incidentId: $i, first: 10) { totalCount nodes { claimantId basis } } }`;
    const randomId = randomUUID();
    const foreign = await gqlRaw(q, { i: fx.incident1 }, 'assoc2');
    const random = await gqlRaw(q, { i: randomId }, 'assoc2');
    // Finding: today the foreign incident answers its match (totalCount 1, DATASET_MATCH), a random id an empty page.
    expect(normalise(foreign, fx.incident1)).toBe(normalise(random, randomId));
  });
});
