import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

// findBy*/waitFor poll until this deadline; the 1 s default fails on a loaded machine
// (the first render of the whole app alone can take most of a second).
configure({ asyncUtilTimeout: 10_000 });

// jsdom has no layout engine; chart containers ask for these.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;
