import express from 'express';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';

/** The Meituan platform imitation (scaffold: filled in with its issue). */
export async function startMeituanSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  return listenSandbox('meituan', express(), options.port);
}
