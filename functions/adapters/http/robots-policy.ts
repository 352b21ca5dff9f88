// robots.txt, read once per origin and honoured: disallowed paths are never fetched, and a
// Crawl-delay slows the pace. A robots.txt that is missing (4xx) allows everything, as the
// standard says; one that cannot be read (5xx, network) disallows everything for this run.
import robotsParserModule from 'robots-parser';

type Robot = {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
};
// A CommonJS module whose typings declare an ES default export: at run time the import is the function.
const robotsParser = robotsParserModule as unknown as (url: string, text: string) => Robot;

export interface RobotsRules {
  isAllowed(url: string): boolean;
  crawlDelayMs?: number;
  /** Set when nothing is allowed because robots.txt could not be read: why ("robots.txt answered 503"). */
  unreachable?: string;
}

export function parseRobots(robotsUrl: string, text: string, userAgent: string): RobotsRules {
  const robots = robotsParser(robotsUrl, text);
  const token = (userAgent.split('/', 1)[0] ?? '').trim();
  const delay = robots.getCrawlDelay(token);
  return {
    isAllowed: (url) => robots.isAllowed(url, token) !== false,
    ...(delay !== undefined && delay > 0 ? { crawlDelayMs: Math.min(delay, 60) * 1000 } : {}),
  };
}

export const ALLOW_ALL: RobotsRules = { isAllowed: () => true };
/** Nothing allowed because robots.txt could not be read (RFC 9309 "unreachable"). */
export function unreachableRobots(why: string): RobotsRules {
  return { isAllowed: () => false, unreachable: why };
}
