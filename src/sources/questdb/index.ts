export { QuestDbSource } from './questdb-source.js';
export { type QuestDbOptions } from './options.js';
export { type QuestDbProbe, questDbReachable } from './reachable.js';
export { DEFAULT_TABLE_PREFIX, type TableNames } from './tables.js';
