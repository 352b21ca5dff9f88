// Test access to the bundled ILO replica: its pages as text, and canonical URLs for them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPLICA_SITE = fileURLToPath(new URL('../../replica/site', import.meta.url));

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

/**
 * Pages that are not in the bundled site: tests copy them into a temporary copy of it. Each folder
 * under variants/ is a site state with the site's URL-to-file mapping (see the replica README).
 */
export const VARIANTS = fileURLToPath(new URL('../fixtures/ilo-replica/variants', import.meta.url));

/**
 * The robustness variation stories (variants/variations, listed by its own sitemap.page-3.xml):
 * each page varies one thing the real site does or may do.
 */
export const VARIATION = {
  hreflangOnlyEn: '/resource/news/heat-stress-puts-outdoor-workers-south-east-asia-risk',
  hreflangOnlyZh: '/zh-hans/resource/news/高温热应激威胁东南亚户外劳动者',
  alsoAvailableOnlyEn: '/resource/news/ilo-supports-solar-technician-training-young-women-kenya',
  alsoAvailableOnlyZh: '/zh-hans/resource/news/国际劳工组织支持肯尼亚青年女性太阳能技术员培训',
  menuOnlyEn: '/resource/news/new-guide-helps-domestic-workers-claim-weekly-rest-days',
  menuOnlyZh: '/zh-hans/resource/news/新指南帮助家政工人落实每周休息日',
  bilingualTagsEn: '/resource/news/platform-workers-china-gain-occupational-injury-protection',
  bilingualTagsZh: '/zh-hans/resource/news/中国平台从业人员获得职业伤害保障',
  noHead: '/resource/news/ilo-and-mongolia-sign-new-decent-work-country-programme',
  unixTimeDate: '/resource/news/tea-cooperatives-yunnan-improve-conditions-seasonal-pickers',
  jsonLdDate: '/resource/news/countries-prepare-apply-new-standard-biological-hazards-work',
  chineseYmdDate: '/zh-hans/resource/news/国际劳工组织发布中国青年就业形势简报',
  chineseMonthNameDate: '/zh-hans/resource/news/广东家政服务技能竞赛推动行业职业化发展',
  gbk: '/zh-hans/resource/news/外卖骑手职业安全培训在成都启动',
  keepDrop: '/resource/news/skills-pilot-helps-garment-workers-cambodia-move-technical-jobs',
  englishOnly: '/resource/news/just-transition-finance-platform-launched-international-labour-conference',
  englishUnderChinesePath:
    '/zh-hans/resource/news/just-transition-finance-platform-launched-international-labour-conference',
} as const;

/** A page of the variation stories. */
export function variationPage(pathname: string): string {
  return readFileSync(path.join(VARIANTS, 'variations', `${pathname}.html`), 'utf8');
}

/** Pages of the other site states: a story found in Chinese first, broken pages. */
export const VARIANT_STORY = {
  chineseFirstZh: { state: 'chinese-first', path: '/zh-hans/resource/news/西部地区职业培训券试点扩大覆盖范围' },
  chineseFirstEn: {
    state: 'chinese-first',
    path: '/resource/news/vocational-training-voucher-pilot-expands-western-china',
  },
  markupDrift: { state: 'broken', path: '/resource/news/labour-inspectors-viet-nam-trained-detect-forced-labour' },
  noTitle: { state: 'broken', path: '/resource/news/minimum-wage-consultations-begin-lao-pdr' },
  noBody: { state: 'broken', path: '/resource/news/palau-ratifies-maritime-labour-convention' },
} as const;

export function variantFile(variant: { state: string; path: string }): string {
  return path.join(VARIANTS, variant.state, `${variant.path}.html`);
}

export function variantPage(variant: { state: string; path: string }): string {
  return readFileSync(variantFile(variant), 'utf8');
}

/** The canonical URL of a replica path (percent-encoded as the site writes it). */
export function canonical(pathname: string): string {
  return `https://www.ilo.org${pathname.split('/').map(encodeURIComponent).join('/')}`;
}

export function replicaPage(pathname: string): string {
  return readFileSync(path.join(REPLICA_SITE, `${pathname}.html`), 'utf8');
}
