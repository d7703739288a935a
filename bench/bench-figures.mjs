// The figures every bench prints, in one place: the median of its runs, milliseconds and megabytes as
// the tables show them, and progress lines on stderr (the table goes to stdout).
export const median = (values) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
export const ms = (value) => `${Math.round(value).toLocaleString('en-US')} ms`;
export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const progress = (text) => process.stderr.write(`  ${text}\n`);
