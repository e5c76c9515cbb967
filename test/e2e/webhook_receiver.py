# A webhook receiver for the end-to-end tests: answers POSTs on 127.0.0.1 at a free port (written to
# PORT_FILE once listening), the first FAILURES of them (and any to another path than PATH, when given)
# with 500, the others with 204, appending their bodies to OUT_FILE, one per line.
#
#   python3 webhook_receiver.py PORT_FILE OUT_FILE FAILURES [PATH]
#
# With TLS_CERT and TLS_KEY in the environment (PEM files) it answers https instead.
import http.server
import os
import ssl
import sys

port_file, out_file, failures = sys.argv[1], sys.argv[2], [int(sys.argv[3])]
path = sys.argv[4] if len(sys.argv) > 4 else None


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if (path is not None and self.path != path) or failures[0] > 0:
            failures[0] -= 1
            self.send_response(500)
            self.end_headers()
            return
        with open(out_file, "ab") as f:
            f.write(body + b"\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
if os.environ.get("TLS_CERT"):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.environ["TLS_CERT"], os.environ["TLS_KEY"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
