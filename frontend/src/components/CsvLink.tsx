import { useState } from 'react';
import { api, asApiError } from '../api/client';
import { useToast } from '../context/ToastContext';
import { Button } from './Button';

/** Hands a downloaded file to the browser's save. */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Downloads a CSV export (`url` from csvHref) through the API client, so a
 * refused request (expired session, bad filter) shows its message in a toast
 * instead of being saved as the file.
 */
export function CsvLink({ url, label = 'Download CSV', filename }: { url: string; label?: string; filename?: string }) {
  const [busy, setBusy] = useState(false);
  const { notify } = useToast();
  const download = async () => {
    setBusy(true);
    try {
      const file = await api.download(url);
      saveFile(file.blob, file.filename ?? filename ?? 'export.csv');
    } catch (err) {
      notify('error', `Download failed: ${asApiError(err).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="secondary" size="sm" busy={busy} onClick={() => void download()}>
      <span aria-hidden="true">⤓</span> {label}
    </Button>
  );
}
