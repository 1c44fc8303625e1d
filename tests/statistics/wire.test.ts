/**
 * The contribution wire format (statistics/wire.ts), read strictly: the hub takes a contribution
 * whole or not at all, and a value outside its alphabet refuses it.
 */
import { describe, expect, it } from 'vitest';
import { ContributionFormatError, parseCaseIndex, parseMemberState, parsePartner } from '../../statistics/index.js';

describe('the contribution wire format', () => {
  it('reads each system’s lines into columns', () => {
    expect(parseCaseIndex('EU-2024-000001,BE,IQ,ENFORCED,2024-08-05;EU-2024-000002,DE,NG,ASSISTED_VOLUNTARY,', 2)).toEqual({
      subjects: ['EU-2024-000001', 'EU-2024-000002'],
      owningMemberStates: ['BE', 'DE'],
      countriesOfOrigin: ['IQ', 'NG'],
      returnTypes: ['ENFORCED', 'ASSISTED_VOLUNTARY'],
      returnedOn: ['2024-08-05', null],
    });
    expect(parseMemberState('EU-2024-000001,1990,t;EU-2024-000002,,', 2)).toEqual({ subjects: ['EU-2024-000001', 'EU-2024-000002'], yearsOfBirth: [1990, null], vulnerable: [true, null] });
    expect(parsePartner('EU-2024-000001,BUSINESS+HOUSING,3,f,0.25,1,0', 1)).toEqual({
      subjects: ['EU-2024-000001'],
      assistance: [['BUSINESS', 'HOUSING']],
      visits: [3],
      stillInCountry: [false],
      economic: [0.25],
      social: [1],
      psychosocial: [0],
    });
    expect(parseMemberState('', 0)).toEqual({ subjects: [], yearsOfBirth: [], vulnerable: [] });
  });

  it.each([
    ['a count that does not match', () => parseMemberState('EU-2024-000001,1990,t', 2), 'the number of cases does not match the count'],
    ['a missing field', () => parseMemberState('EU-2024-000001,1990', 1), 'a case has the wrong number of fields'],
    ['a subject that is not a case reference', () => parseMemberState('Kavoran Selim,1990,t', 1), 'a subject is not a case reference'],
    ['a date of birth instead of a year', () => parseMemberState('EU-2024-000001,1990-04-02,t', 1), 'a year of birth is not a year'],
    ['a flag outside t/f', () => parseMemberState('EU-2024-000001,1990,yes', 1), 'a flag is not t, f or empty'],
    ['an undeclared return type', () => parseCaseIndex('EU-2024-000001,BE,IQ,DEPORTED,', 1), 'a return type is not declared'],
    ['a health assistance kind', () => parsePartner('EU-2024-000001,PSYCHOSOCIAL,1,t,,,', 1), 'an assistance kind is not declared'],
    ['a score above 1', () => parsePartner('EU-2024-000001,,1,t,1.5,0,0', 1), 'a score is not between 0 and 1'],
  ])('refuses %s', (_what, parse, message) => {
    expect(parse).toThrow(new ContributionFormatError(message));
  });
});
