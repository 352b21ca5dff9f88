// One setting, defined once as a JSON Schema (TypeBox): its type, range or rule, default and
// description. Wherever it is given as text (a CLI flag, a Lambda's environment variable, a CDK
// context value), `readSetting` turns the text into a value, checked by that schema, or into the one
// line that names the setting (by the caller's label: `--max`, `MAX_PER_RUN`, `context 'maxPerRun'`)
// and says what the schema wants. docs/ARCHITECTURE.md, "Configuration".
import { FormatRegistry, Kind, type Static, type TSchema } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';

/** What a setting's schema may carry beyond JSON Schema's keywords, for its error message. */
export interface SettingWords {
  /** What a text must be, where no keyword says it (a format, a pattern): "an http(s) URL". */
  expected?: string;
  /** The unit of a number: "a whole number of hours from ...". */
  unit?: string;
  /** Why the minimum is what it is, where the caller narrowed it: "(two schedule intervals)". */
  minimumReason?: string;
  /** False to leave the value out of the message (a value that may hold control characters). */
  echo?: boolean;
}

/** The formats settings use; TypeBox checks a format only once it is registered. */
const SETTING_FORMATS = {
  /** An http(s) URL without a query or fragment. */
  'http-url': (value: string) => {
    const url = URL.canParse(value) ? new URL(value) : undefined;
    return (url?.protocol === 'http:' || url?.protocol === 'https:') && url.search === '' && url.hash === '';
  },
  /** An http(s) origin: scheme and host (and port), nothing after but a slash. */
  'http-origin': (value: string) => /^https?:\/\/[^\s/?#]+\/?$/.test(value),
  email: (value: string) => /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/.test(value),
} as const;
for (const [name, check] of Object.entries(SETTING_FORMATS))
  if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);

export type Reading<T> = { ok: true; value: T } | { ok: false; problem: string };

/** A setting's text as its value, or the one-line problem with it. */
export function readSetting<S extends TSchema>(schema: S, text: string, label: string): Reading<Static<S>> {
  const value = fromText(schema, text);
  if (value !== undefined && Check(schema, value)) return { ok: true, value: value as Static<S> };
  const words = schema as SettingWords;
  return {
    ok: false,
    problem: `${label} must be ${expectation(schema)}${words.echo === false ? '' : `, got '${text}'`}`,
  };
}

/**
 * A URL setting as it is used everywhere: as the WHATWG parser writes it, without trailing slashes
 * (paths are appended to it). The CLI and the Lambdas both tidy their URLs with this.
 */
export function tidyUrl(value: string): string {
  return new URL(value).toString().replace(/\/+$/, '');
}

/** The same schema with a narrower range, and why (the message says it). */
export function narrowed<S extends TSchema>(schema: S, range: { minimum: number; reason: string }): S {
  return { ...schema, minimum: range.minimum, minimumReason: range.reason };
}

function fromText(schema: TSchema, text: string): unknown {
  switch (schema[Kind]) {
    case 'Integer':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'Number':
      return text.trim() === '' ? undefined : Number(text);
    default:
      return text;
  }
}

/** What the schema wants, in words. */
export function expectation(schema: TSchema): string {
  const words = schema as TSchema & SettingWords;
  const unit = words.unit ? ` of ${words.unit}` : '';
  const why = words.minimumReason ? ` (${words.minimumReason})` : '';
  switch (schema[Kind]) {
    case 'Integer':
      return `a whole number${unit} from ${schema.minimum}${why} to ${schema.maximum}`;
    case 'Number':
      return `a number${unit} from ${schema.minimum}${why} to ${schema.maximum}`;
    case 'Union':
      return quotedChoices((schema.anyOf as { const: string }[]).map((choice) => choice.const));
    default:
      if (!words.expected) throw new Error(`setting schema without 'expected' words: ${JSON.stringify(schema)}`);
      return words.expected;
  }
}

function quotedChoices(choices: string[]): string {
  const quoted = choices.map((choice) => `'${choice}'`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}
