export { startStack, type StackOptions, type RunningStack } from './stack.js';
