export * from './clock';
export * from './leak-incident.model';
export * from './leak-incidents.repository';
export * from './leak-incidents.service';
export * from './leaks.module';
export * from './rules/data-categories';
export * from './rules/credit-code';
