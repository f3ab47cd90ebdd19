// Node: node:http and toNodeHandler (the streamed body path: no body parser in front).
import { createServer } from 'node:http';
import { toNodeHandler } from '@otpkit/bff/node';
import { createApp } from './app.mjs';

const server = createServer(toNodeHandler(createApp()));
server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${server.address().port}`));
