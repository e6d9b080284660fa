import { describe, expect, it } from 'vitest';
import { adminAbilities, allowed, dayBound, grantableRoles } from './admin.js';

describe('administration helpers', () => {
  it('reads conditional abilities as allowed and keeps owners for owners', () => {
    expect(allowed('notOwner')).toBe(true);
    expect(allowed(false)).toBe(false);
    expect(grantableRoles(true)).toContain('owner');
    expect(grantableRoles('notOwner')).not.toContain('owner');
    expect(grantableRoles(false)).toEqual([]);
    expect(adminAbilities(undefined)).toEqual({ members: false, tokens: false, security: false, audit: false, widget: false, organisation: false });
  });

  it('turns a day of the filter into the bounds of that day', () => {
    const from = dayBound('2026-03-01', false)!;
    const to = dayBound('2026-03-01', true)!;
    expect(new Date(to).getTime() - new Date(from).getTime()).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(dayBound('', false)).toBeUndefined();
    expect(dayBound('2026-13-45', true)).toBeUndefined();
  });
});
