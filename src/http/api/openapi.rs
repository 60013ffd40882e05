//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, built from parts so that each API area
//! adds its own paths and schemas (`document` merges them).

use crate::http::AppState;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/openapi.json", get(|| async { Json(document()) }))
}

/// The whole document: the base, then each area's `(paths, schemas)`.
pub fn document() -> Value {
    let mut doc = base();
    for (paths, schemas) in [declarations(), super::analytics::openapi()] {
        merge(&mut doc["paths"], paths);
        merge(&mut doc["components"]["schemas"], schemas);
    }
    doc
}

/// Adds `part`'s keys to the object `into`.
pub fn merge(into: &mut Value, part: Value) {
    if let (Some(into), Value::Object(part)) = (into.as_object_mut(), part) {
        into.extend(part);
    }
}

fn base() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Relais API",
            "version": "1",
            "description": "Sell-out declarations for resellers' ERPs. Authenticate with `Authorization: Bearer <token>`; \
                            reseller tokens are created on /settings/api."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "bearer": [] }],
        "paths": {},
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": {
                "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } }
            }
        }
    })
}

fn report_responses() -> Value {
    let report = json!({ "application/json": { "schema": { "$ref": "#/components/schemas/DeclarationReport" } } });
    let error =
        json!({ "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } });
    let report_or_error = json!({ "application/json": { "schema": { "oneOf": [
        { "$ref": "#/components/schemas/DeclarationReport" }, { "$ref": "#/components/schemas/Error" }
    ] } } });
    let replayed = json!({ "Idempotent-Replayed": {
        "description": "`true` when this is the response first given for the request's Idempotency-Key.",
        "schema": { "type": "string", "enum": ["true"] }
    } });
    json!({
        "201": { "description": "Committed: accepted lines stored (rows with errors are listed and not stored).", "content": report, "headers": replayed },
        "409": { "description": "The same content was already committed for this reseller (`duplicate_of`).", "content": report, "headers": replayed },
        "422": { "description": "Refused (unreadable file, missing column; a report), or Idempotency-Key reused with another request (an error).", "content": report_or_error, "headers": replayed },
        "400": { "description": "Malformed request.", "content": error },
        "401": { "description": "Missing, unknown or revoked token.", "content": error }
    })
}

fn idempotency_header() -> Value {
    json!({
        "name": "Idempotency-Key", "in": "header", "required": false,
        "description": "Retrying with the same key and body returns the first response and adds nothing, \
                        also while the first request is still running (the retry waits for it); \
                        the same key with a different body is refused with 422.",
        "schema": { "type": "string", "maxLength": 255 }
    })
}

fn declarations() -> (Value, Value) {
    let paths = json!({
        "/api/v1/declarations": { "post": {
            "summary": "Declare sell-out lines",
            "operationId": "postDeclarationLines",
            "parameters": [idempotency_header()],
            "requestBody": { "required": true, "content": { "application/json": {
                "schema": { "$ref": "#/components/schemas/DeclarationLines" } } } },
            "responses": report_responses()
        }},
        "/api/v1/declarations/files": { "post": {
            "summary": "Declare sell-out with a spreadsheet (xlsx, xlsm, xlsb, xls, ods, csv)",
            "operationId": "postDeclarationFile",
            "parameters": [idempotency_header()],
            "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": {
                "type": "object", "required": ["file"],
                "properties": {
                    "file": { "type": "string", "contentMediaType": "application/octet-stream" },
                    "period": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" },
                    "overlap": { "type": "string", "enum": ["add", "replace"] }
                }
            } } } },
            "responses": report_responses()
        }}
    });
    let schemas = json!({
        "DeclarationLine": {
            "type": "object", "required": ["product", "quantity"],
            "properties": {
                "product": { "type": "string", "description": "SKU, EAN, or the reseller's own code" },
                "quantity": { "type": ["integer", "string"], "minimum": 1 },
                "sale_date": { "type": "string", "format": "date", "description": "Required unless `period` is given" },
                "unit_price": { "type": ["number", "string"], "description": "Default: list price" },
                "amount": { "type": ["number", "string"], "description": "Line amount; alternative to unit_price" },
                "customer_type": { "type": "string", "examples": ["individual", "landscaper", "local_authority", "business"] },
                "customer_postal_code": { "type": "string" },
                "customer_id": { "type": "string", "description": "Stored only as a keyed hash" },
                "channel": { "type": "string", "enum": ["store", "online"] },
                "feedback": { "type": "string" },
                "rating": { "type": "integer", "minimum": 1, "maximum": 5 }
            }
        },
        "DeclarationLines": {
            "type": "object", "required": ["lines"],
            "properties": {
                "lines": { "type": "array", "minItems": 1, "items": { "$ref": "#/components/schemas/DeclarationLine" } },
                "period": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$" },
                "overlap": { "type": "string", "enum": ["add", "replace"], "default": "add" }
            }
        },
        "RowError": {
            "type": "object",
            "properties": {
                "sheet": { "type": "string" }, "row": { "type": "integer" }, "column": { "type": ["string", "null"] },
                "code": { "type": "string" }, "message": { "type": "string" }
            }
        },
        "DeclarationReport": {
            "type": "object",
            "required": ["status", "import_id", "accepted", "rejected", "quantity_total", "amount_total",
                         "date_from", "date_to", "mapping", "errors", "duplicate_of"],
            "properties": {
                "status": { "type": "string", "enum": ["committed", "dry_run", "duplicate", "refused"] },
                "import_id": { "type": ["integer", "null"] },
                "accepted": { "type": "integer" },
                "rejected": { "type": "integer" },
                "quantity_total": { "type": "integer" },
                "amount_total": { "type": "number", "description": "Tenant currency, at most 2 decimals" },
                "currency": { "type": "string" },
                "date_from": { "type": ["string", "null"], "format": "date" },
                "date_to": { "type": ["string", "null"], "format": "date" },
                "mapping": { "type": "object", "additionalProperties": { "type": "string" } },
                "errors": { "type": "array", "items": { "$ref": "#/components/schemas/RowError" } },
                "duplicate_of": { "type": ["integer", "null"] },
                "message": { "type": ["string", "null"] },
                "pending_review": { "type": "integer" }
            }
        }
    });
    (paths, schemas)
}
