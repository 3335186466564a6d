import { registerEnumType } from '@nestjs/graphql';
import { type DataCategory, isSensitive, SENSITIVE_DATA_CATEGORIES } from '@app/leaks';

/**
 * Subclasses: members whose claims diverge from the class's typical claim (domain.md section 6,
 * typicality). One subclass per member: the first rule of SUBCLASS_RULES that holds decides.
 */
export enum Subclass {
  SENSITIVE_DATA = 'SENSITIVE_DATA',
  FINANCIAL_LOSS = 'FINANCIAL_LOSS',
  ORDINARY = 'ORDINARY',
}
registerEnumType(Subclass, { name: 'Subclass' });

/** What the rules read about a member: the facts snapshotted at formation. */
export interface SubclassFacts {
  /** The categories exposed for the member: its incidents' categories and its matched identifiers. */
  readonly dataCategories: readonly DataCategory[];
  /** The largest total loss one enrolment declared, in fen, or null. */
  readonly declaredLossFen: bigint | null;
}

/** SQL columns the rules read (on class_member or the formation's facts). */
export interface SubclassColumns {
  readonly dataCategories: string;
  readonly declaredLossFen: string;
}

export interface SubclassRule {
  readonly subclass: Subclass;
  readonly source: string;
  readonly holds: (facts: SubclassFacts) => boolean;
  /** The same predicate in SQL; `sensitive` is the parameter holding the sensitive categories. */
  readonly sql: (columns: SubclassColumns, sensitive: string) => string;
}

/** The sensitive categories as libs/leaks defines them (PIPL art. 28), for SQL parameters. */
export const SENSITIVE_CATEGORY_LIST: readonly DataCategory[] = (Object.keys(SENSITIVE_DATA_CATEGORIES) as DataCategory[]).filter(isSensitive);

/** The rules, in order of precedence. */
export const SUBCLASS_RULES: readonly SubclassRule[] = Object.freeze([
  {
    // PIPL art. 28 (sensitive personal information); moral damage weighs it (Civil Code art. 1183).
    subclass: Subclass.SENSITIVE_DATA,
    source: 'PIPL art. 28; Civil Code art. 1183',
    holds: (f) => f.dataCategories.some(isSensitive),
    sql: (c, sensitive) => `${c.dataCategories} && ${sensitive}::data_category[]`,
  },
  {
    // A declared property loss: PIPL art. 69(2); Civil Code art. 1182.
    subclass: Subclass.FINANCIAL_LOSS,
    source: 'PIPL art. 69(2); Civil Code art. 1182',
    holds: (f) => f.declaredLossFen !== null && f.declaredLossFen > 0n,
    sql: (c) => `coalesce(${c.declaredLossFen} > 0, false)`,
  },
  {
    // Everyone else: ordinary personal information, nuisance harms (spam, scam calls).
    subclass: Subclass.ORDINARY,
    source: 'PIPL art. 69(1)',
    holds: () => true,
    sql: () => 'true',
  },
]);

/** The subclass of a member: the first rule that holds. */
export function subclassOf(facts: SubclassFacts): Subclass {
  return SUBCLASS_RULES.find((rule) => rule.holds(facts))!.subclass;
}

/** The same decision as a SQL CASE expression, for formation in one statement. */
export function subclassSql(columns: SubclassColumns, sensitive: string): string {
  const whens = SUBCLASS_RULES.map((rule) => `WHEN ${rule.sql(columns, sensitive)} THEN '${rule.subclass}'`).join(' ');
  return `(CASE ${whens} END)::class_subclass`;
}
