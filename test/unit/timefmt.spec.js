'use strict';
const assert = require('node:assert/strict');
const { parseFtpTime, formatFtpTime, FtpError } = require('../../nodes/lib');
// toDate is not re-exported by the package index
const { toDate } = require('../../nodes/lib/timefmt');

describe('timefmt: parseFtpTime', () => {
  it('reads YYYYMMDDHHMMSS as UTC', () => {
    assert.equal(parseFtpTime('20240131235958').toISOString(), '2024-01-31T23:59:58.000Z');
    assert.equal(parseFtpTime('19700101000000').getTime(), 0);
  });

  for (const [frac, iso] of [
    ['.5', '2024-02-29T12:34:56.500Z'],
    ['.123', '2024-02-29T12:34:56.123Z'],
    ['.1234', '2024-02-29T12:34:56.123Z'],
    ['.1235', '2024-02-29T12:34:56.124Z'],
    ['.000001', '2024-02-29T12:34:56.000Z'],
    ['.123456789', '2024-02-29T12:34:56.123Z'],
    ['.9999', '2024-02-29T12:34:57.000Z'],
  ]) {
    it(`reads the fraction ${frac}`, () => {
      assert.equal(parseFtpTime(`20240229123456${frac}`).toISOString(), iso);
    });
  }

  it('ignores surrounding whitespace', () => {
    assert.equal(parseFtpTime('  20240131235958\t').toISOString(), '2024-01-31T23:59:58.000Z');
  });

  for (const bad of [
    '',
    'abc',
    '2024013123595', // 13 digits
    '202401312359580', // 15 digits
    '2024-01-31T23:59:58Z',
    '20240131235958.',
    '20240131235958.1234567890', // 10 fraction digits
    '20240131235958.5x',
    '213 20240131235958',
    '20240131 235958',
    '191240131235958', // the old "19100" year bug
  ]) {
    it(`null for ${JSON.stringify(bad)}`, () => {
      assert.equal(parseFtpTime(bad), null);
    });
  }

  // BUG (minor): out-of-range fields are not refused but rolled over by
  // Date.UTC: "20241301000000" (month 13) → 2025-01-01, "20240230000000"
  // (30 Feb) → 2024-03-01, "20240101250000" (hour 25) → 2024-01-02T01:00.
  // The doc comment says parseFtpTime returns null "when it is not one".
  it('null for out-of-range month, day, hour, minute and second', () => {
    for (const bad of ['20241301000000', '20240001000000', '20240230000000', '20240132000000', '20240101250000', '20240101006000', '20240101000061']) {
      assert.equal(parseFtpTime(bad), null, bad);
    }
  });
});

describe('timefmt: formatFtpTime', () => {
  it('formats as YYYYMMDDHHMMSS in UTC, dropping milliseconds', () => {
    assert.equal(formatFtpTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))), '20240102030405');
    assert.equal(formatFtpTime(new Date(0)), '19700101000000');
    assert.equal(formatFtpTime(new Date(Date.UTC(2099, 11, 31, 23, 59, 59))), '20991231235959');
  });

  it('pads a year below 1000', () => {
    const d = new Date(Date.UTC(2000, 0, 1));
    d.setUTCFullYear(999);
    assert.equal(formatFtpTime(d), '09990101000000');
  });

  it('round trips with parseFtpTime (whole seconds)', () => {
    for (const ms of [0, 1e12, 1700000000000, Date.UTC(2024, 1, 29, 23, 59, 59)]) {
      assert.equal(parseFtpTime(formatFtpTime(new Date(ms))).getTime(), ms);
    }
  });
});

describe('timefmt: toDate', () => {
  it('returns a Date as is', () => {
    const d = new Date(1234567890000);
    assert.equal(toDate(d), d);
  });
  it('takes ms since the epoch', () => {
    assert.equal(toDate(1234567890000).toISOString(), '2009-02-13T23:31:30.000Z');
    assert.equal(toDate(0).getTime(), 0);
  });
  it('takes an ISO string', () => {
    assert.equal(toDate('2024-01-31T23:59:58Z').getTime(), Date.UTC(2024, 0, 31, 23, 59, 58));
    assert.equal(toDate('2024-01-31T23:59:58.250+02:00').toISOString(), '2024-01-31T21:59:58.250Z');
  });
  for (const bad of ['not a date', '', NaN, Infinity, new Date('nope')]) {
    it(`refuses ${bad instanceof Date ? 'an invalid Date' : JSON.stringify(String(bad))} with FtpError input`, () => {
      assert.throws(
        () => toDate(bad, 'modification time'),
        (e) => e instanceof FtpError && e.kind === 'input' && e.code === 0 && /^modification time is not a valid time/.test(e.message),
      );
    });
  }
  it('names "time" by default', () => {
    assert.throws(() => toDate('x'), /^FtpError: time is not a valid time: x$/);
  });
});
