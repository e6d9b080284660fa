// The heat map: likelihood (rows, highest first) by impact (columns), each cell in its band's colour with its count.
import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat, useLanguage } from '../../lib/queries.js';
import { bandById, bandName, bandRanges, levelName, textOn, type Heatmap, type RiskMatrix } from '../../lib/risks.js';
import { BandSwatch } from './BandBadge.js';

export interface CellRef {
  likelihood: number;
  impact: number;
}

interface Props {
  matrix: RiskMatrix;
  heatmap: Heatmap;
  selected?: CellRef | null;
  onSelect?: (cell: CellRef | null) => void;
  /** Smaller cells. */
  compact?: boolean;
  /** A matrix being edited: scores in the cells, score ranges (not counts) in the legend. */
  preview?: boolean;
}

export function HeatMap({ matrix, heatmap, selected, onSelect, compact = false, preview = false }: Props) {
  const { t } = useTranslation();
  const language = useLanguage();
  const format = useFormat();
  const at = new Map(heatmap.cells.map((cell) => [`${cell.likelihood}x${cell.impact}`, cell]));
  const likelihoods = [...matrix.likelihood].sort((a, b) => b.value - a.value);
  const appetite = matrix.bands.findIndex((band) => band.id === matrix.appetite);
  const ranges = bandRanges(matrix);
  return (
    <div style={{ overflowX: 'auto' }}>
      <table className={compact ? 'heatmap heatmap-compact' : 'heatmap'} aria-label={t('heatmap.tableLabel', { rating: t(`risks.${heatmap.rating}`) })}>
        <thead>
          <tr>
            <th scope="col" className="heatmap-corner">
              <span>{t('risks.likelihood')} ↓</span>
              <span>{t('risks.impact')} →</span>
            </th>
            {matrix.impact.map((level) => (
              <th key={level.value} scope="col">
                {level.value} · {levelName(level, language)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {likelihoods.map((likelihood) => (
            <tr key={likelihood.value}>
              <th scope="row">
                {likelihood.value} · {levelName(likelihood, language)}
              </th>
              {matrix.impact.map((impact) => {
                const cell = at.get(`${likelihood.value}x${impact.value}`);
                const band = bandById(matrix, cell?.band ?? '');
                const colour = band?.colour ?? '#f1f3f5';
                const text = textOn(colour);
                const count = cell?.count ?? 0;
                const isSelected = selected?.likelihood === likelihood.value && selected?.impact === impact.value;
                const label = t('heatmap.cellLabel', {
                  count,
                  formatted: format.number(count),
                  likelihood: `${likelihood.value} · ${levelName(likelihood, language)}`,
                  impact: `${impact.value} · ${levelName(impact, language)}`,
                  band: bandName(band, language, cell?.band ?? ''),
                  score: cell?.score ?? likelihood.value * impact.value,
                });
                return (
                  <td key={impact.value}>
                    <button
                      type="button"
                      className="heatmap-cell"
                      aria-pressed={onSelect ? isSelected : undefined}
                      aria-label={label}
                      title={label}
                      disabled={!onSelect}
                      data-likelihood={likelihood.value}
                      data-impact={impact.value}
                      data-count={count}
                      data-score={!preview && !compact && text.readable ? (cell?.score ?? likelihood.value * impact.value) : undefined}
                      onClick={() => onSelect?.(isSelected ? null : { likelihood: likelihood.value, impact: impact.value })}
                      style={{
                        background: colour,
                        color: text.color,
                        outline: isSelected ? '3px solid #1a1b1e' : undefined,
                        outlineOffset: isSelected ? 2 : undefined,
                      }}
                    >
                      {!preview ? (
                        <span className={text.readable ? 'heatmap-count' : 'heatmap-count band-badge-chip'} aria-hidden="true">
                          {count > 0 ? format.number(count) : ''}
                        </span>
                      ) : null}
                      {preview ? (
                        <span
                          className={text.readable ? 'heatmap-count' : 'heatmap-count band-badge-chip'}
                          aria-hidden="true"
                          style={{ fontSize: '0.9rem', fontWeight: 600 }}
                        >
                          {cell?.score}
                        </span>
                      ) : null}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <Group gap="md" mt="xs" role="list" aria-label={t('heatmap.legend')}>
        {matrix.bands.map((band, index) => (
          <Group key={band.id} gap={6} role="listitem" wrap="nowrap">
            <BandSwatch colour={band.colour} />
            <Text size="xs">
              {bandName(band, language) || band.id}:{' '}
              {preview ? t('heatmap.scores', { from: band.min, to: ranges[index][1] }) : format.number(heatmap.bands[band.id] ?? 0)}
              {index === appetite ? ` (${t('heatmap.appetite')})` : ''}
            </Text>
          </Group>
        ))}
      </Group>
    </div>
  );
}
