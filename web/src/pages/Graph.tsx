// The dependency graph (ECharts graph series, loaded on demand), filterable by activity and kind; a click opens the item.
import { Alert, Checkbox, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EChart } from '../components/EChart.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { entityName } from '../lib/format.js';
import { buildGraph, LINK_KINDS, NODE_KINDS, type GraphNode, type LinkKind, type NodeKind } from '../lib/graph.js';
import { useFindings, useFormat, useLanguage, useModel, useOrgId } from '../lib/queries.js';

const loadGraph = () => import('../charts/graph.js');
const COLOURS: Record<NodeKind, string> = { activity: '#1864ab', application: '#6741d9', supplier: '#d9480f', site: '#087f5b' };
const LIMIT = 250;

export default function Graph() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const focus = params.get('activity');
  const [kinds, setKinds] = useState<LinkKind[]>([...LINK_KINDS]);
  const model = useModel(org);
  const findings = useFindings(org);
  usePageTitle(t('graph.title'));
  const base = `/orgs/${encodeURIComponent(org)}`;

  const graph = useMemo(
    () => (model.data ? buildGraph(model.data, { focus, kinds: new Set(kinds), limit: LIMIT, language }) : undefined),
    [model.data, focus, kinds, language],
  );
  const withErrors = useMemo(
    () => new Set((findings.data?.items ?? []).filter((finding) => finding.severity === 'error').map((finding) => finding.activity)),
    [findings.data],
  );

  const option = useMemo(() => {
    if (!graph) return {};
    return {
      aria: { enabled: true },
      animationDurationUpdate: 300,
      tooltip: {
        formatter: (params: { dataType?: string; data?: { name?: string; kind?: NodeKind } }) =>
          params.dataType === 'node' && params.data ? `${t(`graph.kinds.${params.data.kind}`)}: ${params.data.name}` : '',
      },
      legend: [{ data: NODE_KINDS.map((kind) => t(`graph.kinds.${kind}`)), textStyle: { color: '#1a1b1e' }, top: 0 }],
      series: [
        {
          type: 'graph',
          layout: 'force',
          roam: true,
          draggable: true,
          top: 40,
          force: graph.nodes.length > 120 ? { repulsion: 45, edgeLength: [20, 60], gravity: 0.25 } : { repulsion: 260, edgeLength: [50, 150], gravity: 0.06 },
          categories: NODE_KINDS.map((kind) => ({ name: t(`graph.kinds.${kind}`), itemStyle: { color: COLOURS[kind] } })),
          label: { show: false, position: 'right', color: '#1a1b1e', fontSize: 11 },
          labelLayout: { hideOverlap: true },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 6,
          lineStyle: { color: '#868e96', width: 1, opacity: 0.8 },
          emphasis: { focus: 'adjacency', lineStyle: { width: 2 }, label: { show: true } },
          data: graph.nodes.map((node) => ({
            id: node.key,
            name: node.name,
            kind: node.kind,
            itemId: node.id,
            category: NODE_KINDS.indexOf(node.kind),
            symbol: node.kind === 'activity' ? 'circle' : node.kind === 'site' ? 'rect' : node.kind === 'supplier' ? 'diamond' : 'roundRect',
            symbolSize: node.kind === 'activity' ? (node.id === focus ? 28 : 16) : 12,
            itemStyle: node.kind === 'activity' && withErrors.has(node.id) ? { borderColor: '#c92a2a', borderWidth: 3 } : undefined,
            // Names of activities always; of the rest when few enough to stay readable, else on hover.
            label: { show: (node.kind === 'activity' || Boolean(focus)) && graph.nodes.length <= 150 },
          })),
          links: graph.links.map((link) => ({ source: link.source, target: link.target })),
        },
      ],
    };
  }, [graph, focus, withErrors, t]);

  const open = useCallback(
    (node: Pick<GraphNode, 'kind' | 'id'>) => {
      if (node.kind === 'activity') navigate(`${base}/activities/${encodeURIComponent(node.id)}`);
      else
        navigate(
          `${base}/${node.kind === 'application' ? 'applications' : node.kind === 'supplier' ? 'suppliers' : 'sites'}?open=${encodeURIComponent(node.id)}`,
        );
    },
    [navigate, base],
  );
  const onItemClick = useCallback(
    (params: { dataType?: string; data?: unknown }) => {
      const data = params.data as { kind?: NodeKind; itemId?: string } | undefined;
      if (params.dataType === 'node' && data?.kind && data.itemId) open({ kind: data.kind, id: data.itemId });
    },
    [open],
  );

  if (model.isError) return <LoadError error={model.error} />;
  if (!model.data || !graph) return <Loading />;

  const activityOptions = model.data.activities.map((activity) => ({ value: activity.id, label: `${entityName(activity, language)} (${activity.id})` }));
  const nodeByKey = new Map(graph.nodes.map((node) => [node.key, node]));
  const href = (node: GraphNode) =>
    node.kind === 'activity'
      ? `${base}/activities/${encodeURIComponent(node.id)}`
      : `${base}/${node.kind === 'application' ? 'applications' : node.kind === 'supplier' ? 'suppliers' : 'sites'}?open=${encodeURIComponent(node.id)}`;

  return (
    <Stack gap="sm">
      <PageHeader title={t('graph.title')} description={t('graph.description')} />
      <Group align="flex-end" gap="lg">
        <Select
          label={t('graph.focus')}
          placeholder={t('graph.allActivities')}
          data={activityOptions}
          value={focus}
          onChange={(value) =>
            setParams((current) => {
              const next = new URLSearchParams(current);
              if (value) next.set('activity', value);
              else next.delete('activity');
              return next;
            })
          }
          searchable
          clearable
          limit={100}
          w={340}
          nothingFoundMessage={t('common.nothingFound')}
        />
        <Checkbox.Group label={t('graph.show')} value={kinds} onChange={(value) => setKinds(value as LinkKind[])}>
          <Group gap="md" mt={6}>
            {LINK_KINDS.map((kind) => (
              <Checkbox key={kind} value={kind} label={t(`graph.links.${kind}`)} />
            ))}
          </Group>
        </Checkbox.Group>
      </Group>
      {graph.truncated ? (
        <Alert color="yellow" role="status">
          {t('graph.truncated', { shown: format.number(LIMIT), total: format.number(graph.activityCount) })}
        </Alert>
      ) : null}
      {graph.nodes.length === 0 ? (
        <Alert color="gray">{t('graph.empty')}</Alert>
      ) : (
        <Paper withBorder p="xs">
          <EChart
            load={loadGraph}
            option={option}
            height={560}
            label={t('graph.chartLabel', { nodes: graph.nodes.length, links: graph.links.length })}
            onItemClick={onItemClick}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t('graph.hint')}
          </Text>
        </Paper>
      )}
      <details>
        <summary style={{ cursor: 'pointer', fontWeight: 600 }}>{t('graph.listView', { count: graph.links.length })}</summary>
        <Table mt="xs" striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('graph.kinds.activity')}</Table.Th>
              <Table.Th>{t('graph.relation')}</Table.Th>
              <Table.Th>{t('graph.target')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {graph.links.slice(0, 500).map((link, index) => {
              const source = nodeByKey.get(link.source)!;
              const target = nodeByKey.get(link.target)!;
              return (
                <Table.Tr key={index}>
                  <Table.Td>
                    <Link to={href(source)}>{source.name}</Link>
                  </Table.Td>
                  <Table.Td>{t(`graph.relations.${link.kind}`)}</Table.Td>
                  <Table.Td>
                    <Link to={href(target)}>{target.name}</Link>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </details>
    </Stack>
  );
}
