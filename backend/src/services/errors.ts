/** A service the project needs is not installed; the message says how to get it. */
export class MissingServiceError extends Error {}
