// What the alert composer sends is what the server accepts: each kind of draft goes through the server's own schema
// of an alert, and the preview is built with the functions the sender uses.
import { describe, expect, it } from 'vitest';
import { AlertRequest, smsLength } from '@shared/model/alert.js';
import { ALERT_TEMPLATES, emailText } from '@shared/model/alert-texts.js';
import { smsText } from '@shared/model/sms.js';
import { alertRequest, type Draft } from './alerts.js';

const template = ALERT_TEMPLATES[0];
const draft = (change: Partial<Draft> = {}): Draft => ({
  everyone: false,
  sites: [],
  activities: ['claims-fnol'],
  people: [],
  channels: ['email'],
  texts: { en: { ...template.en }, fr: { ...template.fr } },
  waves: { count: 3, intervalMinutes: 15, escalate: true },
  ...change,
});

describe('the alert composer’s request', () => {
  it('passes the server’s schema for an audience of everyone, or of sites, activities and people', () => {
    for (const one of [draft(), draft({ everyone: true }), draft({ sites: ['lyon'], activities: [], people: ['P1', 'P2'] })]) {
      const parsed = AlertRequest.safeParse(alertRequest(one));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    expect(alertRequest(draft({ everyone: true, sites: ['lyon'] })).audience).toEqual({ everyone: true });
  });

  it('sends both languages, English as the common text, trimmed, an empty subject left out', () => {
    const request = alertRequest(draft({ texts: { en: { subject: '  ', text: ' Stay home. ' }, fr: { subject: 'Inondation', text: 'Restez chez vous.' } } }));
    expect(request.message).toEqual({ text: 'Stay home.', en: { text: 'Stay home.' }, fr: { subject: 'Inondation', text: 'Restez chez vous.' } });
    expect(AlertRequest.safeParse(request).success).toBe(true);
  });

  it('escalates only with a second channel', () => {
    expect(alertRequest(draft()).waves.escalate).toBe(false);
    expect(alertRequest(draft({ channels: ['email', 'sms'] })).waves.escalate).toBe(true);
    expect(alertRequest(draft({ channels: ['email', 'sms'], waves: { count: 2, intervalMinutes: 5, escalate: false } })).waves.escalate).toBe(false);
  });

  it('is refused by the server when the draft lacks a text', () => {
    const parsed = AlertRequest.safeParse(alertRequest(draft({ texts: { en: { subject: '', text: '' }, fr: { ...template.fr } } })));
    expect(parsed.success).toBe(false);
  });

  it('previews the messages as the sender writes them, and counts the SMS as the server does', () => {
    const link = `https://rempart.example/c/rmpl_demo.${'x'.repeat(43)}`;
    expect(emailText('fr', template.fr.text, link)).toBe(`${template.fr.text}\n\nRépondez en un geste :\n${link}\n`);
    // Every shipped template fits one text message with a link of this length, in both languages.
    for (const one of ALERT_TEMPLATES)
      for (const language of ['fr', 'en'] as const) {
        const { length, limit } = smsLength(smsText(one[language].text, link));
        expect(length, `${one.id} ${language}`).toBeLessThanOrEqual(limit);
      }
    expect(smsLength(smsText('Œuvre', link))).toMatchObject({ limit: 70, gsm: false });
  });
});
