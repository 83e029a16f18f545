import { buttonClass } from './Button';

/** A download link; the browser sends the session cookie, the API answers text/csv. */
export function CsvLink({ href, label = 'Download CSV', filename }: { href: string; label?: string; filename?: string }) {
  return (
    <a href={href} download={filename ?? true} className={buttonClass('secondary', 'sm')}>
      <span aria-hidden="true">⤓</span> {label}
    </a>
  );
}
