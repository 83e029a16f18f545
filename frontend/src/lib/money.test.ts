import { describe, expect, it } from 'vitest';
import { bpsToPercent, centsToDecimal, currencyDigits, formatBps, formatEpc, formatMoney, parseMoney, parsePercentToBps } from './money';

describe('money formatting', () => {
  it('divides integer minor units by the currency’s digits: USD 2, JPY 0, EUR 2, KWD 3', () => {
    expect(currencyDigits('USD')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('KWD')).toBe(3);
    expect(formatMoney(1999, 'USD', 'en-US')).toBe('$19.99');
    expect(formatMoney(123456789, 'USD', 'en-US')).toBe('$1,234,567.89');
    expect(formatMoney(5, 'USD', 'en-US')).toBe('$0.05');
    expect(formatMoney(-250, 'USD', 'en-US')).toBe('-$2.50');
    expect(formatMoney(1999, 'JPY', 'en-US')).toBe('¥1,999');
    expect(formatMoney(123450, 'EUR', 'en-US')).toBe('€1,234.50');
    expect(formatMoney(123450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
  });

  it('stays exact beyond float-friendly sizes', () => {
    expect(centsToDecimal(100_000_000_001, 'USD')).toBe('1000000000.01');
    expect(formatMoney(100_000_000_001, 'USD', 'en-US')).toBe('$1,000,000,000.01');
    expect(centsToDecimal(7, 'KWD')).toBe('0.007');
    expect(centsToDecimal(0, 'JPY')).toBe('0');
  });

  it('formats basis points and EPC strings', () => {
    expect(formatBps(1250, 'en-US')).toBe('12.5%');
    expect(formatBps(10_000, 'en-US')).toBe('100%');
    expect(formatBps(5, 'en-US')).toBe('0.05%');
    // One format for every EPC: always 4 decimals, so a column of them lines up.
    expect(formatEpc('0.0350', 'USD', 'en-US')).toBe('$0.0350');
    expect(formatEpc('0.4000', 'USD', 'en-US')).toBe('$0.4000');
    expect(formatEpc('1.2345', 'EUR', 'en-US')).toBe('€1.2345');
    expect(formatEpc('12.0000', 'JPY', 'en-US')).toBe('¥12.0000');
    expect(formatEpc('garbage', 'USD', 'en-US')).toBe('—');
  });
});

describe('money input', () => {
  it('parses decimal strings digit by digit into minor units', () => {
    expect(parseMoney('10.50', 'USD')).toEqual({ ok: true, value: 1050 });
    expect(parseMoney(' 10.5 ', 'USD')).toEqual({ ok: true, value: 1050 });
    expect(parseMoney('0.07', 'USD')).toEqual({ ok: true, value: 7 });
    expect(parseMoney('19.99', 'EUR')).toEqual({ ok: true, value: 1999 });
    // 0.1 + 0.2 style float errors cannot happen: 4.35 is 435, not 434.99999.
    expect(parseMoney('4.35', 'USD')).toEqual({ ok: true, value: 435 });
    expect(parseMoney('1500', 'JPY')).toEqual({ ok: true, value: 1500 });
    expect(parseMoney('1.234', 'KWD')).toEqual({ ok: true, value: 1234 });
  });

  it('refuses what it cannot read exactly, with a message for the field', () => {
    expect(parseMoney('', 'USD')).toMatchObject({ ok: false, error: 'Enter an amount' });
    expect(parseMoney('10.505', 'USD')).toMatchObject({ ok: false, error: 'Use at most 2 decimals for USD' });
    expect(parseMoney('10.5', 'JPY')).toMatchObject({ ok: false, error: 'JPY has no decimals; enter a whole number' });
    expect(parseMoney('1,000.00', 'USD').ok).toBe(false);
    expect(parseMoney('-5', 'USD').ok).toBe(false);
    expect(parseMoney('1e3', 'USD').ok).toBe(false);
    expect(parseMoney('$5', 'USD').ok).toBe(false);
    expect(parseMoney('5.', 'USD').ok).toBe(false);
    expect(parseMoney('999999999999', 'USD')).toMatchObject({ ok: false, error: 'Amount is too large' });
  });

  it('turns percentages into basis points and back', () => {
    expect(parsePercentToBps('12.5')).toEqual({ ok: true, value: 1250 });
    expect(parsePercentToBps('12.5 %')).toEqual({ ok: true, value: 1250 });
    expect(parsePercentToBps('0.05')).toEqual({ ok: true, value: 5 });
    expect(parsePercentToBps('100')).toEqual({ ok: true, value: 10_000 });
    expect(parsePercentToBps('100.01')).toMatchObject({ ok: false, error: 'Cannot exceed 100 %' });
    expect(parsePercentToBps('12.555').ok).toBe(false);
    expect(parsePercentToBps('').ok).toBe(false);
    expect(bpsToPercent(1250)).toBe('12.5');
    expect(bpsToPercent(1200)).toBe('12');
    expect(bpsToPercent(5)).toBe('0.05');
    expect(bpsToPercent(10_000)).toBe('100');
  });
});
