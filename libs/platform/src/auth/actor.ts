import { OrganisationKind } from '../organisations/organisation.entity';
import { Role } from './role';

/** The authenticated caller, as every service receives it to check role and organisation. */
export interface Actor {
  userId: string;
  role: Role;
  organisationId: string;
  organisationKind: OrganisationKind;
}
