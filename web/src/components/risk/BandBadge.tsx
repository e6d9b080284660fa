// A rating's score and band in the band's colour, with text that keeps 4.5:1 contrast on it.
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/queries.js';
import { bandById, bandName, levelText, textOn, type RatedLevel, type RiskMatrix } from '../../lib/risks.js';

export function BandBadge({ matrix, rated, label, compact = false }: { matrix: RiskMatrix; rated: RatedLevel; label?: string; compact?: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const band = bandById(matrix, rated.band);
  const colour = band?.colour ?? '#868e96';
  const text = textOn(colour);
  const name = bandName(band, language, rated.band);
  const description = t('risks.ratingDescription', {
    score: rated.score,
    band: name,
    likelihood: levelText(matrix, 'likelihood', rated.likelihood, language),
    impact: levelText(matrix, 'impact', rated.impact, language),
  });
  const content = compact ? `${rated.score} · ${name}` : `${label ? `${label} ` : ''}${rated.score} · ${name}`;
  return (
    <span
      className="band-badge"
      title={description}
      aria-label={label ? `${label}: ${description}` : description}
      role="img"
      style={{ background: colour, color: text.color, borderColor: colour }}
      data-band={rated.band}
    >
      {text.readable ? content : <span className="band-badge-chip">{content}</span>}
    </span>
  );
}

/** A small square of a band's colour, with its name for screen readers. */
export function BandSwatch({ colour, label }: { colour: string; label?: string }) {
  return (
    <span className="band-swatch" style={{ background: colour }} aria-label={label} role={label ? 'img' : undefined} aria-hidden={label ? undefined : true} />
  );
}
