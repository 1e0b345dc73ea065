import express from 'express';
import { listenSandbox, type RunningSandbox, type SandboxOptions } from '../sandbox.js';

/** The Douyin platform imitation (scaffold: filled in with its issue). */
export async function startDouyinSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  return listenSandbox('douyin', express(), options.port);
}
