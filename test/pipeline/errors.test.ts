// What a caught value says when it is not an Error: one line, never "[object Object]" or a crash.
import { describe, expect, it } from 'vitest';
import { FetchFailure, asError, assertIsError, errorMessage, isError } from '#pipeline/errors.js';

describe('isError', () => {
  it('accepts Errors, their subclasses and Error-shaped objects from another realm', () => {
    expect(isError(new Error('x'))).toBe(true);
    expect(isError(new FetchFailure('https://www.ilo.org/', 'timeout', 'no answer'))).toBe(true);
    expect(isError(new DOMException('stopped', 'AbortError'))).toBe(true);
    expect(isError({ name: 'TimeoutError', message: 'too slow' })).toBe(true);
  });

  it('refuses anything else that can be thrown', () => {
    for (const value of ['boom', 42, undefined, null, { message: 'no name' }, { name: 'N', message: 3 }, [], () => 1])
      expect(isError(value)).toBe(false);
  });
});

describe('errorMessage', () => {
  it("is an Error's message as it is", () => {
    expect(errorMessage(new TypeError('bad input'))).toBe('bad input');
  });

  it('says what was thrown instead, on one line', () => {
    expect(errorMessage('socket hang up\n  at line 2')).toBe('socket hang up at line 2');
    expect(errorMessage(42)).toBe('non-Error thrown: 42');
    expect(errorMessage(undefined)).toBe('non-Error thrown: undefined');
    expect(errorMessage(null)).toBe('non-Error thrown: null');
    expect(errorMessage({ code: 'ECONNRESET', detail: 'a\nb' })).toBe(
      'non-Error thrown: {"code":"ECONNRESET","detail":"a\\nb"}',
    );
  });

  it('copes with values JSON cannot write, and cuts long ones', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorMessage(cyclic)).toBe('non-Error thrown: [object Object]');
    expect(errorMessage(10n)).toBe('non-Error thrown: 10');
    const long = errorMessage({ text: 'x'.repeat(1000) });
    expect(long.length).toBeLessThan(250);
    expect(long).toMatch(/…$/);
    expect(long).not.toContain('\n');
  });
});

describe('asError and assertIsError', () => {
  it('keeps an Error, wraps anything else with the value as its cause', () => {
    const error = new Error('x');
    expect(asError(error)).toBe(error);
    const wrapped = asError({ code: 7 });
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.message).toBe('non-Error thrown: {"code":7}');
    expect(wrapped.cause).toEqual({ code: 7 });
  });

  it('narrows an Error and refuses anything else, saying what it was', () => {
    const caught: unknown = new RangeError('out of range');
    assertIsError(caught);
    expect(caught.message).toBe('out of range');
    expect(() => assertIsError('text')).toThrow(new TypeError('expected an Error, got "text"'));
  });
});
