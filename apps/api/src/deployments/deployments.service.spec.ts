import { ErrorCode } from '@zpanel/contracts';
import { AppException, injectionPayloads } from '@zpanel/core';
import { ApplicationEntity, ApplicationsRepository, DeploymentEntity, DeploymentsRepository, UsersRepository, teamScope } from '@zpanel/database';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import type { AuditService } from '../audit/audit.service';
import { flattenValidationErrors } from '../http/validation';
import { CreateDeploymentDto } from './deployments.dto';
import { DeploymentsService, deploymentRequestProblems } from './deployments.service';

const IMAGE_APP = { buildPack: 'image', imageReference: 'ghcr.io/acme/web:latest' } as const;
const GIT_APP = { buildPack: 'dockerfile', imageReference: null } as const;
const COMMIT = '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const TEAM = teamScope('team-1');

const fieldsOf = (problems: { field: string }[]) => problems.map((p) => p.field);
const dtoErrors = (plain: Record<string, unknown>) => flattenValidationErrors(validateSync(plainToInstance(CreateDeploymentDto, plain)));

describe('deployment requests', () => {
  describe('CreateDeploymentDto', () => {
    it('accepts Docker tags as imageTag', () => {
      for (const imageTag of ['v1.4.2', 'latest', 'sha-4f2a9c1', '_x', 'A'.repeat(128)]) expect(dtoErrors({ imageTag })).toEqual([]);
      expect(dtoErrors({})).toEqual([]);
    });

    it('refuses an imageTag outside the tag grammar, naming the field', () => {
      const refused = ['', '.v1', '-v1', 'v1:2', 'ghcr.io/evil/x', 'v1@sha256:abc', 'x'.repeat(129), null, 42, ['v1']];
      for (const imageTag of refused) {
        expect({ imageTag, errors: dtoErrors({ imageTag }) }).toEqual({
          imageTag,
          errors: [{ field: 'imageTag', message: expect.stringMatching(/^imageTag must be an image tag/) }],
        });
      }
    });

    it('refuses every injection payload as imageTag, NUL bytes, non-UTF-8 and 10 MB strings included', () => {
      const payloads = [...injectionPayloads('/tmp/pwned'), 'v1\0', 'v1\nFROM evil', '\u00ff\u00fe', 'x'.repeat(10 * 1024 * 1024)];
      expect(payloads.filter((imageTag) => fieldsOf(dtoErrors({ imageTag })).join() !== 'imageTag')).toEqual([]);
    });
  });

  describe(deploymentRequestProblems.name, () => {
    it('lets an image application deploy with a tag, and either kind without one', () => {
      expect(deploymentRequestProblems(IMAGE_APP, { imageTag: 'v1.4.2' })).toEqual([]);
      expect(
        deploymentRequestProblems({ buildPack: 'image', imageReference: `localhost:5000/app@sha256:${'a'.repeat(64)}` }, { imageTag: 'v2' }),
      ).toEqual([]);
      expect(deploymentRequestProblems(IMAGE_APP, {})).toEqual([]);
      expect(deploymentRequestProblems(GIT_APP, {})).toEqual([]);
      expect(deploymentRequestProblems(GIT_APP, { commit: COMMIT })).toEqual([]);
    });

    it('refuses an imageTag for an application built from git, naming imageTag', () => {
      expect(deploymentRequestProblems(GIT_APP, { imageTag: 'v1.4.2' })).toEqual([
        { field: 'imageTag', message: expect.stringContaining('image build pack') },
      ]);
    });

    it('refuses a commit for an application that runs an image, naming commit', () => {
      expect(fieldsOf(deploymentRequestProblems(IMAGE_APP, { commit: COMMIT }))).toEqual(['commit']);
    });

    it('refuses commit and imageTag together, whatever the build pack', () => {
      for (const app of [IMAGE_APP, GIT_APP]) {
        expect(deploymentRequestProblems(app, { commit: COMMIT, imageTag: 'v1' })).toEqual([
          { field: 'imageTag', message: expect.stringContaining('together with commit') },
        ]);
      }
    });

    it('refuses a tag that would make the reference too long, and a tag the DTO let through unchecked', () => {
      const long = { buildPack: 'image', imageReference: `registry.example.com/${'a'.repeat(200)}:1` } as const;
      expect(deploymentRequestProblems(long, { imageTag: 'x'.repeat(100) })).toEqual([
        { field: 'imageTag', message: expect.stringMatching(/^imageTag cannot be used: .*longer than/) },
      ]);
      expect(fieldsOf(deploymentRequestProblems(IMAGE_APP, { imageTag: '$(touch /tmp/pwned)' }))).toEqual(['imageTag']);
    });
  });

  describe(DeploymentsService.name, () => {
    /** Just enough of TypeORM for `create`: the application's row, the deployment rows saved. */
    function serviceWith(application: Partial<ApplicationEntity>) {
      const rows: DeploymentEntity[] = [];
      const save = jest.fn(async (row: Partial<DeploymentEntity>) => {
        const saved = {
          ...row,
          id: `d-${rows.length + 1}`,
          createdAt: new Date(),
          startedAt: null,
          finishedAt: null,
          cancelRequestedAt: null,
          imagePrunedAt: null,
        } as DeploymentEntity;
        rows.push(saved);
        return saved;
      });
      const supersede = {
        update: () => supersede,
        set: () => supersede,
        where: () => supersede,
        returning: () => supersede,
        execute: async () => ({ raw: [] }),
      };
      const repositories = new Map<unknown, unknown>([
        [ApplicationEntity, { findOne: async () => ({ id: 'app-1', teamId: 'team-1', ...application }) }],
        [
          DeploymentEntity,
          {
            create: (row: Partial<DeploymentEntity>) => row,
            save,
            createQueryBuilder: () => supersede,
            findOneBy: async ({ id }: { id: string }) => rows.find((r) => r.id === id) ?? null,
            // Only the question rollback asks: another row of the same image marked pruned.
            existsBy: async ({ imageTag }: { imageTag: string }) => rows.some((r) => r.imageTag === imageTag && r.imagePrunedAt !== null),
          },
        ],
      ]);
      const manager = { getRepository: (entity: unknown) => repositories.get(entity) };
      const dataSource = {
        getRepository: manager.getRepository,
        transaction: async (work: (m: typeof manager) => Promise<unknown>) => work(manager),
      };
      const enqueue = jest.fn(async () => 'job');
      const audit = { record: jest.fn(async () => undefined) } as unknown as AuditService;
      const service = new DeploymentsService(
        dataSource as unknown as DataSource,
        new ApplicationsRepository(manager as unknown as EntityManager),
        new DeploymentsRepository(manager as unknown as EntityManager),
        new UsersRepository(manager as unknown as EntityManager),
        audit,
        { enqueue } as never,
        { append: jest.fn(async () => undefined) } as never,
        pino({ level: 'silent' }),
        {} as never,
        { record: jest.fn(async () => undefined) } as never,
      );
      return { service, save, enqueue, rows };
    }

    it('refuses an imageTag for an application built from git with a 400 naming the field, and stores and queues nothing', async () => {
      const { service, save, enqueue } = serviceWith(GIT_APP);
      const refused = service.create(null, TEAM, 'app-1', { trigger: 'api', imageTag: 'v1.4.2' });
      await expect(refused).rejects.toBeInstanceOf(AppException);
      await expect(refused).rejects.toMatchObject({ code: ErrorCode.ValidationFailed, status: 400, errors: [{ field: 'imageTag' }] });
      expect(save).not.toHaveBeenCalled();
      expect(enqueue).not.toHaveBeenCalled();
    });

    it('refuses commit and imageTag together before storing anything', async () => {
      const { service, save, enqueue } = serviceWith(IMAGE_APP);
      await expect(service.create(null, TEAM, 'app-1', { trigger: 'api', commit: COMMIT, imageTag: 'v1' })).rejects.toMatchObject({
        status: 400,
        errors: [{ field: 'imageTag' }],
      });
      expect(save).not.toHaveBeenCalled();
      expect(enqueue).not.toHaveBeenCalled();
    });

    it('stores the tag asked for on the row and shows it in the deployment', async () => {
      const { service, enqueue } = serviceWith(IMAGE_APP);
      const queued = await service.create(null, TEAM, 'app-1', { trigger: 'api', imageTag: 'v1.4.2' });
      expect(queued).toMatchObject({ status: 'queued', requestedImageTag: 'v1.4.2', commitSha: null, imageTag: null });
      expect(enqueue).toHaveBeenCalledTimes(1);
    });

    it('refuses up front, with a 409 saying why, a rollback to a deployment whose image went with another deployment of the same image', async () => {
      const { service, rows, enqueue } = serviceWith(IMAGE_APP);
      // d-1 built zp/web:d-1; d-2 rolled back to it; the image was then pruned and d-1 marked.
      const built = await service.create(null, TEAM, 'app-1', { trigger: 'api' });
      Object.assign(rows[0], { status: 'success', imageTag: 'zp/web:d-1', imagePrunedAt: new Date() });
      const rolledBack = await service.create(null, TEAM, 'app-1', { trigger: 'rollback', source: { ...rows[0] } as DeploymentEntity });
      Object.assign(rows[1], { status: 'success' });
      enqueue.mockClear();
      const refused = service.rollback(null as unknown as Caller, TEAM, rolledBack.id);
      await expect(refused).rejects.toMatchObject({
        code: ErrorCode.Conflict,
        status: 409,
        message: expect.stringMatching(/no longer kept on the server/),
      });
      expect(enqueue).not.toHaveBeenCalled();
      expect(rows).toHaveLength(2);
      expect(built.id).toBe('d-1');
    });

    it('keeps the tag of the deployment a rollback runs again', async () => {
      const { service } = serviceWith(IMAGE_APP);
      const source = await service.create(null, TEAM, 'app-1', { trigger: 'api', imageTag: 'v1.4.2' });
      const rollback = await service.create(null, TEAM, 'app-1', {
        trigger: 'rollback',
        source: { ...source, requestedImageTag: 'v1.4.2', imageTag: 'zp/web:d-1' } as unknown as DeploymentEntity,
      });
      expect(rollback).toMatchObject({ trigger: 'rollback', requestedImageTag: 'v1.4.2', imageTag: 'zp/web:d-1' });
    });
  });
});
