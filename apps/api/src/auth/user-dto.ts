import type { UserDto } from '@zpanel/contracts';
import type { UserEntity } from '@zpanel/database';

/** The only way a user leaves the API: no hashes, no TOTP secret. */
export function toUserDto(user: UserEntity): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    twoFactorEnabled: user.totpEnabledAt !== null,
    createdAt: user.createdAt.toISOString(),
  };
}
