import {
  DESTINATION_FORMATS,
  isChatFormat,
  renderMessage,
  sampleEvent,
  SAMPLE_EVENT_TYPES,
  type ChatFormat,
  type RenderableEvent,
} from './index';

const FORMATS: ChatFormat[] = ['slack', 'discord', 'wecom'];

const hostile: RenderableEvent = {
  id: 'event_1',
  type: 'build.completed',
  timestamp: '2024-01-01T12:00:00.000Z',
  project_id: 'proj_1',
  data: { project_name: '<script>&*x*', branch: 'main', author: { name: 'A_B' } },
};

/** The title text wherever each format puts it. */
function titleOf(format: ChatFormat, message: Record<string, any>): string {
  if (format === 'slack') return message.text;
  if (format === 'discord') return message.embeds[0].title;
  return message.markdown.content.split('\n')[0];
}

function bodyText(format: ChatFormat, message: Record<string, any>): string | undefined {
  if (format === 'slack') return message.attachments[0].blocks[1]?.text?.text;
  if (format === 'discord') return message.embeds[0].description;
  return message.markdown.content.split('\n')[1];
}

describe('formats', () => {
  it('lists every destination format', () => {
    expect(DESTINATION_FORMATS).toEqual(['json', 'slack', 'discord', 'wecom']);
    expect(DESTINATION_FORMATS.filter(isChatFormat)).toEqual(FORMATS);
  });

  it('refuses to render the json format', () => {
    expect(() => renderMessage('json' as ChatFormat, hostile)).toThrow(TypeError);
    expect(() => renderMessage('__proto__' as ChatFormat, hostile)).toThrow(TypeError);
  });
});

describe.each(FORMATS)('renderMessage(%s)', (format) => {
  it.each(SAMPLE_EVENT_TYPES)('renders %s as plain JSON', (type) => {
    const message = renderMessage(format, sampleEvent(type));
    expect(JSON.parse(JSON.stringify(message))).toEqual(message);
    expect(titleOf(format, message)).toMatch(/(✅|❌|⚠️|ℹ️) /);
  });

  it('renders the template title and body in place of the defaults', () => {
    const message = renderMessage(format, sampleEvent('build.completed'), {
      title: 'Deployed {{data.project_name}} from {{data.branch | "unknown"}}',
      body: 'By {{data.author.name}} in {{data.duration}}s ({{event}})',
    });
    expect(titleOf(format, message)).toContain('Deployed My Project from main');
    expect(bodyText(format, message)).toBe('By Alice Johnson in 120s (build.completed)');
  });

  it('escapes template values for the target format', () => {
    const message = renderMessage(format, hostile, {
      title: 'T {{data.project_name}}',
      body: '{{data.author.name}}',
    });
    const title = titleOf(format, message);
    const body = bodyText(format, message);
    expect(title).not.toMatch(/(^|[^\\])<script>/);
    const expected = {
      slack: ['T &lt;script&gt;&amp;*x*', 'A_B'],
      discord: ['T \\<script>&\\*x\\*', 'A\\_B'],
      wecom: ['<font color="info">**T ＜script＞&＊x＊**</font>', 'A_B'],
    }[format];
    expect(title).toBe(expected[0]);
    expect(body).toBe(expected[1]);
  });

  it('falls back to the default title when the template title renders blank', () => {
    const message = renderMessage(format, hostile, { title: '{{data.missing}}' });
    expect(titleOf(format, message)).toContain('Build completed');
  });

  it('treats an empty template like no template', () => {
    expect(renderMessage(format, sampleEvent('build.failed'), {})).toEqual(
      renderMessage(format, sampleEvent('build.failed')),
    );
    expect(renderMessage(format, sampleEvent('build.failed'), null)).toEqual(
      renderMessage(format, sampleEvent('build.failed')),
    );
  });

  it('cannot read prototypes through a template', () => {
    const message = renderMessage(format, hostile, {
      title: 'x{{data.constructor.name}}{{data.__proto__ | "-"}}',
    });
    // Discord escapes a value that starts with a list marker; it still displays as `-`.
    expect(titleOf(format, message)).toMatch(/x\\?-/);
    expect(JSON.stringify(message)).not.toContain('Object');
  });
});
