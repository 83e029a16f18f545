import { Component, type ErrorInfo, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { ErrorState } from './states';

/** A lazily loaded page whose script could not be fetched (typically: a new version was deployed). */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return (error instanceof Error && error.name === 'ChunkLoadError') || /dynamically imported module|Importing a module script failed|error loading dynamically imported/i.test(message);
}

interface Props {
  children: ReactNode;
  /** A new value clears the error (e.g. the path: another page may render fine). */
  resetKey?: unknown;
  /** Defaults to reloading the document. */
  onReload?: () => void;
}

/**
 * Catches what a page throws while rendering, and a page script that failed to
 * load, and shows the error panel with a reload button instead of a blank page.
 */
export class ErrorBoundary extends Component<Props, { error: unknown; key: unknown }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown) {
    return { error: error ?? new Error('Unknown error') };
  }

  static getDerivedStateFromProps(props: Props, state: { error: unknown; key: unknown }) {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('Page failed to render', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    const message = isChunkLoadError(error)
      ? 'Part of the dashboard could not be loaded, maybe because Offerly was just updated. Reload the page to get the current version.'
      : `Something went wrong while showing this page (${error instanceof Error ? error.message : String(error)}). Reloading usually helps.`;
    return (
      <ErrorState
        error={new ApiError(0, 'client', message)}
        title="This page could not be shown"
        retryLabel="Reload page"
        onRetry={this.props.onReload ?? (() => window.location.reload())}
      />
    );
  }
}
