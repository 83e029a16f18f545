import { api } from './client';
import type { User } from './types';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  company: string;
  role: 'affiliate' | 'advertiser';
}

export const authApi = {
  me: (signal?: AbortSignal) => api.get<{ user: User; csrfToken: string }>('/api/auth/me', undefined, signal),
  login: (email: string, password: string) => api.post<{ user: User }>('/api/auth/login', { email, password }),
  register: (input: RegisterInput) => api.post<{ user: User }>('/api/auth/register', input),
  logout: () => api.post<{ ok: true }>('/api/auth/logout'),
  /** Both end the account's other sessions; this one goes on with the new cookies the answer sets. */
  changePassword: (currentPassword: string, newPassword: string) => api.post<{ user: User }>('/api/auth/password', { currentPassword, newPassword }),
  signOutOthers: () => api.post<{ user: User }>('/api/auth/sessions/sign-out-others'),
  /** Public: a one-time code an admin issued. */
  resetPassword: (email: string, code: string, password: string) => api.post<{ ok: true }>('/api/auth/password-reset', { email, code, password }),
};
