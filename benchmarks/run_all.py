"""`make bench`: run every performance benchmark in turn; each writes its figures into docs/performance/."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITE = ["bench_advise.py", "bench_ranking.py", "bench_io_vs_fio.py", "tabular_parse.py"]


def main():
    failed = []
    for script in SUITE:
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode:
            failed.append(script)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
