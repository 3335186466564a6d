import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, MaxItems } from '@app/platform';
import { DataCategory } from '@app/leaks';
import { ExposureBasis, HarmType } from '@app/claimants';
import { REPRESENTATIVES } from '@app/cases';
import { ClassStatus, MemberState } from './rules/membership';
import { AdequacyWarningKind } from './rules/representatives';
import { Subclass, SubclassRuleId } from './rules/subclasses';

export enum ReviewDecisionKind {
  FORM = 'FORM',
  REFORM = 'REFORM',
  ADMIT = 'ADMIT',
  EXCLUDE = 'EXCLUDE',
  OPT_OUT = 'OPT_OUT',
  REGISTER = 'REGISTER',
  REASSIGN_SUBCLASS = 'REASSIGN_SUBCLASS',
  CERTIFY = 'CERTIFY',
  REFUSE_CERTIFICATION = 'REFUSE_CERTIFICATION',
  REOPEN = 'REOPEN',
  ELECT_REPRESENTATIVES = 'ELECT_REPRESENTATIVES',
}
registerEnumType(ReviewDecisionKind, { name: 'ReviewDecisionKind' });

/** The integrity anomalies of domain.md section 6, each a paginated list of members. */
export enum ClassAnomalyKind {
  /** Also a current member of another class over one of this class's incidents. */
  DUPLICATE_ACROSS_CLASSES = 'DUPLICATE_ACROSS_CLASSES',
  /** The only basis of membership is the claimant's own declaration. */
  SELF_DECLARED_ONLY = 'SELF_DECLARED_ONLY',
  /** Evidence dated before the exposure window of the member's incidents opened. */
  EVIDENCE_OUTSIDE_WINDOW = 'EVIDENCE_OUTSIDE_WINDOW',
  /** Enrolled with a phone number that at least `threshold` members of the class share. */
  SHARED_PHONE = 'SHARED_PHONE',
  /** Enrolled with an address (compared by its blind index, normalised) that at least `threshold` members of the class share. */
  SHARED_ADDRESS = 'SHARED_ADDRESS',
  /** No verified basis and no evidence reference on any harm declaration. */
  NO_EVIDENCE = 'NO_EVIDENCE',
}
registerEnumType(ClassAnomalyKind, { name: 'ClassAnomalyKind' });

@ObjectType()
export class ClassModel {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  caseId: string;

  @Field()
  name: string;

  @Field({ description: 'The class definition: who belongs, on which common facts' })
  definition: string;

  @Field(() => [ID], { description: 'The leak incidents argued to be one source' })
  incidentIds: string[];

  @Field(() => [ExposureBasis], { description: 'Exposure bases that make a claimant a candidate' })
  bases: ExposureBasis[];

  @Field(() => ClassStatus)
  status: ClassStatus;

  @Field(() => String, { nullable: true })
  statusReason: string | null;

  @Field({ description: 'When its last formation (formClass or reformClass) ended: the members are those as of that moment' })
  formedAt: Date;

  @Field({ description: 'When the class was created' })
  createdAt: Date;
}

@ObjectType()
export class ClassConnection extends ConnectionType(ClassModel) {}

/** A claimant as a class roster shows them: masked identifiers only. */
@ObjectType({ description: "Masked identifiers only. The plaintiff side sees the name as its own enrolment recorded it; the court as the first of the case's parties' enrolments did" })
export class MaskedClaimant {
  @Field(() => ID)
  id: string;

  @Field()
  nameMasked: string;

  @Field()
  idNumberMasked: string;
}

/**
 * Whose facts a member carries depends on the viewer (libs/platform visibility): the court of the
 * case sees the merged facts of the case's parties' enrolments of the person; a plaintiff
 * organisation sees only its own enrolled members, each with the facts of its own enrolment.
 */
/** A subclass rule as the API shows it: which rule, the subclass it gives, its condition and reason in words, its legal source. */
@ObjectType('SubclassRule', { description: 'The rule that put a member in its subclass (rules/subclasses.ts), with its reason and legal source' })
export class SubclassRuleModel {
  @Field(() => SubclassRuleId)
  id: SubclassRuleId;

  @Field(() => Subclass)
  subclass: Subclass;

  @Field({ description: 'When the rule holds, in words' })
  condition: string;

  @Field({ description: 'Why it places the member there, in words' })
  reason: string;

  @Field({ description: 'The articles it applies' })
  source: string;
}

@ObjectType({
  description:
    "A member of a class, put there by the enrolment of a party to the case (no other organisation's). The court of the case sees every member " +
    "with the merged facts of the parties' enrolments of the person (harms, declared loss, evidence, bases, verification). A procuratorate or " +
    'association sees only the members it enrolled, each with the facts its own enrolment gives: its harms, loss and evidence, its own ' +
    'declaration, and verification by a dataset match of its own identifiers. Nothing another organisation recorded reaches it, nor that ' +
    "another organisation enrolled the person. The state is the member's, the same for every viewer; its reason, and a subclass moved by " +
    'hand, are shown only when your organisation or the court gave them.',
})
export class ClassMember {
  @Field(() => ID)
  classId: string;

  @Field(() => ID)
  claimantId: string;

  @Field(() => MemberState)
  state: MemberState;

  @Field(() => String, { nullable: true, description: 'Why the member was excluded, opted out or readmitted' })
  stateReason: string | null;

  @Field(() => Subclass)
  subclass: Subclass;

  @Field(() => String, { nullable: true, description: 'Set when the subclass was reassigned by hand' })
  subclassReason: string | null;

  @Field(() => SubclassRuleModel, { nullable: true, description: 'The rule that put the member in its subclass; null when it was reassigned by hand (subclassReason says why)' })
  subclassRule: SubclassRuleModel | null;

  @Field(() => [ExposureBasis])
  bases: ExposureBasis[];

  @Field({ description: 'Exposure verified by a dataset match or a breach notice' })
  verified: boolean;

  @Field(() => [DataCategory], {
    description: "The member's own data categories: those of the seized rows its identifiers matched (with the identifier kinds that matched), and those it declared with evidence",
  })
  dataCategories: DataCategory[];

  @Field(() => [DataCategory], { description: 'Those of dataCategories that only the claimant declared (with evidence): the seized data does not show them' })
  declaredDataCategories: DataCategory[];

  @Field(() => [HarmType])
  harmTypes: HarmType[];

  @Field(() => String, { nullable: true, description: 'Declared loss in fen (integer as a string)' })
  declaredLossFen: string | null;

  @Field()
  hasEvidence: boolean;

  @Field()
  evidenceOutsideWindow: boolean;

  @Field(() => Date, {
    nullable: true,
    description: "When the person first joined the class: the court's figure. Null for the plaintiff side, since another organisation's enrolment may have put the person in first",
  })
  joinedAt: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "How many of the case's parties enrolled the person (a count, never which): the court's figure. Null for the plaintiff side",
  })
  enrollingOrganisations: number | null;
}

/** What a decision by filter would do now: the members it would move, from which states. */
@ObjectType({ description: 'A preview of reviewClassMembers: how many members the same filter and action would move now' })
export class ReviewPreview {
  @Field(() => Int)
  members: number;

  @Field(() => [MemberState], { description: 'The states a decision by filter moves members from (never EXCLUDED)' })
  fromStates: MemberState[];
}

@ObjectType()
export class ClassMemberConnection extends ConnectionType(ClassMember) {}

/**
 * A claimant's membership of one class, as the organisation that enrolled the claimant sees it
 * (`Claimant.classMemberships`), in the cases it may see: the class, the state and subclass, and
 * the court's reason when it excluded the claimant. Nothing of the class's other members.
 */
@ObjectType()
export class ClaimantClassMembership {
  @Field(() => ID)
  classId: string;

  @Field(() => MemberState)
  state: MemberState;

  @Field(() => Subclass)
  subclass: Subclass;

  @Field(() => String, { nullable: true, description: 'Why the court excluded the claimant; null unless EXCLUDED' })
  exclusionReason: string | null;

  /** Internal: the batch key. */
  claimantId: string;
}

@ObjectType()
export class ClaimantClassMembershipConnection extends ConnectionType(ClaimantClassMembership) {}

@ObjectType()
export class ClassAnomaly {
  @Field(() => ClassAnomalyKind)
  kind: ClassAnomalyKind;

  @Field(() => ClassMember)
  member: ClassMember;

  @Field(() => [ID], { nullable: true, description: 'DUPLICATE_ACROSS_CLASSES: the other classes, in cases you may see' })
  otherClassIds: string[] | null;

  @Field(() => Int, { nullable: true, description: 'DUPLICATE_ACROSS_CLASSES: the other classes in cases you may not see, counted only' })
  hiddenOtherClasses: number | null;

  @Field(() => String, { nullable: true, description: 'SHARED_PHONE: the shared number, masked' })
  sharedPhoneMasked: string | null;

  @Field(() => Int, { nullable: true, description: 'SHARED_PHONE / SHARED_ADDRESS: members of the class enrolled with that number or address' })
  sharedBy: number | null;
}

@ObjectType()
export class ClassAnomalyConnection extends ConnectionType(ClassAnomaly) {}

@ObjectType()
export class StateCount {
  @Field(() => MemberState)
  state: MemberState;

  @Field(() => Int)
  members: number;
}

@ObjectType()
export class SubclassCount {
  @Field(() => Subclass)
  subclass: Subclass;

  @Field(() => Int)
  members: number;

  @Field(() => Float, { description: 'Share of the current members' })
  share: number;
}

@ObjectType()
export class BasisCount {
  @Field(() => ExposureBasis)
  basis: ExposureBasis;

  @Field(() => Int, { description: 'Current members with this basis (a member may have several)' })
  members: number;
}

@ObjectType()
export class CategoryCount {
  @Field(() => DataCategory)
  category: DataCategory;

  @Field(() => Int)
  members: number;
}

@ObjectType()
export class HarmTypeCount {
  @Field(() => HarmType)
  harmType: HarmType;

  @Field(() => Int)
  members: number;
}

@ObjectType()
export class LossSummary {
  @Field(() => Int, { description: 'Current members who declared a loss' })
  members: number;

  @Field({ description: 'Sum in fen (integer as a string)' })
  sumFen: string;

  @Field(() => String, { nullable: true, description: 'Median in fen (may end in .5)' })
  medianFen: string | null;

  @Field(() => String, { nullable: true })
  maxFen: string | null;
}

/**
 * Composition of a class as the judge reviews it (domain.md section 6). Counts by state are over
 * all members; everything else over the current members (PROPOSED, ADMITTED, REGISTERED).
 */
@ObjectType()
export class ClassComposition {
  @Field(() => ID)
  classId: string;

  @Field(() => Int)
  totalMembers: number;

  @Field(() => Int, { description: 'PROPOSED, ADMITTED or REGISTERED' })
  currentMembers: number;

  @Field(() => [StateCount])
  @MaxItems(Object.keys(MemberState).length)
  byState: StateCount[];

  @Field(() => [SubclassCount])
  @MaxItems(Object.keys(Subclass).length)
  bySubclass: SubclassCount[];

  @Field(() => [BasisCount])
  @MaxItems(Object.keys(ExposureBasis).length)
  byBasis: BasisCount[];

  @Field(() => Int, { description: 'Current members verified by a dataset match or a breach notice' })
  verifiedMembers: number;

  @Field(() => Float, { description: 'verifiedMembers / currentMembers (0 when empty)' })
  verifiedShare: number;

  @Field(() => Int)
  membersWithoutEvidence: number;

  @Field(() => [CategoryCount])
  @MaxItems(Object.keys(DataCategory).length)
  dataCategories: CategoryCount[];

  @Field(() => [HarmTypeCount])
  @MaxItems(Object.keys(HarmType).length)
  harmTypes: HarmTypeCount[];

  @Field(() => Int)
  membersWithoutHarm: number;

  @Field(() => LossSummary)
  losses: LossSummary;
}

@ObjectType()
export class ReviewDecision {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  classId: string;

  @Field(() => ReviewDecisionKind)
  kind: ReviewDecisionKind;

  @Field(() => ID, { nullable: true })
  claimantId: string | null;

  @Field(() => String, { nullable: true, description: "The filter a bulk decision applied, as JSON: the court's only (it reads the merged facts, so with a plaintiff's own facts of a member it would tell of another party's enrolment)" })
  filter: string | null;

  @Field(() => String, { nullable: true })
  reason: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'How many members the decision changed. For a decision over many members (formation, bulk review) a count of the whole ' +
      "class: the court's figure, null for the plaintiff side, which counts only the members it enrolled",
  })
  touched: number | null;

  @Field(() => ID)
  actorId: string;

  @Field(() => ID)
  organisationId: string;

  @Field()
  decidedAt: Date;
}

@ObjectType()
export class ReviewDecisionConnection extends ConnectionType(ReviewDecision) {}

@ObjectType()
export class FormationResult {
  @Field(() => ClassModel)
  class: ClassModel;

  @Field(() => Int, { description: "Members added to your organisation's view of the class by this run (its own enrollees)" })
  added: number;

  @Field(() => Int, { description: 'Members of your view whose facts, as your organisation recorded them, changed (new basis, harm or evidence)' })
  refreshed: number;

  @Field(() => ReviewDecision)
  decision: ReviewDecision;
}

@ObjectType()
export class AdequacyWarning {
  @Field(() => AdequacyWarningKind)
  kind: AdequacyWarningKind;

  @Field()
  message: string;
}

@ObjectType()
export class ClassRepresentative {
  @Field(() => Int)
  position: number;

  @Field(() => ClassMember)
  member: ClassMember;

  @Field(() => [AdequacyWarning], { description: 'Each kind at most once' })
  @MaxItems(Object.keys(AdequacyWarningKind).length)
  warnings: AdequacyWarning[];
}

@ObjectType()
export class ClassRepresentatives {
  @Field(() => ID)
  classId: string;

  @Field(() => [ClassRepresentative], { description: `The court sees every representative (at most ${REPRESENTATIVES.max}); the plaintiff side those its organisation enrolled` })
  @MaxItems(REPRESENTATIVES.max)
  representatives: ClassRepresentative[];

  @Field(() => Int, { description: 'Representatives enrolled by other organisations: counted, never shown (0 for the court)' })
  hiddenRepresentatives: number;

  @Field(() => Int, { description: "The case's REPRESENTATIVE parties (references given at filing)" })
  caseRepresentativeParties: number;
}
