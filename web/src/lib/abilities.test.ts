import { describe, expect, it } from 'vitest';
import { allows, allowsEverywhere, organisationCan } from './abilities.js';

describe('abilities', () => {
  it.each([
    [{ abilities: { update: true, delete: false } }, 'update', true],
    [{ abilities: { update: true, delete: false } }, 'delete', false],
    [{ abilities: { update: true } }, 'delete', false],
    [{ abilities: { create: true } }, 'create', true],
    // Read before the server sent abilities, or not an item at all: nothing is allowed.
    [{}, 'update', false],
    [undefined, 'update', false],
    [null, 'delete', false],
    // Only an explicit true allows (never a truthy string or number slipped in).
    [{ abilities: { update: 'own' as unknown as boolean } }, 'update', false],
    [{ abilities: { update: 1 as unknown as boolean } }, 'update', false],
  ])('an item with %j allows %s: %s', (item, action, expected) => {
    expect(allows(item, action)).toBe(expected);
  });

  it('counts a per-item condition of the organisation as no for actions without an item', () => {
    const activityOwner = {
      activities: { read: true, create: false, update: 'own', delete: false, import: false },
      runs: { read: true, create: false, cancel: false },
    };
    expect(allowsEverywhere(activityOwner, 'activities', 'read')).toBe(true);
    expect(allowsEverywhere(activityOwner, 'activities', 'update')).toBe(false);
    expect(allowsEverywhere(activityOwner, 'activities', 'import')).toBe(false);
    expect(allowsEverywhere(activityOwner, 'runs', 'create')).toBe(false);
    expect(allowsEverywhere(activityOwner, 'risks', 'import')).toBe(false);
    expect(allowsEverywhere(undefined, 'risks', 'read')).toBe(false);
  });

  it('reads a membership, and allows nothing without one', () => {
    const manager = organisationCan({ abilities: { runs: { create: true }, model: { import: true }, risks: { import: false } } });
    expect(manager.can('runs', 'create')).toBe(true);
    expect(manager.can('model', 'import')).toBe(true);
    expect(manager.can('risks', 'import')).toBe(false);
    expect(manager.can('tokens', 'create')).toBe(false);
    const nobody = organisationCan(undefined, true);
    expect(nobody.pending).toBe(true);
    expect(nobody.can('runs', 'create')).toBe(false);
  });
});
