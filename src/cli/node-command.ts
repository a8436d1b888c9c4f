/**
 * `seamless node check <config>`: the pre-deploy lint of a node config (YAML or JSON
 * BacktestRunConfig) — NautilusTrader's own config Structs judge keys, values and class paths,
 * the catalog judges instruments and data windows. Exit 0 when clean (warnings allowed),
 * 1 with findings, 2 for usage mistakes.
 */
import { existsSync } from 'node:fs';
import { checkConfigs } from '../nodes/config-check.js';
import { loadConfigFile } from '../nodes/config-load.js';
import { formatFinding, hasErrors } from '../nodes/findings.js';
import { nsToIso, parseTimeArg } from '../model/time.js';
import { UsageError, catalogPath, parseVerbArgs, positional } from './args.js';
import type { Output } from './output.js';

export const NODE_USAGE = `node verbs:
  node check <config.yaml|json> [--catalog PATH] [--json] [--gap-tolerance NS]
                        check a BacktestRunConfig: unknown/misspelt keys, values, importable
                        class paths, instruments in the catalog, data window covered
                        (exit 0 clean, 1 findings, 2 usage)`;

export async function runNodeCommand(argv: string[], out: Output): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    out.write(`${NODE_USAGE}\n`);
    return 0;
  }
  if (verb !== 'check') throw new UsageError(`unknown node verb ${JSON.stringify(verb ?? '')}; use \`seamless node check <config>\``);
  const { values, positionals } = parseVerbArgs(rest, { json: { type: 'boolean' }, 'gap-tolerance': { type: 'string' } }, NODE_USAGE);
  const file = positional(positionals, 0, '<config> (a YAML or JSON BacktestRunConfig)');
  if (!existsSync(file)) throw new UsageError(`no config file ${file}`);
  const gap = values['gap-tolerance'];
  if (gap !== undefined && !/^\d+$/.test(gap)) throw new UsageError(`--gap-tolerance must be nanoseconds, was "${gap}"`);
  const loaded = await loadConfigFile(file);
  const [checked] = await checkConfigs([loaded], { catalogPath: catalogPath(values.catalog), ...(gap ? { gapToleranceNs: parseTimeArg(gap) } : {}) });
  const findings = checked!.findings;
  if (values.json) {
    const window = checked!.window ? { start: nsToIso(checked!.window.start), end: nsToIso(checked!.window.end) } : undefined;
    out.write(`${JSON.stringify({ ok: !hasErrors(findings), findings, ...(window ? { window } : {}) }, null, 2)}\n`);
  } else {
    for (const f of findings) out.write(`${formatFinding(f, file)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    out.write(errors === 0 ? `${file}: ok${findings.length ? ` (${findings.length} warning(s))` : ''}\n` : `${file}: ${errors} error(s), ${findings.length - errors} warning(s)\n`);
  }
  return hasErrors(findings) ? 1 : 0;
}

