// iCalendar (RFC 5545) for the exercise programme: CRLF line ends, lines folded at 75 octets without splitting a
// UTF-8 character, text escaped, one VEVENT per exercise with its UID and DTSTAMP.
import type { ExerciseRecord } from '../store/exercise-repository.js';

/** `20261205T083000Z`: a UTC date-time in the basic format. */
export function icsDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11). */
export function icsText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** Folds a content line into lines of at most 75 octets, continuation lines starting with a space (RFC 5545 3.1). */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const STATUS = { planned: 'CONFIRMED', running: 'CONFIRMED', completed: 'CONFIRMED', cancelled: 'CANCELLED' } as const;

/** The programme as a calendar; `host` makes the UIDs globally unique. */
export function exercisesCalendar(orgId: string, exercises: readonly ExerciseRecord[], now: Date, host = 'rempart'): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Rempart//Exercise programme//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(`Exercises — ${orgId}`)}`,
  ];
  for (const exercise of exercises) {
    const end = new Date(exercise.scheduledAt.getTime() + exercise.durationMinutes * 60_000);
    const description = [
      `Kind: ${exercise.kind}`,
      exercise.description,
      exercise.activities.length ? `Activities: ${exercise.activities.join(', ')}` : null,
      exercise.objectives.length ? `Objectives: ${exercise.objectives.map((objective) => objective.text).join(' / ')}` : null,
      exercise.participants.length ? `Participants: ${exercise.participants.map((p) => (p.role ? `${p.name} (${p.role})` : p.name)).join(', ')}` : null,
    ]
      .filter(Boolean)
      .join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:exercise-${exercise.id}@${orgId}.${host}`,
      `DTSTAMP:${icsDate(now)}`,
      `DTSTART:${icsDate(exercise.scheduledAt)}`,
      `DTEND:${icsDate(end)}`,
      `SUMMARY:${icsText(exercise.title)}`,
      `DESCRIPTION:${icsText(description)}`,
      ...(exercise.location ? [`LOCATION:${icsText(exercise.location)}`] : []),
      `CATEGORIES:${icsText(exercise.kind)}`,
      `STATUS:${STATUS[exercise.status]}`,
      `LAST-MODIFIED:${icsDate(exercise.updatedAt)}`,
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
