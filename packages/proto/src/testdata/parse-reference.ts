// Parses the message and enum tables of backrest-api.md §4 / §11 (copied beside this file) into expectations.

export interface RefField {
  number: number;
  name: string;
  jsonName?: string;
  type?: string;
  repeated: boolean;
  optional: boolean;
  oneof?: string;
}

export interface RefMessage {
  typeName: string;
  fields: RefField[];
  reserved: number[];
}

export interface RefEnum {
  typeName: string;
  values: [string, number][];
}

export interface Reference {
  messages: Map<string, RefMessage>;
  enums: Map<string, RefEnum>;
}

// `N name: type → jsonKey` with optional type, notes and JSON key; type may be `opt`, bold or backticked.
const fieldRe = /(\d+) `(\w+)`(?::\s*(opt\s+)?[`*]*([\w.]+)[`*]*(\[\])?)?(?:[^;→{}|]*?→\s*`(\w+)`)?/g;
const inlineFieldRe = /(\d+) (\w+)(?::\s*([\w.]+)(\[\])?)?/g;

function parseFields(cell: string, defaultType: string | undefined): RefField[] {
  const oneofs = [...cell.matchAll(/oneof `(\w+)` \{([^}]*)\}/g)];
  const fields: RefField[] = [];
  for (const m of cell.matchAll(fieldRe)) {
    const start = m.index;
    const group = oneofs.find((o) => start > o.index && start < o.index + o[0].length);
    fields.push({
      number: Number(m[1]),
      name: m[2] as string,
      ...(m[6] !== undefined && { jsonName: m[6] }),
      ...((m[4] ?? defaultType) !== undefined && { type: m[4] ?? defaultType }),
      repeated: m[5] !== undefined,
      optional: m[3] !== undefined,
      ...(group && { oneof: group[1] }),
    });
  }
  // Group notes such as "(2–10 int64)" or "(all int32)" give the type of fields listed without one.
  const all = /\(all (\w+)\)/.exec(cell);
  for (const f of fields) if (all && f.type === defaultType) f.type = all[1];
  for (const r of cell.matchAll(/\((\d+)–(\d+) (\w+)\)/g)) {
    for (const f of fields) {
      if (f.number >= Number(r[1]) && f.number <= Number(r[2]) && f.type === defaultType) f.type = r[3];
    }
  }
  return fields;
}

function cells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim());
}

export function parseReference(markdown: string): Reference {
  const messages = new Map<string, RefMessage>();
  const enums = new Map<string, RefEnum>();
  const add = (typeName: string, fields: RefField[], reserved: number[] = []): void => {
    const existing = messages.get(typeName);
    if (existing) existing.fields.push(...fields);
    else messages.set(typeName, { typeName, fields, reserved });
  };

  let pkg = 'v1';
  let columnMessage: string | undefined;
  let section = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith('### ')) section = line;
    if (line.startsWith('`v1sync` messages')) [pkg, section] = ['v1sync', line];
    const defaultType = pkg === 'v1' ? 'string' : undefined;

    const bold = /^\*\*(\w+)\*\*(?: \(reserved field numbers ([\d, ]+)\))?$/.exec(line);
    if (bold) {
      columnMessage = `${pkg}.${bold[1]}`;
      const reserved = bold[2]?.split(',').map((n) => Number(n.trim())) ?? [];
      if (bold[1] !== 'Other') add(columnMessage, [], reserved);
      continue;
    }

    if (line.startsWith('`proto/v1/authentication.proto`')) {
      const text = `${line} ${lines[i + 1] ?? ''}`;
      for (const m of text.matchAll(/`(Login\w+)` ((?:\d+ `\w+` → `\w+`(?:, )?)+)/g)) {
        add(`v1.${m[1]}`, parseFields(m[2] as string, 'string'));
      }
      continue;
    }
    if (section.includes('types/value.proto') && line.startsWith('`BoolValue`')) {
      const text = `${line} ${lines[i + 1] ?? ''}`;
      for (const m of text.matchAll(/`(\w+)` (?:(\d+) `(\w+)`: (\w+)(\[\])?|\(no fields\))/g)) {
        const fields: RefField[] =
          m[2] === undefined
            ? []
            : [
                {
                  number: Number(m[2]),
                  name: m[3] as string,
                  type: m[4],
                  repeated: m[5] !== undefined,
                  optional: false,
                },
              ];
        add(`types.${m[1]}`, fields);
      }
      continue;
    }

    if (!line.startsWith('|') || line.startsWith('|---')) continue;
    const row = cells(line);

    // Column tables: | # | Field | Type | JSON | Notes |
    const col = /^(\d+)$/.test(row[0] ?? '') && row.length === 5 ? row : undefined;
    if (col && columnMessage) {
      const type = /^([\w.]+)(\[\])?$/.exec(col[2] as string);
      add(columnMessage, [
        {
          number: Number(col[0]),
          name: (col[1] as string).replace(/`/g, ''),
          jsonName: (col[3] as string).replace(/[`*]/g, ''),
          ...(type && { type: type[1] }),
          repeated: type?.[2] !== undefined,
          optional: false,
        },
      ]);
      continue;
    }

    // Oneof member table of Operation: | 100 | `operation_backup` → `operationBackup` | `OperationBackup`: ... |
    const member = /^`(\w+)` → `(\w+)`$/.exec(row[1] ?? '');
    if (/^\d+$/.test(row[0] ?? '') && member && row.length === 3) {
      const payload = /^`(\w+)`: (.*)$/.exec(row[2] as string);
      if (!payload) throw new Error(`unparsed oneof row: ${line}`);
      add('v1.Operation', [
        {
          number: Number(row[0]),
          name: member[1] as string,
          jsonName: member[2] as string,
          type: payload[1] as string,
          repeated: false,
          optional: false,
          oneof: 'op',
        },
      ]);
      add(`v1.${payload[1]}`, parseFields(payload[2] as string, 'string'));
      continue;
    }

    if (row.length !== 2) continue;
    const [nameCell, body] = row as [string, string];
    if (nameCell === 'Message' || nameCell === 'Enum') continue;

    if (section.includes('Enums')) {
      const name = /`([\w.]+)`/.exec(nameCell)?.[1] as string;
      const enumPkg = name.startsWith('v1sync.') || name.startsWith('SyncStreamItem.') ? 'v1sync' : 'v1';
      const values: [string, number][] = [];
      let prefix = '';
      for (const m of body.matchAll(/(\w+)=(\d+)/g)) {
        let valueName = m[1] as string;
        if (values.length === 0) prefix = valueName.replace(/_?UNKNOWN$/, '');
        else if (valueName.startsWith('_')) valueName = prefix + valueName;
        values.push([valueName, Number(m[2])]);
      }
      const typeName = name.startsWith('v1sync.') ? name : `${enumPkg}.${name}`;
      enums.set(typeName, { typeName, values });
      continue;
    }

    if (nameCell === 'nested others' || nameCell === 'unused leftovers') {
      const parent = nameCell === 'nested others' ? 'v1sync.SyncStreamItem.' : 'v1sync.';
      for (const m of body.matchAll(/`(\w+)\{([^}]*)\}`/g)) {
        const fields = [...(m[2] as string).matchAll(inlineFieldRe)].map((f): RefField => ({
          number: Number(f[1]),
          name: f[2] as string,
          ...(f[3] !== undefined && { type: f[3] }),
          repeated: f[4] !== undefined,
          optional: false,
        }));
        add(parent + (m[1] as string), fields);
      }
      continue;
    }

    // Empty messages mentioned in passing, e.g. "(response `SetRemoteClientConfigResponse{}`)".
    for (const m of body.matchAll(/`(\w+)\{\}`/g)) add(`${pkg}.${m[1] as string}`, []);
    const nested = nameCell.startsWith('nested ') ? 'SyncStreamItem.' : '';
    const reserved =
      /\(reserved ([\d, ]+)\)/
        .exec(nameCell)?.[1]
        ?.split(',')
        .map((n) => Number(n.trim())) ?? [];
    const names = [...nameCell.matchAll(/`([\w.]+)`/g)].map((m) => m[1] as string);
    const bodies = names.length > 1 ? body.split(' / ') : [body];
    names.forEach((name, k) => {
      const cell = bodies[k] ?? '';
      const same = /fields (\d+)–(\d+) identical to `(\w+)`/.exec(cell);
      const copied = same
        ? (messages.get(`${pkg}.${same[3]}`)?.fields ?? []).filter(
            (f) => f.number >= Number(same[1]) && f.number <= Number(same[2]),
          )
        : [];
      const parsed = pkg === 'v1sync' ? parseInlineOrTicked(cell) : parseFields(cell, defaultType);
      add(`${pkg}.${nested}${name}`, [...copied.map((f) => ({ ...f })), ...parsed], reserved);
    });
  }
  return { messages, enums };
}

// v1sync rows mix `1 \`name\`: type` with `1 \`id\`, 2 \`guid\`` (comma separated, no JSON keys).
function parseInlineOrTicked(cell: string): RefField[] {
  return parseFields(cell.replace(/, (?=\d+ `)/g, '; '), undefined);
}
