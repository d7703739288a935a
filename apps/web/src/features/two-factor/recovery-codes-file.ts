/** The text of the downloaded recovery codes file: what they are, for whom, and the codes. */
export function recoveryCodesText(codes: readonly string[], account: string, generatedAt: Date): string {
  return [
    `Zpanel recovery codes for ${account}`,
    `Generated ${generatedAt.toISOString()}`,
    '',
    'Each code signs you in once when you cannot use your authenticator app.',
    'Keep them somewhere safe, such as a password manager.',
    '',
    ...codes,
    '',
  ].join('\n');
}

export const RECOVERY_CODES_FILE_NAME = 'zpanel-recovery-codes.txt';

/** Saves `text` as a file through a temporary object URL, released once the download has started. */
export function downloadTextFile(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
