// The crisis assistant for a signed-in member: questions answered from the knowledge base (staff articles included)
// and from the organisation's approved plans (can I come to the site, who stands in for a lead, who to call), each
// answer with its source or its plan; when it does not know, it says so and offers to hand the question over.
import { Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConversationReply, ConversationStarted } from '@shared/model/contract/conversations.js';
import { Chat } from '../components/assistant/Chat.js';
import { PageHeader, usePageTitle } from '../components/Page.js';
import { api, orgPath } from '../lib/api.js';
import { useLanguage, useOrgId } from '../lib/queries.js';

export default function Assistant() {
  const { t } = useTranslation();
  const org = useOrgId();
  const lang = useLanguage();
  usePageTitle(t('assistant.title'));
  return (
    <Stack gap="md">
      <PageHeader title={t('assistant.title')} description={t('assistant.description')} />
      <Chat
        label={t('assistant.title')}
        restartKey={`${org}:${lang}`}
        start={() => api<ConversationStarted>(orgPath(org, '/assistant/conversations'), { method: 'POST', body: { lang } })}
        send={(id, body) => api<ConversationReply>(orgPath(org, `/assistant/conversations/${id}/messages`), { method: 'POST', body })}
      />
    </Stack>
  );
}
