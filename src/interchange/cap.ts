// An alert as an OASIS Common Alerting Protocol 1.2 message (`urn:oasis:names:tc:emergency:cap:1.2`), for other
// alerting systems: one <info> block per language of the message, scope Restricted to the organisation's staff, the
// incident's severity mapped to CAP's, never a person's name, address or link.

export interface CapInput {
  org: { id: string; name: string };
  alert: { id: string; createdAt: Date; expiresAt: Date; channels: readonly string[] };
  incident: { id: string; title: string; severity: 'minor' | 'major' | 'critical'; exercise: boolean; status: 'open' | 'closed' };
  /** Per language: the headline (e-mail subject) and the text. */
  messages: Array<{ language: 'fr' | 'en'; headline: string; text: string }>;
  /** The public address of the server (`REMPART_PUBLIC_URL`): the sender's domain and `<web>`. */
  publicUrl: string;
  /** Names of the sites the alert was sent to, for `<area>`. */
  areas: readonly string[];
}

const SEVERITY = { minor: 'Moderate', major: 'Severe', critical: 'Extreme' } as const;
const LANGUAGE = { fr: 'fr-FR', en: 'en-US' } as const;
const INSTRUCTION = {
  fr: 'Répondez au point de situation avec le lien personnel reçu par courriel ou SMS : disponible sur site, à distance, indisponible, ou besoin d’aide.',
  en: 'Answer the check-in with the personal link you received by e-mail or SMS: available on site, remotely, unavailable, or in need of help.',
} as const;

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

/** CAP's date form: seconds, and an explicit offset (`+00:00`, never `Z`). */
export function capDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

/** The CAP identifier: no spaces, commas, `<` or `&`. */
function identifier(org: string, alert: string): string {
  return `rempart-${org}-${alert}`.replace(/[\s,<&]/g, '_');
}

export function alertToCap(input: CapInput): string {
  const host = new URL(input.publicUrl).hostname;
  const element = (name: string, value: string) => `<${name}>${escape(value)}</${name}>`;
  const infos = input.messages.map((message) =>
    [
      '<info>',
      element('language', LANGUAGE[message.language]),
      element('category', 'Safety'),
      element('event', input.incident.title),
      element('responseType', 'Monitor'),
      element('urgency', 'Immediate'),
      element('severity', SEVERITY[input.incident.severity]),
      element('certainty', 'Observed'),
      element('audience', message.language === 'fr' ? `Personnel de ${input.org.name}` : `Staff of ${input.org.name}`),
      element('effective', capDate(input.alert.createdAt)),
      element('expires', capDate(input.alert.expiresAt)),
      element('senderName', input.org.name),
      element('headline', message.headline.slice(0, 160)),
      element('description', message.text),
      element('instruction', INSTRUCTION[message.language]),
      element('web', input.publicUrl),
      `<parameter>${element('valueName', 'channels')}${element('value', input.alert.channels.join(' '))}</parameter>`,
      ...(input.areas.length > 0 ? [`<area>${element('areaDesc', input.areas.join(', '))}</area>`] : []),
      '</info>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">',
    element('identifier', identifier(input.org.id, input.alert.id)),
    element('sender', `rempart@${host}`),
    element('sent', capDate(input.alert.createdAt)),
    element('status', input.incident.exercise ? 'Exercise' : 'Actual'),
    element('msgType', 'Alert'),
    element('source', 'Rempart'),
    element('scope', 'Restricted'),
    element('restriction', `Staff of ${input.org.name} (${input.org.id})`),
    element('incidents', input.incident.id),
    ...infos,
    '</alert>\n',
  ].join('');
}
