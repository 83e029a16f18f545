import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthProvider } from '../../context/AuthContext';
import { RegisterPage } from './RegisterPage';

type Reply = { status: number; body: unknown };
let registerReply: Reply;
let registrations: unknown[];

const json = (r: Reply) => new Response(JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  registrations = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/api/auth/me') return json({ status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in first' } } });
      if (url === '/api/auth/register') {
        registrations.push(JSON.parse(String(init.body)));
        return json(registerReply);
      }
      return json({ status: 404, body: { error: { code: 'not_found', message: 'no' } } });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderPage() {
  render(
    <MemoryRouter initialEntries={['/register']}>
      <AuthProvider>
        <Routes>
          <Route path="/register" element={<RegisterPage />} />
          <Route path="/campaigns" element={<p>Advertiser home</p>} />
          <Route path="/" element={<p>Account status</p>} />
        </Routes>
      </AuthProvider>
    </MemoryRouter>,
  );
}

async function fill(user: ReturnType<typeof userEvent.setup>, v: { name: string; company?: string; email: string; password: string }) {
  await user.type(screen.getByLabelText(/Your name/), v.name);
  if (v.company) await user.type(screen.getByLabelText(/Company/), v.company);
  await user.type(screen.getByRole('textbox', { name: /Email/ }), v.email);
  await user.type(screen.getByLabelText(/Password/), v.password);
}

const account = (role: string, status: string) => ({ user: { id: 'u9', email: 'ada@example.test', role, status, name: 'Ada', company: 'Shop Co', createdAt: '2026-11-25T00:00:00Z' } });

describe('register page', () => {
  it('registers the chosen role (affiliate by default) and opens that role’s first page', async () => {
    registerReply = { status: 201, body: account('advertiser', 'approved') };
    renderPage();
    const user = userEvent.setup();
    expect(screen.getByRole('radio', { name: /An affiliate/ })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: /An advertiser/ }));
    expect(screen.getByRole('radio', { name: /An advertiser/ })).toBeChecked();
    await fill(user, { name: ' Ada ', company: 'Shop Co', email: 'ada@example.test', password: 'long enough' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Advertiser home')).toBeInTheDocument();
    expect(registrations).toEqual([{ role: 'advertiser', name: 'Ada', company: 'Shop Co', email: 'ada@example.test', password: 'long enough' }]);
  });

  it('a new affiliate (pending) goes to the account-status page', async () => {
    registerReply = { status: 201, body: account('affiliate', 'pending') };
    renderPage();
    const user = userEvent.setup();
    await fill(user, { name: 'Finn', email: 'finn@example.test', password: 'long enough' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Account status')).toBeInTheDocument();
    expect(registrations).toEqual([expect.objectContaining({ role: 'affiliate', company: '' })]);
  });

  it('checks the fields before sending', async () => {
    renderPage();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText(/Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText(/Your name/)).toHaveAccessibleDescription('Enter your name');
    expect(screen.getByRole('textbox', { name: /Email/ })).toHaveAccessibleDescription('Enter a valid email address');
    expect(screen.getByLabelText(/Password/)).toHaveAccessibleDescription('Use at least 8 characters');
    expect(registrations).toEqual([]);
  });

  it('shows the server’s field errors next to their fields and its message above the form', async () => {
    registerReply = { status: 409, body: { error: { code: 'conflict', message: 'An account with this email already exists', details: [{ path: 'email', message: 'already registered' }] } } };
    renderPage();
    const user = userEvent.setup();
    await fill(user, { name: 'Ada', email: 'ada@example.test', password: 'long enough' });
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('An account with this email already exists')).toBeInTheDocument();
    const email = screen.getByRole('textbox', { name: /Email/ });
    expect(email).toHaveAccessibleDescription('Already registered');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByRole('button', { name: 'Create account' })).toBeEnabled();

    registerReply = { status: 400, body: { error: { code: 'validation_failed', message: 'Invalid request body', details: [{ path: 'password', message: 'Too small: expected string to have >=8 characters' }, { path: 'role', message: 'Invalid option' }] } } };
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    // Clear words, not the API's bare "Invalid request body" nor the validator's terse messages.
    expect(await screen.findByText('Please fix the highlighted fields.')).toBeInTheDocument();
    expect(screen.queryByText('Invalid request body')).toBeNull();
    expect(screen.getByLabelText(/Password/)).toHaveAccessibleDescription('At least 8 characters');
    expect(screen.getByText('Invalid option')).toBeInTheDocument();
    // The earlier email error is gone: only what the server said this time shows.
    expect(email).not.toHaveAttribute('aria-invalid');

    registerReply = {
      status: 400,
      body: { error: { code: 'validation_failed', message: 'Invalid request body', details: [{ path: 'email', message: 'Invalid email address' }, { path: 'name', message: 'Too big: expected string to have <=100 characters' }, { path: 'nickname', message: 'Unrecognized key' }] } },
    };
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('Please fix the highlighted fields. nickname: Unrecognized key')).toBeInTheDocument();
    expect(email).toHaveAccessibleDescription('Enter a valid email address');
    expect(screen.getByLabelText(/Your name/)).toHaveAccessibleDescription('At most 100 characters');
  });
});
