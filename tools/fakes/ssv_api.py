#!/usr/bin/env python3
"""A small local stand-in for SSV Network's public API (api/v4), for the demo.

Serves, for any network name:
  GET /api/v4/{network}/operators?page=P&perPage=N   paginated operators
  GET /api/v4/{network}/operators/{id}               one operator
  GET /api/v4/{network}/accounts/{address}           {"data": {"nonce": 0, ...}}
  GET /api/v4/{network}/clusters/owner/{address}     no clusters
from a JSON file holding a list of operator objects in the API's own shape.

Binds 127.0.0.1 on a free port and prints the base URL (without the network) on its first
stdout line. Usage: ssv_api.py OPERATORS.json
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        operators = sorted(json.load(f), key=lambda o: o["id"])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep the demo output readable
            pass

        def send_json(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            parts = [p for p in url.path.split("/") if p]
            if len(parts) < 4 or parts[:2] != ["api", "v4"]:
                return self.send_json(404, {"error": "not found", "path": url.path})
            rest = parts[3:]
            if rest == ["operators"]:
                q = parse_qs(url.query)
                page = max(int(q.get("page", ["1"])[0]), 1)
                per_page = max(int(q.get("perPage", ["10"])[0]), 1)
                pages = max((len(operators) + per_page - 1) // per_page, 1)
                chunk = operators[(page - 1) * per_page : page * per_page]
                return self.send_json(200, {
                    "operators": chunk,
                    "pagination": {"total": len(operators), "pages": pages,
                                   "per_page": per_page, "page": page},
                })
            if len(rest) == 2 and rest[0] == "operators":
                for o in operators:
                    if str(o["id"]) == rest[1]:
                        return self.send_json(200, o)
                return self.send_json(404, {"error": f"operator {rest[1]} not found"})
            if len(rest) == 3 and rest[:2] == ["clusters", "owner"]:
                # The demo's owner has no clusters yet.
                return self.send_json(200, {"clusters": [], "pagination": {
                    "total": 0, "pages": 1, "per_page": 100, "page": 1}})
            if len(rest) == 2 and rest[0] == "accounts":
                return self.send_json(200, {"data": {"id": 1, "ownerAddress": rest[1], "nonce": 0}})
            return self.send_json(404, {"error": "not found", "path": url.path})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"http://127.0.0.1:{server.server_address[1]}/api/v4", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
