// The published conformance suite, run exactly as a user would run it against their own store.
// docs:store-conformance
import { describeStore } from '@otpkit/bff/store-conformance';
import { mapStore } from './map-store.js';

describeStore('mapStore', () => mapStore());
// docs:end
