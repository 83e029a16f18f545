export * from './common';
export * from './errors';
export * from './health';
export * from './api-keys';
export * from './audit';
export * from './currency';
export * from './macros';
