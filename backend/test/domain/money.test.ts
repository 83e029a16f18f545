import { describe, expect, it } from 'vitest';
import { currencyDigits, isCurrencyCode } from '@offerly/contract';
import { applyBps, divRound, formatDecimal, parseDecimalAmount } from '../../src/domain/money';

describe('money', () => {
  it('knows minor-unit digits per currency', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
  });

  it('validates ISO codes', () => {
    expect(isCurrencyCode('EUR')).toBe(true);
    expect(isCurrencyCode('eur')).toBe(false);
    expect(isCurrencyCode('XYZ')).toBe(false);
  });

  it('parses decimal strings to integer minor units, rounding half up', () => {
    expect(parseDecimalAmount('19.99', 'USD')).toBe(1999);
    expect(parseDecimalAmount('19.9', 'USD')).toBe(1990);
    expect(parseDecimalAmount('19', 'USD')).toBe(1900);
    expect(parseDecimalAmount('0.005', 'USD')).toBe(1);
    expect(parseDecimalAmount('0.004', 'USD')).toBe(0);
    expect(parseDecimalAmount('1500', 'JPY')).toBe(1500);
    expect(parseDecimalAmount('1500.5', 'JPY')).toBe(1501);
    expect(parseDecimalAmount('1.2345', 'KWD')).toBe(1235);
  });

  it('refuses anything that is not a plain non-negative decimal', () => {
    for (const bad of ['', 'abc', '-1', '1,000.00', '1e5', '0x10', '1.2.3', 'NaN', 'Infinity', '9999999999999']) {
      expect(parseDecimalAmount(bad, 'USD'), bad).toBeNull();
    }
  });

  it('applies basis points with the single rounding rule', () => {
    expect(applyBps(1999, 1250)).toBe(250); // 249.875
    expect(applyBps(10_000, 1000)).toBe(1000);
    expect(applyBps(5, 1000)).toBe(1); // 0.5 rounds away from zero
    expect(applyBps(4, 1000)).toBe(0);
    expect(divRound(-15, 10)).toBe(-2);
  });

  it('formats minor units back to decimals', () => {
    expect(formatDecimal(1999, 'USD')).toBe('19.99');
    expect(formatDecimal(5, 'USD')).toBe('0.05');
    expect(formatDecimal(-150, 'EUR')).toBe('-1.50');
    expect(formatDecimal(1500, 'JPY')).toBe('1500');
  });
});
