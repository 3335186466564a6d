import { registerEnumType } from '@nestjs/graphql';
import { ConflictError } from '@app/platform';

/** Where a claimant stands in a class. */
export enum MemberState {
  /** A candidate found by formation, not yet reviewed. */
  PROPOSED = 'PROPOSED',
  ADMITTED = 'ADMITTED',
  /** Excluded by the court, with a reason. */
  EXCLUDED = 'EXCLUDED',
  /** The claimant withdrew (recorded by the organisation that enrolled them). */
  OPTED_OUT = 'OPTED_OUT',
  /** Representative actions: registered with the court within the registration period (CPL (2023) art. 57). */
  REGISTERED = 'REGISTERED',
}
registerEnumType(MemberState, { name: 'ClassMemberState' });

/** Who makes a transition: the court of the case, or the plaintiff side (its plaintiffs and supporter). */
export enum MemberActor {
  COURT = 'COURT',
  PLAINTIFF_SIDE = 'PLAINTIFF_SIDE',
}

/** Members that still count for the class: composition, shares and losses are over them. */
export const CURRENT_STATES: readonly MemberState[] = [MemberState.PROPOSED, MemberState.ADMITTED, MemberState.REGISTERED];

/** Members awaiting the court's decision: certification needs none left. */
export const UNDECIDED_STATES: readonly MemberState[] = [MemberState.PROPOSED, MemberState.REGISTERED];

const { PROPOSED, ADMITTED, EXCLUDED, OPTED_OUT, REGISTERED } = MemberState;
const { COURT, PLAINTIFF_SIDE } = MemberActor;

/** The allowed transitions and who makes each. Formation never changes a state. */
export const MEMBERSHIP_TRANSITIONS: Readonly<Record<MemberState, readonly { to: MemberState; by: readonly MemberActor[] }[]>> = Object.freeze({
  [PROPOSED]: [
    { to: ADMITTED, by: [COURT] },
    { to: EXCLUDED, by: [COURT] },
    // CPL (2023) art. 57: claimants register with the court; the enrolling organisation or the court records it.
    { to: REGISTERED, by: [PLAINTIFF_SIDE, COURT] },
    { to: OPTED_OUT, by: [PLAINTIFF_SIDE] },
  ],
  [REGISTERED]: [
    // SPC interpretation of the CPL (2022) art. 80: the court reviews the registrations.
    { to: ADMITTED, by: [COURT] },
    { to: EXCLUDED, by: [COURT] },
    { to: OPTED_OUT, by: [PLAINTIFF_SIDE] },
  ],
  [ADMITTED]: [
    { to: EXCLUDED, by: [COURT] },
    { to: OPTED_OUT, by: [PLAINTIFF_SIDE] },
  ],
  // The court may reconsider an exclusion, one member at a time (never by formation or filter).
  [EXCLUDED]: [{ to: ADMITTED, by: [COURT] }],
  [OPTED_OUT]: [],
});

/** The states from which `by` may move a member to `to`. */
export function statesAllowedTo(to: MemberState, by: MemberActor): MemberState[] {
  return (Object.keys(MEMBERSHIP_TRANSITIONS) as MemberState[]).filter((from) =>
    MEMBERSHIP_TRANSITIONS[from].some((t) => t.to === to && t.by.includes(by)),
  );
}

/**
 * The states a decision by filter may move to `to`: as statesAllowedTo, but never out of
 * EXCLUDED (a bulk admit must not bring back members the court excluded one by one).
 */
export function statesAllowedToByFilter(to: MemberState, by: MemberActor): MemberState[] {
  return statesAllowedTo(to, by).filter((from) => from !== EXCLUDED);
}

export class MembershipTransitionError extends ConflictError {
  constructor(from: MemberState, to: MemberState, by: MemberActor) {
    const allowed = MEMBERSHIP_TRANSITIONS[from].filter((t) => t.by.includes(by)).map((t) => t.to);
    super(`A member ${from} cannot be made ${to} by the ${by === COURT ? 'court' : 'plaintiff side'}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, {
      from,
      to,
      by,
      allowed,
    });
  }
}

/** Throws unless `by` may move a member from `from` to `to`. */
export function checkMemberTransition(from: MemberState, to: MemberState, by: MemberActor): void {
  if (!MEMBERSHIP_TRANSITIONS[from].some((t) => t.to === to && t.by.includes(by))) throw new MembershipTransitionError(from, to, by);
}

/** A class is OPEN while formed and reviewed; certification or its refusal closes it until reopened. */
export enum ClassStatus {
  OPEN = 'OPEN',
  CERTIFIED = 'CERTIFIED',
  REFUSED = 'REFUSED',
}
registerEnumType(ClassStatus, { name: 'ClassStatus' });

/** Class status moves, all by the court. */
export const CLASS_STATUS_TRANSITIONS: Readonly<Record<ClassStatus, readonly ClassStatus[]>> = Object.freeze({
  [ClassStatus.OPEN]: [ClassStatus.CERTIFIED, ClassStatus.REFUSED],
  [ClassStatus.CERTIFIED]: [ClassStatus.OPEN],
  [ClassStatus.REFUSED]: [ClassStatus.OPEN],
});

export function checkClassStatusTransition(from: ClassStatus, to: ClassStatus): void {
  if (!CLASS_STATUS_TRANSITIONS[from].includes(to)) {
    throw new ConflictError(`A ${from} class cannot become ${to} (allowed: ${CLASS_STATUS_TRANSITIONS[from].join(', ')})`, { from, to });
  }
}

/** Membership, subclasses and representatives change only while the class is OPEN. */
export function checkClassOpen(status: ClassStatus): void {
  if (status !== ClassStatus.OPEN) throw new ConflictError(`The class is ${status}: the court must reopen it first`, { status });
}
