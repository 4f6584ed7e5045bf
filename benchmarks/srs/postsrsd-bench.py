#!/usr/bin/env python3
"""postsrsd (Debian's 1.10) over its Postfix tcp_table sockets, one connection per direction, one request at a time:
forward/reverse per second with the same inputs as org.jamesexim.bench.srs.SrsBenchmark (secret tops3cr3t,
hashlength 4; postsrsd's maxage is fixed at 21). Each call includes the loopback round trip, as it does for Postfix.
Prints "postsrsd.<op> <ops/s>" per round, and "loopback.floor <ops/s>": the same client against a server in this
script's second process that answers "200 x" at once (what the client and the round trip cost without postsrsd). Usage: postsrsd-bench.py [rounds] [calls]"""
import os, socket, subprocess, sys, tempfile, time, urllib.parse

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
alias = "fwd.example.net"
sender = "alice.smith@example.com"
foreign = "SRS0=sicX=NP=orig.example=joe@first-fwd.example"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


secret = tempfile.NamedTemporaryFile("w", delete=False, suffix=".secret")
secret.write("tops3cr3t\n")
secret.close()
fport, rport = free_port(), free_port()
proc = subprocess.Popen(["/usr/sbin/postsrsd", "-s" + secret.name, "-d" + alias, "-a=", "-n4", "-N4", "-l127.0.0.1", "-4",
                         "-f%d" % fport, "-r%d" % rport, "-t60"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def connect(port):
    deadline = time.time() + 15
    while True:
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return c, c.makefile("rb")
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                raise
            time.sleep(0.05)


FLOOR = """
import socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", int(sys.argv[1]))); srv.listen(1)
c, _ = srv.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); f = c.makefile("rb")
while f.readline():
    c.sendall(b"200 x\\n")
"""
floor_port = free_port()
floor_proc = subprocess.Popen([sys.executable, "-c", FLOOR, str(floor_port)])


try:
    floor = connect(floor_port)
    fw = connect(fport)
    rv = connect(rport)

    def ask(conn, key):
        c, f = conn
        c.sendall(b"get " + urllib.parse.quote(key, safe="@=+/").encode() + b"\n")
        line = f.readline().decode().rstrip("\n")
        code, _, value = line.partition(" ")
        if code != "200":
            raise SystemExit("postsrsd answered %s for %s" % (line, key))
        return urllib.parse.unquote(value)

    srs0 = ask(fw, sender)
    srs1 = ask(fw, foreign)
    assert ask(rv, srs0) == sender, "postsrsd does not reverse its own forward"
    ops = {
        "srs0Forward": lambda: ask(fw, sender),
        "srs0Reverse": lambda: ask(rv, srs0),
        "srs1Forward": lambda: ask(fw, foreign),
        "srs1Reverse": lambda: ask(rv, srs1),
        "~floor": lambda: ask(floor, sender),
    }
    for _ in range(rounds):
        for name in sorted(ops):
            op = ops[name]
            t0 = time.perf_counter()
            for _ in range(n):
                op()
            label = "loopback.floor" if name == "~floor" else "postsrsd." + name
            print("%s %.0f" % (label, n / (time.perf_counter() - t0)), flush=True)
finally:
    for p in (proc, floor_proc):
        p.terminate()
        p.wait()
    os.unlink(secret.name)
