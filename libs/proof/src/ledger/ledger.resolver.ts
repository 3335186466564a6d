import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, Allow, AuditService, type Connection, CurrentActor, InputError, Job, JobsService, mapConnection, PageArgs, Role } from '@app/platform';
import { EvidenceService } from '../evidence/evidence.service';
import { EvidenceLogService } from './evidence-log.service';
import { LedgerChecksService } from './ledger-checks.service';
import {
  ConsistencyProof,
  ConsistencyProofArgs,
  InclusionProof,
  InclusionProofArgs,
  LedgerAlert,
  LedgerAlertConnection,
  LedgerCheckpoint,
  LedgerCheckpointConnection,
  LedgerCheckpointsArgs,
  type LedgerLogName,
  VerifyLedgerArgs,
} from './ledger.model';
import { type AlertRow, type CheckpointRow, LedgerRepository } from './ledger.repository';
import { LEDGER_VERIFY, type LedgerVerifyPayload } from './ledger-verify.job';

const PLAINTIFF_SIDE_AND_COURT = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE, Role.ADMIN];

@Resolver()
export class LedgerResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly log: EvidenceLogService,
    private readonly checks: LedgerChecksService,
    private readonly repository: LedgerRepository,
    private readonly evidence: EvidenceService,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The evidence log's current head, signed: keep `note` to check later that the log was only
   * ever appended to (`verifyLedger(heldEvidenceHead)`, `leakcase ledger verify --head`). Every
   * head handed out is stored as a checkpoint and written to the checkpoint directory.
   */
  @Allow(...PLAINTIFF_SIDE_AND_COURT)
  @Query(() => LedgerCheckpoint)
  async evidenceLogHead(): Promise<LedgerCheckpoint> {
    return this.toCheckpoint((await this.checks.checkpoint()).evidence);
  }

  /** Signed heads of a log, newest first: what a court keeps (it may also read them from the checkpoint files). */
  @Allow(Role.JUDGE, Role.ADMIN)
  @Query(() => LedgerCheckpointConnection)
  async ledgerCheckpoints(@Args() args: LedgerCheckpointsArgs): Promise<Connection<LedgerCheckpoint>> {
    const page = await this.repository.listCheckpoints(args.log, args.first, args.after);
    return mapConnection(page, (row) => this.toCheckpoint(row));
  }

  /** The inclusion proof of an evidence item the caller may see, against `treeSize` (default: now). */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Query(() => InclusionProof)
  async evidenceInclusionProof(@CurrentActor() actor: Actor, @Args() args: InclusionProofArgs): Promise<InclusionProof> {
    const item = await this.evidence.get(actor, args.evidenceId);
    const treeSize = args.treeSize ?? (await this.log.head()).treeSize;
    const index = Number(item.ledgerIndex);
    if (index >= treeSize) throw new InputError('treeSize', `must be above the item's index ${index}`);
    const [built, rootHash] = await Promise.all([this.log.inclusionProof(index, treeSize), this.log.rootAt(treeSize)]);
    return { leafIndex: index, treeSize, leafHash: built.leafHash.toString('hex'), proof: built.proof.map((p) => p.toString('hex')), rootHash: rootHash.toString('hex'), rowsRead: built.rowsRead };
  }

  /** The consistency proof between two sizes of the evidence log (RFC 9162 2.1.4). */
  @Allow(...PLAINTIFF_SIDE_AND_COURT)
  @Query(() => ConsistencyProof)
  async evidenceConsistencyProof(@Args() { from, to }: ConsistencyProofArgs): Promise<ConsistencyProof> {
    const built = await this.log.consistencyProof(from, to);
    const [fromRoot, toRoot] = await Promise.all([this.log.rootAt(from), this.log.rootAt(to)]);
    return { from, to, fromRoot: fromRoot.toString('hex'), toRoot: toRoot.toString('hex'), proof: built.proof.map((p) => p.toString('hex')), rowsRead: built.rowsRead };
  }

  /**
   * Starts a full verification of the evidence log (leaves, subtrees, files, item and document
   * rows, checkpoints) and the audit chain, against the heads the caller holds; the outcome is in
   * `job(id).result`. BAD_USER_INPUT for a held head that is not a head of its log signed by the
   * ledger's key or an earlier trusted one (trailing whitespace is tolerated).
   */
  @Allow(Role.ADMIN, Role.JUDGE)
  @Mutation(() => Job)
  verifyLedger(@CurrentActor() actor: Actor, @Args() args: VerifyLedgerArgs): Promise<Job> {
    // A held head that is not a signed head of its log is the caller's mistake: refused here, before any job or alert.
    if (args.heldEvidenceHead) this.checks.openHeld('EVIDENCE', args.heldEvidenceHead, 'heldEvidenceHead');
    if (args.heldAuditHead) this.checks.openHeld('AUDIT', args.heldAuditHead, 'heldAuditHead');
    return this.dataSource.transaction(async (manager) => {
      const payload: LedgerVerifyPayload = { evidence: args.heldEvidenceHead ?? null, audit: args.heldAuditHead ?? null };
      const job = await this.jobs.enqueue(manager, actor, LEDGER_VERIFY, payload as Record<string, unknown>);
      await this.audit.record(manager, actor, { action: 'ledger.verify', subjectType: 'Job', subjectId: job.id, details: { heldEvidenceHead: Boolean(args.heldEvidenceHead), heldAuditHead: Boolean(args.heldAuditHead) } });
      return job;
    });
  }

  /** Failed verifications: ADMIN all of them, a judge those about the cases filed at its court and every log-wide one (no case). */
  @Allow(Role.ADMIN, Role.JUDGE)
  @Query(() => LedgerAlertConnection)
  async ledgerAlerts(@CurrentActor() actor: Actor, @Args() args: PageArgs): Promise<Connection<LedgerAlert>> {
    return mapConnection(await this.repository.listAlerts(actor, args.first, args.after), toAlert);
  }

  private toCheckpoint(row: CheckpointRow): LedgerCheckpoint {
    return {
      id: row.id,
      log: row.log as LedgerLogName,
      treeSize: String(row.tree_size),
      rootHash: row.root_hash.toString('hex'),
      note: row.note,
      verifierKey: this.log.verifierKey,
      createdAt: row.created_at,
    };
  }
}

function toAlert(row: AlertRow): LedgerAlert {
  return {
    id: row.id,
    log: row.log as LedgerLogName,
    caseId: row.case_id,
    firstFailing: row.first_failing === null ? null : String(row.first_failing),
    reason: row.reason,
    detectedAt: row.detected_at,
  };
}
