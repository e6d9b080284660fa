// Refusals from the API shown to people: a table of problems (spreadsheet rows) and a summary list.
import { Alert, List, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../lib/api.js';
import { displayValue, errorSentence, problemMessage } from '../lib/problems.js';

/**
 * Every problem of a refused file, one line each. With `rows`, the spreadsheet view (row, column, value, message)
 * sorted by row; otherwise the model view (where, value, message). The message says the rule in words; its code
 * (`not_in_scale`) is for programs and stays in `data-rule`.
 */
export function ProblemTable({ problems, rows = false, caption }: { problems: readonly Problem[]; rows?: boolean; caption?: string }) {
  const { t } = useTranslation();
  const sorted = rows ? [...problems].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (a.column ?? '').localeCompare(b.column ?? '')) : problems;
  return (
    <Table.ScrollContainer minWidth={640} maxHeight={480}>
      <Table striped withTableBorder stickyHeader aria-label={caption}>
        {caption ? <Table.Caption>{caption}</Table.Caption> : null}
        <Table.Thead>
          <Table.Tr>
            {rows ? (
              <>
                <Table.Th w={70}>{t('problems.row')}</Table.Th>
                <Table.Th w={160}>{t('problems.column')}</Table.Th>
              </>
            ) : (
              <Table.Th w={260}>{t('problems.where')}</Table.Th>
            )}
            <Table.Th w={160}>{t('problems.value')}</Table.Th>
            <Table.Th>{t('problems.message')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((problem, index) => (
            <Table.Tr key={`${problem.path}-${problem.rule}-${index}`} data-rule={problem.rule}>
              {rows ? (
                <>
                  <Table.Td>{problem.row ?? '—'}</Table.Td>
                  <Table.Td>
                    <code>{problem.column ?? problem.path}</code>
                  </Table.Td>
                </>
              ) : (
                <Table.Td>
                  <code style={{ overflowWrap: 'anywhere' }}>{problem.path}</code>
                </Table.Td>
              )}
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {displayValue(problem.value) || (
                  <Text span size="sm" c="dimmed">
                    {t('problems.empty')}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{problemMessage(problem, t)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A refusal's sentence and the problems no form field shows. */
export function ProblemSummary({ title, message, problems }: { title: string; message?: string; problems: readonly Problem[] }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={title} role="alert">
      {message ? <Text size="sm">{message}</Text> : null}
      {problems.length > 0 ? (
        <List size="sm" mt="xs">
          {problems.map((problem, index) => (
            <List.Item key={`${problem.path}-${index}`}>
              {problem.path ? <code>{problem.path}</code> : null} {problemMessage(problem, t)}
              {problem.value !== undefined && problem.value !== null && problem.value !== '' ? ` (${displayValue(problem.value)})` : ''}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Alert>
  );
}

/**
 * What a refused form shows above its buttons: the refusal and the problems no field claims, or, when the fields
 * show them all, a note to correct the fields marked in red.
 */
export function FormRefusal({ error, problems, rest }: { error: unknown; problems: ReadonlyMap<string, unknown> | undefined; rest: readonly Problem[] }) {
  const { t } = useTranslation();
  if (!error) return null;
  if (rest.length > 0 || !problems?.size) return <ProblemSummary title={t('form.refused')} message={errorSentence(error, t)} problems={rest} />;
  return (
    <Alert color="red" variant="outline" role="status">
      {t('form.fixFields')}
    </Alert>
  );
}
