"""retort installs where Python teams are: the pip wheel, the pre-commit
hooks and the GitHub Action, each used as its users would.

1. `maturin build --release` makes the wheel (maturin's `bin` bindings);
   its tag must be manylinux, its version the Cargo workspace's.
2. A fresh venv installs it; `retort --version` and `retort lint`, `retort
   check` run from there. With the unrelated `retort` package of 2017
   installed first, the wheel's command wins; uninstalling the old package
   takes the command away (its RECORD lists `bin/retort` too), and
   reinstalling the wheel brings it back: what README.md says.
3. `pre-commit try-repo` of this repository runs `retort-lint` and
   `retort-check` in a throwaway git repository holding a fixture project:
   pre-commit builds the hook's environment from this repository with pip.
4. action.yml's steps run as GitHub runs a composite action (bash, inputs
   substituted, GITHUB_OUTPUT), with `package` the wheel: the SARIF file
   is written, lint's exit code is an output, `retort check` fails on drift.

    python check_install.py   (from target/venv-packaging, made by `cargo xtask test`)
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "target"
PROJECTS = ROOT / "tests" / "fixtures" / "projects"
# The unrelated package that owns the name `retort` on PyPI.
OLD_RETORT = "retort==0.1.0"

problems = []

# The wheel and each pre-commit environment build the release binary: this
# check is about how retort installs, not how fast the binary runs, so the
# builds skip the whole-program optimisation (LTO, one codegen unit) that
# took most of its 485 s in CI. Users' builds keep the profile as written.
QUICK_BUILD = {
    "CARGO_PROFILE_RELEASE_LTO": "off",
    "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "16",
}


def run(args, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(args, **kw)


def expect(condition, message):
    print(("ok   " if condition else "FAIL ") + message)
    if not condition:
        problems.append(message)


def workspace_version():
    text = (ROOT / "Cargo.toml").read_text()
    return re.search(r'\[workspace\.package\][^\[]*?version = "([^"]+)"', text, re.S).group(1)


def build_wheel():
    out = TARGET / "wheels"
    shutil.rmtree(out, ignore_errors=True)
    built = run([str(Path(sys.executable).parent / "maturin"), "build", "--release", "--out", str(out)], cwd=ROOT,
                env={**os.environ, **QUICK_BUILD})
    if built.returncode != 0:
        sys.exit(f"maturin build failed:\n{built.stderr[-3000:]}")
    wheels = sorted(out.glob("retort_alembic-*.whl"))
    expect(len(wheels) == 1, f"maturin wrote one wheel ({[w.name for w in wheels]})")
    wheel = wheels[0]
    expect("manylinux" in wheel.name, f"the wheel is tagged manylinux: {wheel.name}")
    expect(f"-{workspace_version()}-" in wheel.name, f"the wheel's version is the workspace's ({workspace_version()})")
    return wheel


def fresh_venv(name):
    venv = TARGET / name
    shutil.rmtree(venv, ignore_errors=True)
    made = run([sys.executable, "-m", "venv", str(venv)])
    if made.returncode != 0:
        sys.exit(f"cannot make {venv}: {made.stderr}")
    return venv / "bin"


def check_wheel(wheel):
    bin_ = fresh_venv("venv-wheel")
    pip = [str(bin_ / "python"), "-m", "pip", "install", "--quiet"]
    installed = run([*pip, "--no-deps", OLD_RETORT])
    expect(installed.returncode == 0, f"the unrelated {OLD_RETORT} installs first")
    installed = run([*pip, str(wheel)])
    expect(installed.returncode == 0, f"pip installs {wheel.name} into a fresh venv: {installed.stderr[-500:]}")
    retort = str(bin_ / "retort")
    version = run([retort, "--version"])
    expect(version.stdout.strip() == f"retort {workspace_version()}",
           f"`retort --version` from the venv prints the workspace version: {version.stdout.strip()!r}")
    lint = run([retort, "lint", "--no-config", str(PROJECTS / "plain" / "migrations" / "versions")])
    expect(lint.returncode == 1 and "missing-lock-timeout" in lint.stdout,
           f"`retort lint` runs from the venv and finds the missing lock_timeout (exit {lint.returncode})")
    check = run([retort, "check"], cwd=PROJECTS / "plain")
    expect(check.returncode == 0 and "No new upgrade operations detected." in check.stdout,
           f"`retort check` runs from the venv in a project: {check.stdout.strip()} {check.stderr.strip()[-200:]}")
    # The old package's uninstall removes bin/retort, which its RECORD lists.
    run([str(bin_ / "python"), "-m", "pip", "uninstall", "--quiet", "-y", "retort"])
    expect(not Path(retort).exists(), "uninstalling the old `retort` takes the command away (as README says)")
    run([*pip, "--force-reinstall", "--no-deps", str(wheel)])
    expect(run([retort, "--version"]).stdout.startswith("retort "), "reinstalling the wheel brings it back")


def git_repo_with(project):
    repo = Path(tempfile.mkdtemp(prefix="retort-precommit-"))
    shutil.copytree(PROJECTS / project, repo, dirs_exist_ok=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "fixture"]):
        run(["git", *args], cwd=repo, env=env, check=True)
    return repo, env


def check_pre_commit():
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    env_extra = {
        # pre-commit's cache (the hook's venv) kept under target/.
        "PRE_COMMIT_HOME": str(TARGET / "pre-commit-home"),
        # pip builds the hook's wheel with maturin from a copy of the
        # sources; the crates.io dependencies built for the wheel above,
        # in the same target folder, are reused.
        "CARGO_TARGET_DIR": str(TARGET),
        **QUICK_BUILD,
    }
    for project, hook, wanted_exit, wanted_text in (
        ("drift", "retort-check", 1, "New upgrade operations detected"),
        ("plain", "retort-check", 0, "Passed"),
        ("plain", "retort-lint", 1, "missing-lock-timeout"),
    ):
        repo, env = git_repo_with(project)
        done = run([pre_commit, "try-repo", str(ROOT), hook, "--all-files", "--verbose"], cwd=repo,
                   env={**env, **env_extra})
        output = done.stdout + done.stderr
        exit_ok = done.returncode == wanted_exit if wanted_exit is not None else done.returncode in (0, 1)
        expect(exit_ok and wanted_text in output,
               f"pre-commit try-repo {hook} on the {project} project: exit {done.returncode}, says {wanted_text!r}"
               + ("" if exit_ok and wanted_text in output else f"\n{output[-1500:]}"))
        shutil.rmtree(repo, ignore_errors=True)


def run_action(wheel, project):
    """action.yml's steps, as a composite action runs them."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs["package"] = str(wheel)
    work = Path(tempfile.mkdtemp(prefix="retort-action-"))
    shutil.copytree(PROJECTS / project, work, dirs_exist_ok=True)
    bin_ = fresh_venv("venv-action")
    output = work / "github_output"
    output.write_text("")
    env = {**os.environ, "PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}", "GITHUB_OUTPUT": str(output)}
    results = []
    for step in action["runs"]["steps"]:
        condition = step.get("if")
        if condition and not (condition == "inputs.check == 'true'" and inputs["check"] == "true"):
            continue
        script = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], step["run"])
        cwd = work / re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)],
                            step.get("working-directory", "."))
        done = run(["bash", "-e", "-c", script], cwd=cwd, env=env)
        results.append((step["name"], done.returncode, done.stdout + done.stderr))
        if done.returncode != 0:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    sarif = work / inputs["sarif"]
    shutil.rmtree(work, ignore_errors=True) if project == "plain" else None
    return results, outputs, sarif


def check_action(wheel):
    results, outputs, sarif = run_action(wheel, "drift")
    names = [r[0] for r in results]
    expect(names == ["Install retort", "retort lint (SARIF)", "retort check"], f"the action's steps ran: {names}")
    try:
        report = json.loads(sarif.read_text())
        expect(report.get("version") == "2.1.0" and report.get("runs"), "the action wrote a SARIF 2.1.0 report")
    except (OSError, ValueError) as error:
        expect(False, f"the action wrote a SARIF report: {error}")
    expect(outputs.get("code") in ("0", "1"), f"lint's exit code is an output: {outputs}")
    expect(results[-1][1] == 1 and "New upgrade operations detected" in results[-1][2],
           f"the action's `retort check` fails on the drift project: {results[-1][2][-300:]}")
    results, _, _ = run_action(wheel, "plain")
    expect(all(code == 0 for _, code, _ in results), "the action passes on a project without drift")


def main():
    wheel = build_wheel()
    check_wheel(wheel)
    check_action(wheel)
    check_pre_commit()
    print(f"\n{'all' if not problems else len(problems)} packaging checks {'passed' if not problems else 'failed'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
