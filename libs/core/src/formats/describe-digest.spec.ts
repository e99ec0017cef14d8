import { digestData } from '../throttle/digest-data';
import { renderMessage } from './render';
import { summarize } from './summary';
import type { RenderableEvent } from './types';

const digestEvent = (type = 'alert.firing', key = 'RedisConnectionFailed'): RenderableEvent => ({
  id: 'event_1',
  type,
  timestamp: '2024-01-01T12:10:00.500Z',
  project_id: null,
  data: digestData({
    webhook_id: 'w',
    account_id: 'a',
    event_type: type,
    key,
    window_start: new Date('2024-01-01T12:00:00Z'),
    window_end: new Date('2024-01-01T12:10:00Z'),
    event_limit: 3,
    events_seen: 15,
    suppressed_event_ids: Array.from({ length: 7 }, (_, i) => `0190a000-0000-7000-8000-00000000000${i}`),
  }),
});

const LINE = '12 more alerts of RedisConnectionFailed in the last 10 min';

describe('digest rendering', () => {
  it('summarizes a digest as one line about the storm', () => {
    const summary = summarize(digestEvent());
    expect(summary.title).toBe(`⚠️ ${LINE}`);
    expect(summary.description).toContain('at most 3 per 10 min');
    const fields = Object.fromEntries(summary.fields.map((f) => [f.label, f.value]));
    expect(fields).toMatchObject({
      Key: 'RedisConnectionFailed',
      Suppressed: '12',
      Delivered: '3',
      'Window start': '2024-01-01 12:00:00 UTC',
      'Window end': '2024-01-01 12:10:00 UTC',
    });
    expect(fields['Suppressed events']).toMatch(/^event_0190a.*, …$/);
  });

  it('renders as a Slack message', () => {
    const message = renderMessage('slack', digestEvent()) as any;
    expect(message.text).toBe(`⚠️ ${LINE}`);
    expect(message.attachments[0].color).toBe('#ecb22e');
    expect(message.attachments[0].blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: `*⚠️ ${LINE}*` },
    });
  });

  it('renders as a Discord embed and a WeCom markdown message', () => {
    const discord = renderMessage('discord', digestEvent()) as any;
    expect(discord.embeds[0].title).toBe(`⚠️ ${LINE}`);
    const wecom = renderMessage('wecom', digestEvent()) as any;
    expect(wecom.msgtype).toBe('markdown');
    expect(wecom.markdown.content).toContain(LINE);
  });

  it('ignores a template written for single events', () => {
    const message = renderMessage('slack', digestEvent(), {
      title: 'Alert {{data.alert_name | "?"}}',
    }) as any;
    expect(message.text).toBe(`⚠️ ${LINE}`);
  });

  it('words other types and a missing key sensibly', () => {
    expect(summarize(digestEvent('build.failed', '')).title).toBe(
      '❌ 12 more build.failed events in the last 10 min',
    );
  });
});
