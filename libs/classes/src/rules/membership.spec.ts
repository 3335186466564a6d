import {
  checkClassOpen,
  checkClassStatusTransition,
  checkMemberTransition,
  ClassStatus,
  MemberActor,
  MemberState,
  statesAllowedTo,
  statesAllowedToByFilter,
} from './membership';

const { PROPOSED, ADMITTED, EXCLUDED, OPTED_OUT, REGISTERED } = MemberState;
const { COURT, PLAINTIFF_SIDE } = MemberActor;

describe('membership state machine', () => {
  it('lets only the court admit or exclude', () => {
    expect(() => checkMemberTransition(PROPOSED, ADMITTED, COURT)).not.toThrow();
    expect(() => checkMemberTransition(PROPOSED, EXCLUDED, COURT)).not.toThrow();
    expect(() => checkMemberTransition(PROPOSED, ADMITTED, PLAINTIFF_SIDE)).toThrow(/cannot be made ADMITTED by the plaintiff side/);
    expect(() => checkMemberTransition(PROPOSED, EXCLUDED, PLAINTIFF_SIDE)).toThrow();
  });

  it('lets only the plaintiff side record an opt-out, from any current state', () => {
    for (const from of [PROPOSED, ADMITTED, REGISTERED]) expect(() => checkMemberTransition(from, OPTED_OUT, PLAINTIFF_SIDE)).not.toThrow();
    expect(() => checkMemberTransition(ADMITTED, OPTED_OUT, COURT)).toThrow();
    expect(() => checkMemberTransition(EXCLUDED, OPTED_OUT, PLAINTIFF_SIDE)).toThrow();
  });

  it('registers a proposed member, by the plaintiff side or the court, and the court then reviews it', () => {
    expect(() => checkMemberTransition(PROPOSED, REGISTERED, PLAINTIFF_SIDE)).not.toThrow();
    expect(() => checkMemberTransition(PROPOSED, REGISTERED, COURT)).not.toThrow();
    expect(() => checkMemberTransition(REGISTERED, ADMITTED, COURT)).not.toThrow();
    expect(() => checkMemberTransition(ADMITTED, REGISTERED, PLAINTIFF_SIDE)).toThrow();
  });

  it('keeps an opt-out final and lets the court reconsider an exclusion one member at a time', () => {
    expect(() => checkMemberTransition(OPTED_OUT, ADMITTED, COURT)).toThrow(/OPTED_OUT cannot be made ADMITTED/);
    expect(() => checkMemberTransition(EXCLUDED, ADMITTED, COURT)).not.toThrow();
    expect(statesAllowedTo(ADMITTED, COURT).sort()).toEqual([EXCLUDED, PROPOSED, REGISTERED].sort());
    expect(statesAllowedToByFilter(ADMITTED, COURT).sort()).toEqual([PROPOSED, REGISTERED].sort());
  });

  it('lists the allowed moves in the error', () => {
    try {
      checkMemberTransition(EXCLUDED, OPTED_OUT, COURT);
      throw new Error('no error');
    } catch (error) {
      expect((error as { facts: unknown }).facts).toMatchObject({ from: EXCLUDED, to: OPTED_OUT, allowed: [ADMITTED] });
    }
  });

  it('bulk exclusion covers proposed, registered and admitted members', () => {
    expect(statesAllowedToByFilter(EXCLUDED, COURT).sort()).toEqual([ADMITTED, PROPOSED, REGISTERED].sort());
  });
});

describe('class status', () => {
  it('certifies or refuses an open class, and reopens either', () => {
    expect(() => checkClassStatusTransition(ClassStatus.OPEN, ClassStatus.CERTIFIED)).not.toThrow();
    expect(() => checkClassStatusTransition(ClassStatus.OPEN, ClassStatus.REFUSED)).not.toThrow();
    expect(() => checkClassStatusTransition(ClassStatus.CERTIFIED, ClassStatus.OPEN)).not.toThrow();
    expect(() => checkClassStatusTransition(ClassStatus.REFUSED, ClassStatus.OPEN)).not.toThrow();
    expect(() => checkClassStatusTransition(ClassStatus.CERTIFIED, ClassStatus.REFUSED)).toThrow(/allowed: OPEN/);
    expect(() => checkClassStatusTransition(ClassStatus.OPEN, ClassStatus.OPEN)).toThrow();
  });

  it('refuses changes to members of a certified class until reopened', () => {
    expect(() => checkClassOpen(ClassStatus.OPEN)).not.toThrow();
    expect(() => checkClassOpen(ClassStatus.CERTIFIED)).toThrow(/reopen/);
  });
});
