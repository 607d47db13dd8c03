// The conformance check must fail where the platform breaks a standard: fed records of known
// faults (each one a fault this check was written for), it must name every one of them and
// none of the conforming records beside them.
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "nedlia-conformance-selftest-"));

const problem = {
  "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } },
};
const document = {
  openapi: "3.1.0",
  info: { title: "selftest", version: "1" },
  paths: {
    "/v1/runs/{id}": {
      get: {
        summary: "A run",
        responses: {
          200: {
            description: "The run",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Run" } } },
          },
          404: { $ref: "#/components/responses/NotFound" },
        },
      },
    },
  },
  components: {
    responses: {
      NotFound: { description: "Not found", content: problem },
      MethodNotAllowed: { description: "No such method", content: problem },
    },
    schemas: {
      Problem: {
        type: "object",
        required: ["type", "title", "status"],
        properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" } },
      },
      // The fault the run summary had: a failure branch that any object matches.
      Run: {
        type: "object",
        properties: {
          summary: {
            oneOf: [
              { type: "object", properties: { is_valid: { type: "boolean" } } },
              { type: "object", properties: { error: { type: "string" } } },
              { type: "null" },
            ],
          },
        },
      },
    },
  },
};
writeFileSync(join(dir, "openapi.json"), JSON.stringify(document));
writeFileSync(
  join(dir, "event-schemas.json"),
  JSON.stringify({
    "com.nedlia.thing.created.v1": {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.thing.created.v1",
      type: "object",
      required: ["thing_id"],
      additionalProperties: false,
      properties: { thing_id: { type: "string" } },
    },
  }),
);

const event = (extra = {}) => ({
  specversion: "1.0",
  id: "6c1b2a5e-3f4d-4e8a-9b7c-1d2e3f4a5b6c",
  source: "/things",
  type: "com.nedlia.thing.created.v1",
  datacontenttype: "application/json",
  dataschema: "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.thing.created.v1",
  data: { thing_id: "t1" },
  ...extra,
});
const secret = "whsec_" + Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
const now = Date.now();
function delivery(test, contentType, body, signWith = secret) {
  const id = "msg_" + test;
  const signature = new Webhook(signWith).sign(id, new Date(now), body);
  return {
    kind: "webhook",
    test,
    secret,
    received_at_ms: now,
    headers: {
      "content-type": contentType,
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now / 1000)),
      "webhook-signature": signature,
    },
    body,
  };
}
const response = (test, status, body, contentType = "application/json") => ({
  kind: "response",
  test,
  method: "GET",
  target: "/v1/runs/42",
  status,
  headers: { "content-type": contentType },
  body: JSON.stringify(body),
});
const stream = (test, events) => ({
  kind: "stream",
  test,
  received:
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n: nedlia event stream\n\n" +
    events.map((e) => `id: 1-1\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(""),
});

const other = "whsec_" + Buffer.from("another key of thirty-two bytes!").toString("base64");
const records = [
  response("Good.Summary", 200, { summary: null }),
  response("Good.NotFound", 404, { type: "about:blank", title: "Not found", status: 404 }, "application/problem+json"),
  delivery("Good.Delivery", "application/cloudevents+json; charset=utf-8", JSON.stringify(event())),
  stream("Good.Stream", [event()]),
  response("Fault.AmbiguousOneOf", 200, { summary: { is_valid: false, issues_count: 1 } }),
  response("Fault.UndocumentedStatus", 418, { type: "about:blank", title: "teapot", status: 418 }),
  response("Fault.UndocumentedPath", 200, {}, "application/json"),
  delivery("Fault.PlainJsonDelivery", "application/json", JSON.stringify(event())),
  delivery("Fault.WrongSignature", "application/cloudevents+json", JSON.stringify(event()), other),
  stream("Fault.EventWithoutSource", [event({ source: undefined })]),
  stream("Fault.DataAgainstItsSchema", [event({ data: { thing: 1 } })]),
];
records[6].target = "/v1/nowhere";
writeFileSync(join(dir, "exchanges-1.jsonl"), records.map((r) => JSON.stringify(r)).join("\n") + "\n");

const run = spawnSync(process.execPath, [join(here, "check-exchanges.mjs"), dir], { encoding: "utf8" });
rmSync(dir, { recursive: true, force: true });
const output = run.stdout + run.stderr;
const expected = {
  "Fault.AmbiguousOneOf": "must match exactly one schema in oneOf",
  "Fault.UndocumentedStatus": "status 418 is not documented",
  "Fault.UndocumentedPath": "the path is not documented",
  "Fault.PlainJsonDelivery": "the CloudEvents SDK finds no event",
  "Fault.WrongSignature": "Standard Webhooks does not verify it",
  "Fault.EventWithoutSource": "not a valid CloudEvent",
  "Fault.DataAgainstItsSchema": "data does not match the schema",
};
const failures = [];
if (run.status !== 1) failures.push(`exit status ${run.status}, not 1`);
for (const [test, message] of Object.entries(expected)) {
  const line = output.split("\n").find((l) => l.startsWith(`${test}:`));
  if (!line?.includes(message)) failures.push(`${test}: expected "${message}", got ${line ?? "nothing"}`);
}
for (const line of output.split("\n")) {
  if (line.startsWith("Good.")) failures.push(`a conforming record was reported: ${line}`);
}
if (failures.length) {
  console.log(output);
  console.log(failures.join("\n"));
  process.exit(1);
}
console.log(`the check named all ${Object.keys(expected).length} faults and no conforming record`);
