import { describe, expect, it } from 'vitest';
import { ipBucket } from './ip.js';
import { parseRecipient } from './recipient.js';

const phones = { allowEmail: false };
const both = { allowEmail: true };

describe('parseRecipient: phone numbers', () => {
  it('keys every spelling of one number on its canonical E.164 form', () => {
    for (const spelling of ['+442079460958', '+4402079460958']) {
      expect(parseRecipient(spelling, phones)).toMatchObject({
        to: '+442079460958',
        key: '+442079460958',
        country: 'GB',
      });
    }
  });

  it('refuses numbers that are not valid for their country, without a provider', () => {
    expect(() => parseRecipient('+447700900123', phones)).toThrow(/not a valid phone number/); // Ofcom's drama range
    expect(() => parseRecipient('+8612345678', phones)).toThrow(expect.objectContaining({ code: 'invalid_phone' }));
    expect(() => parseRecipient('02079460958', phones)).toThrow(/E\.164/);
    expect(() => parseRecipient('+44 20 7946 0958', phones)).toThrow(/E\.164/);
  });

  it.each([
    ['+19005550123', 'PREMIUM_RATE'],
    ['+979123456789', 'PREMIUM_RATE'],
    ['+447012345678', 'PERSONAL_NUMBER'],
  ])('refuses %s (%s) by default, and allows it when configured', (number, type) => {
    expect(() => parseRecipient(number, phones)).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(parseRecipient(number, { ...phones, refusedTypes: [] })).toMatchObject({ type });
  });

  it('allows and denies by ISO country, not by calling-code prefix (+1 876 is Jamaica, not the US)', () => {
    const us = { ...phones, allowedCountries: ['US', 'CA'] };
    expect(parseRecipient('+14155550100', us)).toMatchObject({ country: 'US' });
    expect(() => parseRecipient('+18765550123', us)).toThrow(/country/);
    expect(() => parseRecipient('+252612345678', { ...phones, deniedCountries: ['SO'] })).toThrow(/country/);
    expect(parseRecipient('+252612345678', phones)).toMatchObject({ country: 'SO', type: 'MOBILE' });
  });
});

describe('parseRecipient: e-mail addresses', () => {
  it('gives one mailbox one key however it is spelled', () => {
    const spellings = [
      'Jane.Doe@Gmail.com',
      'janedoe+otp@gmail.com',
      'j.a.n.e.d.o.e@googlemail.com',
      'janedoe@gmail.com.',
    ];
    expect(new Set(spellings.map((s) => parseRecipient(s, both).key))).toEqual(new Set(['janedoe@gmail.com']));
    // Elsewhere dots matter; case and +tags do not.
    expect(parseRecipient('Jane.Doe+x@Example.COM', both)).toEqual({
      kind: 'email',
      to: 'Jane.Doe+x@example.com',
      key: 'jane.doe@example.com',
    });
  });

  it('refuses control and look-alike characters', () => {
    for (const address of [
      'jane\u0000@example.com',
      'jan\u200be@example.com',
      'jаne@example.com',
      'jane@exаmple.com',
    ]) {
      expect(() => parseRecipient(address, both)).toThrow(expect.objectContaining({ code: 'invalid_phone' }));
    }
    expect(() => parseRecipient('jane@example.com', phones)).toThrow(/E\.164/);
  });
});

describe('ipBucket', () => {
  it('folds an IPv4-mapped address into its IPv4 address', () => {
    expect(ipBucket('::ffff:1.2.3.4')).toBe('4:1.2.3.4');
    expect(ipBucket('::ffff:0102:0304')).toBe('4:1.2.3.4');
    expect(ipBucket('1.2.3.4')).toBe('4:1.2.3.4');
  });

  it('counts IPv6 per /64, whatever the spelling', () => {
    const bucket = ipBucket('2001:db8:1:2::1');
    expect(bucket).toBe('6:2001:db8:1:2');
    for (const a of ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '[2001:db8:1:2::abcd]', '2001:db8:1:2:0:0:0:9%eth0']) {
      expect(ipBucket(a)).toBe(bucket);
    }
    expect(ipBucket('2001:db8:1:3::1')).not.toBe(bucket);
  });

  it('gives garbage no budget of its own', () => {
    for (const junk of ['x'.repeat(4096), 'not-an-ip', '1.2.3.256', '1::2::3', '', '2001:db8::1::']) {
      expect(ipBucket(junk)).toBe('?');
    }
  });
});
