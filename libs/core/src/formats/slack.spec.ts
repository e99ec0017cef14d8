import { sampleEvent, SAMPLE_EVENT_TYPES } from './samples';
import { renderSlack, SLACK_LIMITS, slackMarkup } from './slack';
import type { RenderableEvent } from './types';

type Block = {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: any[];
};

function event(type: string, data: Record<string, unknown>): RenderableEvent {
  return { id: 'event_1', type, timestamp: '2024-01-01T12:00:00.000Z', project_id: null, data };
}

function blocksOf(message: ReturnType<typeof renderSlack>): Block[] {
  return message.attachments[0].blocks as Block[];
}

describe('renderSlack', () => {
  it('renders the exact incoming-webhook message for a completed build', () => {
    const message = renderSlack(
      event('build.completed', {
        project_name: 'My Project',
        branch: 'main',
        commit_sha: 'abc123def456',
        duration: 120,
        logs_url: 'https://app.trae.ai/logs/1',
      }),
    );
    expect(message).toEqual({
      text: '✅ Build completed · My Project',
      attachments: [
        {
          color: '#2eb67d',
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: '*✅ Build completed · My Project*' } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*Project*\nMy Project' },
                { type: 'mrkdwn', text: '*Branch*\nmain' },
                { type: 'mrkdwn', text: '*Commit*\nabc123d' },
                { type: 'mrkdwn', text: '*Duration*\n2m' },
              ],
            },
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: 'build.completed' },
                { type: 'mrkdwn', text: 'event_1' },
                {
                  type: 'mrkdwn',
                  text: '<!date^1704110400^{date_short_pretty} {time}|2024-01-01 12:00:00 UTC>',
                },
              ],
            },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'View logs', emoji: true },
                  url: 'https://app.trae.ai/logs/1',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it.each(SAMPLE_EVENT_TYPES)('%s follows the documented block shape', (type) => {
    const sample = sampleEvent(type);
    const message = renderSlack(sample);
    expect(Object.keys(message)).toEqual(['text', 'attachments']);
    expect(message.text.length).toBeGreaterThan(0);
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0].color).toMatch(/^#[0-9a-f]{6}$/);
    const blocks = blocksOf(message);
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: `*${message.text}*` } });
    for (const block of blocks) expect(['section', 'context', 'actions']).toContain(block.type);
    const fieldBlock = blocks.find((block) => block.fields);
    if (fieldBlock?.fields) {
      expect(fieldBlock.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const f of fieldBlock.fields) expect(f.text).toMatch(/^\*[^*\n]+\*\n.+/s);
    }
    const context = blocks.find((block) => block.type === 'context');
    expect(context?.elements?.map((el: { text: string }) => el.text).slice(0, 2)).toEqual([
      sample.type,
      sample.id,
    ]);
    const actions = blocks.filter((block) => block.type === 'actions');
    expect(actions.length).toBeLessThanOrEqual(1);
    expect(blocks[blocks.length - 1].type).toBe(actions.length ? 'actions' : 'context');
  });

  it('colours by outcome', () => {
    expect(renderSlack(sampleEvent('build.completed')).attachments[0].color).toBe('#2eb67d');
    expect(renderSlack(sampleEvent('deployment.failed')).attachments[0].color).toBe('#e01e5a');
    expect(renderSlack(event('alert.firing', { severity: 'warning' })).attachments[0].color).toBe('#ecb22e');
    expect(renderSlack(sampleEvent('user.login')).attachments[0].color).toBe('#95a5a6');
  });

  it('adds a button only when the event has a usable URL', () => {
    const withLink = blocksOf(renderSlack(sampleEvent('collaboration.invited')));
    expect(withLink.find((b) => b.type === 'actions')?.elements?.[0]).toMatchObject({
      type: 'button',
      url: 'https://app.trae.ai/invitations/invite_123',
    });
    expect(blocksOf(renderSlack(sampleEvent('project.deleted'))).some((b) => b.type === 'actions')).toBe(
      false,
    );
    const unsafe = renderSlack(event('build.failed', { logs_url: 'javascript:alert(1)' }));
    expect(blocksOf(unsafe).some((b) => b.type === 'actions')).toBe(false);
  });

  it('escapes &, < and > in data, leaving * to Slack', () => {
    const message = renderSlack(
      event('build.failed', {
        project_name: '<script>alert(1)</script>',
        branch: 'a & b',
        commit_message: '*not bold* <!channel> <https://evil.example|click>',
      }),
    );
    const json = JSON.stringify(message);
    expect(json).not.toContain('<script>');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<https://evil');
    expect(message.text).toBe('❌ Build failed · &lt;script&gt;alert(1)&lt;/script&gt;');
    const blocks = blocksOf(message);
    expect(blocks[1].text?.text).toBe('*not bold* &lt;!channel&gt; &lt;https://evil.example|click&gt;');
    expect(blocks[2].fields).toContainEqual({ type: 'mrkdwn', text: '*Branch*\na &amp; b' });
  });

  it('keeps at most 10 fields', () => {
    const data = { ...sampleEvent('alert.resolved').data, count: 4, users_affected: 2 };
    const fields = blocksOf(renderSlack(event('alert.resolved', data))).find((b) => b.fields)?.fields;
    expect(fields).toHaveLength(10);
  });

  it('clips long text to Slack limits without breaking an entity', () => {
    const message = renderSlack(
      event('build.failed', {
        project_name: 'p'.repeat(400),
        commit_message: '&'.repeat(5000),
        error: { message: 'e'.repeat(5000) },
      }),
    );
    const blocks = blocksOf(message);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.title);
    expect(message.text.endsWith('…')).toBe(true);
    const body = blocks[1].text?.text ?? '';
    expect(body.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(body).toMatch(/(&amp;)+…$/);
    for (const f of blocks[2].fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
  });

  it('uses template overrides already in Slack markup', () => {
    const message = renderSlack(sampleEvent('test.ping'), { title: 'Custom *title*', body: '' });
    expect(message.text).toBe('Custom *title*');
    expect(blocksOf(message).filter((b) => b.type === 'section')).toHaveLength(1);
  });
});

describe('slackMarkup.clip', () => {
  it('does not leave half a link token', () => {
    expect(slackMarkup.clip('see <https://example.com/a|docs> now', 20)).toBe('see …');
  });
});
