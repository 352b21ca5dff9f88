// The short, human summary a run prints: what it did, where the outputs are, how to look at them.
import path from 'node:path';
import type { RunReport } from '../pipeline/run-pipeline.js';
import { DEFAULTS } from '../pipeline/config.js';
import { ILO_ORIGIN } from '../pipeline/site/ilo-urls.js';
import type { RunConfig } from './args.js';
import { PREFIXES, keys } from '../pipeline/state/store-keys.js';
import { count, plural } from './progress-display.js';
import { countWritten } from './written-files.js';

/** `written`: the public files the run wrote (every one: articles, archive pages, feeds, indexes). */
export function formatSummary(
  report: RunReport,
  config: RunConfig,
  written: string[] = report.publish.filesWritten,
): string {
  const lines: string[] = [];
  const where =
    config.store.kind === 'fs' ? displayPath(config.store.dir) : `s3://${config.store.bucket}/${config.store.prefix}`;
  const origin = config.origin === ILO_ORIGIN ? config.origin : `${config.origin} (mirror of ${ILO_ORIGIN})`;
  const d = report.discovery;
  const stored = report.newStories.length + report.updatedStories.length + report.unchanged;
  lines.push(`ILO syndication run: ${origin} -> ${where}`);
  lines.push(
    `  discovered  ${count(report.knownPages, 'news page')} known (${d.source === 'sitemap' ? `sitemap: ${count(d.sitemapPagesFetched, 'page')} read, ${d.sitemapPagesNotModified} not modified` : 'news listing (sitemap unavailable)'})`,
  );
  lines.push(
    `  ingested    ${count(report.candidates, 'page')} to check -> ${report.newStories.length} new, ${report.updatedStories.length} updated, ${report.unchanged} unchanged` +
      (stored === 0 && report.candidates === 0 ? ' (nothing changed on the site)' : ''),
  );
  if (d.sitemapPagesUnread > 0)
    lines.push(
      `              ${count(d.sitemapPagesUnread, 'sitemap page')} failed or held no sitemap (read again next run)`,
    );
  if (report.coveredByTwin > 0)
    lines.push(
      `              ${count(report.coveredByTwin, 'page')} came with ${plural(report.coveredByTwin, 'its', 'their')} other-language twin`,
    );
  if (report.pendingPages > 0) lines.push(`  pending     ${pendingLine(report.pendingPages, report.setAsidePages)}`);
  if (report.gone.length > 0)
    lines.push(
      `  gone        ${count(report.gone.length, 'page')} answered 404/410 (recorded, not fetched again until ${plural(report.gone.length, 'it changes', 'they change')})`,
    );
  for (const rejected of report.rejected) lines.push(`  skipped     ${rejected.url}: ${rejected.reason}`);
  lines.push(`  failed      ${report.failed.length}${report.failed.length > 0 ? ' (retried next run)' : ''}`);
  if (report.suspectPages > 0)
    lines.push(
      `              ${count(report.suspectPages, 'page')} came back damaged (cut short or undecodable): nothing of ${plural(report.suspectPages, 'it', 'them')} stored`,
    );
  for (const failure of report.failed) lines.push(`              ${failure.reason}`);
  if (report.markupDrift > 0) {
    const n = report.markupDrift;
    lines.push(
      `  drift       ${n} title or body extraction${n === 1 ? '' : 's'} fell back to a weaker layer (the site's markup changed)`,
    );
  }
  for (const warning of report.warnings) lines.push(`  warning     ${warning}`);
  const notifyTarget = config.notify.kind === 'outbox' ? displayPath(config.notify.file) : config.notify.topicArn;
  const c = countWritten(written);
  const kinds = (
    [
      [c.article, 'article file'],
      [c.archive, 'archive page'],
      [c.feed, 'feed file'],
      [c.index, 'index file'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, word]) => count(n, word));
  lines.push(
    `  published   ${count(c.total, 'file')} written${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}, ${count(report.publish.notificationsSent, 'notification')} sent (${notifyTarget})`,
  );
  if (report.publish.rerendered > 0)
    lines.push(
      `              ${count(report.publish.rerendered, 'story', 'stories')} rendered again (a new content mode or public URL, or a release that renders files differently)`,
    );
  if (report.publish.notificationsWaiting > 0) {
    lines.push(
      `              ${count(report.publish.notificationsWaiting, 'notification')} left queued: another run holds ${report.publish.notificationsWaiting === 1 ? 'its claim' : 'their claims'} (sent by a later run if that one stopped)`,
    );
  }
  if (config.store.kind === 'fs') {
    const base = displayPath(config.store.dir);
    lines.push('');
    lines.push(`Feeds:    ${path.join(base, `${PREFIXES.feeds}en`)}/{rss.xml,atom.xml,feed.json}`);
    lines.push(`          ${path.join(base, `${PREFIXES.feeds}zh`)}/{rss.xml,atom.xml,feed.json}`);
    lines.push(`Exports:  ${path.join(base, keys.exportIndex())} (and changes.json, articles/<id>.json, schema.json)`);
    lines.push(`Articles: ${path.join(base, PREFIXES.articles)}<id>/{meta.json,en.md,zh.md}`);
    lines.push('');
    const site = `${config.publicUrl.replace(/\/+$/, '')}/`;
    lines.push(`To look at the site: npm run syndicate -- serve --data ${base}${servePortFlag(config.publicUrl)}`);
    lines.push(`then open ${site} in a browser (the landing page: every feed, feeds.opml, the exports),`);
    lines.push(
      `or subscribe a feed reader to ${site}${keys.feed('en', 'rss')} (or .../zh/atom.xml, .../en/feed.json).`,
    );
  }
  lines.push(`Done in ${(report.durationMs / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}

/** ` --port N` when the public URL is `serve` on this machine at another port than its default, so the links work. */
function servePortFlag(publicUrl: string): string {
  const url = new URL(publicUrl);
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return '';
  const port = Number(url.port || 80);
  return port === DEFAULTS.servePort ? '' : ` --port ${port}`;
}

function pendingLine(pending: number, setAside: number): string {
  const pages = (n: number) => count(n, 'page');
  const rest = pending - setAside;
  const parts: string[] = [];
  if (rest > 0) parts.push(`${pages(rest)} left for the next run`);
  if (setAside > 0)
    parts.push(
      `${pages(setAside)} set aside (older than this run's window or --since: take them with --backfill or an earlier --since)`,
    );
  return parts.join('; ');
}

export function displayPath(absolute: string): string {
  const relative = path.relative(process.cwd(), absolute);
  return relative === '' ? '.' : relative.startsWith('..') ? absolute : `./${relative}`;
}
