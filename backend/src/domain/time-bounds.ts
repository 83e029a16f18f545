// Parsing a typed time bound is shared with the dashboard (the report query reads it); the command line imports it from here.
export { parseTimeBound, type ParsedBound } from '@offerly/contract';
