import { ArgsType, Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { ConnectionType, PageArgs } from '@app/platform';

/** Which log: the evidence log (RFC 9162 tree) or the audit chain. */
export enum LedgerLogName {
  EVIDENCE = 'EVIDENCE',
  AUDIT = 'AUDIT',
}
registerEnumType(LedgerLogName, { name: 'LedgerLog' });

const MAX_SIZE = 2 ** 31 - 1;

/** A signed head of a log, as stored and written to LEDGER_CHECKPOINT_DIR. */
@ObjectType()
export class LedgerCheckpoint {
  @Field(() => ID)
  id: string;

  @Field(() => LedgerLogName)
  log: LedgerLogName;

  @Field({ description: 'EVIDENCE: entries in the tree; AUDIT: the last seq of the chain (a bigint, as a string)' })
  treeSize: string;

  @Field({ description: 'EVIDENCE: the RFC 9162 root; AUDIT: the hash of the audit row at that seq (hex)' })
  rootHash: string;

  @Field({ description: 'The C2SP tlog-checkpoint body in a C2SP signed-note with its Ed25519 signature: keep it to check the log later' })
  note: string;

  @Field({ description: 'The signed-note verifier key that checks `note`' })
  verifierKey: string;

  @Field()
  createdAt: Date;
}

/** A page of checkpoints. */
export const LedgerCheckpointConnection = ConnectionType(LedgerCheckpoint);

/** `ledgerCheckpoints(log, first, after)`. */
@ArgsType()
export class LedgerCheckpointsArgs extends PageArgs {
  @Field(() => LedgerLogName)
  @IsIn(Object.values(LedgerLogName))
  log: LedgerLogName;
}

/** RFC 9162 2.1.3 inclusion proof of an evidence item's log entry. */
@ObjectType()
export class InclusionProof {
  @Field(() => Int, { description: '0-based index of the entry' })
  leafIndex: number;

  @Field(() => Int)
  treeSize: number;

  @Field({ description: 'SHA-256(0x00 || leaf), hex' })
  leafHash: string;

  @Field(() => [String], { description: 'PATH(leafIndex, D[0:treeSize]), hex, from the leaf upwards' })
  proof: string[];

  @Field({ description: 'MTH(D[0:treeSize]), hex' })
  rootHash: string;

  @Field(() => Int, { description: 'Stored subtree rows read to build it (O(log n))' })
  rowsRead: number;
}

/** RFC 9162 2.1.4 consistency proof between two sizes of the evidence log. */
@ObjectType()
export class ConsistencyProof {
  @Field(() => Int)
  from: number;

  @Field(() => Int)
  to: number;

  @Field()
  fromRoot: string;

  @Field()
  toRoot: string;

  @Field(() => [String], { description: 'PROOF(from, D[0:to]), hex' })
  proof: string[];

  @Field(() => Int)
  rowsRead: number;
}

/** `evidenceInclusionProof(evidenceId, treeSize)`. */
@ArgsType()
export class InclusionProofArgs {
  @Field(() => ID)
  @IsUUID()
  evidenceId: string;

  @Field(() => Int, { nullable: true, description: 'The tree size to prove against; default the current size' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  treeSize?: number;
}

/** `evidenceConsistencyProof(from, to)`: 0 < from <= to <= the current size. */
@ArgsType()
export class ConsistencyProofArgs {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  from: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(MAX_SIZE)
  to: number;
}

/** `verifyLedger`: the signed heads the caller kept, if any. */
@ArgsType()
export class VerifyLedgerArgs {
  @Field(() => String, { nullable: true, description: 'A signed note of the evidence log the caller kept (LedgerCheckpoint.note)' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  heldEvidenceHead?: string;

  @Field(() => String, { nullable: true, description: 'A signed note of the audit chain the caller kept' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  heldAuditHead?: string;
}

/** A failed verification of a log. */
@ObjectType()
export class LedgerAlert {
  @Field(() => ID)
  id: string;

  @Field(() => LedgerLogName)
  log: LedgerLogName;

  @Field(() => ID, { nullable: true, description: 'The case of the first failing entry, when it has one' })
  caseId: string | null;

  @Field(() => String, { nullable: true, description: 'Ledger index or audit seq of the first entry to blame (a bigint, as a string)' })
  firstFailing: string | null;

  @Field()
  reason: string;

  @Field()
  detectedAt: Date;
}

/** A page of alerts. */
export const LedgerAlertConnection = ConnectionType(LedgerAlert);
