import { utf8Length } from './clip';
import { sampleEvent, SAMPLE_EVENT_TYPES } from './samples';
import type { RenderableEvent } from './types';
import { renderWecom, WECOM_LIMITS, wecomMarkup } from './wecom';

function event(type: string, data: Record<string, unknown>): RenderableEvent {
  return { id: 'event_1', type, timestamp: '2025-10-31T12:35:00Z', project_id: null, data };
}

function contentOf(e: RenderableEvent): string {
  return renderWecom(e).markdown.content;
}

describe('renderWecom', () => {
  it('renders the exact group-robot message for a firing alert', () => {
    expect(
      renderWecom(
        event('alert.firing', {
          alert_name: 'RedisConnectionFailed',
          severity: 'critical',
          source: 'alertmanager',
          summary: 'Redis 连接失败',
          location: 'redis:6379',
          link: 'https://alertmanager.example.com/#/alerts',
        }),
      ),
    ).toEqual({
      msgtype: 'markdown',
      markdown: {
        content: [
          '<font color="warning">**❌ Alert firing · RedisConnectionFailed**</font>',
          'Redis 连接失败',
          '',
          '> Severity: CRITICAL',
          '> Source: Alertmanager',
          '> Location: redis:6379',
          '',
          '<font color="comment">alert.firing · event_1 · 2025-10-31 12:35:00 UTC</font>',
          '[View details](https://alertmanager.example.com/#/alerts)',
        ].join('\n'),
      },
    });
  });

  it.each(SAMPLE_EVENT_TYPES)('%s follows the documented markdown shape', (type) => {
    const message = renderWecom(sampleEvent(type));
    expect(Object.keys(message)).toEqual(['msgtype', 'markdown']);
    expect(message.msgtype).toBe('markdown');
    expect(Object.keys(message.markdown)).toEqual(['content']);
    const lines = message.markdown.content.split('\n');
    expect(lines[0]).toMatch(/^<font color="(info|warning|comment)">\*\*.+\*\*<\/font>$/);
    expect(utf8Length(message.markdown.content)).toBeLessThanOrEqual(WECOM_LIMITS.content);
    for (const line of lines.filter((l) => l.startsWith('>'))) expect(line).toMatch(/^> [^:]+: .+$/);
  });

  it('colours the title by outcome with the three WeCom colours', () => {
    expect(contentOf(sampleEvent('issue.resolved'))).toMatch(/^<font color="info">/);
    expect(contentOf(sampleEvent('error.created'))).toMatch(/^<font color="warning">\*\*❌/);
    expect(contentOf(event('alert.firing', { severity: 'warning' }))).toMatch(
      /^<font color="warning">\*\*⚠️/,
    );
    expect(contentOf(sampleEvent('user.registered'))).toMatch(/^<font color="comment">/);
  });

  it('adds a link line only when there is a URL, with a safe link target', () => {
    expect(contentOf(sampleEvent('build.failed'))).toContain(
      '\n[View logs](https://app.trae.ai/projects/proj_123/builds/build_124/logs)',
    );
    expect(contentOf(sampleEvent('project.deleted'))).not.toMatch(/\]\(/);
    expect(contentOf(event('x.y', { url: 'https://a.example/p(1) x' }))).not.toContain('](');
    expect(contentOf(event('x.y', { url: 'https://a.example/p(1)' }))).toContain(
      '[Open](https://a.example/p%281%29)',
    );
  });

  it('neutralises tags, emphasis, code and links in data', () => {
    const content = contentOf(
      event('build.failed', {
        project_name: '<script>alert(1)</script>',
        branch: '**main**',
        commit_message: '# title\n[x](https://evil.example) `code` <@all> & more',
      }),
    );
    expect(content).not.toContain('<script');
    expect(content).not.toContain('<@all>');
    expect(content).not.toContain('](https://evil');
    expect(content).toContain('❌ Build failed · ＜script＞alert(1)＜/script＞');
    expect(content).toContain('> Branch: ＊＊main＊＊');
    expect(content).toContain('＃ title\n［x］(https://evil.example) ｀code｀ ＜@all＞ & more');
  });

  it('stays within 4096 bytes of UTF-8 with multi-byte text, keeping title, fields and link', () => {
    const content = contentOf(
      event('alert.firing', {
        alert_name: '告警',
        severity: 'critical',
        summary: '数据库连接失败。'.repeat(600),
        link: 'https://a.example/alert',
      }),
    );
    expect(utf8Length(content)).toBeLessThanOrEqual(WECOM_LIMITS.content);
    expect(content).not.toContain('\uFFFD');
    expect(content).toMatch(/^<font color="warning">\*\*❌ Alert firing · 告警\*\*<\/font>/);
    expect(content).toContain('> Severity: CRITICAL');
    expect(content.endsWith('[View details](https://a.example/alert)')).toBe(true);
    expect(content).toContain('…');
  });

  it('shortens an oversized field rather than the footer', () => {
    const content = contentOf(
      event('build.failed', { error: { message: 'é'.repeat(5000) }, logs_url: 'https://a.example' }),
    );
    expect(utf8Length(content)).toBeLessThanOrEqual(WECOM_LIMITS.content);
    expect(content).toMatch(/> Error: é+…\n\n<font color="comment">/);
    expect(content.endsWith('[View logs](https://a.example)')).toBe(true);
  });
});

describe('wecomMarkup.clip', () => {
  it('counts bytes and drops a half-cut tag', () => {
    expect(wecomMarkup.clip('ab <font color="info">x</font>', 12)).toBe('ab …');
    expect(utf8Length(wecomMarkup.clip('汉字'.repeat(10), 10))).toBeLessThanOrEqual(10);
  });
});
