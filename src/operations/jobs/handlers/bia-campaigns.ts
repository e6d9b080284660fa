// The mail of BIA campaigns: at launch, each owner once with all their activities; when the manager returns a task,
// its owner. In the owner's language (from the people directory; both languages when unknown), with the due date
// and the campaigns page: no secret in the link, they sign in to fill in and sign off. Owners are free text on the
// activity, matched to members and to the directory as the sign-off rights are; an owner no address matches is
// skipped and said so on the campaign, not a failure of the job.
import { createHash } from 'node:crypto';
import { ownerNamesPerson } from '../../../model/person.js';
import { AccountRepository, type MemberRecord } from '../../../store/account-repository.js';
import { BiaCampaignRepository, type CampaignRecord, type MailingRecord } from '../../../store/bia-campaign-repository.js';
import { ModelRepository } from '../../../store/model-repository.js';
import { PeopleRepository, type PersonRecord } from '../../../store/people-repository.js';
import { alertSettings } from '../../alert-settings.js';
import { recordAudit } from '../../audit.js';
import { BIA_CAMPAIGN_MAIL_JOB, type BiaCampaignMail } from '../../bia-campaigns.js';
import { sendEmail } from '../../channels.js';
import type { JobHandler } from '../handler.js';

type Language = 'en' | 'fr';

const TEXTS = {
  en: {
    launch: (title: string) => `Business impact analysis to complete: ${title}`,
    returned: (name: string) => `Impacts returned: ${name}`,
    launchBody: (campaign: CampaignRecord, names: string[], url: string) =>
      `You own these activities in the business impact analysis "${campaign.title}":\n${names.map((name) => `- ${name}`).join('\n')}\n\n` +
      `Please fill in their impacts and sign them off by ${campaign.due}.\n\nSign in to Rempart:\n${url}`,
    returnedBody: (campaign: CampaignRecord, name: string, comment: string, url: string) =>
      `The continuity manager returned the impacts of "${name}" (campaign "${campaign.title}", due ${campaign.due}):\n\n${comment}\n\n` +
      `Please change them and sign them off again. Sign in to Rempart:\n${url}`,
  },
  fr: {
    launch: (title: string) => `Analyse d’impact à compléter : ${title}`,
    returned: (name: string) => `Impacts renvoyés : ${name}`,
    launchBody: (campaign: CampaignRecord, names: string[], url: string) =>
      `Vous êtes responsable de ces activités dans l’analyse d’impact « ${campaign.title} » :\n${names.map((name) => `- ${name}`).join('\n')}\n\n` +
      `Merci de renseigner leurs impacts et de les valider avant le ${campaign.due}.\n\nConnectez-vous à Rempart :\n${url}`,
    returnedBody: (campaign: CampaignRecord, name: string, comment: string, url: string) =>
      `Le responsable de la continuité a renvoyé les impacts de « ${name} » (campagne « ${campaign.title} », échéance ${campaign.due}) :\n\n${comment}\n\n` +
      `Merci de les corriger et de les valider à nouveau. Connectez-vous à Rempart :\n${url}`,
  },
};

/** The owner's address: a member or a person of the directory the owner's text names; their language when the directory knows it. */
export function ownerAddress(
  owner: string,
  members: readonly MemberRecord[],
  people: readonly PersonRecord[],
): { to: string; language: Language | null } | 'noAddress' | 'ambiguous' {
  const found = new Set<string>();
  for (const member of members) if (ownerNamesPerson(owner, { email: member.email, name: member.displayName })) found.add(member.email.toLowerCase());
  for (const person of people) if (person.email && ownerNamesPerson(owner, { email: person.email, name: person.name })) found.add(person.email.toLowerCase());
  if (found.size === 0) return 'noAddress';
  if (found.size > 1) return 'ambiguous';
  const [to] = found;
  return { to, language: people.find((person) => person.email?.toLowerCase() === to)?.language ?? null };
}

function message(language: Language | null, write: (t: (typeof TEXTS)['en']) => { subject: string; text: string }) {
  if (language) return write(TEXTS[language]);
  const [fr, en] = [write(TEXTS.fr), write(TEXTS.en)];
  return { subject: `${fr.subject} / ${en.subject}`, text: `${fr.text}\n\n----\n\n${en.text}` };
}

export const biaCampaignMailJob: JobHandler<BiaCampaignMail> = {
  kind: BIA_CAMPAIGN_MAIL_JOB,
  maxAttempts: 5,
  async run(job) {
    const org = job.org!;
    const { kind, activity } = job.payload;
    const repository = new BiaCampaignRepository(job.db);
    const campaign = await repository.get(org, job.payload.campaign);
    const settings = alertSettings();
    if (!campaign || campaign.status === 'approved' || !settings.smtpUrl) return;
    // Whoever signed off (or was approved) since the launch or the return has nothing left to do.
    const tasks = (await repository.tasks(org, [campaign.id])).filter((task) =>
      kind === 'launch' ? task.status === 'pending' : task.activity === activity && task.status === 'returned',
    );
    if (tasks.length === 0) return;
    const [members, people, model] = await Promise.all([
      new AccountRepository(job.db).members(org),
      new PeopleRepository(job.db).all(org),
      new ModelRepository(job.db).loadModel(org),
    ]);
    const names = new Map(model.activities.map((item) => [item.id, item.name]));
    const url = `${settings.publicUrl}/orgs/${encodeURIComponent(org)}/bia-campaigns`;
    const mailing: MailingRecord = { at: new Date().toISOString(), kind, activity: activity ?? null, sent: [], skipped: [] };
    // One mail per address: two spellings of one owner ("Olga Owner, Head of Claims", "olga owner") are one person.
    const byAddress = new Map<string, { language: Language | null; owners: string[]; tasks: typeof tasks }>();
    for (const owner of [...new Set(tasks.map((task) => task.owner))]) {
      const mine = tasks.filter((task) => task.owner === owner);
      const address = ownerAddress(owner, members, people);
      if (typeof address === 'string') {
        mailing.skipped.push({ owner, activities: mine.map((task) => task.activity), reason: address });
        continue;
      }
      const entry = byAddress.get(address.to) ?? { language: address.language, owners: [], tasks: [] };
      entry.owners.push(owner);
      entry.tasks.push(...mine);
      byAddress.set(address.to, entry);
    }
    for (const [to, { language, owners, tasks: mine }] of byAddress) {
      const activities = mine.map((task) => task.activity);
      const activityNames = activities.map((id) => names.get(id) ?? id);
      const { subject, text } = message(language, (t) =>
        kind === 'launch'
          ? { subject: t.launch(campaign.title), text: t.launchBody(campaign, activityNames, url) }
          : { subject: t.returned(activityNames[0]), text: t.returnedBody(campaign, activityNames[0], mine[0].comment ?? '', url) },
      );
      // Stable per job and address: a retried job's second copy reads as the same message.
      const id = createHash('sha256').update(`${campaign.id}\n${job.id}\n${to}`).digest('hex').slice(0, 32);
      const outcome = await sendEmail(settings, { to, subject, text, messageId: `<bia.${id}@rempart>` });
      if (outcome.ok) mailing.sent.push({ to, owners, activities });
      else if (outcome.permanent)
        for (const owner of owners)
          mailing.skipped.push({ owner, activities: mine.filter((task) => task.owner === owner).map((task) => task.activity), reason: 'refused' });
      else throw new Error(`Mail not sent: ${outcome.error}`);
    }
    await job.fenced(async (trx) => {
      await new BiaCampaignRepository(trx).addMailing(org, campaign.id, mailing);
      await recordAudit(trx, { org, action: 'mail', entityType: 'biaCampaign', entityId: campaign.id, after: mailing });
    });
  },
};
