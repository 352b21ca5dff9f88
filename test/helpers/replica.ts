// Test access to the bundled ILO replica: its pages as text, and canonical URLs for them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPLICA_SITE = fileURLToPath(new URL('../fixtures/ilo-replica/site', import.meta.url));

export const STORY = {
  seedEn: '/resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china',
  seedZh: '/zh-hans/resource/news/国际劳工组织与微软合作加强中国人工智能技能培训',
  structuredEn: '/resource/news/ilo-forum-calls-investment-care-economy-close-gender-gaps',
  tableEn: '/resource/news/survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots',
  tableZh: '/zh-hans/resource/news/调查显示中国高质量学徒制试点学徒收益提升',
  chineseOnly: '/zh-hans/resource/news/国际劳工组织在云南举办农民工职业安全与健康培训',
  chineseOnlyUnderEnglishPath: '/resource/news/国际劳工组织在云南举办农民工职业安全与健康培训',
  olderEn: '/resource/news/ilo-partners-launch-covid-19-workplace-safety-training-small-businesses',
  regionEn: '/resource/news/youth-employment-rebounds-asia-pacific-but-informality-persists',
  regionZh: '/zh-hans/resource/news/亚洲及太平洋地区青年就业回升但非正规就业依然普遍',
} as const;

/** The canonical URL of a replica path (percent-encoded as the site writes it). */
export function canonical(pathname: string): string {
  return `https://www.ilo.org${pathname.split('/').map(encodeURIComponent).join('/')}`;
}

export function replicaPage(pathname: string): string {
  return readFileSync(path.join(REPLICA_SITE, `${pathname}.html`), 'utf8');
}
