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
};
