// turndown's own output for a DOM tree (ours, or a reference DOM), before toMarkdown tidies it: the
// same converter toMarkdown uses, for tests that compare our light DOM with a full one.
import type TurndownService from 'turndown';
import { createTurndown } from '#pipeline/normalize/markdown.js';

const turndown = createTurndown();

export function turndownRaw(root: object): string {
  return turndown.turndown(root as unknown as TurndownService.Node);
}
