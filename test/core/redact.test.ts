/** The redactor: values redacted before they are serialised, secrets of any length (issue 15). */
import { describe, expect, it } from 'vitest';
import { MASK, makeRedactor } from '../../src/core/redact.js';

describe('makeRedactor', () => {
  it('masks secrets holding quotes, backslashes, control characters and unicode in JSON of a value', () => {
    const secrets = ['a"b"c"d', 'c:\\tmp\\x', 'line1\nline2', 'tab\there', 'pässwörd🔑'];
    const r = makeRedactor(secrets);
    const json = r.json({ message: `error: ${secrets.join(' and ')}`, nested: [{ v: secrets[1] }], [secrets[0]!]: 1 });
    for (const s of secrets) {
      expect(json).not.toContain(s);
      expect(json).not.toContain(JSON.stringify(s).slice(1, -1));
    }
    expect(JSON.parse(json)).toEqual({ message: `error: ${Array(5).fill(MASK).join(' and ')}`, nested: [{ v: MASK }], [MASK]: 1 });
  });

  it('masks the JSON-escaped form of a secret in free text (an error quoting a JSON body)', () => {
    const r = makeRedactor(['say "hi"']);
    expect(r('body {"p":"say \\"hi\\""}')).toBe(`body {"p":"${MASK}"}`);
  });

  it('masks secrets of 1 to 3 characters where they are a whole value, and leaves ordinary text alone', () => {
    const r = makeRedactor(['x', 'é"', '42']);
    expect(r.value({ a: 'x', b: 'é"', c: ['42'], d: 'box', n: 42 })).toEqual({ a: MASK, b: MASK, c: [MASK], d: 'box', n: 42 });
    expect(r('password = "x"\nPlan: 42 to add')).toBe(`password = "${MASK}"\nPlan: 42 to add`);
    expect(r.json({ k: 'é"' })).toBe(`{"k":"${MASK}"}`);
  });

  it('keeps a __proto__ key as data and leaves values without secrets equal', () => {
    const v = JSON.parse('{"__proto__": {"p": "secret-1"}, "ok": [1, true, null]}') as unknown;
    expect(makeRedactor(['secret-1']).json(v)).toBe(`{"__proto__":{"p":"${MASK}"},"ok":[1,true,null]}`);
    expect(makeRedactor([]).value(v)).toBe(v);
  });
});
