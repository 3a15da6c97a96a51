"""A throw-away Virtuoso Open Source 7 on loopback ports in a temporary folder, for the tests."""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

from conftest import free_port

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


class Virtuoso:
    def __init__(self, folder: Path):
        if shutil.which("virtuoso-t") is None:
            raise RuntimeError("virtuoso-t is not installed: `make test` installs Debian's virtuoso-opensource")
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        ini = SYSTEM_INI.read_text(encoding="utf-8")
        ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
        ini = re.sub(r"(?m)^ServerPort\s*=\s*1111", f"ServerPort = 127.0.0.1:{self.sql_port}", ini)
        ini = re.sub(r"(?m)^ServerPort\s*=\s*8890", f"ServerPort = 127.0.0.1:{self.http_port}", ini)
        ini = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {folder}, /usr/share/virtuoso-opensource-7/vad", ini)
        # Debian's default refuses any query whose *estimated* cost exceeds 400 s; on a fresh database
        # the estimate rests on no statistics and, on a slower machine, refused the catalogue's queries
        # over a few thousand triples ("estimated execution time 596 (sec) exceeds the limit"). 0 turns
        # the estimate off; the real time limit stays.
        ini = re.sub(r"(?m)^MaxQueryCostEstimationTime\s*=.*$", "MaxQueryCostEstimationTime = 0", ini)
        (folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
        self.proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(self.url + "/sparql?query=ASK%7B%7D", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] if (folder / "virtuoso.log").exists() else ""
                    raise RuntimeError("Virtuoso did not start:\n" + log)
                time.sleep(0.5)
        # let the anonymous SPARQL user read and write through the Graph Store Protocol endpoint
        self.sql("GRANT SPARQL_UPDATE TO \"SPARQL\"; GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO \"SPARQL\";"
                 " DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")

    def sql(self, statements: str) -> str:
        out = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
                             capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(out.stdout + out.stderr)
        return out.stdout

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
