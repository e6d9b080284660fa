// Uploading a spreadsheet (CSV or XLSX) to an import route, and what became of it: the counts, or every refused row
// named by row and column (nothing imported). Shared by the import pages.
import { Alert, Button, FileInput, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, isApiError, orgPath } from '../lib/api.js';
import { errorSentence } from '../lib/problems.js';
import { invalidateOrganisation, useOrgId } from '../lib/queries.js';
import { ProblemTable } from './Problems.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The content type the API expects for a spreadsheet file, from its name (browsers often leave `type` empty). */
export function spreadsheetType(file: { name: string; type: string }): string | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.xlsx')) return XLSX;
  if (file.type === 'text/csv' || file.type === XLSX) return file.type;
  return undefined;
}

/** In place of an upload form the caller may not use. */
export function NoImport() {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t('exchange.upload')}
      </Title>
      <Text size="sm" c="dimmed" data-testid="no-import">
        {t('abilities.cannotImport')}
      </Text>
    </Stack>
  );
}

/** Uploading a spreadsheet to `path`: the chosen file, the request, and its refusal if any. */
export function useSheetUpload<Result>(path: string, onSuccess?: () => unknown) {
  const org = useOrgId();
  const client = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (chosen: File) => {
      const type = spreadsheetType(chosen);
      if (!type)
        throw new ApiError(415, 'unsupported_media_type', 'unsupported file', [
          { path: 'file', rule: 'media_type', value: chosen.name, message: 'a .csv or .xlsx file' },
        ]);
      return api<Result>(orgPath(org, path), {
        method: 'POST',
        body: new Blob([await chosen.arrayBuffer()], { type }),
        contentType: type,
      });
    },
    onSuccess: () => (onSuccess ? onSuccess() : invalidateOrganisation(client, org)),
  });
  return { file, setFile, upload };
}

type SheetUpload<Result> = ReturnType<typeof useSheetUpload<Result>>;

/** The upload form of a spreadsheet section. */
export function SheetUploadForm<Result>({
  state,
  label,
  description,
  submit,
}: {
  state: SheetUpload<Result>;
  label: string;
  description: string;
  submit: string;
}) {
  const { t } = useTranslation();
  const { file, setFile, upload } = state;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (file) upload.mutate(file);
      }}
    >
      <Stack gap="xs">
        <Title order={3} size="h5">
          {t('exchange.upload')}
        </Title>
        <FileInput
          label={label}
          description={description}
          placeholder={t('exchange.chooseFile')}
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          value={file}
          onChange={(next) => {
            setFile(next);
            upload.reset();
          }}
          clearable
          clearButtonProps={{ 'aria-label': t('exchange.clearFile') }}
        />
        <Group>
          <Button type="submit" disabled={!file} loading={upload.isPending}>
            {submit}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What became of the upload: the counts, or every refused row named by row and column (nothing imported). */
export function SheetUploadOutcome<Result>({ state, done, counts }: { state: SheetUpload<Result>; done: string; counts: (result: Result) => string }) {
  const { t } = useTranslation();
  const { upload } = state;
  const error = isApiError(upload.error) ? upload.error : undefined;
  const withRows = error?.details.some((problem) => problem.row !== undefined) ?? false;
  return (
    <div aria-live="polite">
      {upload.isSuccess ? (
        <Alert color="teal" mt="md" title={done} role="status">
          {counts(upload.data)}
        </Alert>
      ) : null}
      {upload.error ? (
        <Stack mt="md" gap="xs">
          <Alert color="red" title={t('exchange.sheetRefused', { count: error?.details.length ?? 0 })} role="alert">
            {errorSentence(upload.error, t)} {t('exchange.nothingImported')}
          </Alert>
          {error && error.details.length > 0 ? <ProblemTable problems={error.details} rows={withRows} caption={t('exchange.problemsCaption')} /> : null}
        </Stack>
      ) : null}
    </div>
  );
}
