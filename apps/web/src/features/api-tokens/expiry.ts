/** `YYYY-MM-DD` of `date` in local time, as `<input type="date">` reads and writes it. */
export function localDateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A token "expiring on" a day works through that whole day, in the user's time zone. */
export function endOfLocalDay(dateInputValue: string): string {
  return new Date(`${dateInputValue}T23:59:59.999`).toISOString();
}
