#!/usr/bin/python3
"""A partner's housing-support subgraph in Python, with Debian's python3-graphene (2.1.9) and the
standard library only: no Continuum code, no federation library. It implements the two fields
federation needs by hand -- `_service { sdl }` (the SDL in ../housing.graphql) and
`_entities(representations:)` -- and knows nothing of callers or decisions: run it behind
`npx continuum edge`, which enforces the hub's decisions (docs/PARTNER-PROTOCOL.md).

Run: /usr/bin/python3 demos/python-subgraph/server.py [--port N] [--data FILE]
Prints one line, "listening on http://127.0.0.1:PORT/graphql", once it accepts requests. Synthetic data.
"""
import argparse
import json
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import graphene
from graphql.error import format_error

HERE = os.path.dirname(os.path.abspath(__file__))
SDL = open(os.path.join(HERE, "..", "housing.graphql"), encoding="utf-8").read()
CASE_REF = re.compile(r"^EU-\d{4}-\d{6}$")
DATA = {"cases": {}}


class CaseRef(graphene.Scalar):
    """EU-wide pseudonymous case reference, e.g. EU-2026-000123."""

    @staticmethod
    def serialize(value):
        if not isinstance(value, str) or not CASE_REF.match(value):
            raise ValueError("CaseRef must be an EU case reference EU-YYYY-NNNNNN")
        return value

    parse_value = serialize

    @staticmethod
    def parse_literal(node):
        return CaseRef.serialize(getattr(node, "value", None))


class Date(graphene.Scalar):
    """Calendar date, ISO 8601 (YYYY-MM-DD)."""

    serialize = staticmethod(lambda value: value)
    parse_value = staticmethod(lambda value: value)
    parse_literal = staticmethod(lambda node: getattr(node, "value", None))


class Any(graphene.Scalar):
    """A representation, as the gateway sends it: any JSON value."""

    class Meta:
        name = "_Any"

    serialize = staticmethod(lambda value: value)
    parse_value = staticmethod(lambda value: value)
    parse_literal = staticmethod(lambda node: getattr(node, "value", None))


class HousingNeedKind(graphene.Enum):
    RENT = "RENT"
    FURNITURE = "FURNITURE"
    ACCESSIBILITY = "ACCESSIBILITY"
    REPAIRS = "REPAIRS"


class HousingNeed(graphene.ObjectType):
    kind = graphene.Field(graphene.NonNull(HousingNeedKind))
    health_note = graphene.String(name="healthNote")

    def resolve_kind(need, info):
        return need["kind"]

    def resolve_health_note(need, info):
        return need.get("healthNote")


class HousingSupport(graphene.ObjectType):
    address = graphene.String()
    moved_in_on = graphene.Field(Date, name="movedInOn")
    needs = graphene.NonNull(graphene.List(graphene.NonNull(HousingNeed)))

    def resolve_address(housing, info):
        return housing.get("address")

    def resolve_moved_in_on(housing, info):
        return housing.get("movedInOn")

    def resolve_needs(housing, info):
        return housing.get("needs", [])


class Case(graphene.ObjectType):
    ref = graphene.Field(graphene.NonNull(CaseRef))
    housing = graphene.Field(HousingSupport)

    def resolve_ref(case, info):
        return case["ref"]

    def resolve_housing(case, info):
        return DATA["cases"].get(case["ref"])


class Entity(graphene.Union):
    class Meta:
        name = "_Entity"
        types = (Case,)

    @classmethod
    def resolve_type(cls, instance, info):
        return Case


class Service(graphene.ObjectType):
    class Meta:
        name = "_Service"

    sdl = graphene.String()


class Query(graphene.ObjectType):
    entities = graphene.Field(
        graphene.NonNull(graphene.List(Entity)),
        name="_entities",
        representations=graphene.Argument(graphene.NonNull(graphene.List(graphene.NonNull(Any)))),
    )
    service = graphene.Field(graphene.NonNull(Service), name="_service")

    def resolve_entities(root, info, representations):
        # Each representation's entity, in order; one this system does not know is null.
        return [{"ref": r["ref"]} if isinstance(r, dict) and r.get("__typename") == "Case" and isinstance(r.get("ref"), str) else None for r in representations]

    def resolve_service(root, info):
        return Service(sdl=SDL)


schema = graphene.Schema(query=Query, types=[Case], auto_camelcase=False)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        # Requests are not logged: they name cases.
        pass

    def answer(self, status, body):
        text = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        if self.path != "/graphql":
            return self.answer(404, {"errors": [{"message": "Not found."}]})
        try:
            request = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
        except ValueError:
            return self.answer(400, {"errors": [{"message": "The body is not JSON."}]})
        result = schema.execute(request.get("query", ""), variables=request.get("variables") or {}, operation_name=request.get("operationName"))
        body = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
        return self.answer(200, body)


def main():
    parser = argparse.ArgumentParser(description="Housing-support subgraph (synthetic), Python graphene.")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "4320")))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--data", default=os.path.join(HERE, "..", "housing-data.json"))
    arguments = parser.parse_args()
    with open(arguments.data, encoding="utf-8") as data:
        DATA.update(json.load(data))
    server = ThreadingHTTPServer((arguments.host, arguments.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: (server.server_close(), sys.exit(0)))
    print("listening on http://%s:%d/graphql" % server.server_address, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
