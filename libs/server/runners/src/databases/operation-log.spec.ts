import { DATABASE_OPERATION_LOG_TRUNCATED_MARKER } from '@zpanel/contracts';
import { OperationLog } from './operation-log';

describe(OperationLog.name, () => {
  it('keeps lines in order, redacts every known password (also one added later) and hands the same lines to the live topic', () => {
    const log = new OperationLog(['OldPassw0rdOldPassw0rd']);
    log.write('connecting with OldPassw0rdOldPassw0rd\r\nsecond line');
    log.addSecret('NewPassw0rdNewPassw0rd');
    log.write('ERROR:  LINE 1: ALTER ROLE "app" WITH PASSWORD \'NewPassw0rdNewPassw0rd\';\0');
    expect(log.text).toBe('connecting with ********\nsecond line\nERROR:  LINE 1: ALTER ROLE "app" WITH PASSWORD \'********\';\uFFFD');
    expect(log.takeLines()).toEqual(log.text.split('\n'));
    expect(log.takeLines()).toEqual([]);
    expect(log.version).toBe(3);
    expect(log.redact('x NewPassw0rdNewPassw0rd y')).toBe('x ******** y');
  });

  it('stops at its cap with the marker, never splitting a character, and keeps nothing after', () => {
    const log = new OperationLog([], 20);
    log.write('0123456789');
    log.write('ééééééééé');
    log.write('more');
    expect(Buffer.byteLength(log.text, 'utf8')).toBeLessThanOrEqual(20 + DATABASE_OPERATION_LOG_TRUNCATED_MARKER.length + 1);
    expect(log.text).toBe(`0123456789\néééé\n${DATABASE_OPERATION_LOG_TRUNCATED_MARKER}`);
    const version = log.version;
    log.write('ignored');
    expect(log.version).toBe(version);
  });
});
