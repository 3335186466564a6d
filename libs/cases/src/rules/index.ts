// Pure legal-deadline logic of the cases library: no database, no Nest.
export * from './calendar-date';
export * from './deadline-rules';
export * from './holiday-calendar';
export * from './periods';
export * from './explanations';
