// Old event versions are upcast when read, never rewritten; new events carry the latest version.
import type { RecordedEvent, JsonObject } from './port.ts';

/** Turns the data of `type` at `fromVersion` into the data of `fromVersion + 1`. */
export type Upcaster = {
  type: string;
  fromVersion: number;
  upcast: (data: JsonObject) => JsonObject;
};

export type Upcasting = {
  upcast: (event: RecordedEvent) => RecordedEvent;
  schemaVersion: (type: string) => number;
};

export function createUpcasting(upcasters: readonly Upcaster[]): Upcasting {
  const byType = new Map<string, Map<number, Upcaster['upcast']>>();
  for (const upcaster of upcasters) {
    const steps = byType.get(upcaster.type) ?? new Map<number, Upcaster['upcast']>();
    if (steps.has(upcaster.fromVersion)) throw new Error(`Two upcasters for ${upcaster.type} v${upcaster.fromVersion}`);
    steps.set(upcaster.fromVersion, upcaster.upcast);
    byType.set(upcaster.type, steps);
  }
  const schemaVersion = (type: string) => 1 + (byType.get(type)?.size ?? 0);
  return {
    schemaVersion,
    upcast(event) {
      const steps = byType.get(event.type);
      if (!steps) return event;
      let version = event.metadata.schemaVersion ?? 1;
      let data = event.data;
      for (let step = steps.get(version); step; step = steps.get(version)) {
        data = step(data);
        version += 1;
      }
      return data === event.data ? event : { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
    },
  };
}
