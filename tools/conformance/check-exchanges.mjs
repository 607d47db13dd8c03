// The run's conformance check: what the tests exchanged with the platform (recorded by
// tests/support/exchange_log.cpp), checked with each standard's own reference library rather
// than with our code:
//   - the served OpenAPI document: valid OpenAPI 3.1 (@apidevtools/swagger-parser);
//   - every API answer: its path, method and status documented, and its body valid against
//     the documented schema of its media type (Ajv, JSON Schema 2020-12);
//   - every event of a feed page (GET /v1/events) and of an event stream
//     (GET /v1/events/stream), and every webhook delivery: a CloudEvent the CloudEvents SDK
//     reads (HTTP.toEvent, structured mode), with data valid against its dataschema;
//   - every webhook delivery: verified by the Standard Webhooks library with the receiver's
//     secret, at the time it arrived.
// Usage: node check-exchanges.mjs DIR   (exit 0: all conform; 1: a finding; each printed with
// the test that caused it)
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { HTTP } from "cloudevents";
import { Webhook } from "standardwebhooks";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: check-exchanges.mjs DIR");
  process.exit(2);
}
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".jsonl")) : [];
const documentFile = join(dir, "openapi.json");
const findings = [];
const counts = { response: 0, webhook: 0, feedEvent: 0, streamEvent: 0 };

function finding(record, what) {
  findings.push(`${record.test}: ${what}`);
}

// --- the document ---------------------------------------------------------------------------

const document = existsSync(documentFile) ? JSON.parse(readFileSync(documentFile, "utf8")) : null;
if (document) {
  try {
    await SwaggerParser.validate(structuredClone(document));
  } catch (error) {
    findings.push(`the served OpenAPI document: ${error.message}`);
  }
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
for (const format of ["int32", "int64", "float", "double", "byte", "binary", "password"])
  ajv.addFormat(format, true);
if (document) ajv.addSchema(document, "openapi.json");

const pointerToken = (text) => text.replaceAll("~", "~0").replaceAll("/", "~1");

// A documented path template as a regular expression, and how specific it is (literal
// segments first: /v1/events/stream before /v1/events/{id}).
const templates = document
  ? Object.keys(document.paths).map((template) => {
      const pattern = template
        .split("/")
        .map((segment) =>
          /^\{[^}]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("/");
      const literals = template.split("/").filter((s) => s && !s.startsWith("{")).length;
      return { template, regex: new RegExp(`^${pattern}$`), literals };
    })
  : [];
templates.sort((a, b) => b.literals - a.literals);

const validators = new Map();
function validatorFor(pointer) {
  if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `openapi.json#${pointer}` }));
  return validators.get(pointer);
}

function resolve(node) {
  while (node && node.$ref) {
    node = node.$ref
      .slice(2)
      .split("/")
      .map((t) => t.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce((n, t) => n?.[t], document);
  }
  return node;
}

function errorsText(validate) {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`)
    .join("; ");
}

function mediaTypeOf(headers) {
  return (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

// Where the schema of `type` of the response under `key` is in the document.
function schemaPointer(responses, responsesPointer, key, type) {
  const base = responses[key].$ref ? responses[key].$ref.slice(1) : `${responsesPointer}/${pointerToken(key)}`;
  return `${base}/content/${pointerToken(type)}/schema`;
}

function checkResponse(record) {
  const path = record.target.split("?")[0];
  const method = record.method.toLowerCase();
  const where = `${record.method} ${record.target} → ${record.status}`;
  const match = templates.find((t) => t.regex.test(path));
  let responses;
  let responsesPointer = null;
  if (!match) {
    // Outside the documented paths only the router's 404 is expected.
    if (record.status !== 404) return finding(record, `${where}: the path is not documented`);
    responses = { 404: { $ref: "#/components/responses/NotFound" } };
  } else if (!document.paths[match.template][method]) {
    if (record.status !== 405)
      return finding(record, `${where}: ${record.method} ${match.template} is not documented`);
    responses = { 405: { $ref: "#/components/responses/MethodNotAllowed" } };
  } else {
    responses = document.paths[match.template][method].responses;
    responsesPointer = `/paths/${pointerToken(match.template)}/${method}/responses`;
  }
  const status = String(record.status);
  const key = [status, `${status[0]}XX`, "default"].find((k) => responses[k]);
  if (!key) return finding(record, `${where}: status ${status} is not documented`);
  const response = resolve(responses[key]);
  if (!response) return finding(record, `${where}: the response ${key} does not resolve`);
  if (record.body === "" || record.method === "HEAD" || record.status === 304) return;
  const content = response.content ?? {};
  const media = mediaTypeOf(record.headers);
  const type = Object.keys(content).find((t) => t.toLowerCase() === media);
  if (!type) {
    return finding(
      record,
      `${where}: Content-Type ${media || "(none)"} is not documented (${Object.keys(content).join(", ") || "no body"})`,
    );
  }
  if (!content[type].schema) return;
  let body = record.body;
  if (type.includes("json")) {
    try {
      body = JSON.parse(record.body);
    } catch {
      return finding(record, `${where}: the ${type} body is not JSON`);
    }
  }
  const validate = validatorFor(schemaPointer(responses, responsesPointer, key, type));
  if (!validate(body)) finding(record, `${where}: the body does not match the document: ${errorsText(validate)}`);
  if (match?.template === "/v1/events" && record.status === 200) {
    for (const event of body.data ?? []) {
      counts.feedEvent++;
      checkCloudEvent(record, `${where}: feed event ${event.id}`, {
        headers: { "content-type": "application/cloudevents+json" },
        body: JSON.stringify(event),
      });
    }
  }
}

// --- events ---------------------------------------------------------------------------------

// The events' schemas by versioned type, as GET /v1/schemas/events/{type} serves them
// (recorded by the tests beside the OpenAPI document): each event's data is checked with its.
const eventSchemas = new Map();
const eventSchemasFile = join(dir, "event-schemas.json");
if (existsSync(eventSchemasFile)) {
  for (const [type, { $id, ...schema }] of Object.entries(JSON.parse(readFileSync(eventSchemasFile, "utf8"))))
    eventSchemas.set(type, ajv.compile(schema));
}

function checkCloudEvent(record, where, message) {
  let event;
  try {
    event = HTTP.toEvent(message);
  } catch (error) {
    return finding(record, `${where}: the CloudEvents SDK finds no event: ${error.message ?? error}`);
  }
  if (Array.isArray(event)) return finding(record, `${where}: a batch, not one event`);
  try {
    event.validate();
  } catch (error) {
    return finding(record, `${where}: not a valid CloudEvent: ${JSON.stringify(error.errors ?? error.message)}`);
  }
  if (!event.dataschema?.endsWith(`/v1/schemas/events/${event.type}`))
    finding(record, `${where}: dataschema ${event.dataschema} is not where the API serves ${event.type}'s schema`);
  const schema = eventSchemas.get(event.type);
  if (eventSchemas.size && !schema) finding(record, `${where}: no schema is published for ${event.type}`);
  if (schema && !schema(event.data)) {
    finding(record, `${where}: data does not match the schema of ${event.type}: ${errorsText(schema)}`);
  }
  return event;
}

function checkWebhook(record) {
  counts.webhook++;
  const where = `webhook delivery ${record.headers["webhook-id"]}`;
  checkCloudEvent(record, where, { headers: record.headers, body: record.body });
  const realNow = Date.now;
  try {
    Date.now = () => record.received_at_ms; // verified as of its arrival
    new Webhook(record.secret).verify(record.body, record.headers);
  } catch (error) {
    finding(record, `${where}: Standard Webhooks does not verify it: ${error.message}`);
  } finally {
    Date.now = realNow;
  }
}

// The body of a chunked HTTP/1.1 answer, as far as it was read.
function dechunk(body) {
  let out = "";
  let rest = body;
  for (;;) {
    const end = rest.indexOf("\r\n");
    if (end < 0) return out;
    const size = parseInt(rest.slice(0, end), 16);
    if (!(size > 0)) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

function checkStream(record) {
  const split = record.received.indexOf("\r\n\r\n");
  if (split < 0) return;
  const head = record.received.slice(0, split).toLowerCase();
  if (!head.startsWith("http/1.1 200")) return; // refusals are checked as responses elsewhere
  let body = record.received.slice(split + 4);
  if (/\r\ntransfer-encoding: *chunked/.test(head)) body = dechunk(body);
  // Only whole events: the client may have stopped reading in the middle of one.
  const complete = body.slice(0, body.lastIndexOf("\n\n") + 2);
  for (const block of complete.split("\n\n")) {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""));
    if (data.length === 0) continue; // comments and keep-alives
    counts.streamEvent++;
    checkCloudEvent(record, "stream event", {
      headers: { "content-type": "application/cloudevents+json" },
      body: data.join("\n"),
    });
  }
}

// --- the run --------------------------------------------------------------------------------

const records = [];
for (const file of files) {
  for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
    if (line) records.push(JSON.parse(line));
  }
}
if (records.some((r) => r.kind === "response") && !document) {
  findings.push("API answers were recorded but not the OpenAPI document");
}
for (const record of records) {
  if (record.kind === "response") {
    if (!document) continue;
    counts.response++;
    checkResponse(record);
  } else if (record.kind === "webhook") {
    checkWebhook(record);
  } else if (record.kind === "stream") {
    checkStream(record);
  }
}

console.log(
  `checked ${counts.response} API answers, ${counts.feedEvent} feed events, ` +
    `${counts.streamEvent} stream events and ${counts.webhook} webhook deliveries ` +
    `from ${files.length} test processes`,
);
const unique = [...new Set(findings)];
for (const line of unique.slice(0, 200)) console.log(line);
if (unique.length > 200) console.log(`... and ${unique.length - 200} more`);
process.exit(unique.length ? 1 : 0);
