import { CreateInstance1795400000000 } from './1795400000000-create-instance';

/** Every migration, oldest first. Listed explicitly (no glob) so builds cannot miss one. */
export const MIGRATIONS = [CreateInstance1795400000000];
