import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCalendarDate } from './rules/calendar-date';

/** A real 'YYYY-MM-DD' date (Asia/Shanghai calendar date): no 2025-02-29, no time, no zone. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isCalendarDate', validator: { validate: isCalendarDate, defaultMessage: () => 'must be a calendar date of the form YYYY-MM-DD' } },
    options,
  );
}
