/**
 * The small HTML pages the click path answers with when it does not
 * redirect. They are complete documents: a visitor sees them in the browser,
 * where a JSON error would mean nothing.
 */
const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#333}</style>` +
  `</head><body><h1>${title}</h1><p>${text}</p></body></html>`;

export const PAGES = {
  notFound: page('Link not found', 'This tracking link does not exist. Check the address and try again.'),
  unavailable: page('Offer not available', 'This offer is not available right now. Please try again later.'),
  methodNotAllowed: page('Method not allowed', 'Tracking links only answer GET and HEAD requests.'),
  badRequest: page('Bad request', 'This request cannot be answered.'),
  busy: page('Temporarily unavailable', 'We could not process this link just now. Please try again in a few seconds.'),
  tooMany: page('Too many requests', 'Too many requests for links that cannot be answered came from your address. Please try again later.'),
};

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
};
