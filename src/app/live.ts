/**
 * `bulwark scan DIR --live`: the engine's containers join the pipeline model as workloads, matched to the project's
 * compose services and Kubernetes workloads, so what really runs (privileged, ports published on 0.0.0.0, root)
 * sets the exposure of the chains.
 *
 * A container matches a project workload
 *  1. by compose labels: `com.docker.compose.project` and `com.docker.compose.service` equal the service's project
 *     and name (the compose file's directory name or `name:`), or else
 *  2. by image: the container's image ID equals the ID the engine gives the workload's image (compose `image:`,
 *     `<project>-<service>` for `build:`, the Kubernetes `image:`, or the image scanned for it).
 * A matched container inherits the links of the workloads it matched (the Dockerfile that builds it, the scanned
 * image's findings); its exposure comes from its own inspect data. Containers that match nothing are not part of
 * the project and are left out (counted in one line). States: running, restarting, paused and created (about to
 * run); exited and dead containers expose nothing.
 */
import { EngineClient } from '../sources/engine/client.js';
import { inspectToSpec, imageFactsFromInspect } from '../runtime/inspect.js';
import type { Workload } from '../analyzers/pipeline/model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type J = Record<string, any>;

const LIVE_STATES = new Set(['running', 'restarting', 'paused', 'created']);
/** containers inspected at most (an engine with more is not one project's) */
export const MAX_LIVE_CONTAINERS = 2_000;

export interface LiveOptions {
  host?: string;
}

export interface LiveResult {
  workloads: Workload[];
  warnings: string[];
}

const svcName = (w: Workload) => w.spec.service ?? w.spec.name;

/** The image names a workload may run under in the local engine, most specific first. */
function imageNames(w: Workload): string[] {
  const out: string[] = [];
  if (w.imageName) out.push(w.imageName.replace(/^docker:/, ''));
  if (w.image) out.push(w.image);
  if (w.dockerfile && w.project && w.spec.frontEnd === 'compose') out.push(`${w.project}-${svcName(w)}`);
  return [...new Set(out)];
}

export async function liveWorkloads(project: Workload[], opts: LiveOptions = {}): Promise<LiveResult> {
  const client = new EngineClient({ host: opts.host, timeoutMs: 10_000 });
  const list = await client.json<J[]>('/containers/json', { all: 1 });
  const warnings: string[] = [];
  const ids = new Map<string, string | undefined>();
  const imageId = async (name: string): Promise<string | undefined> => {
    if (!ids.has(name)) {
      try {
        ids.set(name, String((await client.json<J>(`/images/${encodeURIComponent(name)}/json`)).Id ?? '') || undefined);
      } catch {
        ids.set(name, undefined);
      }
    }
    return ids.get(name);
  };
  const byImage = new Map<string, Workload[]>();
  for (const w of project) {
    for (const n of imageNames(w)) {
      const id = await imageId(n);
      if (id) (byImage.get(id) ?? byImage.set(id, []).get(id)!).push(w);
    }
  }
  const out: Workload[] = [];
  let unmatched = 0;
  let inspected = 0;
  for (const c of list) {
    const state = String(c.State ?? '');
    if (!LIVE_STATES.has(state)) continue;
    const labels: Record<string, string> = c.Labels && typeof c.Labels === 'object' ? c.Labels : {};
    const cp = labels['com.docker.compose.project'];
    const cs = labels['com.docker.compose.service'];
    let matched = cp && cs ? project.filter((w) => w.spec.frontEnd === 'compose' && w.project === cp && svcName(w) === cs) : [];
    let how = matched.length ? `compose labels ${cp}/${cs}` : '';
    if (!matched.length) {
      matched = [...new Set(byImage.get(String(c.ImageID ?? '')) ?? [])];
      if (matched.length) how = `image ${String(c.ImageID).replace(/^sha256:/, '').slice(0, 12)}`;
    }
    if (!matched.length) {
      unmatched++;
      continue;
    }
    if (++inspected > MAX_LIVE_CONTAINERS) {
      warnings.push(`--live: more than ${MAX_LIVE_CONTAINERS} matching containers; the rest were not read`);
      break;
    }
    let info: J;
    try {
      info = await client.json<J>(`/containers/${encodeURIComponent(String(c.Id))}/json`);
    } catch (e) {
      if ((e as { status?: number }).status === 404) continue; // removed since the list
      throw e;
    }
    let img: J | undefined;
    try {
      img = await client.json<J>(`/images/${encodeURIComponent(String(info.Image ?? ''))}/json`);
    } catch {
      img = undefined;
    }
    const spec = inspectToSpec(info, img ? imageFactsFromInspect(img) : undefined, `container ${String(c.Id).slice(0, 12)}`);
    const first = (k: 'dockerfile' | 'imageName' | 'image' | 'project') => matched.map((w) => w[k]).find((v) => v !== undefined);
    const dfw = matched.find((w) => w.dockerfile);
    out.push({
      label: `container ${spec.container} (${state}; ${matched.map((w) => w.label).join(', ')})`,
      spec,
      image: first('image') ?? spec.image,
      imageName: first('imageName'),
      dockerfile: dfw?.dockerfile,
      context: dfw?.context,
      project: first('project'),
      live: { state, matchedBy: how, workloads: matched.map((w) => w.label) },
    });
  }
  if (unmatched) warnings.push(`--live: ${unmatched} container(s) on ${client.host} match no workload of the project (left out)`);
  return { workloads: out, warnings };
}
