import { useEffect } from 'react';

export const documentTitle = (title: string) => `${title} · Offerly`;

/** The browser tab (and what screen readers announce for the window) names the page. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = documentTitle(title);
  }, [title]);
}
