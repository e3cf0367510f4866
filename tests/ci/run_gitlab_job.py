#!/usr/bin/env python3
"""Runs one job of a .gitlab-ci.yml the way a GitLab runner's shell executor does, offline:
the global and job `variables`, then `before_script` and `script` lines in one bash session
that stops at the first failing line (the runner's `set -eo pipefail`), in the project
directory, with the predefined variables the job reads given on the command line. Checks that
the job's `rules` admit the pipeline source, and lists the artifacts it declares and whether
each exists afterwards.

Usage: run_gitlab_job.py CI_FILE JOB PROJECT_DIR [VAR=value ...]
Prints {"status": exit status, "artifacts": {"junit": {path: exists}, "paths": {...}}, "log"}."""
import json
import os
import re
import subprocess
import sys

import yaml


def main():
    ci_file, job_name, project = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    predefined = dict(a.split("=", 1) for a in sys.argv[4:])
    with open(ci_file) as f:
        ci = yaml.safe_load(f)
    job = ci[job_name]
    env = dict(os.environ)
    env.update(CI="true", GITLAB_CI="true", CI_PROJECT_DIR=project, CI_JOB_NAME=job_name)
    env.update(predefined)
    for k, v in {**ci.get("variables", {}), **job.get("variables", {})}.items():
        env[k] = str(v)
    for rule in job.get("rules", []):
        m = re.fullmatch(r'\$(\w+)\s*==\s*"(.*)"', rule.get("if", "").strip())
        assert m, f"rule not supported by this runner: {rule}"
        if env.get(m.group(1)) != m.group(2):
            print(json.dumps({"status": None, "skipped": True}))
            return
    lines = list(job.get("before_script", [])) + list(job.get("script", []))
    script = "set -eo pipefail\n" + "\n".join(lines) + "\n"
    proc = subprocess.run(["bash", "-c", script], cwd=project, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    artifacts = job.get("artifacts", {})
    def exists(paths):
        return {p: os.path.exists(os.path.join(project, p)) for p in paths}
    report = {
        "status": proc.returncode,
        "log": proc.stdout[-3000:],
        "artifacts": {
            "junit": exists(artifacts.get("reports", {}).get("junit", [])),
            "paths": exists(artifacts.get("paths", [])),
        },
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
