import { CaseType } from '@app/cases';

/** How the class's compensation is determined (PIPL art. 69(2); Civil Code art. 1182). */
export enum AssessmentMethod {
  /** Each member's proven property loss (a declared loss with evidence). */
  LOSS = 'LOSS',
  /** The benefit the handler gained by the infringement, entered with its evidence, divided among the members. */
  GAIN = 'GAIN',
  /** Loss and gain hard to determine: the court's amount by the circumstances, divided among the members. */
  DISCRETIONARY = 'DISCRETIONARY',
}

/** Who receives the damages. */
export enum DamagesRecipient {
  /** Public-interest cases: a designated fund or account for the public interest, not individuals. */
  PUBLIC_INTEREST_FUND = 'PUBLIC_INTEREST_FUND',
  /** Representative actions: each member, by the distribution schedule. */
  MEMBERS = 'MEMBERS',
}

/**
 * Who receives the damages of a case type (domain.md section 5): the civil public-interest suit
 * and an organisation's supported public-interest suit pay a public-interest fund (PIPL art. 70;
 * CPL (2023) art. 58; Consumer Rights Protection Law art. 47); the victims'
 * representative action pays its members (CPL (2023) arts. 56-57).
 */
export function damagesRecipient(type: CaseType): DamagesRecipient {
  return type === CaseType.REPRESENTATIVE_ACTION ? DamagesRecipient.MEMBERS : DamagesRecipient.PUBLIC_INTEREST_FUND;
}

/** Methods that divide an entered total among the members (largest remainder) rather than adding up their losses. */
export const DIVIDING_METHODS: readonly AssessmentMethod[] = Object.freeze([AssessmentMethod.GAIN, AssessmentMethod.DISCRETIONARY]);
