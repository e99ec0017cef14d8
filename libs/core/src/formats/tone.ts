import type { RenderableEvent, Tone } from './types';

export const SLACK_COLORS: Record<Tone, string> = {
  success: '#2eb67d',
  warning: '#ecb22e',
  failure: '#e01e5a',
  info: '#95a5a6',
};

/** Discord wants the colour as a decimal integer; same hues as Slack so both channels look alike. */
export const DISCORD_COLORS: Record<Tone, number> = {
  success: 0x2eb67d,
  warning: 0xecb22e,
  failure: 0xe01e5a,
  info: 0x95a5a6,
};

/** WeCom markdown only knows three colours: green, orange-red and grey. */
export const WECOM_COLORS: Record<Tone, 'info' | 'warning' | 'comment'> = {
  success: 'info',
  warning: 'warning',
  failure: 'warning',
  info: 'comment',
};

export const TONE_EMOJI: Record<Tone, string> = {
  success: '✅',
  warning: '⚠️',
  failure: '❌',
  info: 'ℹ️',
};

const FAILURE_LEVELS = new Set(['critical', 'fatal', 'error', 'high', 'page', 'emergency', 'alert']);
const WARNING_LEVELS = new Set(['warning', 'warn', 'medium', 'moderate']);
const INFO_LEVELS = new Set(['info', 'low', 'none', 'debug', 'notice']);

function levelOf(event: RenderableEvent): string {
  const raw = event.data.severity ?? event.data.level;
  return typeof raw === 'string' ? raw.trim().toLowerCase() : '';
}

/** Severity-driven tone; an alert of unknown severity still deserves attention, hence `fallback`. */
function toneOfLevel(level: string, fallback: Tone): Tone {
  if (FAILURE_LEVELS.has(level)) return 'failure';
  if (WARNING_LEVELS.has(level)) return 'warning';
  if (INFO_LEVELS.has(level)) return 'info';
  return fallback;
}

export function toneOf(event: RenderableEvent): Tone {
  const type = event.type;
  switch (type) {
    case 'alert.resolved':
    case 'issue.resolved':
      return 'success';
    case 'alert.firing':
      return toneOfLevel(levelOf(event), 'warning');
    case 'security.alert':
      return toneOfLevel(levelOf(event), 'warning');
    case 'error.created':
    case 'issue.created':
      // Sentry sends warning-level issues through the same hook; they should not look like outages.
      return toneOfLevel(levelOf(event), 'failure');
  }
  if (type.endsWith('.failed')) return 'failure';
  if (type.endsWith('.completed') || type.endsWith('.joined')) return 'success';
  return 'info';
}
