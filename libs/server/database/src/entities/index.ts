import { InstanceEntity } from './instance.entity';

export { InstanceEntity };

export const ENTITIES = [InstanceEntity];
