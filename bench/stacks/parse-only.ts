// The floor: tokenizing the page with htmlparser2 and doing nothing with it.
import { Parser } from 'htmlparser2';
import { measure } from '../extraction-harness.js';

await measure(
  'parse-only',
  (page) => {
    const parser = new Parser({});
    parser.write(page.html);
    parser.end();
    return '';
  },
  { checksChrome: false, rounds: { replica: 60, large: 15 } },
);
