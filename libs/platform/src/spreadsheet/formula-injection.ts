/**
 * Text a spreadsheet would read as a formula (CSV or formula injection), prefixed with an
 * apostrophe so it shows as the text it is (OWASP's advice): text whose first character is `=`,
 * `+`, `-`, `@`, TAB or CR, or in which such a character follows a separator a spreadsheet may
 * split the cell at (`,`, `;`, TAB, CR, LF, with spaces between): Excel with `;` as its list
 * separator, or text pasted into a sheet, would otherwise evaluate `x;=1+1`'s second part.
 * Everything else is returned unchanged. The one rule for every CSV and XLSX the product writes.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

const FORMULA_TRIGGER = /^[=+\-@\t\r]|[,;\t\r\n][ \u00a0]*[=+\-@]/;
