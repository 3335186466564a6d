import { registerEnumType } from '@nestjs/graphql';
import { OrganisationKind } from '../organisations/organisation.entity';

/** What a user may do; every GraphQL operation names the roles allowed to call it. */
export enum Role {
  PROCURATOR = 'PROCURATOR',
  ASSOCIATION_STAFF = 'ASSOCIATION_STAFF',
  JUDGE = 'JUDGE',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

/** The organisation kinds a role may belong to. */
export const ROLE_ORGANISATION_KINDS: Record<Role, readonly OrganisationKind[]> = {
  [Role.PROCURATOR]: [OrganisationKind.PROCURATORATE],
  [Role.ASSOCIATION_STAFF]: [OrganisationKind.CONSUMER_ASSOCIATION, OrganisationKind.DESIGNATED_ORGANISATION],
  [Role.JUDGE]: [OrganisationKind.COURT],
  [Role.ADMIN]: [OrganisationKind.OPERATOR],
};

/** The one role a user of an organisation of `kind` can have (each kind belongs to exactly one role). */
export function roleOfOrganisationKind(kind: OrganisationKind): Role {
  return (Object.keys(ROLE_ORGANISATION_KINDS) as Role[]).find((role) => ROLE_ORGANISATION_KINDS[role].includes(kind))!;
}
