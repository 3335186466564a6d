import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { type Actor, Allow, CurrentActor, neutraliseFormula, Role } from '@app/platform';
import { AssessmentsRepository } from './assessments.repository';
import { AssessmentsService } from './assessments.service';
import { RemediesService } from './remedies.service';
import { addRow, type ExportColumn, setColumns, yuan } from './xlsx';

const CASE_ROLES = [Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Members read and written per step of the streamed distribution schedule. */
const BATCH = 1000;

const send = (res: Response, filename: string) => {
  res.setHeader('content-type', XLSX);
  res.setHeader('content-disposition', `attachment; filename="${filename}"`);
};

/**
 * The schedules as XLSX, for the users who open them in a spreadsheet: amounts in yuan to the
 * fen as numbers (format 0.00), identifiers masked, no text a spreadsheet reads as a formula.
 */
@Controller()
export class RemediesController {
  constructor(
    private readonly remedies: RemediesService,
    private readonly assessments: AssessmentsService,
    private readonly assessmentRows: AssessmentsRepository,
  ) {}

  /** The per-defendant schedule of a compensation remedy. */
  @Allow(...CASE_ROLES)
  @Get('remedies/:id/liability.xlsx')
  async liability(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const schedule = await this.remedies.liabilitySchedule(actor, id);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Liability');
    const columns: ExportColumn[] = [
      { header: 'Defendant', key: 'name', width: 40 },
      { header: 'Basis', key: 'basis', width: 28 },
      { header: 'Source', key: 'source', width: 28 },
      { header: 'Extent', key: 'extent', width: 10 },
      { header: 'Share (%)', key: 'share', width: 10 },
      { header: 'Answers for (yuan)', key: 'answersFor', width: 18, money: true },
      { header: 'Paid (yuan)', key: 'paid', width: 18, money: true },
      { header: 'Remaining (yuan)', key: 'remaining', width: 18, money: true },
    ];
    setColumns(sheet, columns);
    for (const line of schedule.lines) {
      const d = line.defendant;
      addRow(sheet, columns, {
        name: neutraliseFormula(d.name),
        basis: d.basis,
        source: d.basisSource,
        extent: d.extent,
        share: d.shareBasisPoints === null ? null : d.shareBasisPoints / 100,
        answersFor: yuan(line.answersForFen),
        paid: yuan(line.paidFen),
        remaining: yuan(line.remainingFen),
      });
    }
    addRow(sheet, columns, { name: 'Total', answersFor: yuan(schedule.totalFen), paid: yuan(schedule.paidFen), remaining: yuan(schedule.outstandingFen) });
    send(res, `liability-${id}.xlsx`);
    await workbook.xlsx.write(res);
    res.end();
  }

  /** A representative action's distribution schedule, streamed a batch of members at a time. */
  @Allow(...CASE_ROLES)
  @Get('assessments/:id/distribution.xlsx')
  async distribution(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const assessment = await this.assessments.distributable(actor, id);
    send(res, `distribution-${id}.xlsx`);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: res, useSharedStrings: false, useStyles: true });
    const sheet = workbook.addWorksheet('Distribution');
    const columns: ExportColumn[] = [
      { header: 'Name (masked)', key: 'name', width: 16 },
      { header: 'ID number (masked)', key: 'idNumber', width: 22 },
      { header: 'Subclass', key: 'subclass', width: 16 },
      { header: 'Property (yuan)', key: 'property', width: 16, money: true },
      { header: 'Moral damage (yuan)', key: 'moral', width: 18, money: true },
      { header: 'Amount (yuan)', key: 'amount', width: 16, money: true },
    ];
    setColumns(sheet, columns);
    let after: string | undefined;
    for (;;) {
      const page = await this.assessmentRows.members(assessment.id, BATCH, after);
      const masks = new Map((await this.assessments.maskedMembers(actor, assessment.class_id, page.nodes.map((m) => m.claimant_id))).map((m) => [m.id, m]));
      for (const m of page.nodes) {
        const mask = masks.get(m.claimant_id);
        addRow(sheet, columns, {
          name: neutraliseFormula(mask?.nameMasked ?? ''),
          idNumber: neutraliseFormula(mask?.idNumberMasked ?? ''),
          subclass: m.subclass,
          property: yuan(m.property_fen),
          moral: yuan(m.moral_fen),
          amount: yuan(m.amount_fen),
        }).commit();
      }
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    addRow(sheet, columns, { name: 'Total', amount: yuan(assessment.total_fen ?? '0') }).commit();
    sheet.commit();
    await workbook.commit();
  }
}
