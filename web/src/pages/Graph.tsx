// The dependency graph (ECharts graph series, loaded on demand): activities in the middle, where their people work
// (sites, remote-access pools) on the left, what they need (applications, suppliers) on the right, every node
// labelled, zoomed and moved with the mouse; filterable by activity and kind, and coloured by what a chosen scenario
// breaks (simulated here with the engine). A click opens the item.
import { Alert, Checkbox, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { simulate } from '@shared/engine/simulate.js';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { EChart } from '../components/EChart.js';
import { LoadError, Loading, PageHeader, usePageTitle } from '../components/Page.js';
import { entityName } from '../lib/format.js';
import { buildGraph, layoutGraph, LINK_KINDS, NODE_KINDS, ROW_HEIGHT, scenarioImpact, type GraphNode, type LinkKind, type NodeKind } from '../lib/graph.js';
import { useFindings, useFormat, useLanguage, useModel, useOrgId } from '../lib/queries.js';
import { useScenarios } from '../lib/scenario-queries.js';

const loadGraph = () => import('../charts/graph.js');
const COLOURS: Record<NodeKind, string> = { activity: '#1864ab', application: '#6741d9', supplier: '#d9480f', site: '#087f5b', pool: '#0b7285' };
const SYMBOLS: Record<NodeKind, string> = { activity: 'circle', application: 'roundRect', supplier: 'diamond', site: 'rect', pool: 'triangle' };
const BROKEN = '#c92a2a';
const DISRUPTED = '#f08c00';
/** Room for the labels beside the outer columns (their longer names are cut, whole in the tooltip). */
const SIDE = 210;
const LIMIT = 250;
const PAGES: Record<Exclude<NodeKind, 'activity'>, string> = { application: 'applications', supplier: 'suppliers', site: 'sites', pool: 'pools' };

export default function Graph() {
  const { t } = useTranslation();
  const org = useOrgId();
  const language = useLanguage();
  const format = useFormat();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const focus = params.get('activity');
  const scenarioId = params.get('scenario');
  const [kinds, setKinds] = useState<LinkKind[]>([...LINK_KINDS]);
  const model = useModel(org);
  const findings = useFindings(org);
  const scenarios = useScenarios(org);
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

  const scenario = scenarioId ? scenarios.data?.items.find((item) => item.id === scenarioId) : undefined;
  // The scenario simulated here, as the scenario page does for what-ifs: the graph shows what it breaks at once.
  const impact = useMemo(() => {
    if (!scenario || !model.data) return undefined;
    let result = null;
    try {
      result = simulate(model.data, scenario);
    } catch {
      // A scenario the engine refuses (it names what the model no longer has) still shows what it takes away.
    }
    return scenarioImpact(scenario, model.data, result);
  }, [scenario, model.data]);
  const placed = useMemo(() => (graph ? layoutGraph(graph.nodes, graph.links) : undefined), [graph]);
  const height = placed ? Math.max(320, placed.rows * ROW_HEIGHT + 70) : 320;

  const option = useMemo(() => {
    if (!graph || !placed) return {};
    const colourOf = (node: GraphNode) => {
      if (!impact) return COLOURS[node.kind];
      if (impact.hit.has(node.key) || impact.breached.has(node.id)) return node.kind === 'activity' && !impact.breached.has(node.id) ? DISRUPTED : BROKEN;
      if (node.kind === 'activity' && impact.disrupted.has(node.id)) return DISRUPTED;
      return '#ced4da';
    };
    const touched = (node: GraphNode) => !impact || impact.hit.has(node.key) || (node.kind === 'activity' && impact.disrupted.has(node.id));
    return {
      aria: { enabled: true },
      animation: false,
      tooltip: {
        formatter: (params: { dataType?: string; data?: { name?: string; kind?: NodeKind } }) =>
          params.dataType === 'node' && params.data ? `${t(`graph.kinds.${params.data.kind}`)}: ${params.data.name}` : '',
      },
      legend: [{ data: NODE_KINDS.map((kind) => t(`graph.kinds.${kind}`)), textStyle: { color: '#1a1b1e' }, top: 0 }],
      // Fixed places in a grid: the top row starts below the legend, labels have room beside the outer columns.
      grid: { left: SIDE, right: SIDE, top: 44, bottom: 16 },
      xAxis: { type: 'value', min: -0.05, max: 2.05, show: false },
      yAxis: { type: 'value', min: -0.6, max: Math.max(placed.rows - 0.4, 1), inverse: true, show: false },
      // The wheel zooms, a drag moves (both axes); filterMode none keeps links to nodes outside the view.
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
      ],
      series: [
        {
          type: 'graph',
          layout: 'none',
          coordinateSystem: 'cartesian2d',
          categories: NODE_KINDS.map((kind) => ({ name: t(`graph.kinds.${kind}`), itemStyle: { color: COLOURS[kind] } })),
          label: { show: true, color: '#1a1b1e', fontSize: 11, overflow: 'truncate' },
          edgeSymbol: ['none', 'arrow'],
          edgeSymbolSize: 6,
          emphasis: { focus: 'adjacency', lineStyle: { width: 2 } },
          data: placed.nodes.map((node) => ({
            id: node.key,
            name: node.name,
            kind: node.kind,
            itemId: node.id,
            value: [node.column, node.row],
            category: NODE_KINDS.indexOf(node.kind),
            symbol: SYMBOLS[node.kind],
            symbolSize: node.kind === 'activity' ? (node.id === focus ? 20 : 14) : 12,
            itemStyle: {
              color: colourOf(node),
              opacity: touched(node) ? 1 : 0.6,
              ...(node.kind === 'activity' && (withErrors.has(node.id) || impact?.breached.has(node.id)) ? { borderColor: BROKEN, borderWidth: 3 } : {}),
            },
            // Outer columns write outwards; activities to the right, on a white ground over the links.
            label:
              node.column === 0
                ? { position: 'left', width: SIDE - 16, align: 'right' }
                : node.column === 2
                  ? { position: 'right', width: SIDE - 16 }
                  : { position: 'right', width: 230, backgroundColor: 'rgba(255,255,255,0.85)', padding: [1, 3], fontWeight: node.id === focus ? 700 : 400 },
          })),
          links: graph.links.map((link) => ({
            source: link.source,
            target: link.target,
            // Links between activities stay in their column: an arc keeps them off the nodes between.
            lineStyle: { color: '#868e96', width: 1, opacity: impact ? 0.35 : 0.7, curveness: link.kind === 'upstream' ? 0.5 : 0 },
          })),
        },
      ],
    };
  }, [graph, placed, focus, withErrors, impact, t]);

  const open = useCallback(
    (node: Pick<GraphNode, 'kind' | 'id'>) => {
      if (node.kind === 'activity') navigate(`${base}/activities/${encodeURIComponent(node.id)}`);
      else navigate(`${base}/${PAGES[node.kind]}?open=${encodeURIComponent(node.id)}`);
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
    node.kind === 'activity' ? `${base}/activities/${encodeURIComponent(node.id)}` : `${base}/${PAGES[node.kind]}?open=${encodeURIComponent(node.id)}`;

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
        <Select
          label={t('graph.scenario')}
          placeholder={t('graph.noScenario')}
          data={(scenarios.data?.items ?? []).map((item) => ({ value: item.id, label: entityName(item, language) }))}
          value={scenarioId}
          onChange={(value) =>
            setParams((current) => {
              const next = new URLSearchParams(current);
              if (value) next.set('scenario', value);
              else next.delete('scenario');
              return next;
            })
          }
          searchable
          clearable
          w={300}
          nothingFoundMessage={t('common.nothingFound')}
          data-testid="graph-scenario"
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
            height={height}
            label={t('graph.chartLabel', { nodes: graph.nodes.length, links: graph.links.length })}
            onItemClick={onItemClick}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t('graph.hint')}
          </Text>
          {impact ? (
            <Text size="sm" mt={4} role="status" data-testid="graph-impact">
              {t('graph.impact', {
                hit: impact.hit.size,
                disrupted: impact.disrupted.size,
                breached: impact.breached.size,
              })}
            </Text>
          ) : null}
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
