import { Injectable } from '@nestjs/common';
import { type CalendarDate, calendarDateInShanghai } from './rules/calendar-date';

/**
 * Today's date in Asia/Shanghai, where legal periods are counted. Events (publication, filing,
 * service) carry their own dates in the mutations; the clock only bounds them (no event in the
 * future) and decides which open deadlines are overdue. Tests and the CLI may provide another.
 */
@Injectable()
export class Clock {
  today(): CalendarDate {
    return calendarDateInShanghai();
  }
}
