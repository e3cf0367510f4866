#!/usr/bin/env python3
"""Runs the composite action of action.yml the way the GitHub Actions runner does, offline:
each step's `if:` (the subset of expressions the action uses), its `env:` and `run:` with
`${{ inputs.* }}`, `${{ steps.*.outputs.* }}` and `${{ github.action_path }}` substituted,
under bash with GITHUB_ACTION_PATH, GITHUB_PATH, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY set as
the runner sets them (files the steps append to; GITHUB_PATH entries are prepended to PATH for
later steps). A `uses:` step cannot run offline: it is recorded with its inputs instead.

Usage: run_action.py ACTION_DIR WORKDIR [input=value ...]
Prints a JSON document: {"steps": [{"name", "ran", "status", "uses", "with"}], "outputs": {...},
"status": the job's status (the first failing step's exit status, else 0)}."""
import json
import os
import re
import subprocess
import sys

import yaml


def main():
    action_dir, workdir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    given = dict(a.split("=", 1) for a in sys.argv[3:])
    with open(os.path.join(action_dir, "action.yml")) as f:
        action = yaml.safe_load(f)
    assert action["runs"]["using"] == "composite", "not a composite action"
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for k in given:
        assert k in inputs, f"unknown input {k}"
    inputs.update(given)
    for k, v in action.get("inputs", {}).items():
        assert not (v.get("required") and not inputs[k]), f"input {k} is required"
    files = {n: os.path.join(workdir, ".runner-" + n) for n in ("path", "output", "summary")}
    for p in files.values():
        open(p, "w").close()
    steps_out = {}
    report = {"steps": [], "outputs": {}, "status": 0}
    failed = False

    def value(expr):
        expr = expr.strip()
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        if expr == "github.action_path":
            return action_dir
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return steps_out.get(m.group(1), {}).get(m.group(2), "")
        m = re.fullmatch(r"hashFiles\((.*)\)", expr)
        if m:
            path = value(m.group(1))
            return "x" if os.path.exists(os.path.join(workdir, path)) else ""
        if expr.startswith("'") and expr.endswith("'"):
            return expr[1:-1]
        raise ValueError(f"expression not supported by this runner: {expr}")

    def condition(text):
        # always(), success(), ==, !=, && as the action uses them.
        text = text.strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2].strip()
        result = True
        for part in text.split("&&"):
            part = part.strip()
            if part == "always()":
                continue
            if part == "success()":
                result = result and not failed
                continue
            m = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", part)
            if not m:
                raise ValueError(f"condition not supported: {part}")
            a, op, b = value(m.group(1)), m.group(2), value(m.group(3))
            result = result and ((a == b) if op == "==" else (a != b))
        return result

    def substitute(text):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: value(m.group(1)), str(text))

    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("id", "?"))
        cond = step.get("if")
        runs = condition(cond) if cond else not failed
        entry = {"name": name, "ran": runs}
        if not runs:
            report["steps"].append(entry)
            continue
        if "uses" in step:
            entry["uses"] = step["uses"]
            entry["with"] = {k: substitute(v) for k, v in step.get("with", {}).items()}
            report["steps"].append(entry)
            continue
        env = dict(os.environ)
        with open(files["path"]) as f:
            extra = [l.strip() for l in f if l.strip()]
        env["PATH"] = os.pathsep.join(list(reversed(extra)) + [env["PATH"]])
        env.update(GITHUB_ACTION_PATH=action_dir, GITHUB_PATH=files["path"],
                   GITHUB_OUTPUT=files["output"], GITHUB_STEP_SUMMARY=files["summary"],
                   GITHUB_WORKSPACE=workdir, CI="true", GITHUB_ACTIONS="true")
        for k, v in step.get("env", {}).items():
            env[k] = substitute(v)
        open(files["output"], "w").close()
        proc = subprocess.run(["bash", "-e", "-c", substitute(step["run"])], cwd=workdir, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        entry["status"] = proc.returncode
        entry["log"] = proc.stdout[-2000:]
        outputs = {}
        with open(files["output"]) as f:
            for line in f:
                if "=" in line:
                    k, v = line.rstrip("\n").split("=", 1)
                    outputs[k] = v
        if "id" in step:
            steps_out[step["id"]] = outputs
        if proc.returncode != 0 and not failed:
            failed = True
            report["status"] = proc.returncode
        report["steps"].append(entry)
    for k, v in action.get("outputs", {}).items():
        report["outputs"][k] = substitute(v["value"])
    with open(files["summary"]) as f:
        report["summary"] = f.read()
    json.dump(report, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
