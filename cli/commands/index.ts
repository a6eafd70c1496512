export { commands } from './registry';
