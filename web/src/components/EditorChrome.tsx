// What every editing page shares: the save bar that sticks while there are unsaved changes, and the
// question asked before leaving them behind.
import { Button, Group, Modal, Paper, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker, type Blocker } from 'react-router';

/** Blocks navigation to another page while `active` (unsaved changes and nothing being saved). */
export function useLeaveGuard(active: boolean): Blocker {
  return useBlocker(({ currentLocation, nextLocation }) => active && currentLocation.pathname !== nextLocation.pathname);
}

/** Save and discard, with the state of the draft said aloud; `extra` stands beside the state (a delete button). */
export function SaveBar({
  dirty,
  saving,
  onDiscard,
  onSave,
  extra,
}: {
  dirty: boolean;
  saving: boolean;
  onDiscard: () => void;
  onSave: () => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Paper
      shadow="md"
      p="sm"
      withBorder
      style={{ position: dirty ? 'sticky' : 'static', bottom: 8, zIndex: 5, background: dirty ? 'var(--mantine-color-yellow-0)' : 'white' }}
      role="region"
      aria-label={t('activity.saveBar')}
    >
      <Group justify="space-between">
        <Group gap="sm">
          <Text size="sm" fw={dirty ? 600 : 400} aria-live="polite">
            {dirty ? t('activity.unsaved') : t('activity.allSaved')}
          </Text>
          {extra}
        </Group>
        <Group gap="xs">
          <Button variant="default" disabled={!dirty || saving} onClick={onDiscard}>
            {t('common.discard')}
          </Button>
          <Button onClick={onSave} disabled={!dirty} loading={saving}>
            {t('common.save')}
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}

/** Asked when a blocked navigation would lose the draft. */
export function LeaveDialog({ blocker, text }: { blocker: Blocker; text: string }) {
  const { t } = useTranslation();
  return (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title={t('activity.leaveTitle')}>
      <Text size="sm">{text}</Text>
      <Group justify="flex-end" mt="md">
        <Button variant="default" onClick={() => blocker.reset?.()}>
          {t('activity.stay')}
        </Button>
        <Button color="red" onClick={() => blocker.proceed?.()}>
          {t('activity.leave')}
        </Button>
      </Group>
    </Modal>
  );
}
