import { parseTemplate, renderTemplate, validateTemplate } from './template';
import type { RenderableEvent } from './types';

const event: RenderableEvent = {
  id: 'event_abc',
  type: 'build.completed',
  timestamp: '2024-01-01T12:02:00.000Z',
  project_id: 'proj_123',
  data: {
    project_name: 'My Project',
    branch: '',
    author: { name: 'Alice Johnson' },
    duration: 120,
    success: true,
    permissions: ['read', 'write'],
    artifacts: [{ name: 'out.zip' }],
    html: '<b>&</b>',
  },
};

const identity = (text: string) => text;
const render = (text: string) => renderTemplate(text, event, identity);

describe('renderTemplate', () => {
  it('fills dotted data paths and the event variables', () => {
    expect(render('{{data.project_name}} by {{data.author.name}}')).toBe('My Project by Alice Johnson');
    expect(render('{{event}} {{event_id}} {{timestamp}} {{project_id}}')).toBe(
      'build.completed event_abc 2024-01-01T12:02:00.000Z proj_123',
    );
    expect(render('{{ data.duration }}s ok={{data.success}}')).toBe('120s ok=true');
    expect(render('{{data.permissions}} / {{data.artifacts.0.name}}')).toBe('read, write / out.zip');
  });

  it('uses the fallback for missing or empty values, else an empty string', () => {
    expect(render('{{data.branch | "unknown"}}')).toBe('unknown');
    expect(render("{{data.nope | 'n/a'}}")).toBe('n/a');
    expect(render('[{{data.nope}}]')).toBe('[]');
    expect(render('{{data.author}}')).toBe('');
    expect(render('{{data.x | "say \\"hi\\" \\\\ }}"}}')).toBe('say "hi" \\ }}');
  });

  it('escapes values and fallbacks but not the literal text', () => {
    const upper = (text: string) => `<${text.toUpperCase()}>`;
    expect(renderTemplate('*{{data.project_name}}* {{data.nope | "x"}}', event, upper)).toBe(
      '*<MY PROJECT>* <X>',
    );
  });

  it('never reaches prototypes or constructors', () => {
    const hostile: RenderableEvent = {
      ...event,
      data: JSON.parse('{"__proto__": {"polluted": "yes"}, "list": [1]}') as Record<string, unknown>,
    };
    for (const path of [
      'data.__proto__',
      'data.__proto__.polluted',
      'data.constructor',
      'data.constructor.name',
      'data.list.constructor.name',
      'data.list.length',
      'data.toString',
      'data.prototype',
      'data.hasOwnProperty',
    ]) {
      expect(renderTemplate(`{{${path}}}`, hostile, identity)).toBe('');
      expect(renderTemplate(`{{${path} | "safe"}}`, hostile, identity)).toBe('safe');
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats template syntax in values as plain text', () => {
    const tricky: RenderableEvent = { ...event, data: { name: '{{event_id}}' } };
    expect(renderTemplate('{{data.name}}', tricky, identity)).toBe('{{event_id}}');
  });

  it('shows an invalid template escaped, as written', () => {
    expect(renderTemplate('a {{data.x', event, (t) => t.replace(/{/g, '('))).toBe('a ((data.x');
  });
});

describe('parseTemplate', () => {
  it('splits text and expressions', () => {
    expect(parseTemplate('Hi {{data.a.b | "z"}}!')).toEqual({
      ok: true,
      parts: [
        { kind: 'text', text: 'Hi ' },
        { kind: 'value', path: ['data', 'a', 'b'], fallback: 'z' },
        { kind: 'text', text: '!' },
      ],
    });
    expect(parseTemplate('no braces } { here')).toEqual({
      ok: true,
      parts: [{ kind: 'text', text: 'no braces } { here' }],
    });
    expect(parseTemplate('')).toEqual({ ok: true, parts: [] });
  });

  it.each([
    ['Hello{{data.x', 'unclosed "{{" at position 5'],
    ['{{data.x | "a"', 'unclosed "{{" at position 0'],
    ['a {{}} b', 'empty expression at position 2'],
    ['{{   }}', 'empty expression at position 0'],
    ['{{ | "x" }}', 'empty expression at position 0'],
    ['{{data.a b}}', 'invalid character "b" in expression at position 9'],
    ['{{data["x"]}}', 'invalid character "[" in expression at position 6'],
    ['{{data..x}}', 'invalid path "data..x" at position 2'],
    [
      '{{user.name}}',
      'unknown variable "user" (use data.<field>, event, event_id, timestamp or project_id) at position 2',
    ],
    ['{{event.type}}', '"event" has no fields at position 2'],
    ['{{data.x | unknown}}', 'fallback must be a quoted string such as "unknown" at position 11'],
    ['{{data.x | }}', 'missing fallback after "|" at position 11'],
    ['{{data.x | "abc}}', 'unterminated fallback string at position 11'],
    ['{{data.x | "a\\q"}}', 'invalid escape "\\q" in fallback at position 13'],
    ['{{data.x | "a" "b"}}', `unexpected '"' after fallback at position 15`],
  ])('%s → %s', (text, error) => {
    expect(parseTemplate(text)).toEqual({ ok: false, error });
  });
});

describe('validateTemplate', () => {
  it('accepts a valid template, an empty one, and none', () => {
    expect(
      validateTemplate({ title: '{{data.project_name}}', body: 'Branch {{data.branch | "unknown"}}' }),
    ).toEqual([]);
    expect(validateTemplate({})).toEqual([]);
    expect(validateTemplate(null)).toEqual([]);
    expect(validateTemplate(undefined)).toEqual([]);
  });

  it('names the field and position of a syntax error', () => {
    expect(validateTemplate({ title: 'Hello{{data.x' })).toEqual([
      'template.title: unclosed "{{" at position 5',
    ]);
    expect(validateTemplate({ title: 'ok', body: '{{}}' })).toEqual([
      'template.body: empty expression at position 0',
    ]);
  });

  it('checks types, lengths and unknown keys', () => {
    expect(validateTemplate('x')).toEqual([
      'template must be an object with optional "title" and "body" strings',
    ]);
    expect(validateTemplate([])).toEqual([
      'template must be an object with optional "title" and "body" strings',
    ]);
    expect(validateTemplate({ title: 1, body: ['x'], color: 'red' })).toEqual([
      'template.color is not allowed (use title and body)',
      'template.title must be a string',
      'template.body must be a string',
    ]);
    expect(validateTemplate({ title: 'x'.repeat(256), body: 'y'.repeat(4000) })).toEqual([]);
    expect(validateTemplate({ title: 'x'.repeat(257), body: 'y'.repeat(4001) })).toEqual([
      'template.title must be at most 256 characters',
      'template.body must be at most 4000 characters',
    ]);
  });

  it('rejects a __proto__ key sent in JSON', () => {
    expect(validateTemplate(JSON.parse('{"__proto__": {"title": 1}}'))).toEqual([
      'template.__proto__ is not allowed (use title and body)',
    ]);
  });
});
