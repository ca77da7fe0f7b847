"""tools/dp-switch (a hub of any ports) driven from the system tests: start
it, read its counters while it runs (SIGUSR1) and when it stops."""
import re
import signal
import subprocess

from conftest import binary


class DpSwitch:
    """A running dp-switch; stop() returns its final counters."""

    def __init__(self, *ports):
        self.n_ports = len(ports)
        self.proc = subprocess.Popen([binary("tools/dp-switch"), *ports],
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            out, err = self.proc.communicate(timeout=10)
            raise AssertionError(f"dp-switch did not start: {line}{out}{err}")

    def dump(self):
        """Counters while running (SIGUSR1), as {name: {counter: n}}."""
        self.proc.send_signal(signal.SIGUSR1)
        lines = []
        while sum(1 for x in lines if x.lstrip().startswith("link:")) \
                < self.n_ports:
            line = self.proc.stdout.readline()
            assert line, "dp-switch exited"
            lines.append(line)
        return parse_ports("".join(lines))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=20)
        assert self.proc.returncode == 0, f"dp-switch failed: {err}"
        self.final = parse_ports(out)
        return self.final

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=10)


PORT_RE = re.compile(
    r"port (\d+): (\S+) \((\w+)\)\n"
    r"\s+RX packets:(\d+) errors:(\d+) dropped:(\d+)\n"
    r"\s+TX packets:(\d+) errors:(\d+) dropped:(\d+)\n"
    r"\s+RX bytes:(\d+)  TX bytes:(\d+)\n"
    r"\s+link:(\w+) mtu:(-?\d+) mac:(\S+)")


def parse_ports(text):
    ports = {}
    for m in PORT_RE.finditer(text):
        g = m.groups()
        ports[g[1]] = {
            "port_no": int(g[0]), "type": g[2],
            "rx_packets": int(g[3]), "rx_errors": int(g[4]),
            "rx_dropped": int(g[5]), "tx_packets": int(g[6]),
            "tx_errors": int(g[7]), "tx_dropped": int(g[8]),
            "rx_bytes": int(g[9]), "tx_bytes": int(g[10]),
            "link": g[11], "mtu": int(g[12]), "mac": g[13],
        }
    return ports
