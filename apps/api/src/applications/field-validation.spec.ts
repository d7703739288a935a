import { ENV_VALUE_MAX_BYTES } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '../http/validation';
import { IsDisplayText } from '../http/validation';
import { EnvKeyPipe, IfPresent, IsApplicationField, envValueProblem } from './field-validation';

class Sample {
  @IfPresent()
  @IsApplicationField('gitBranch')
  gitBranch?: string;

  @IfPresent()
  @IsApplicationField('domain', { each: true })
  domains?: string[];

  @IfPresent()
  @IsDisplayText()
  name?: string;

  @IfPresent()
  @IsDisplayText({ multiline: true })
  description?: string;
}

const errorsOf = (plain: Record<string, unknown>) => flattenValidationErrors(validateSync(plainToInstance(Sample, plain)));

describe('application field validation', () => {
  describe(IsApplicationField.name, () => {
    it("refuses with the allowlist's message, naming the field", () => {
      expect(errorsOf({ gitBranch: '--upload-pack=touch /tmp/x' })).toEqual([
        { field: 'gitBranch', message: expect.stringMatching(/^gitBranch must be a branch name/) },
      ]);
      expect(errorsOf({ gitBranch: 'release/1.x' })).toEqual([]);
    });

    it('checks each element of a list, naming the list', () => {
      expect(errorsOf({ domains: ['app.example.com', 'x;y'] })).toEqual([
        { field: 'domains', message: expect.stringMatching(/^domains must be a domain name/) },
      ]);
      expect(errorsOf({ domains: ['app.example.com'] })).toEqual([]);
    });

    it('validates null when present instead of skipping it', () => {
      expect(errorsOf({ gitBranch: null }).map((e) => e.field)).toEqual(['gitBranch']);
      expect(errorsOf({})).toEqual([]);
    });
  });

  describe(IsDisplayText.name, () => {
    it('refuses control characters, allowing line breaks and tabs only in multi-line text', () => {
      expect(errorsOf({ name: 'a\u0000b' }).map((e) => e.field)).toEqual(['name']);
      expect(errorsOf({ name: 'two\nlines' }).map((e) => e.field)).toEqual(['name']);
      expect(errorsOf({ description: 'two\nlines\tand a tab\r\n' })).toEqual([]);
      expect(errorsOf({ description: 'bell\u0007' }).map((e) => e.field)).toEqual(['description']);
    });

    it('refuses bidirectional controls and zero-width characters in one-line names, and keeps other scripts', () => {
      for (const c of ['\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200f', '\u200b', '\u200c', '\u200d', '\ufeff', '\u2060', '\u0085']) {
        expect(errorsOf({ name: `admin${c}team` }).map((e) => e.message)).toEqual([
          'name must be one line of text without control, bidirectional or zero-width characters',
        ]);
      }
      expect(errorsOf({ name: 'Café Ĳssel 東京 שלום 😀' })).toEqual([]);
    });
  });

  describe(envValueProblem.name, () => {
    it('accepts anything an environment can carry', () => {
      for (const value of ['', 'a"b\'c $HOME \n newline\\', '#', 'caf\u00e9 \u{1F600}', 'x'.repeat(ENV_VALUE_MAX_BYTES)])
        expect(envValueProblem(value)).toBeNull();
    });

    it('refuses NUL, lone surrogates, more bytes than allowed, and non-strings', () => {
      expect(envValueProblem('a\u0000b')).toMatch(/NUL/);
      expect(envValueProblem('\ud800')).toMatch(/Unicode/);
      expect(envValueProblem('\u00e9'.repeat(ENV_VALUE_MAX_BYTES / 2 + 1))).toMatch(/bytes/);
      expect(envValueProblem(1)).toMatch(/string/);
    });
  });

  describe(EnvKeyPipe.name, () => {
    it('passes variable names and refuses anything else as a 400 naming key', () => {
      const pipe = new EnvKeyPipe();
      expect(pipe.transform('DATABASE_URL')).toBe('DATABASE_URL');
      expect(() => pipe.transform('$(touch /tmp/x)')).toThrow(AppException);
      const refused = (() => {
        try {
          return pipe.transform('1BAD');
        } catch (error) {
          return error;
        }
      })();
      expect((refused as AppException).errors).toEqual([{ field: 'key', message: expect.stringMatching(/^key must be a variable name/) }]);
    });
  });
});
