import { normaliseAddress } from './address';

describe('normaliseAddress (the form the shared-address anomaly compares)', () => {
  it('compares one address typed two ways as equal: spaces, full-width digits, punctuation, Latin case', () => {
    expect(normaliseAddress('示范市 朝阳路１２号，３单元 ５０１')).toBe('示范市朝阳路12号3单元501');
    expect(normaliseAddress('示范市朝阳路12号3单元501')).toBe('示范市朝阳路12号3单元501');
    expect(normaliseAddress('Room 5-01, No. 12 Chaoyang Rd')).toBe('room501no12chaoyangrd');
  });

  it('keeps addresses that differ in a number apart, and gives null for nothing but spaces and punctuation', () => {
    expect(normaliseAddress('朝阳路12号')).not.toBe(normaliseAddress('朝阳路13号'));
    expect(normaliseAddress(' ，。 ')).toBeNull();
  });
});
