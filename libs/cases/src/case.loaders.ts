import { Injectable } from '@nestjs/common';
import type DataLoader from 'dataloader';
import { type Connection, type Loaders, loadPage, type Organisation, OrganisationsService } from '@app/platform';
import type { LeakIncident } from '@app/leaks';
import type { CaseModel, CaseParty, CaseStageTransition, RelatedCase } from './case.model';
import { CasesRepository } from './cases.repository';
import { DeadlinesRepository, type DeadlineRow } from './deadlines.repository';
import { DeadlinesService } from './deadlines.service';
import type { HolidayCalendar } from './rules/holiday-calendar';

interface Group<T> {
  key: string;
  items: T[];
}

/** A loader of the items of many keys in one query: `fetch` returns them all, `keyOf` sorts them. */
function groupLoader<T>(loaders: Loaders, name: string, fetch: (keys: readonly string[]) => Promise<T[]>, keyOf: (item: T) => string) {
  return loaders.get<Group<T>>(
    name,
    async (keys) => {
      const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
      for (const item of await fetch(keys)) groups.get(keyOf(item))?.push(item);
      return [...groups].map(([key, items]) => ({ key, items }));
    },
    (group) => group.key,
  );
}

/**
 * The per-request loaders of the cases library, so a page of N cases costs one query per
 * relation. They load by case id without checking visibility: only resolvers of cases the caller
 * was already allowed to see call them.
 */
@Injectable()
export class CaseLoaders {
  constructor(
    private readonly cases: CasesRepository,
    private readonly deadlineRows: DeadlinesRepository,
    private readonly deadlineService: DeadlinesService,
    private readonly organisations: OrganisationsService,
  ) {}

  organisation(loaders: Loaders): DataLoader<string, Organisation | null> {
    return loaders.get('Organisation.byId', (ids) => this.organisations.byIds(ids), (o) => o.id);
  }

  caseById(loaders: Loaders): DataLoader<string, CaseModel | null> {
    return loaders.get('Case.byId', (ids) => this.cases.casesByIds(ids), (c) => c.id);
  }

  parties(loaders: Loaders): DataLoader<string, Group<CaseParty> | null> {
    return groupLoader(loaders, 'CaseParty.byCaseId', (ids) => this.cases.partiesByCaseIds(ids), (p) => p.caseId);
  }

  incidents(loaders: Loaders): DataLoader<string, Group<LeakIncident & { caseId: string }> | null> {
    return groupLoader(loaders, 'LeakIncident.byCaseId', (ids) => this.cases.incidentsByCaseIds(ids), (i) => i.caseId);
  }

  /** One page (`first`, `after`) of the related cases of case `caseId`, batched with the other cases' pages. */
  relatedCases(loaders: Loaders, caseId: string, first: number, after?: string): Promise<Connection<RelatedCase>> {
    return loadPage(loaders, 'RelatedCase.byCaseId', caseId, first, after, (ids) => this.cases.relatedCasesByCaseIds(ids, first, after));
  }

  transitions(loaders: Loaders): DataLoader<string, Group<CaseStageTransition & { caseId: string }> | null> {
    return groupLoader(loaders, 'CaseStageTransition.byCaseId', (ids) => this.cases.transitionsByCaseIds(ids), (t) => t.caseId);
  }

  /** The loaded holiday calendar, read once per request however many deadlines explain themselves. */
  async calendar(loaders: Loaders): Promise<HolidayCalendar> {
    const loaded = await loaders
      .get('HolidayCalendar', async () => [{ key: 'loaded', calendar: await this.deadlineService.calendar() }], (c) => c.key)
      .load('loaded');
    return loaded!.calendar;
  }

  deadlines(loaders: Loaders): DataLoader<string, Group<DeadlineRow> | null> {
    return groupLoader(loaders, 'CaseDeadline.byCaseId', (ids) => this.deadlineRows.byCaseIds(ids), (d) => d.case_id);
  }
}
