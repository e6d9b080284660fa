// Who may manage the organisation's embeddable widget: its public keys and its public settings.
import { allow } from './rules.js';

/**
 * Owners and administrators manage the widget; auditors read how it is set up. A key is made by a signed-in person
 * only (like API tokens: what a token makes must not outlive it); revoking takes access away, so tokens may.
 */
export const widgetRules = [
  allow(['owner', 'administrator', 'auditor'], 'read', ['publicKeys', 'widget']),
  // Changing a key can open it to more origins, which is as much as making one: a person, never a token.
  allow(['owner', 'administrator'], ['create', 'update'], 'publicKeys', { via: 'session' }),
  allow(['owner', 'administrator'], 'delete', 'publicKeys'),
  allow(['owner', 'administrator'], 'update', 'widget'),
];
