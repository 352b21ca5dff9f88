import { describe, expect, it } from 'vitest';
import { resolveSettings } from '#cli/deployment-settings.js';

const defaults = { publicUrl: 'http://127.0.0.1:8080', contentMode: 'full' as const };
const recorded = { publicUrl: 'https://d1.cloudfront.net', contentMode: 'summary' as const };

describe('resolveSettings (a run against a deployment bucket)', () => {
  it("takes the flags left out from the store's record", () => {
    expect(resolveSettings({ allowChange: false }, recorded, defaults)).toEqual({ ...recorded, recorded });
    expect(resolveSettings({ publicUrl: recorded.publicUrl, allowChange: false }, recorded, defaults)).toMatchObject(
      recorded,
    );
  });

  it('uses the flags and defaults when the store has no record yet', () => {
    expect(resolveSettings({ contentMode: 'summary', allowChange: false }, undefined, defaults)).toEqual({
      publicUrl: defaults.publicUrl,
      contentMode: 'summary',
    });
  });

  it("refuses a deployment's bucket that records nothing yet without both flags, naming the missing ones", () => {
    expect(() => resolveSettings({ allowChange: false, explicitWhenUnrecorded: true }, undefined, defaults)).toThrow(
      'this store records no settings yet (nothing was published there): give --public-url and --content as the deployment has them (its PublicUrl output; the contentMode it was deployed with)',
    );
    expect(() =>
      resolveSettings(
        { contentMode: 'summary', allowChange: false, explicitWhenUnrecorded: true },
        undefined,
        defaults,
      ),
    ).toThrow('give --public-url as the deployment');
    expect(
      resolveSettings({ ...recorded, allowChange: false, explicitWhenUnrecorded: true }, undefined, defaults),
    ).toEqual(recorded);
    // Once something is recorded, the flags may be left out.
    expect(resolveSettings({ allowChange: false, explicitWhenUnrecorded: true }, recorded, defaults)).toMatchObject(
      recorded,
    );
  });

  it('refuses other settings than the recorded ones, naming each, unless told to change them', () => {
    expect(() =>
      resolveSettings(
        { publicUrl: 'http://127.0.0.1:8080', contentMode: 'full', allowChange: false },
        recorded,
        defaults,
      ),
    ).toThrow(
      "this store was published with other settings: --public-url http://127.0.0.1:8080 (the store's is https://d1.cloudfront.net), --content full (the store's is summary); leave the flag out to use the store's, or add --allow-settings-change to render every public file again with yours",
    );
    expect(resolveSettings({ contentMode: 'full', allowChange: true }, recorded, defaults)).toMatchObject({
      publicUrl: recorded.publicUrl,
      contentMode: 'full',
    });
  });
});
