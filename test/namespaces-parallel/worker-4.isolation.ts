import { isolationSuite } from './isolation.ts';

isolationSuite(4);
