// Config file format: Backrest's protojson (json_name keys, enum names, int64 as strings), 2-space indented.
import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { ConfigSchema, type Config } from '@restora/proto';
import { ValidationError } from '../errors.js';

export function parseConfigJson(text: string, source = 'config'): Config {
  let json: JsonValue;
  try {
    json = JSON.parse(text) as JsonValue;
  } catch (e) {
    throw new ValidationError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return fromJson(ConfigSchema, json, { ignoreUnknownFields: true });
  } catch (e) {
    throw new ValidationError(`${source} does not match the config schema: ${(e as Error).message}`);
  }
}

export function serializeConfig(config: Config): string {
  return JSON.stringify(toJson(ConfigSchema, config), null, 2) + '\n';
}
