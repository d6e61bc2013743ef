export { Restic } from './restic.js';
