// The interactive heat map: inherent or residual ratings, filtered by asset and threat family; a cell lists its risks.
import { Anchor, Button, Group, NativeSelect, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ExportMenu } from '../components/ExportMenu.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { orgPath, query } from '../lib/api.js';
import { BandBadge } from '../components/risk/BandBadge.js';
import { HeatMap, type CellRef } from '../components/risk/HeatMap.js';
import { entityName } from '../lib/format.js';
import { useFormat, useLanguage, useOrgId } from '../lib/queries.js';
import { useAllRisks, useAssetOptions, useHeatmap, useRiskMatrix, useThreats } from '../lib/risk-queries.js';
import { bandById, bandName, levelText, parseAssetKey, type RatingKind } from '../lib/risks.js';

export default function RiskHeatmap() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const rating: RatingKind = params.get('rating') === 'inherent' ? 'inherent' : 'residual';
  const family = params.get('family') || undefined;
  const asset = params.get('asset') || null;
  const assetRef = asset ? parseAssetKey(asset) : undefined;
  const cellMatch = /^(\d)x(\d)$/.exec(params.get('cell') ?? '');
  const selected: CellRef | null = cellMatch ? { likelihood: Number(cellMatch[1]), impact: Number(cellMatch[2]) } : null;
  const matrix = useRiskMatrix(org);
  const threats = useThreats(org);
  const assets = useAssetOptions(org);
  const heatmap = useHeatmap(org, { rating, family, assetType: assetRef?.type, assetId: assetRef?.id });
  const risks = useAllRisks(org);
  const base = `/orgs/${encodeURIComponent(org)}`;
  usePageTitle(t('heatmap.title'));

  const setParam = (key: string, value: string | null) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  if (matrix.isError || heatmap.isError) return <LoadError error={matrix.error ?? heatmap.error} />;
  if (!matrix.data || !heatmap.data) return <Loading />;

  const cell = selected ? heatmap.data.cells.find((item) => item.likelihood === selected.likelihood && item.impact === selected.impact) : undefined;
  const byId = new Map((risks.data ?? []).map((risk) => [risk.id, risk]));
  const band = cell ? bandById(matrix.data, cell.band) : undefined;

  return (
    <Stack gap="md">
      <PageHeader
        title={t('heatmap.title')}
        description={t('heatmap.description')}
        actions={
          <>
            <ExportMenu
              path={orgPath(org, `/risks/heatmap.sheet${query({ rating, family, assetType: assetRef?.type, assetId: assetRef?.id })}`)}
              testId="export-heatmap"
            />
            <Button component={Link} to={`${base}/risks`} variant="default">
              {t('heatmap.toRegister')}
            </Button>
          </>
        }
      />
      <Group gap="md" align="flex-end" wrap="wrap">
        <div>
          <Text size="sm" fw={500} mb={4} id="heatmap-rating">
            {t('heatmap.rating')}
          </Text>
          <SegmentedControl
            aria-labelledby="heatmap-rating"
            value={rating}
            onChange={(value) => setParam('rating', value === 'inherent' ? 'inherent' : null)}
            data={[
              { value: 'inherent', label: t('risks.inherent') },
              { value: 'residual', label: t('risks.residual') },
            ]}
          />
        </div>
        <NativeSelect
          label={t('risks.family')}
          value={family ?? ''}
          onChange={(event) => setParam('family', event.currentTarget.value || null)}
          data={[
            { value: '', label: t('risks.allFamilies') },
            ...(threats.data?.families ?? []).map((item) => ({ value: item.id, label: entityName(item, language) })),
          ]}
          w={220}
        />
        <Select
          label={t('risks.asset')}
          placeholder={t('risks.allAssets')}
          data={assets.groups}
          value={asset}
          onChange={(value) => setParam('asset', value)}
          searchable
          clearable
          limit={100}
          w={260}
          nothingFoundMessage={t('common.nothingFound')}
        />
        <Text size="sm" c="dimmed" pb={8} aria-live="polite">
          {t('heatmap.total', { count: heatmap.data.total, formatted: format.number(heatmap.data.total) })}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="md">
        <Paper withBorder p="md">
          <HeatMap
            matrix={matrix.data}
            heatmap={heatmap.data}
            selected={selected}
            onSelect={(next) => setParam('cell', next ? `${next.likelihood}x${next.impact}` : null)}
          />
          <Text size="xs" c="dimmed" mt="xs">
            {t('heatmap.hint')}
          </Text>
        </Paper>
        <Paper withBorder p="md" component="section" aria-labelledby="cell-title" aria-live="polite">
          {cell ? (
            <>
              <Title order={2} size="h4" id="cell-title">
                {t('heatmap.cellTitle', {
                  likelihood: levelText(matrix.data, 'likelihood', cell.likelihood, language),
                  impact: levelText(matrix.data, 'impact', cell.impact, language),
                })}
              </Title>
              <Text size="sm" c="dimmed" mb="sm">
                {t('heatmap.cellText', { count: cell.count, score: cell.score, band: bandName(band, language, cell.band) })}
              </Text>
              {cell.count === 0 ? (
                <Text size="sm">{t('heatmap.cellEmpty')}</Text>
              ) : (
                <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }} data-testid="cell-risks">
                  {cell.risks.map((id) => {
                    const risk = byId.get(id);
                    return (
                      <Group key={id} component="li" gap="xs" wrap="nowrap" justify="space-between">
                        <Anchor component={Link} to={`${base}/risks/${encodeURIComponent(id)}`} size="sm">
                          {risk ? entityName({ id, name: risk.title, names: risk.names }, language) : id}
                        </Anchor>
                        {/* The rating the map shows: the cell's risks are placed by it. */}
                        {risk ? (
                          <BandBadge
                            matrix={matrix.data}
                            rated={risk.computed[rating]}
                            label={t(rating === 'inherent' ? 'risks.inherent' : 'risks.residual')}
                          />
                        ) : null}
                      </Group>
                    );
                  })}
                </Stack>
              )}
              <Button variant="subtle" size="xs" mt="sm" onClick={() => setParam('cell', null)}>
                {t('heatmap.clearCell')}
              </Button>
            </>
          ) : (
            <>
              <Title order={2} size="h4" id="cell-title">
                {t('heatmap.noCellTitle')}
              </Title>
              <Text size="sm" mt={4}>
                {t('heatmap.noCellText')}
              </Text>
              <Text size="sm" mt="sm">
                {t('heatmap.appetiteText', { band: bandName(bandById(matrix.data, matrix.data.appetite), language, matrix.data.appetite) })}{' '}
                <Anchor component={Link} to={`${base}/risks?aboveAppetite=true`} size="sm">
                  {t('heatmap.aboveLink')}
                </Anchor>
              </Text>
            </>
          )}
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}
