export { CHECKS, CHECKS_BY_TYPE, CHECK_IDS, type CheckId, type Severity, severityOf } from './checks.js';
export { printReport, reportJson } from './format.js';
export { DEFAULTS, type ValidateOptions, ValidateOptionError, resolveOptions } from './options.js';
export type { CheckTally, DayReport, FileReport, FindingExample, ValidationReport, ValidationTotals } from './report.js';
export { listSeries, validateCatalog } from './runner.js';
export { SeriesValidator } from './series-validator.js';
