// The lessons of a post-incident or post-exercise review, each with an optional corrective action (title, owner,
// due date): the same editor and the same body for both, since the server makes corrective actions of both alike.
import { ActionIcon, Button, Card, Group, SimpleGrid, Stack, Textarea, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export interface LessonDraft {
  text: string;
  title: string;
  owner: string;
  due: string;
}

export const EMPTY_LESSON: LessonDraft = { text: '', title: '', owner: '', due: '' };

/** The lessons as the server takes them: empty ones left out, an action only when it has a title. */
export function lessonsBody(lessons: readonly LessonDraft[]) {
  return lessons
    .filter((lesson) => lesson.text.trim())
    .map((lesson) => ({
      text: lesson.text.trim(),
      ...(lesson.title.trim()
        ? {
            action: {
              title: lesson.title.trim(),
              ...(lesson.owner.trim() ? { owner: lesson.owner.trim() } : {}),
              ...(lesson.due ? { due: lesson.due } : {}),
            },
          }
        : {}),
    }));
}

export function LessonsEditor({ lessons, onChange }: { lessons: LessonDraft[]; onChange: (lessons: LessonDraft[]) => void }) {
  const { t } = useTranslation();
  const setLesson = (index: number, lesson: LessonDraft) => onChange(lessons.map((item, i) => (i === index ? lesson : item)));
  return (
    <>
      <Title order={3} size="h5">
        {t('lessons.title')}
      </Title>
      {lessons.map((lesson, index) => (
        <Card key={index} withBorder padding="sm">
          <Stack gap="xs">
            <Group align="flex-end" wrap="nowrap">
              <Textarea
                label={t('lessons.lesson', { number: index + 1 })}
                value={lesson.text}
                onChange={(event) => setLesson(index, { ...lesson, text: event.currentTarget.value })}
                autosize
                minRows={1}
                style={{ flex: 1 }}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t('lessons.remove', { number: index + 1 })}
                onClick={() => onChange(lessons.filter((_, i) => i !== index))}
              >
                ×
              </ActionIcon>
            </Group>
            <SimpleGrid cols={{ base: 1, md: 3 }}>
              <TextInput
                label={t('lessons.action')}
                description={t('lessons.actionHelp')}
                value={lesson.title}
                onChange={(event) => setLesson(index, { ...lesson, title: event.currentTarget.value })}
              />
              <TextInput
                label={t('lessons.owner')}
                value={lesson.owner}
                onChange={(event) => setLesson(index, { ...lesson, owner: event.currentTarget.value })}
              />
              <TextInput
                type="date"
                label={t('lessons.due')}
                value={lesson.due}
                onChange={(event) => setLesson(index, { ...lesson, due: event.currentTarget.value })}
              />
            </SimpleGrid>
          </Stack>
        </Card>
      ))}
      <Group>
        <Button variant="light" onClick={() => onChange([...lessons, { ...EMPTY_LESSON }])}>
          {t('lessons.add')}
        </Button>
      </Group>
    </>
  );
}
