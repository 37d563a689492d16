/**
 * Fixes are pasted into a shell, and their values come from the input (project ids, emails,
 * cluster names): a crafted plan must not be able to turn a fix into another command. The
 * `sh` tag quotes every interpolated value for the place it lands in: inside double quotes it
 * escapes `\ " $ \``; elsewhere it single-quotes anything beyond plain word characters.
 * Shell syntax the fix means (`$(gcloud …)`, `${PROJECT_NUMBER}`, comments) stays in the literal parts.
 */
const PLAIN = /^[A-Za-z0-9@%+=:,./_-]+$/;

export function shellWord(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function insideDoubleQuotes(value: string): string {
  return value.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

export function sh(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0];
  let quoted = false;
  for (let i = 0; i < values.length; i++) {
    quoted = (strings[i].replace(/\\./g, "").match(/"/g)?.length ?? 0) % 2 === 1 ? !quoted : quoted;
    const value = String(values[i]);
    out += (quoted ? insideDoubleQuotes(value) : shellWord(value)) + strings[i + 1];
  }
  return out;
}
