"""A throwaway PostgreSQL cluster for the integration tests.

Uses the Debian server binaries (`/usr/lib/postgresql/<major>/bin`), listens
on 127.0.0.1 only, keeps its data under `target/`, fsync off. When the tests
run as root, the server runs as the `postgres` OS user (PostgreSQL refuses to
run as root).

    with Cluster(Path("target/pg")) as pg:
        url = pg.create_database("fixture")
"""

import glob
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path


def server_bin():
    """The newest Debian PostgreSQL server's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise SystemExit("PostgreSQL server not found: apt-get install postgresql (cargo xtask setup does)")
    return Path(found[-1]).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, data_dir):
        self.bin = server_bin()
        self.data = Path(data_dir).resolve()
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _run(self, args, **kw):
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--", *args]
        return subprocess.run(args, check=True, capture_output=True, text=True, **kw)

    def tool(self, name):
        return str(self.bin / name)

    def __enter__(self):
        if self.data.exists():
            shutil.rmtree(self.data)
        self.data.mkdir(parents=True)
        if self.as_postgres:
            shutil.chown(self.data, "postgres", "postgres")
        self._run([self.tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"])
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off -c unix_socket_directories={self.data}"
        self._run([self.tool("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l",
                   str(self.data / "server.log"), "start"])
        for _ in range(100):
            if subprocess.run([self.tool("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self._run([self.tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        shutil.rmtree(self.data, ignore_errors=True)

    def url(self, database):
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, database, sql):
        return subprocess.run([self.tool("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                               "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                              check=True, capture_output=True, text=True).stdout

    def create_database(self, name):
        self.psql("postgres", f'DROP DATABASE IF EXISTS "{name}"')
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        return self.url(name)

    def dump_schema(self, database):
        """`pg_dump --schema-only` of the database, as text."""
        return subprocess.run([self.tool("pg_dump"), "--schema-only", "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", "postgres", database], check=True, capture_output=True, text=True).stdout
