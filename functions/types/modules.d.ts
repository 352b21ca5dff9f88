declare module '@joplin/turndown-plugin-gfm' {
  import type TurndownService from 'turndown';
  type Plugin = (service: TurndownService) => void;
  export const gfm: Plugin;
  export const tables: Plugin;
  export const strikethrough: Plugin;
  export const taskListItems: Plugin;
  export const highlightedCodeBlock: Plugin;
}

// turndown's browser build: the same converter without the domino HTML parser, which it would
// load at import time. We only ever hand turndown a DOM tree, never a string.
declare module 'turndown/lib/turndown.browser.es.js' {
  import TurndownService from 'turndown';
  export default TurndownService;
}

// domino (turndown's DOM, used by tests as the reference) ships typings for the old package name.
declare module '@mixmark-io/domino' {
  const domino: { createDocument(html?: string): { getElementById(id: string): object | null } };
  export default domino;
}
