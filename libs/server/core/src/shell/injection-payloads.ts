/**
 * The inputs that broke our peers (docs/security.md, Hostile inputs), each aimed at creating `canary`. Every test of
 * a command builder feeds all of them and then proves the canary does not exist: one list, so a
 * payload added here is tried against every builder.
 */
export function injectionPayloads(canary: string): string[] {
  return [
    `; touch ${canary}`,
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `| touch ${canary}`,
    `&& touch ${canary}`,
    `'; touch ${canary}; '`,
    `"; touch ${canary}; "`,
    `\\'; touch ${canary} #`,
    `\n touch ${canary}`,
    `\r\ntouch ${canary}`,
    `--upload-pack=touch ${canary}`,
    `-oProxyCommand=touch ${canary}`,
    '../../etc/passwd',
    `\${IFS}touch\${IFS}${canary}`,
    `'"'"'; touch ${canary}`,
    `$'\\x3b' touch ${canary}`,
    'caf\u00e9 \u{1F600}',
    'x'.repeat(100_000),
  ];
}
