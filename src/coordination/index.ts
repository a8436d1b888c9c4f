/** Redis coordination for backfill workers: a shared token bucket, leases with fencing, outage policy. */
export { LeaseCoordinator, type ClaimOutcome, type LeaseCoordinatorOptions, type LeaseStatus, type OtherHolder } from './backfill-lease.js';
export { COORDINATOR_OUTAGE_POLICIES, applyOutagePolicy, parseOutagePolicy, type CoordinatedOutcome, type CoordinatorOutagePolicy, type OutagePolicyRun, type OutageReport } from './coordinator-policy.js';
export { escapeKeyPart, unescapeKeyPart } from './key-part.js';
export { Lease, type LeaseOperations, type LeaseState } from './lease.js';
export { leaseKey, parseLeaseKey, type LeaseRange } from './lease-key.js';
export { closeCoordinatorRedis, createCoordinatorRedis, describeRedis, type CoordinatorRedisOptions } from './redis-connection.js';
export { CoordinationKeys, DEFAULT_KEY_PREFIX } from './redis-keys.js';
export { StorageFence, type StorageFenceOptions } from './storage-fence.js';
export { SharedTokenBucket, type BucketState, type TakeResult, type TokenBucketOptions } from './token-bucket.js';
