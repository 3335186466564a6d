import { registerEnumType } from '@nestjs/graphql';
import { type DataCategory, isPiplArticle28, PIPL_ARTICLE_28_CATEGORIES } from '@app/leaks';

/**
 * Subclasses: members whose claims diverge from the class's typical claim (domain.md section 6,
 * typicality: "sensitive vs ordinary data; financial loss vs nuisance"). One subclass per member,
 * chosen by the first rule of SUBCLASS_RULES that holds.
 */
export enum Subclass {
  SENSITIVE_DATA = 'SENSITIVE_DATA',
  FINANCIAL_LOSS = 'FINANCIAL_LOSS',
  ORDINARY = 'ORDINARY',
}
registerEnumType(Subclass, { name: 'Subclass' });

/** The rules that place a member, by name (stored with the member as the reason for its subclass). */
export enum SubclassRuleId {
  SENSITIVE_DATA_IN_SEIZED_ROWS = 'SENSITIVE_DATA_IN_SEIZED_ROWS',
  SENSITIVE_DATA_DECLARED = 'SENSITIVE_DATA_DECLARED',
  DECLARED_LOSS = 'DECLARED_LOSS',
  ORDINARY_DATA = 'ORDINARY_DATA',
}
registerEnumType(SubclassRuleId, { name: 'SubclassRuleId', description: 'The rule that put a member in its subclass (libs/classes/src/rules/subclasses.ts)' });

/** What the rules read about a member: its own facts, snapshotted at formation. */
export interface SubclassFacts {
  /** Categories verified by the seized data: those of the member's own matched rows and the identifier kinds that matched. */
  readonly verifiedCategories: readonly DataCategory[];
  /** Categories the member declared exposed, with evidence, not verified by the seized data. */
  readonly declaredCategories: readonly DataCategory[];
  /** The largest total loss one enrolment declared, in fen, or null. */
  readonly declaredLossFen: bigint | null;
}

/** SQL expressions of the same facts (data_category[] and bigint). */
export interface SubclassColumns {
  readonly verifiedCategories: string;
  readonly declaredCategories: string;
  readonly declaredLossFen: string;
}

/** One rule: the subclass it gives, its condition and reason in words, its legal source, and its predicate (in TypeScript and SQL). */
export interface SubclassRule {
  readonly id: SubclassRuleId;
  readonly subclass: Subclass;
  readonly condition: string;
  readonly reason: string;
  readonly source: string;
  readonly holds: (facts: SubclassFacts) => boolean;
  /** The predicate in SQL; `article28` is the parameter holding PIPL_ARTICLE_28_CATEGORIES. */
  readonly sql: (columns: SubclassColumns, article28: string) => string;
}

/** PIPL art. 28's categories, for the SQL parameter the rules read. */
export const ARTICLE_28_PARAMETER: readonly DataCategory[] = PIPL_ARTICLE_28_CATEGORIES;

/**
 * The rules, in order of precedence: the first that holds places the member.
 *
 * Sensitive data before a loss. A member with both stays one member with one subclass, because
 * the two heads of damage are assessed apart whatever the subclass: the property loss from the
 * member's own declared amount (PIPL art. 69(2); Civil Code art. 1182), kept on the member
 * (declaredLossFen) and counted in the class's losses; moral damage case by case, weighing the
 * sensitivity of what the person lost (Civil Code art. 1183; PIPL art. 28). The subclass marks
 * where the claim diverges from the typical one, and sensitive data is the divergence that needs
 * individual weighing (a loss is a figure on the member either way). Verified before declared:
 * the seized data is the stronger basis (domain.md section 6).
 */
export const SUBCLASS_RULES: readonly SubclassRule[] = Object.freeze([
  {
    id: SubclassRuleId.SENSITIVE_DATA_IN_SEIZED_ROWS,
    subclass: Subclass.SENSITIVE_DATA,
    condition: "a seized row matched by the member's own identifiers carries a category PIPL art. 28 names",
    reason: "the seized data shows sensitive personal information of this member leaked; moral damage weighs its sensitivity",
    // PIPL art. 28 (sensitive personal information); Civil Code art. 1183 (moral damage).
    source: 'PIPL art. 28; Civil Code art. 1183',
    holds: (f) => f.verifiedCategories.some(isPiplArticle28),
    sql: (c, a) => `${c.verifiedCategories} && ${a}::data_category[]`,
  },
  {
    id: SubclassRuleId.SENSITIVE_DATA_DECLARED,
    subclass: Subclass.SENSITIVE_DATA,
    condition: 'the member declared, with evidence, a category PIPL art. 28 names (not verified by the seized data)',
    reason: 'the member declares sensitive personal information leaked and gave evidence; moral damage weighs its sensitivity',
    // PIPL art. 28; Civil Code art. 1183; the victim shows the damage (PIPL art. 69(1)).
    source: 'PIPL arts. 28, 69(1); Civil Code art. 1183',
    holds: (f) => f.declaredCategories.some(isPiplArticle28),
    sql: (c, a) => `${c.declaredCategories} && ${a}::data_category[]`,
  },
  {
    id: SubclassRuleId.DECLARED_LOSS,
    subclass: Subclass.FINANCIAL_LOSS,
    condition: 'the member declared a property loss above zero, with ordinary data only',
    reason: 'a property loss is compensated at its amount, the victim\'s loss or the handler\'s gain',
    // PIPL art. 69(2); Civil Code art. 1182.
    source: 'PIPL art. 69(2); Civil Code art. 1182',
    holds: (f) => f.declaredLossFen !== null && f.declaredLossFen > 0n,
    sql: (c) => `coalesce(${c.declaredLossFen} > 0, false)`,
  },
  {
    id: SubclassRuleId.ORDINARY_DATA,
    subclass: Subclass.ORDINARY,
    condition: 'everyone else: ordinary personal information, nuisance harms (spam, scam calls)',
    reason: "the class's typical claim: the handler's presumed fault for the leak itself",
    // PIPL art. 69(1): presumed fault.
    source: 'PIPL art. 69(1)',
    holds: () => true,
    sql: () => 'true',
  },
]);

/** The rule that places a member: the first that holds. */
export function subclassRuleOf(facts: SubclassFacts): SubclassRule {
  return SUBCLASS_RULES.find((rule) => rule.holds(facts))!;
}

/** The subclass of a member (its rule's). */
export function subclassOf(facts: SubclassFacts): Subclass {
  return subclassRuleOf(facts).subclass;
}

/** The rule with this id (a stored subclass_rule), or null. */
export function subclassRuleById(id: string | null): SubclassRule | null {
  return SUBCLASS_RULES.find((rule) => rule.id === id) ?? null;
}

/** The same decision as a SQL CASE giving the rule's id (text), for formation in one statement. */
export function subclassRuleSql(columns: SubclassColumns, article28: string): string {
  return `(CASE ${SUBCLASS_RULES.map((rule) => `WHEN ${rule.sql(columns, article28)} THEN '${rule.id}'`).join(' ')} END)`;
}

/** The subclass of a rule id given as a SQL expression. */
export function ruleSubclassSql(rule: string): string {
  return `(CASE ${rule} ${SUBCLASS_RULES.map((r) => `WHEN '${r.id}' THEN '${r.subclass}'`).join(' ')} END)::class_subclass`;
}
