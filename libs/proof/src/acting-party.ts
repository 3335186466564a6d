import { type Actor, InputError, Role } from '@app/platform';

/** Parties whose acts the court records for them (they have no users of their own). */
const RECORDED_BY_COURT = ['DEFENDANT', 'AGENCY', 'REPRESENTATIVE'];

/** A party of a case as the check reads it. */
export interface ActingPartyRow {
  id: string;
  role: string;
  organisation_id: string | null;
}

/**
 * The party of a case (`parties`) that `actor` acts for: the plaintiff side acts for its own
 * organisation's party (`given`, or the first one when omitted); the court records the act of a
 * defendant, agency or representative, which has no users of its own (`given` required). `what`
 * names the act in the message ("evidence", "application"). InputError on `partyId` otherwise.
 */
export function actingParty(actor: Actor, parties: readonly ActingPartyRow[], given: string | undefined, what: string): string {
  if (actor.role === Role.JUDGE) {
    const party = parties.find((p) => p.id === given);
    if (!given) throw new InputError('partyId', `is required: the defendant, agency or representative whose ${what} the court records`);
    if (!party || !RECORDED_BY_COURT.includes(party.role)) throw new InputError('partyId', 'is not a defendant, agency or representative of this case');
    return party.id;
  }
  const own = parties.find((p) => p.organisation_id === actor.organisationId && (given === undefined || p.id === given));
  if (!own) throw new InputError('partyId', given ? 'is not a party of your organisation in this case' : 'your organisation is not a party of this case');
  return own.id;
}
