// The SNS filter semantics the cloud test applies (fauxqs gets String.Array wrong), checked against
// the examples of SNS's documentation ("String value matching", "Key matching").
import { describe, expect, it } from 'vitest';
import { matchesFilterPolicy, readmeFilterPolicy } from './subscription.js';

const array = (...items: string[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(items) });
const text = (value: string) => ({ DataType: 'String', StringValue: value });

describe('SNS filter policies, as the cloud test applies them', () => {
  it('matches a String.Array on any of its elements, and every key of the policy (AND)', () => {
    const policy = { customer_interests: ['rugby', 'tennis'] };
    expect(matchesFilterPolicy(policy, { customer_interests: text('rugby') })).toBe(true);
    expect(matchesFilterPolicy(policy, { customer_interests: array('rugby', 'tennis') })).toBe(true);
    expect(matchesFilterPolicy(policy, { customer_interests: array('baseball') })).toBe(false);
    expect(matchesFilterPolicy({ ...policy, store: [{ exists: true }] }, { customer_interests: text('rugby') })).toBe(
      false,
    );
  });

  it('anything-but: values that include none of the listed ones (an array with one of them does not match)', () => {
    const policy = { languages: [{ 'anything-but': ['zh'] }] };
    expect(matchesFilterPolicy(policy, { languages: array('en') })).toBe(true);
    expect(matchesFilterPolicy(policy, { languages: array('en', 'zh') })).toBe(false);
    expect(matchesFilterPolicy(policy, {})).toBe(false);
  });

  it("reads the README's subscription example", () => {
    expect(readmeFilterPolicy()).toEqual({ languages: ['zh'], eventType: ['article.published'] });
  });
});
