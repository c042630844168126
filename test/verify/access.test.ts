import { describe, expect, it } from 'vitest';
import { decideAccess } from '../../src/verify/access.js';
import { memoryGateStore } from '../../src/verify/gate-store.js';
import { gateContract } from './gate-contract.js';

describe('decideAccess', () => {
  it.each([
    [{ onRoster: true, canWrite: false, isOrganizer: false }, false, true],
    [{ onRoster: false, canWrite: true, isOrganizer: false }, false, true],
    [{ onRoster: false, canWrite: false, isOrganizer: false }, false, 'not-member'],
    [{ onRoster: true, canWrite: false, isOrganizer: false }, true, 'organizer-only'],
    [{ onRoster: true, canWrite: true, isOrganizer: false }, true, 'organizer-only'],
    [{ onRoster: false, canWrite: true, isOrganizer: true }, true, true],
  ])('%j other=%s → %s', (standing, otherMember, expected) => {
    const d = decideAccess({ login: 'kim', ...standing }, { otherMember });
    expect(d.ok ? true : d.reason).toBe(expected);
  });
});

describe('VerifyGate (this process)', () => {
  gateContract(() => memoryGateStore());
});
