import { describe, expect, it } from 'vitest';
import { formatGoDuration, GoDuration, renderTemplate } from './index.js';

const data = {
  Name: 'x',
  repo: { id: 'nas', paths: ['/a', '/b'] },
  N: 3,
  Big: 12345678901234567890n,
  Empty: '',
  List: [] as string[],
  M: new Map([
    ['b', 2],
    ['a', 1],
  ]),
  Greet(who: unknown) {
    return `hi ${String(who)}`;
  },
  Add(a: unknown, b: unknown) {
    return Number(a) + Number(b);
  },
};

describe('renderTemplate (Go text/template subset)', () => {
  it.each([
    ['{{ .Name }}', 'x'],
    ['{{.Repo.Id}} {{ .Repo.Paths }}', 'nas [/a /b]'],
    ['{{ .Missing }}', '<no value>'],
    ['{{ .Big }}', '12345678901234567890'],
    ['{{ if .Name }}yes{{ else }}no{{ end }}', 'yes'],
    ['{{ if .Empty }}yes{{ else if .List }}list{{ else }}no{{ end }}', 'no'],
    ['{{ if .Empty }}a{{ else if .N }}b{{ else if .Name }}c{{ end }}', 'b'],
    ['{{ range .Repo.Paths }}[{{ . }}]{{ end }}', '[/a][/b]'],
    ['{{ range $i, $p := .Repo.Paths }}{{ $i }}={{ $p }};{{ end }}', '0=/a;1=/b;'],
    ['{{ range .List }}x{{ else }}none{{ end }}', 'none'],
    ['{{ range $k, $v := .M }}{{ $k }}{{ $v }}{{ end }}', 'a1b2'],
    ['{{ with .Repo }}{{ .Id }}{{ end }}', 'nas'],
    ['{{ .Greet "bob" }}', 'hi bob'],
    ['{{ .Greet .Name }}', 'hi x'],
    ['{{ .Add 1 2 }}', '3'],
    ['{{ .Name | .Greet }}', 'hi x'],
    ['{{ .Greet (.Add 1 .N) }}', 'hi 4'],
    ['{{ printf "%s-%d" .Name .N }}', 'x-3'],
    ['{{ if eq .N 3 }}three{{ end }}', 'three'],
    ['{{ if and .Name (not .Empty) }}ok{{ end }}', 'ok'],
    ['{{ or .Empty "fallback" }}', 'fallback'],
    ['{{ len .Repo.Paths }} {{ index .Repo.Paths 1 }}', '2 /b'],
    ['{{ $x := .N }}{{ $x }}', '3'],
    ['a  {{- .Name -}}  b', 'axb'],
    ['a{{/* comment */}}b', 'ab'],
    ['{{ "quoted }} brace" }}', 'quoted }} brace'],
    ['{{ `raw` }}', 'raw'],
    ['{{ gt .N 2 }} {{ lt .N 2 }}', 'true false'],
    ['{{ html "<a>" }}', '&lt;a&gt;'],
  ])('%s', (src, want) => {
    expect(renderTemplate(src, data)).toBe(want);
  });

  it('reports errors clearly', () => {
    expect(() => renderTemplate('{{ if .Name }}', data)).toThrow(/missing {{end}}/);
    expect(() => renderTemplate('{{ end }}', data)).toThrow(/unexpected {{end}}/);
    expect(() => renderTemplate('{{ .Name', data)).toThrow(/unclosed action/);
    expect(() => renderTemplate('{{ nosuch 1 }}', data)).toThrow(/function "nosuch" not defined/);
    expect(() => renderTemplate('{{ $y }}', data)).toThrow(/undefined variable/);
  });

  it('formats durations like Go', () => {
    expect(formatGoDuration(0)).toBe('0s');
    expect(formatGoDuration(1_500_000_000)).toBe('1.5s');
    expect(formatGoDuration(90e9)).toBe('1m30s');
    expect(formatGoDuration(3600e9)).toBe('1h0m0s');
    expect(formatGoDuration(250e6)).toBe('250ms');
    expect(GoDuration.fromMs(61_234).toString()).toBe('1m1.234s');
  });
});
