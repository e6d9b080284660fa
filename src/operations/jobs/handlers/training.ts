// The mail of training campaigns: the invitation at launch and the reminders before the due date, each to the people
// not done yet, in their language, with their personal link. Without mail configured the job still records who would
// have been written to, so the campaign page says why nobody got a message.
import { createHash } from 'node:crypto';
import { TrainingRepository } from '../../../store/training-repository.js';
import { alertSettings, trainingUrl } from '../../alert-settings.js';
import { recordAudit } from '../../audit.js';
import { sendEmail } from '../../channels.js';
import { TRAINING_MAIL_JOB } from '../../training.js';
import type { JobHandler } from '../handler.js';

interface MailPayload {
  campaign: string;
  kind: 'invitation' | 'reminder';
}

const TEXTS = {
  en: {
    invitation: (title: string) => `Training to complete: ${title}`,
    reminder: (title: string) => `Reminder: training to complete: ${title}`,
    body: (title: string, due: string, url: string) =>
      `You are asked to complete "${title}" by ${due}.\n\nOpen your personal link (no sign-in needed):\n${url}\n\nThis link is yours: please do not forward it.`,
  },
  fr: {
    invitation: (title: string) => `Formation à suivre : ${title}`,
    reminder: (title: string) => `Rappel : formation à suivre : ${title}`,
    body: (title: string, due: string, url: string) =>
      `Vous êtes invité(e) à suivre « ${title} » avant le ${due}.\n\nOuvrez votre lien personnel (sans connexion) :\n${url}\n\nCe lien vous est propre : merci de ne pas le transférer.`,
  },
};

export const trainingMailJob: JobHandler<MailPayload> = {
  kind: TRAINING_MAIL_JOB,
  maxAttempts: 5,
  async run(job) {
    const org = job.org!;
    const repository = new TrainingRepository(job.db);
    const campaign = await repository.get(org, job.payload.campaign);
    if (!campaign || campaign.status === 'closed') return;
    const settings = alertSettings();
    const waiting = (await repository.assignments(org, [campaign.id])).filter((assignment) => !assignment.completedAt);
    let sent = 0;
    for (const person of waiting) {
      if (!person.email || !settings.smtpUrl) continue;
      const t = TEXTS[person.language];
      // Stable per campaign, mail and person: a retried job's second copy reads as the same message.
      const id = createHash('sha256').update(`${campaign.id}\n${job.id}\n${person.person}`).digest('hex').slice(0, 32);
      const outcome = await sendEmail(settings, {
        to: person.email,
        subject: t[job.payload.kind](campaign.title),
        text: t.body(campaign.title, campaign.due, trainingUrl(org, campaign.id, person.person)),
        messageId: `<training.${id}@rempart>`,
      });
      if (outcome.ok) sent++;
      else if (!outcome.permanent) throw new Error(`Mail not sent: ${outcome.error}`);
    }
    const reminder = {
      at: new Date().toISOString(),
      kind: job.payload.kind,
      sent,
      withoutEmail: waiting.filter((person) => !person.email).length,
      mail: !!settings.smtpUrl,
    };
    await job.fenced(async (trx) => {
      await new TrainingRepository(trx).addReminder(org, campaign.id, reminder);
      await recordAudit(trx, { org, action: job.payload.kind, entityType: 'trainingCampaign', entityId: campaign.id, after: reminder });
    });
  },
};
