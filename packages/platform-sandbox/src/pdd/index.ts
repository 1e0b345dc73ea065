import express from 'express';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';

/** The Pdd platform imitation (scaffold: filled in with its issue). */
export async function startPddSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  return listenSandbox('pdd', express(), options.port);
}
