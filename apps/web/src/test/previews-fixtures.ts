import type { PreviewDto } from '@zpanel/contracts';
import { fixture } from './fixture';

/** Test data for the previews specs: pull request #42 of shop-web (app-1), deployed. */
export const aPreview = fixture<PreviewDto>(() => ({
  id: 'preview-42',
  applicationId: 'app-1',
  provider: 'github',
  number: 42,
  title: 'Add a wish list',
  link: 'https://github.com/shop/web/pull/42',
  headBranch: 'feature/wish-list',
  fork: false,
  domain: 'pr-42.preview.shop.example.com',
  commitSha: '9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c',
  latestDeployment: {
    id: 'dep-42',
    status: 'success',
    commitSha: '9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c',
    createdAt: new Date(Date.now() - 120_000).toISOString(),
    finishedAt: new Date(Date.now() - 60_000).toISOString(),
  },
  createdAt: new Date(Date.now() - 3_600_000).toISOString(),
  updatedAt: new Date(Date.now() - 120_000).toISOString(),
}));
