import { memoryStore } from './memory-store.js';
import { describeStore } from './store.suite.js';

describeStore('memoryStore', () => memoryStore());
