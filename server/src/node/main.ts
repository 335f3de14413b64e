import { startNodeServer } from './startNodeServer';

startNodeServer();
