import { Injectable } from '@nestjs/common';

const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/**
 * Today's date in Asia/Shanghai ('YYYY-MM-DD'), where legal periods are counted and events are
 * dated. One clock for the incident and case libraries (the cases library re-exports it; it lives
 * here, the lower of the two): events carry their own dates in the mutations, the clock only
 * bounds them (no event in the future) and decides which open deadlines are overdue. Tests and
 * the CLI may provide another.
 */
@Injectable()
export class Clock {
  today(): string {
    // en-CA formats as YYYY-MM-DD.
    return SHANGHAI_DATE.format(new Date());
  }
}
