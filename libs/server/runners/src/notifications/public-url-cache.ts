import { Injectable } from '@nestjs/common';
import { InstanceRepository } from '@zpanel/database';

/** How long the instance's public URL is reused before it is read again. */
export const PUBLIC_URL_TTL_MS = 5_000;

/**
 * The instance's public URL for links in messages, read at most every few seconds instead of once
 * per fan-out and per attempt: a change in System shows in links within PUBLIC_URL_TTL_MS.
 */
@Injectable()
export class PublicUrlCache {
  private cached?: { value: string | null; readAt: number };

  constructor(private readonly instance: InstanceRepository) {}

  async get(now = Date.now()): Promise<string | null> {
    if (this.cached && now - this.cached.readAt < PUBLIC_URL_TTL_MS) return this.cached.value;
    const value = await this.instance.publicUrl();
    this.cached = { value, readAt: now };
    return value;
  }
}
