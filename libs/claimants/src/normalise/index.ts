/**
 * The value rules shared by single enrolment, claimant file import and the seized-dataset hasher:
 * identifiers, phones, names, calendar dates and amounts read from what people type and what
 * spreadsheets export, into one normal form each. Pure functions (no Nest, no I/O).
 */
export { accepted, foldCell, type Normalised, type NormaliseWarning, refused } from './normalised';
export { idNumberCheckCharacter, idNumberStructureProblem, readIdNumber } from './id-number';
export { readPhone } from './phone';
export { readName } from './name';
export { readCalendarDate, readShanghaiDateTime, shanghaiToday } from './calendar-date';
export { MAX_FEN, readFen, readYuanAsFen } from './amount';
