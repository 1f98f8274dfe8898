// An explicit --map wins (issue 12, item 5): roles it does not name are not guessed from other fields, a mapped
// id is the item id, and a group whose members have different answers is not a response group.
import { describe, expect, it } from 'vitest';
import { parseBytes, parseColumnMap } from '../pipeline/parse/index.ts';

const records = [
  { key: 'R-0017', no: 1, group: '子育て', body: '保育所の待機児童対策を強化してほしい。', answer: '保育所の整備を計画的に進めます。' },
  { key: 'R-0018', no: 2, group: '子育て', body: '放課後児童クラブの定員を増やしてほしい。', answer: '利用状況を踏まえ、定員の拡大を検討します。' },
  { key: 'R-0019', no: 3, group: '交通', body: 'バスの減便で通院が難しくなった。', answer: '交通事業者と協議してまいります。' },
  { key: 'R-0020', no: 4, group: '交通', body: 'デマンド交通の区域を広げるべき。', answer: '運行区域の拡大を検討します。' },
];
const json = Buffer.from(JSON.stringify({ data: records }));

describe('--map wins', () => {
  it('a JSON field called group is not the response group unless mapped; mapped ids are kept', async () => {
    const { items, report } = await parseBytes(json, 'opinions.json', {
      records: 'data',
      map: parseColumnMap('id=key,number=no,comment=body,response=answer'),
    });
    expect(items.map((it) => it.id)).toEqual(['R-0017', 'R-0018', 'R-0019', 'R-0020']);
    expect(items.map((it) => it.number)).toEqual(['1', '2', '3', '4']);
    expect(items.every((it) => it.response_group === null)).toBe(true);
    // The unmapped field is read into nothing, and the report says so rather than dropping it silently; the --map it
    // suggests keeps the columns read now, since a --map names every column it reads.
    expect(report.warnings).toEqual([expect.stringMatching(/^field "group": text on 4 item row\(s\) \(e\.g\. "子育て"\) is in no item field and not kept; .*--map <field>=group,number=no,response=answer,comment=body,id=key$/)]);
  });

  it('a mapped group whose members have different answers is not a response group: warned, kept as section', async () => {
    const { items, report } = await parseBytes(json, 'opinions.json', {
      records: 'data',
      map: parseColumnMap('id=key,number=no,comment=body,response=answer,group=group'),
    });
    const byGroup = new Map<string, Set<string>>();
    for (const it of items) if (it.response_group) byGroup.set(it.response_group, (byGroup.get(it.response_group) ?? new Set()).add(it.response));
    expect([...byGroup.values()].every((answers) => answers.size === 1)).toBe(true);
    expect(items.map((it) => it.section)).toEqual(['子育て', '子育て', '交通', '交通']);
    expect(report.warnings).toContain('column "group": 2 group value(s) ("子育て", "交通") hold items with different answers, so it is not a response group; kept as the section of items without one');
  });

  it('a mapped group whose members share one answer stays a response group', async () => {
    const shared = records.map((r) => ({ ...r, answer: r.group === '交通' ? '交通事業者と協議してまいります。' : r.answer }));
    const { items, report } = await parseBytes(Buffer.from(JSON.stringify({ data: shared })), 'opinions.json', {
      records: 'data',
      map: parseColumnMap('id=key,number=no,comment=body,response=answer,group=group'),
    });
    expect(items[2].response_group).not.toBeNull();
    expect(items[3].response_group).toBe(items[2].response_group);
    expect(report.warnings.join('\n')).toContain('"子育て"');
    expect(report.warnings.join('\n')).not.toContain('"交通"');
  });
});
