// The generic fallback when the design-system body is missing: the main content region of the
// page, with the regions that are page chrome on every site left out by cleanBody.
import { type Document, type Element, all, first, textOf } from '../parse/html-dom.js';

/** The element most likely to hold the story: <article>, <main>, or the densest text container. */
export function findMainContent(doc: Document): Element | undefined {
  const explicit = first('article, [role="main"], main, #main-content, #content, .content', doc);
  if (explicit && textOf(explicit).length > 200) return explicit;
  // Readability's idea in small: the block that holds the most paragraph text wins.
  const scores = new Map<Element, number>();
  for (const paragraph of all('p', doc)) {
    const length = textOf(paragraph).length;
    if (length < 40) continue;
    const parent = paragraph.parent as Element | null;
    if (!parent || !('name' in parent)) continue;
    scores.set(parent, (scores.get(parent) ?? 0) + length);
  }
  let best: Element | undefined;
  let bestScore = 0;
  for (const [element, score] of scores) if (score > bestScore) [best, bestScore] = [element, score];
  return best ?? explicit;
}
