// Confirms a deletion; when the API refuses it (409 in_use), says in words which items still use it.
import { Alert, Anchor, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Collection } from '@shared/model/organisation.js';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError, orgPath } from '../lib/api.js';
import { entityName } from '../lib/format.js';
import { errorSentence, usages } from '../lib/problems.js';
import { invalidateOrganisation, useLanguage, useModel } from '../lib/queries.js';

interface Props {
  org: string;
  collection: Collection;
  id: string;
  name: string;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}

export function DeleteDialog({ org, collection, id, name, opened, onClose, onDeleted }: Props) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<void>(orgPath(org, `/${collection}/${encodeURIComponent(id)}`), { method: 'DELETE' }),
    onSuccess: async () => {
      await invalidateOrganisation(client, org);
      onDeleted();
    },
  });
  const inUse = isApiError(remove.error) && remove.error.code === 'in_use' ? remove.error : undefined;
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={t('delete.title', { name })} size="lg">
      <Stack>
        {inUse ? (
          <InUse org={org} name={name} details={inUse.details} />
        ) : (
          <Text size="sm">{t('delete.confirm', { name, kind: t(`collections.${collection}.one`) })}</Text>
        )}
        {remove.error && !inUse ? (
          <Alert color="red" role="alert">
            {errorSentence(remove.error, t)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {inUse ? t('common.close') : t('common.cancel')}
          </Button>
          {!inUse ? (
            <Button color="red" onClick={() => remove.mutate()} loading={remove.isPending}>
              {t('common.delete')}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Still used by: activity Claims handling (staff), strategy VPN upgrade (effect)". */
export function InUse({ org, name, details, rename = false }: { org: string; name: string; details: Parameters<typeof usages>[0]; rename?: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  // Problem paths point into the model's collections by position: the exported model resolves them.
  const model = useModel(org);
  const users = usages(details);
  const base = `/orgs/${encodeURIComponent(org)}`;
  return (
    <Alert color="orange" title={t('delete.inUseTitle', { name })} role="alert">
      <Text size="sm">{t(rename ? 'delete.renameInUseText' : 'delete.inUseText', { count: users.length })}</Text>
      <List size="sm" mt="xs">
        {users.map((usage) => {
          const item = (model.data?.[usage.collection] as Array<{ id: string; name?: string; names?: { en?: string; fr?: string } }> | undefined)?.[
            usage.index
          ];
          const label = item ? entityName(item, language) : `#${usage.index + 1}`;
          const href = item
            ? usage.collection === 'activities'
              ? `${base}/activities/${encodeURIComponent(item.id)}`
              : `${base}/${usage.collection}?open=${encodeURIComponent(item.id)}`
            : undefined;
          return (
            <List.Item key={`${usage.collection}:${usage.index}`}>
              {t(`collections.${usage.collection}.one`)}{' '}
              {href ? (
                <Anchor component={Link} to={href} size="sm">
                  {label}
                </Anchor>
              ) : (
                label
              )}{' '}
              ({usage.fields.map((field) => t(`usageFields.${field}`, { defaultValue: field })).join(', ')})
            </List.Item>
          );
        })}
      </List>
      <Text size="sm" mt="xs">
        {t(rename ? 'delete.renameInUseNext' : 'delete.inUseNext')}
      </Text>
    </Alert>
  );
}
