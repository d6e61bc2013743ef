import { writeFileSync } from 'node:fs';

/**
 * --cpu-profile: profiles the process until the returned function is called, then writes a V8 .cpuprofile
 * (open it in Chrome DevTools or speedscope; rest-server writes Go pprof instead).
 */
export async function startCpuProfile(file: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises'); // only with --cpu-profile
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
