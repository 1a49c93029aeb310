"""Ground truth for retort's revisions: real `alembic revision --autogenerate`
for a before/after pair of model files, against a real PostgreSQL.

For each pair folder (before.py, after.py) the before model is created with
`metadata.create_all` in a fresh database, then Alembic compares that
database with the after model and writes the revision. The revision files
are written to OUT/<pair>.py.

    python autogen.py --out target/alembic tests/fixtures/pairs
"""

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sqlalchemy"))

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from check_roundtrip import create_all  # noqa: E402
from pgcluster import Cluster  # noqa: E402

REV_ID = "0123456789ab"


def message_of(pair):
    """The pair's revision message (message.txt), or its folder name."""
    message = pair / "message.txt"
    return message.read_text().strip() if message.exists() else pair.name


@contextlib.contextmanager
def scripts(url, model):
    """A throwaway Alembic script directory (our env.py, Alembic's generic
    template, an empty versions/) on `url`, targeting the model file
    `model`: yields (config, versions folder)."""
    with tempfile.TemporaryDirectory() as folder:
        versions = Path(folder) / "versions"
        versions.mkdir()
        shutil.copy(HERE / "env.py", Path(folder) / "env.py")
        shutil.copy(Path(command.__file__).parent / "templates" / "generic" / "script.py.mako",
                    Path(folder) / "script.py.mako")
        config = Config()
        config.set_main_option("script_location", folder)
        config.set_main_option("sqlalchemy.url", url)
        os.environ["RETORT_MODEL"] = str(model)
        yield config, versions


def autogenerate(cluster, pair, out):
    database = "pair_" + pair.name
    url = cluster.create_database(database)
    create_all(url, pair / "before.py")
    with scripts(url, pair / "after.py") as (config, versions):
        command.revision(config, message=message_of(pair), autogenerate=True, rev_id=REV_ID)
        [written] = list(versions.glob("*.py"))
        target = out / f"{pair.name}.py"
        shutil.copy(written, target)
        return target


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("pairs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pairs = sorted(p for p in Path(args.pairs).iterdir() if (p / "after.py").exists())
    with Cluster(HERE.parents[1] / "target" / "pg-alembic") as cluster:
        for pair in pairs:
            print(autogenerate(cluster, pair, out))


if __name__ == "__main__":
    main()
