import { DISCORD_LIMITS, discordMarkup, renderDiscord, type DiscordEmbed } from './discord';
import { sampleEvent, SAMPLE_EVENT_TYPES } from './samples';
import type { RenderableEvent } from './types';

function event(type: string, data: Record<string, unknown>): RenderableEvent {
  return { id: 'event_1', type, timestamp: '2024-01-01T12:00:00Z', project_id: null, data };
}

function embedOf(e: RenderableEvent): DiscordEmbed {
  return renderDiscord(e).embeds[0];
}

function totalLength(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    (embed.description?.length ?? 0) +
    embed.footer.text.length +
    embed.fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

describe('renderDiscord', () => {
  it('renders the exact webhook body for a failed deployment', () => {
    expect(
      renderDiscord(
        event('deployment.failed', {
          project_name: 'My Project',
          environment: 'production',
          error: { message: 'Health check returned 503' },
          logs_url: 'https://app.trae.ai/deploy/1/logs',
        }),
      ),
    ).toEqual({
      embeds: [
        {
          title: '❌ Deployment failed · My Project',
          url: 'https://app.trae.ai/deploy/1/logs',
          color: 0xe01e5a,
          fields: [
            { name: 'Project', value: 'My Project', inline: true },
            { name: 'Environment', value: 'production', inline: true },
            { name: 'Error', value: 'Health check returned 503', inline: false },
          ],
          footer: { text: 'deployment.failed · event_1' },
          timestamp: '2024-01-01T12:00:00.000Z',
        },
      ],
    });
  });

  it.each(SAMPLE_EVENT_TYPES)('%s follows the documented embed shape', (type) => {
    const sample = sampleEvent(type);
    const message = renderDiscord(sample);
    expect(Object.keys(message)).toEqual(['embeds']);
    const [embed] = message.embeds;
    expect(typeof embed.title).toBe('string');
    expect(embed.title.length).toBeGreaterThan(0);
    expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(Number.isInteger(embed.color)).toBe(true);
    expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
    for (const f of embed.fields) {
      expect(Object.keys(f)).toEqual(['name', 'value', 'inline']);
      expect(f.value.length).toBeGreaterThan(0);
      expect(typeof f.inline).toBe('boolean');
    }
    expect(embed.footer).toEqual({ text: `${sample.type} · ${sample.id}` });
    expect(embed.timestamp).toBe(sample.timestamp);
    if (embed.url !== undefined) expect(embed.url).toMatch(/^https?:\/\//);
  });

  it('colours by outcome', () => {
    expect(embedOf(sampleEvent('build.completed')).color).toBe(0x2eb67d);
    expect(embedOf(sampleEvent('security.alert')).color).toBe(0xe01e5a);
    expect(embedOf(event('security.alert', { severity: 'medium' })).color).toBe(0xecb22e);
    expect(embedOf(sampleEvent('file.created')).color).toBe(0x95a5a6);
  });

  it('links the title only when there is a URL', () => {
    expect(embedOf(sampleEvent('file.updated')).url).toBe(
      'https://app.trae.ai/projects/proj_123/files/file_123/diff',
    );
    expect('url' in embedOf(sampleEvent('user.logout'))).toBe(false);
    expect('url' in embedOf(event('build.failed', { logs_url: 'javascript:alert(1)' }))).toBe(false);
  });

  it('escapes markdown and mentions in data', () => {
    const embed = embedOf(
      event('build.failed', {
        project_name: '<script>*x*</script>',
        branch: 'feat_a|b',
        commit_message: '# heading\n> quote\n[click](https://evil.example) <@123> `code` ~~s~~ a & b',
      }),
    );
    expect(embed.title).toBe('❌ Build failed · \\<script>\\*x\\*\\</script>');
    expect(embed.fields).toContainEqual({ name: 'Branch', value: 'feat\\_a\\|b', inline: true });
    expect(embed.description).toBe(
      '\\# heading\n\\> quote\n\\[click\\](https://evil.example) \\<@123> \\`code\\` \\~\\~s\\~\\~ a & b',
    );
  });

  it('leaves the footer raw: Discord does not render markdown there', () => {
    expect(embedOf(event('user_event.x_y', {})).footer.text).toBe('user_event.x_y · event_1');
  });

  it('clips title, field values and description to Discord limits', () => {
    const embed = embedOf(
      event('build.failed', {
        project_name: '*'.repeat(400),
        commit_message: 'd'.repeat(5000),
        error: { message: '_'.repeat(3000) },
      }),
    );
    expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed.title).toMatch(/(\\\*)+…$/);
    expect(embed.description?.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    const error = embed.fields.find((f) => f.name === 'Error');
    expect(error?.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    expect(error?.value).toMatch(/(\\_)+…$/);
    expect(totalLength(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
  });

  it('keeps the whole embed within 6000 characters, dropping trailing fields last', () => {
    const long = 'v'.repeat(2000);
    const embed = embedOf(
      event('alert.resolved', {
        alert_name: 'A',
        summary: 's'.repeat(5000),
        severity: long,
        status: long,
        source: long,
        environment: long,
        service: long,
        location: long,
      }),
    );
    expect(totalLength(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(embed.fields.length).toBeGreaterThan(0);
    expect(embed.fields[0].name).toBe('Severity');
  });

  it('omits a blank template body and keeps a template title as given', () => {
    const [embed] = renderDiscord(sampleEvent('test.ping'), { title: '**Ping**', body: '  ' }).embeds;
    expect(embed.title).toBe('**Ping**');
    expect('description' in embed).toBe(false);
  });
});

describe('discordMarkup.clip', () => {
  it('never ends on a lone backslash', () => {
    const clipped = discordMarkup.clip(discordMarkup.escape('**********'), 6);
    expect(clipped).toBe('\\*\\*…');
  });
});
