import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/domain/client-address';

describe('client address behind proxies', () => {
  it('uses the socket peer when no proxy is trusted', () => {
    expect(clientAddress('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
  });

  it('takes the address the trusted hop appended, not what the client sent before it', () => {
    // The client forged "1.2.3.4"; nginx (10.0.0.5) appended the real peer 198.51.100.7.
    expect(clientAddress('10.0.0.5', '1.2.3.4, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.5', '1.2.3.4, 198.51.100.7, 10.0.0.9', 2)).toBe('198.51.100.7');
  });

  it('believes every hop when told to, and stops at a malformed entry', () => {
    expect(clientAddress('10.0.0.5', '1.2.3.4, 198.51.100.7', true)).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.5', 'garbage, 198.51.100.7', true)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.5', 'not-an-ip', 1)).toBe('10.0.0.5');
  });

  it('never reaches past the hops that exist', () => {
    expect(clientAddress('10.0.0.5', '198.51.100.7', 3)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.5', undefined, 3)).toBe('10.0.0.5');
  });
});
