import { registerEnumType } from '@nestjs/graphql';

/**
 * Extending the evidence period (举证期限的延长): a party that cannot produce its evidence in time
 * applies in writing before the period ends; if its reasons hold, the court grants it and extends
 * the period appropriately, the extended period applies to the other parties too and they are
 * notified; if not, the court refuses and notifies the applicant.
 */
export const EVIDENCE_PERIOD_EXTENSION = Object.freeze({
  // SPC evidence provisions (2019) art. 54; SPC interpretation of the CPL (2022) art. 100; CPL (2023) art. 68.
  name: 'EVIDENCE_PERIOD_EXTENSION',
  source: 'SPC provisions on evidence in civil procedure (2019), art. 54; Civil Procedure Law (2023), art. 68',
});

/** Where an application to extend the evidence period stands. */
export enum ExtensionStatus {
  /** Made; the court has not ruled. */
  PENDING = 'PENDING',
  /** The court extended the period (for every party). */
  GRANTED = 'GRANTED',
  /** The court found the reasons do not hold; the period is unchanged. */
  REFUSED = 'REFUSED',
}
registerEnumType(ExtensionStatus, { name: 'ExtensionStatus', description: 'An application to extend the evidence period (SPC evidence provisions (2019) art. 54)' });

const RULE = `${EVIDENCE_PERIOD_EXTENSION.name} (${EVIDENCE_PERIOD_EXTENSION.source})`;

/**
 * Why a party may not apply on `today` (Asia/Shanghai date) to extend an evidence period whose
 * last day is `due` (null: the court has not set one, or the case is past evidence exchange), or
 * null when it may: the application must be made before the period ends, i.e. on or before its
 * last day (to 24:00). Pure.
 */
export function applicationRefusal(due: string | null, today: string): string | null {
  if (due === null) return `${RULE}: the case has no running evidence period to extend`;
  return due < today ? `${RULE}: an application must be made before the evidence period ends; it ended on ${due}` : null;
}

/**
 * Why the court may not grant an extension to `until` on `today`, the period now ending on `due`,
 * or null when it may: the extension must end after the current last day (else it extends
 * nothing) and not before `today` (an extension already over on the day of the grant gives the
 * applicant no time). A ruling after `due` on an application made in time is allowed: the law
 * asks the application, not the ruling, to come before the end. Pure.
 */
export function grantRefusal(due: string, until: string, today: string): string | null {
  if (until <= due) return `${RULE}: the new end must be after the current end of the evidence period, ${due}; got ${until}`;
  if (until < today) return `${RULE}: the new end must not be before the day of the grant, ${today}; got ${until}`;
  return null;
}
