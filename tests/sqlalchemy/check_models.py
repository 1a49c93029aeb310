"""Every fixture model, read by real SQLAlchemy and by `retort schema`, must
give the same schema.

    python check_models.py --retort target/debug/retort tests/fixtures/models

A fixture is a model file or a package folder (models over several modules).

Exit status 0 when all fixtures agree, 1 otherwise (with a diff per fixture).
"""

import argparse
import difflib
import json
import subprocess
import sys
from pathlib import Path

from dump_schema import dump


def canonical(schema):
    """Orders what has no meaningful order (tables, constraints, indexes)."""
    def key(item):
        return json.dumps(item, sort_keys=True)

    for t in schema["tables"]:
        for field in ("foreign_keys", "unique_constraints", "check_constraints", "exclude_constraints", "indexes"):
            t[field] = sorted(t[field], key=key)
    schema["tables"] = sorted(schema["tables"], key=lambda t: (t["schema"] or "", t["name"]))
    schema["enums"] = sorted(schema["enums"], key=key)
    schema["sequences"] = sorted(schema["sequences"], key=key)
    return json.dumps(schema, indent=2, sort_keys=True).splitlines()


def report(name, problems, failed):
    """Prints one fixture's outcome; a failed one is added to `failed`."""
    if problems:
        failed.append(name)
        print(f"FAIL {name}\n" + "\n".join(problems))
    else:
        print(f"ok   {name}")


def finish(total, failed, what):
    print(f"\n{total - len(failed)}/{total} fixtures: {what}")
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--retort", required=True)
    parser.add_argument("fixtures")
    args = parser.parse_args()
    # Model files, and package folders (read whole, imports followed).
    fixtures = sorted(p for p in Path(args.fixtures).iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file())
    if not fixtures:
        sys.exit(f"no fixtures in {args.fixtures}")
    failed = []
    for fixture in fixtures:
        truth = canonical(dump(str(fixture)))
        run = subprocess.run(
            [args.retort, "schema", str(fixture), "--format", "json"], capture_output=True, text=True
        )
        if run.returncode != 0:
            failed.append(fixture.name)
            print(f"FAIL {fixture.name}: retort exited {run.returncode}\n{run.stderr}")
            continue
        ours = canonical(json.loads(run.stdout))
        problems = []
        if ours != truth:
            problems.append("\n".join(difflib.unified_diff(truth, ours, "sqlalchemy", "retort", lineterm="")))
        if run.stderr.strip():
            problems.append(f"unexpected diagnostics:\n{run.stderr}")
        report(fixture.name, problems, failed)
    finish(len(fixtures), failed, "retort reads the same schema as SQLAlchemy")


if __name__ == "__main__":
    main()
