/**
 * Named provider presets defined in code. A preset turns a few validated options into a
 * ProviderConfig and says what it needs on the machine; presets.yaml refers to them by name.
 */
import * as z from 'zod';
import { SeamlessError } from '../errors.js';
import type { ProviderConfig } from '../provider-config.js';
import { registerCatalogPresets } from './builtins.js';
import { registerExchangePresets } from './exchange-presets.js';
import type { Dependency } from './dependency.js';
import { configError, problemsFromZod } from './issues.js';
import { didYouMean, quoteList } from './suggest.js';

/** Where relative paths in options resolve, and the environment defaults read from. */
export interface PresetContext {
  readonly baseDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface PresetDefinition<O> {
  readonly description: string;
  /** Validates raw options; make it strict so misspelt keys fail instead of being ignored. */
  readonly options: z.ZodType<O>;
  build(options: O, context: PresetContext): ProviderConfig;
  requires(options: O, context: PresetContext): Dependency[];
}

/** A registered preset; takes raw (unvalidated) options. */
export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly options: z.ZodType;
  build(options?: unknown, context?: Partial<PresetContext>): ProviderConfig;
  requires(options?: unknown, context?: Partial<PresetContext>): Dependency[];
}

const NAME = /^[a-z0-9][a-z0-9._-]*$/;

function fullContext(context: Partial<PresetContext> | undefined): PresetContext {
  return { baseDir: context?.baseDir ?? process.cwd(), env: context?.env ?? process.env };
}

export class PresetRegistry {
  readonly #presets = new Map<string, Preset>();

  register<O>(name: string, definition: PresetDefinition<O>): this {
    if (!NAME.test(name)) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `preset name ${JSON.stringify(name)} is not valid; use lower case letters, digits, ".", "_" and "-"`);
    }
    if (this.#presets.has(name)) {
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `preset "${name}" is already registered; pick another name`, { preset: name });
    }
    const parse = (raw: unknown): O => {
      const input = raw ?? {};
      const result = definition.options.safeParse(input);
      if (!result.success) throw configError(`preset "${name}"`, problemsFromZod(result.error.issues, input, ['options']));
      return result.data;
    };
    this.#presets.set(name, {
      name,
      description: definition.description,
      options: definition.options,
      build: (raw, context) => definition.build(parse(raw), fullContext(context)),
      requires: (raw, context) => definition.requires(parse(raw), fullContext(context)),
    });
    return this;
  }

  has(name: string): boolean {
    return this.#presets.has(name);
  }

  /** The preset, or SEAMLESS_UNKNOWN_PRESET listing every registered name. */
  get(name: string): Preset {
    const preset = this.#presets.get(name);
    if (preset !== undefined) return preset;
    throw new SeamlessError(
      'SEAMLESS_UNKNOWN_PRESET',
      `unknown provider preset "${name}"${didYouMean(name, this.names())}; registered presets: ${quoteList(this.names())}`,
      { preset: name, available: this.names() },
    );
  }

  names(): string[] {
    return [...this.#presets.keys()].sort();
  }
}

/** A fresh registry holding the built-in presets (catalog, catalog.mirror, catalog.follow). */
export function createDefaultRegistry(): PresetRegistry {
  return registerExchangePresets(registerCatalogPresets(new PresetRegistry()));
}

/** The registry presets files use unless given another. */
export const defaultRegistry: PresetRegistry = createDefaultRegistry();
